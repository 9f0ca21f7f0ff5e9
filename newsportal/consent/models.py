import uuid

from django.core.validators import RegexValidator
from django.db import IntegrityError, models, transaction
from django.db.models import Max

from newsportal.long_lists import LongListQuerySet


def freeze_categories(CookieCategory) -> list[dict]:
    """The categories and their cookies as they are now, to be kept with a published version.

    Takes the model class so that data migrations can pass their historical one.
    """
    return [
        {
            "key": c.key, "name": c.name, "description": c.description,
            "is_necessary": c.is_necessary,
            "cookies": [
                {"name": k.name, "purpose": k.purpose, "duration": k.duration,
                 "provider": k.provider, "domain": k.domain}
                for k in c.cookies.order_by("name", "id")
            ],
        }
        for c in CookieCategory.objects.order_by("order", "key")
    ]  # fmt: skip


class CookiePolicy(models.Model):
    """One published version of the cookie policy, immutable once published.

    Its banner text, policy text and the categories with their cookies (frozen at publication
    from the editable categories) are what a visitor who decided under it saw: the proof. An
    edit publishes the next version instead (admin.py).
    """

    version = models.PositiveIntegerField(
        unique=True, editable=False, help_text="Given automatically: one more than the last."
    )
    banner_text = models.TextField(
        help_text="Shown in the banner until a visitor decides. Say what the cookies are for."
    )
    policy_text = models.TextField(
        help_text="The full text of the cookie page. Blank lines split paragraphs."
    )
    is_material = models.BooleanField(
        "material change",
        default=True,
        help_text="Ask every visitor again (new purposes, new cookies, new partners). Untick "
        "for wording that changes nothing of substance: only visitors who have not decided "
        "see the banner then.",
    )
    categories = models.JSONField(
        default=list, editable=False, help_text="The categories and cookies as published."
    )
    published_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-version"]
        verbose_name_plural = "cookie policies"

    def __str__(self):
        return f"Cookie policy v{self.version}"

    def save(self, *args, **kwargs):
        if self.version is not None:
            return super().save(*args, **kwargs)
        self.categories = freeze_categories(CookieCategory)
        # Two editors publishing at the same moment: the second takes the next number.
        for attempt in range(5):
            self.version = (CookiePolicy.objects.aggregate(v=Max("version"))["v"] or 0) + 1
            try:
                with transaction.atomic():
                    return super().save(*args, **kwargs)
            except IntegrityError:
                self.pk = self.version = None
                if attempt == 4:
                    raise
        return None


class CookieCategory(models.Model):
    key = models.SlugField(
        max_length=40,
        unique=True,
        help_text="Used in templates, e.g. analytics: {% if consent.analytics %}",
    )
    name = models.CharField(max_length=80)
    description = models.TextField(help_text="What these cookies do for the visitor or for us.")
    is_necessary = models.BooleanField(
        default=False, help_text="Strictly necessary: always on, needs no consent."
    )
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "key"]
        verbose_name_plural = "cookie categories"

    def __str__(self):
        return self.name


# A cookie name is an RFC 6265 token; a trailing * marks a prefix (_ga_* is every _ga_... cookie).
cookie_name = RegexValidator(
    r"^[!#$%&'+\-.^_`|~0-9A-Za-z]+\*?$",
    "One cookie name per line, letters, digits and !#$%%&'+-.^_`|~ only, with * only at the end "
    "for a prefix (e.g. _ga_*). Add several cookies as several rows.",
)


class Cookie(models.Model):
    category = models.ForeignKey(CookieCategory, on_delete=models.CASCADE, related_name="cookies")
    name = models.CharField(
        max_length=100,
        validators=[cookie_name],
        help_text="Exact name, or a prefix ending in * (e.g. _ga_*).",
    )
    purpose = models.CharField(max_length=300)
    duration = models.CharField(max_length=60, help_text="e.g. 180 days, or Session")
    provider = models.CharField(max_length=100, default="This site")
    domain = models.CharField(
        max_length=100, blank=True, help_text="Domain the cookie is set on, if not this host only."
    )

    class Meta:
        ordering = ["category", "name"]

    def __str__(self):
        return self.name


