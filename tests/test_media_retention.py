"""Issue 26.3: uploaded originals are never lost by mistake: retired, kept, then purged; and the
database and the storage can be checked against each other (and repaired) after a recovery."""

from datetime import timedelta

import pytest
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.utils import timezone

from articles.models import Image, RetiredFile
from tests.images import image_bytes, upload

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_root")]


def picture(alt="Herders"):
    image = Image(alt=alt, credit="Photo: A. Sadykova", file=upload(image_bytes()))
    image.save()
    return image


def test_a_deleted_picture_keeps_its_original_only_after_the_commit(
    django_capture_on_commit_callbacks,
):
    image = picture()
    original, renditions = image.file.name, list(image.renditions.values())
    with django_capture_on_commit_callbacks() as on_commit:
        image.delete()  # not committed: nothing happens to the files yet (it may roll back)
    assert RetiredFile.objects.count() == 0
    assert all(default_storage.exists(name) for name in [original, *renditions])
    for callback in on_commit:  # the commit
        callback()
    assert not any(default_storage.exists(name) for name in renditions)
    assert default_storage.exists(original)
    assert RetiredFile.objects.get().name == original


def test_purge_deletes_what_waited_its_retention_and_keeps_the_rest(committed, settings, capsys):
    settings.MEDIA_RETENTION_DAYS = 30
    old, recent, named_again = picture("Old"), picture("Recent"), picture("Named again")
    with committed():
        for image in (old, recent, named_again):
            image.delete()
    RetiredFile.objects.filter(name=old.file.name).update(
        retired_at=timezone.now() - timedelta(days=31)
    )
    RetiredFile.objects.filter(name=named_again.file.name).update(
        retired_at=timezone.now() - timedelta(days=40)
    )
    Image.objects.create(alt="Recovered row", file=named_again.file.name)  # a recovery's doing
    call_command("purge_media")
    assert not default_storage.exists(old.file.name)
    assert default_storage.exists(recent.file.name)
    assert default_storage.exists(named_again.file.name)
    assert set(RetiredFile.objects.values_list("name", flat=True)) == {recent.file.name}
    assert "Deleted 1 retired file(s); 1 in use again kept." in capsys.readouterr().out


def test_a_takedown_purges_a_retired_file_at_once(committed):
    image = picture()
    with committed():
        image.delete()
    call_command("purge_media", "--now", image.file.name)
    assert not default_storage.exists(image.file.name)
    assert not RetiredFile.objects.exists()


def test_check_media_lists_missing_and_unnamed_files_and_repairs_renditions(capsys):
    image = picture()
    lost = image.renditions["480"]
    default_storage.delete(lost)
    stray = default_storage.save("library/stray.jpg", upload(image_bytes()))
    with pytest.raises(CommandError, match="1 file"):
        call_command("check_media")
    out = capsys.readouterr().out
    assert f"missing: {lost}" in out
    assert f"unnamed: {stray}" in out
    call_command("check_media", "--repair")  # no error: nothing is missing any more
    out = capsys.readouterr().out
    assert f"repaired: the renditions of {image.file.name}" in out
    image.refresh_from_db()
    assert all(default_storage.exists(name) for name in image.renditions.values())
    assert "0 missing" in out


def test_check_media_on_an_empty_storage_says_so(capsys):
    call_command("check_media")
    assert "0 files named, 0 missing; 0 unnamed" in capsys.readouterr().out
