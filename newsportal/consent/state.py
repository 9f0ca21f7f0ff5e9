"""What a visitor has decided, read from their signed cookie without touching the database."""

from dataclasses import dataclass, field

from django.conf import settings

from newsportal.consent.models import cookie_name
from newsportal.consent.policy import POLICY_KEY, PolicySnapshot, current_policy

SALT = "newsportal.consent"
LEGAL_NAME = cookie_name.regex  # the validator's own pattern, already compiled


@dataclass(frozen=True)
class Consent:
    """A visitor's consent for the current policy. `consent.analytics` is True when granted."""

    policy: PolicySnapshot
    decided: bool = False
    granted: frozenset[str] = field(default_factory=frozenset)
    record_id: str = ""
    gpc: bool = False

    def __getitem__(self, key):
        # Templates look up `consent.<category key>` as an item first.
        for category in self.policy.categories:
            if category.key == key:
                return category.is_necessary or key in self.granted
        raise KeyError(key)

    @property
    def state(self) -> str:
        if not self.decided:
            return "undecided"
        if not self.granted:
            return "declined"
        if self.granted >= self.policy.optional_keys:
            return "accepted"
        return "custom"


def cookie_value(policy_version: int, record_id: str, granted) -> str:
    return f"{policy_version}.{record_id}.{'+'.join(sorted(granted))}"


def parse_cookie(request, *, max_age=None) -> tuple[int, str, frozenset[str]] | None:
    """The (policy version, record id, granted keys) in a validly signed cookie, else None."""
    raw = request.get_signed_cookie(
        settings.CONSENT_COOKIE_NAME, default=None, salt=SALT, max_age=max_age
    )
    if raw is None:
        return None
    try:
        version, record_id, granted = raw.split(".", 2)
        return int(version), record_id, frozenset(filter(None, granted.split("+")))
    except ValueError:
        return None


def read_consent(request) -> Consent:
    policy = current_policy(request)
    gpc = request.headers.get("Sec-GPC", "").strip() == "1"
    parsed = parse_cookie(request, max_age=settings.CONSENT_MAX_AGE)
    if parsed is not None and parsed[0] == policy.version:
        _, record_id, granted = parsed
        return Consent(policy, True, granted & policy.optional_keys, record_id, gpc)
    # Global Privacy Control counts as a decline of everything optional, without a record.
    return Consent(policy, decided=gpc, gpc=gpc)


def page_variant(request) -> str | None:
    """The page cache's variant for this request, from the cookie alone (registered in apps.py).

    The decision as the cookie holds it (policy version and granted categories, never the
    visitor's id), and Global Privacy Control: the same string the edge computes from the same
    headers (deploy/varnish/newsportal.vcl), so both layers share one object per state. A cookie
    that is present but not validly signed is None: its page must not be shared with anyone.
    """
    gpc = ":gpc" if request.headers.get("Sec-GPC", "").strip() == "1" else ""
    if settings.CONSENT_COOKIE_NAME not in request.COOKIES:
        return f"none{gpc}"
    parsed = parse_cookie(request, max_age=settings.CONSENT_MAX_AGE)
    if parsed is None:
        return None
    version, _, granted = parsed
    return f"v{version}:{'+'.join(sorted(granted))}{gpc}"


def html_pages_show_the_policy(request, response) -> tuple[str, ...]:
    """Every HTML page carries the policy's key: it shows the banner or the decision."""
    return (POLICY_KEY,) if response.get("Content-Type", "").startswith("text/html") else ()


def expire_declined_cookies(request, response, consent: Consent) -> None:
    """Withdrawal really stops tracking: drop the first-party cookies of declined categories."""
    for category in consent.policy.optional_categories:
        if category.key in consent.granted:
            continue
        for cookie in category.cookies:
            domain = cookie.domain or None
            if not LEGAL_NAME.match(cookie.name):
                continue  # saved before names were checked: it names no cookie a browser has
            if cookie.is_prefix:
                prefix = cookie.name[:-1]
                for name in request.COOKIES:
                    if name.startswith(prefix) and LEGAL_NAME.match(name):
                        response.delete_cookie(name, domain=domain)
            else:
                response.delete_cookie(cookie.name, domain=domain)


def set_consent_cookie(response, consent: Consent) -> None:
    response.set_signed_cookie(
        settings.CONSENT_COOKIE_NAME,
        cookie_value(consent.policy.version, consent.record_id, consent.granted),
        salt=SALT,
        max_age=settings.CONSENT_MAX_AGE,
        secure=settings.CONSENT_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )
