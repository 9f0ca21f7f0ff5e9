"""The image library: pictures with what readers are told about them, and who may see and change
them."""

from datetime import timedelta

from django.apps import apps
from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.core.files.storage import default_storage
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from articles.media.images import (
    SHARE,
    clean_copy,
    delete_files,
    make_renditions,
    stored_name,
    validate_image,
)
from articles.models.retention import retire_on_commit


def _article():
    """The Article model (its module imports this one)."""
    return apps.get_model("articles", "Article")


class ImageQuerySet(models.QuerySet):
    def public(self):
        """Pictures a published article shows (as its cover or in its text): already news."""
        published = _article().objects.published().values("pk")
        shown = Image.objects.filter(Q(covers__in=published) | Q(shown_in__in=published))
        return self.filter(pk__in=shown.values("pk"))

    def visible_to(self, user):
        """Editors see the whole library; an Author, what they uploaded and what is public (a
        draft's picture and its description are news before it runs)."""
        if user.has_perm("articles.publish_article"):
            return self
        return self.filter(Q(uploaded_by=user) | Q(pk__in=self.public().values("pk")))

    def changeable_by(self, user):
        """Editors change any picture; an Author, only one they uploaded that no published
        article shows (a change to it would reach readers without review)."""
        if user.has_perm("articles.publish_article"):
            return self
        return self.filter(uploaded_by=user).exclude(pk__in=self.public().values("pk"))


class Image(models.Model):
    """A picture in the newsroom's library, with what readers are told about it: shown inside
    articles (one, or several side by side as a gallery) wherever an editor places it. A new
    file replaces it everywhere it is shown; it cannot be deleted while an article shows it."""

    file = models.ImageField(
        upload_to="library/%Y/%m/",
        validators=[validate_image],
        help_text="A photo as it comes (JPEG, HEIC from a phone, PNG, WebP or AVIF), at most "
        "15 MB. Location and camera data are removed.",
    )
    alt = models.CharField(
        "alt text",
        max_length=250,
        help_text="What the picture shows, for readers who cannot see it.",
    )
    caption = models.CharField(
        max_length=300,
        blank=True,
        help_text="Shown under it, unless the article gives it a caption of its own.",
    )
    credit = models.CharField(
        max_length=150, blank=True, help_text="e.g. Photo: Aigerim Sadykova / Reuters"
    )
    focus_x = models.PositiveSmallIntegerField(
        "focal point, across", default=50, validators=[MaxValueValidator(100)]
    )
    focus_y = models.PositiveSmallIntegerField(
        "focal point, down", default=50, validators=[MaxValueValidator(100)]
    )
    width = models.PositiveIntegerField(null=True, editable=False)
    height = models.PositiveIntegerField(null=True, editable=False)
    renditions = models.JSONField(default=dict, editable=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(auto_now_add=True, db_index=True)
    objects = ImageQuerySet.as_manager()
    _loaded_file = ("", {})  # (stored name, renditions) as loaded: replaced files go on commit

    class Meta:
        ordering = ["-uploaded_at", "-id"]
        indexes = [
            GinIndex(fields=["alt"], name="image_alt_trgm_idx", opclasses=["gin_trgm_ops"]),
        ]

    def __str__(self):
        return self.alt

    def save(self, *args, **kwargs):
        written = {}
        if self.file and not self.file._committed:
            content, extension, image = clean_copy(self.file.file)
            # Never the alt text in the name: a draft's picture description is news, and the
            # file's address is public.
            self.file.save(stored_name("image", extension), content, save=False)
            self.width, self.height = image.size
            self.renditions = make_renditions(image, self.file.name)
            written = {"name": self.file.name, "renditions": self.renditions}
        try:
            super().save(*args, **kwargs)
        except Exception:
            if written:
                delete_files(**written)  # no row names them: leave nothing behind
            raise
        loaded_name, loaded_renditions = self._loaded_file
        if loaded_name and loaded_name != self.file.name:
            retire_on_commit(loaded_name, loaded_renditions)  # replaced everywhere
        self._loaded_file = (self.file.name, self.renditions)

    def delete(self, *args, **kwargs):
        name, renditions = self.file.name, self.renditions
        result = super().delete(*args, **kwargs)
        retire_on_commit(name, renditions)
        return result

    @classmethod
    def from_db(cls, db, field_names, values, **kwargs):
        image = super().from_db(db, field_names, values, **kwargs)
        if "file" in field_names and "renditions" in field_names:
            image._loaded_file = (image.file.name or "", image.renditions)
        return image

    @property
    def url(self) -> str:
        """Where the editor's copy points (the stored file)."""
        return self.file.url if self.file else ""

    @property
    def srcset(self) -> str:
        return ", ".join(
            f"{default_storage.url(name)} {width}w" for width, name in self.widths.items()
        )

    @property
    def widths(self) -> dict[str, str]:
        """The WebP renditions by width (not the link preview's JPEG)."""
        return {width: name for width, name in self.renditions.items() if width.isdigit()}

    def _rendition_url(self, pick) -> str:
        """The rendition whose width `pick` (min or max) chooses, else the file itself."""
        if widths := self.widths:
            return default_storage.url(widths[pick(widths, key=int)])
        return self.url

    @property
    def share_url(self) -> str:
        """A JPEG for link previews (og:image): the one made for them, else the file itself
        where it is a JPEG or PNG (pictures added before), else the largest rendition."""
        if name := self.renditions.get(SHARE):
            return default_storage.url(name)
        if self.file and self.file.name.lower().endswith((".jpg", ".jpeg", ".png")):
            return self.url
        return self.largest_url

    @property
    def thumbnail_url(self) -> str:
        return self._rendition_url(min)

    @property
    def largest_url(self) -> str:
        return self._rendition_url(max)

    @property
    def focus_class(self) -> str:
        """Where crops of it centre, as CSS classes in steps of 10 % (site.css): the site's
        policy allows no inline styles."""
        return f"fx-{round(self.focus_x, -1)} fy-{round(self.focus_y, -1)}"


def upload_quota_error(user) -> str | None:
    """Why `user` may not add another picture now (UPLOADS_PER_HOUR each), else None: every
    upload costs renditions and storage, and an account taken over must not fill the disk."""
    if user is None or not user.is_authenticated:
        return None
    since = timezone.now() - timedelta(hours=1)
    count = Image.objects.filter(uploaded_by=user, uploaded_at__gte=since).count()
    if count < settings.UPLOADS_PER_HOUR:
        return None
    return (
        f"You have added {count} pictures in the last hour, the most one person may add: "
        "wait a little, or ask an Editor."
    )