class ConsentRecord(models.Model):
    """A visitor's current decision, named by a random id kept in their signed cookie."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    choices = models.JSONField(help_text="Granted or not, per optional category key.")
    policy_version = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)
    objects = LongListQuerySet.as_manager()

    class Meta:
        ordering = ["-updated_at"]

    def __str__(self):
        return str(self.public_id)


class ConsentEvent(models.Model):
    """One decision, as it was made. Append-only: the database refuses updates."""

    class Action(models.TextChoices):
        ACCEPT = "accept", "Accept all"
        DECLINE = "decline", "Decline"
        CHOOSE = "choose", "Choose"
        WITHDRAW = "withdraw", "Withdraw (forget me)"

    record = models.ForeignKey(ConsentRecord, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=10, choices=Action)
    choices = models.JSONField()
    policy_version = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    client_ip_prefix = models.CharField(
        max_length=50, blank=True, help_text="The client network, never the full address."
    )
    user_agent_family = models.CharField(max_length=30, blank=True)
    language = models.CharField(
        max_length=15, blank=True, help_text="The language of the text the visitor was shown."
    )
    gpc = models.BooleanField(
        "Global Privacy Control", default=False, help_text="The browser sent Sec-GPC: 1."
    )
    objects = LongListQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["action", "created_at"], name="consent_event_action_idx")]

    def __str__(self):
        return f"{self.get_action_display()} (policy v{self.policy_version})"


class ConsentTally(models.Model):
    """Events counted per hour, outcome, policy version, GPC and granted categories.

    Kept by PostgreSQL itself (a trigger on every inserted event, migration 0007), so it can
    never disagree with the events: the dashboard reads a few thousand rows here instead of
    aggregating a million events (1.1 s on the bench machine).
    """

    hour = models.DateTimeField()
    action = models.CharField(max_length=10, choices=ConsentEvent.Action)
    policy_version = models.PositiveIntegerField()
    gpc = models.BooleanField()
    granted = models.CharField(max_length=500, help_text="The granted categories, a+b.")
    events = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["hour", "action", "policy_version", "gpc", "granted"],
                name="consent_tally_unique",
            )
        ]

    def __str__(self):
        return f"{self.hour:%Y-%m-%d %H:00} {self.action}: {self.events}"


def translated_languages():
    from django.conf import settings

    return [(code, name) for code, name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]


class PolicyTranslation(models.Model):
    """A published version's texts in another language. A language without one is shown the
    English texts (never an empty banner), and a decision records which language was shown."""

    policy = models.ForeignKey(CookiePolicy, on_delete=models.CASCADE, related_name="translations")
    language = models.CharField(max_length=7, choices=translated_languages)
    banner_text = models.TextField()
    policy_text = models.TextField(help_text="Blank lines split paragraphs.")
    categories = models.JSONField(
        default=dict,
        blank=True,
        help_text='Per category key: {"analytics": {"name": "…", "description": "…", '
        '"cookies": {"_ga": "its purpose"}}}. What is missing is shown in English.',
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["policy", "language"],
                name="policy_translation_once_per_language",
                violation_error_message="This version already has a text in this language.",
            )
        ]

    def __str__(self):
        return f"{self.policy} ({self.language})"

    def clean(self):
        from django.core.exceptions import ValidationError

        known = {c["key"] for c in self.policy.categories} if self.policy_id else set()
        if not isinstance(self.categories, dict) or not all(
            isinstance(v, dict) for v in self.categories.values()
        ):
            raise ValidationError({"categories": "A category key, then its texts, as shown."})
        unknown = set(self.categories) - known
        if unknown:
            raise ValidationError(
                {"categories": f"Not categories of this version: {', '.join(sorted(unknown))}."}
            )
