from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError
from PIL import Image as Pillow

from articles.media.files import referenced_files, stored_files
from articles.media.images import make_renditions
from articles.models import Image, RetiredFile


class Command(BaseCommand):
    help = (
        "List the files the database names that the storage lacks, and the files no row names "
        "(after a recovery: `make recover` runs it with --repair, which makes missing renditions "
        "again from their originals). Exits 1 while a named file is missing."
    )

    def add_arguments(self, parser):
        parser.add_argument("--repair", action="store_true", help="make missing renditions again")

    def handle(self, *args, repair=False, **options):
        if repair:
            self.remake_renditions()
        named, stored = referenced_files(), stored_files()
        retired = set(RetiredFile.objects.values_list("name", flat=True))
        missing = sorted(named - stored)
        unnamed = sorted(stored - named - retired)
        for name in missing:
            self.stdout.write(f"missing: {name} (named in the database, not in the storage)")
        for name in unnamed:
            self.stdout.write(f"unnamed: {name} (in the storage, named by no row)")
        self.stdout.write(
            f"{len(named)} files named, {len(missing)} missing; {len(unnamed)} unnamed; "
            f"{len(retired)} retired and kept for their retention period."
        )
        if missing:
            raise CommandError(f"{len(missing)} file(s) the database names are missing.")

    def remake_renditions(self):
        for image in Image.objects.exclude(file=""):
            lost = [name for name in image.renditions.values() if not default_storage.exists(name)]
            if not lost or not default_storage.exists(image.file.name):
                continue
            with (
                default_storage.open(image.file.name) as original,
                Pillow.open(original) as picture,
            ):
                picture.load()
                image.renditions = make_renditions(picture, image.file.name)
            Image.objects.filter(pk=image.pk).update(renditions=image.renditions)
            self.stdout.write(f"repaired: the renditions of {image.file.name}")
