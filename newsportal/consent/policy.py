"""The current cookie policy as a small immutable snapshot, kept so pages never query for it."""

from dataclasses import dataclass, field, replace

from django.conf import settings
from django.utils.translation import get_language

from newsportal import invalidation


@dataclass(frozen=True)
class CookieInfo:
    name: str
    purpose: str
    duration: str
    provider: str
    domain: str

    @property
    def is_prefix(self) -> bool:
        return self.name.endswith("*")


@dataclass(frozen=True)
class Category:
    key: str
    name: str
    description: str
    is_necessary: bool
    cookies: tuple[CookieInfo, ...]


@dataclass(frozen=True)
class PolicySnapshot:
    version: int
    banner_text: str
    policy_text: str
    categories: tuple[Category, ...]
    # The newest version that asked everyone again: a decision made under it or later holds.
    material_version: int = 0
    language: str = settings.LANGUAGE_CODE  # of the texts
    # {language: PolicyTranslation texts}; and the snapshots made from them
    translations: dict = field(default_factory=dict, compare=False, repr=False)
    _localized: dict = field(default_factory=dict, compare=False, repr=False)
    # What templates rendered from this snapshot once and reuse (consent/templatetags)
    rendered: dict = field(default_factory=dict, compare=False, repr=False)

    def localized(self, language: str) -> "PolicySnapshot":
        """The same version with its texts in `language` where it has them, else in English
        (what is missing in a translation stays English: never an empty text)."""
        texts = self.translations.get(language)
        if not texts:
            return self
        if language not in self._localized:
            named = texts.get("categories") or {}
            self._localized[language] = replace(
                self,
                banner_text=texts["banner_text"] or self.banner_text,
                policy_text=texts["policy_text"] or self.policy_text,
                categories=tuple(translate(c, named.get(c.key) or {}) for c in self.categories),
                language=language,
                translations={},
                _localized={},
                rendered={},
            )
        return self._localized[language]

    def still_holds(self, decided_under: int) -> bool:
        """Whether a decision made under version `decided_under` answers this version."""
        return self.material_version <= decided_under <= self.version

    @property
    def optional_keys(self) -> frozenset[str]:
        """The categories a visitor may accept or decline."""
        return frozenset(c.key for c in self.categories if not c.is_necessary)

    @property
    def optional_categories(self) -> tuple[Category, ...]:
        return tuple(c for c in self.categories if not c.is_necessary)


def load_policy() -> PolicySnapshot:
    """Read the newest published version, with the categories frozen in it (one query)."""
    from django.db.models import Subquery

    from newsportal.consent.models import CookieCategory, CookiePolicy, freeze_categories

    material = CookiePolicy.objects.filter(is_material=True).order_by("-version")
    policy = (
        CookiePolicy.objects.annotate(material_version=Subquery(material.values("version")[:1]))
        .prefetch_related("translations")
        .order_by("-version")
        .first()
    )
    if policy is None:  # nothing published yet: the categories as they stand
        return PolicySnapshot(
            0, "This site uses cookies.", "", thaw(freeze_categories(CookieCategory))
        )
    translations = {
        t.language: {"banner_text": t.banner_text, "policy_text": t.policy_text,
                     "categories": t.categories}
        for t in policy.translations.all()
    }  # fmt: skip
    return PolicySnapshot(
        policy.version, policy.banner_text, policy.policy_text, thaw(policy.categories),
        policy.material_version or 0, translations=translations,
    )  # fmt: skip


def translate(category: Category, texts: dict) -> Category:
    purposes = texts.get("cookies") or {}
    return replace(
        category,
        name=texts.get("name") or category.name,
        description=texts.get("description") or category.description,
        cookies=tuple(
            replace(cookie, purpose=purposes.get(cookie.name) or cookie.purpose)
            for cookie in category.cookies
        ),
    )


def thaw(frozen: list[dict]) -> tuple[Category, ...]:
    return tuple(
        Category(
            key=c["key"], name=c["name"], description=c["description"],
            is_necessary=c["is_necessary"],
            cookies=tuple(CookieInfo(**cookie) for cookie in c["cookies"]),
        )
        for c in frozen
    )  # fmt: skip


POLICY_KEY = "policy"  # the purge key of everything that shows the policy: every HTML page
_snapshot = {"stamp": None, "policy": None}


def current_policy(request=None) -> PolicySnapshot:
    """The snapshot this process holds, reloaded when the policy is purged.

    Any edit of the policy, a category or a cookie purges POLICY_KEY after commit
    (consent/signals.py), so the check costs one cache read per request and no query.
    Kept in the process rather than in the shared cache because it pays: a page rendered for a
    visitor (its parts kept) is served 30% faster, against a 5% run-to-run spread
    (tests/perf/tricks.py, part of make bench). A page from the page cache does not read it.
    """
    stamp = invalidation.stamps([POLICY_KEY], request)[POLICY_KEY]
    if not stamp:  # never purged, or the cache was emptied since the snapshot was taken
        stamp = invalidation.started_stamp(POLICY_KEY)
    if _snapshot["stamp"] != stamp:
        _snapshot.update(policy=load_policy(), stamp=stamp)
    return _snapshot["policy"].localized(get_language() or settings.LANGUAGE_CODE)
