"""What a visitor has decided, read from their signed cookie without touching the database."""

import ipaddress
from dataclasses import dataclass, field
from http.cookies import Morsel

from django.conf import settings
from django.utils.text import get_text_list
from django.utils.translation import gettext as _

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
        if self.gpc and not self.record_id:
            return "gpc"  # declined by the browser, not by the visitor: said so, cached apart
        if not self.granted:
            return "declined"
        if self.granted >= self.policy.optional_keys:
            return "accepted"
        return "custom"

    @property
    def saved_message(self) -> str:
        """What the page says once a decision is saved (static/js/consent.js shows it)."""
        if self.state == "accepted":
            return _("Saved: you accepted all cookies.")
        if self.state == "declined":
            return _("Saved: you declined all optional cookies.")
        names = [c.name.lower() for c in self.policy.optional_categories if c.key in self.granted]
        return _("Saved: you allowed: %(categories)s.") % {"categories": ", ".join(names)}

    @property
    def label(self) -> str:
        """The state in a few words, for the way back into the settings on every page."""
        if self.state == "custom":
            names = [
                c.name.lower() for c in self.policy.optional_categories if c.key in self.granted
            ]
            return _("%(categories)s allowed") % {"categories": get_text_list(names, _("and"))}
        return {
            "undecided": _("not decided"),
            "gpc": _("declined by Global Privacy Control"),
            "declined": _("declined"),
            "accepted": _("all allowed"),
        }[self.state]


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


def cookie_lifetime(granted) -> int:
    """Seconds a decision holds: a decline is not asked again within the quiet period."""
    if granted:
        return settings.CONSENT_MAX_AGE
    return max(settings.CONSENT_MAX_AGE, settings.CONSENT_DECLINE_QUIET)


def current_decision(request) -> tuple[int, str, frozenset[str]] | None:
    """The cookie's decision if it has not expired (a decline lives longer, see above)."""
    parsed = parse_cookie(request, max_age=cookie_lifetime(()))
    if parsed is not None and parsed[2] and cookie_lifetime(parsed[2]) < cookie_lifetime(()):
        parsed = parse_cookie(request, max_age=cookie_lifetime(parsed[2]))
    return parsed


def sends_gpc(request) -> bool:
    """Exactly `Sec-GPC: 1`, as the edge hashes it (deploy/varnish/newsportal.vcl): "1 " or two
    headers must not give a cached page a state the edge did not key it on."""
    return request.headers.get("Sec-GPC") == "1"


def without_decision(policy: PolicySnapshot, request) -> Consent:
    """No decision of the visitor's: Global Privacy Control counts as a decline of everything
    optional, without a record."""
    gpc = sends_gpc(request)
    return Consent(policy, decided=gpc, gpc=gpc)


def read_consent(request) -> Consent:
    policy = current_policy(request)
    parsed = current_decision(request)
    if parsed is not None and policy.still_holds(parsed[0]):
        _, record_id, granted = parsed
        granted &= policy.optional_keys
        return Consent(policy, True, granted, record_id, sends_gpc(request))
    return without_decision(policy, request)


def page_variant(request) -> str | None:
    """The page cache's variant for this request, from the cookie alone (registered in apps.py).

    The decision as the cookie holds it (policy version and granted categories, never the
    visitor's id), and Global Privacy Control: the same string the edge computes from the same
    headers (deploy/varnish/newsportal.vcl), so both layers share one object per state. A cookie
    that is present but not validly signed is None: its page must not be shared with anyone.
    """
    gpc = ":gpc" if sends_gpc(request) else ""
    if settings.CONSENT_COOKIE_NAME not in request.COOKIES:
        return f"none{gpc}"
    parsed = current_decision(request)
    if parsed is None:
        return None
    version, _, granted = parsed
    return f"v{version}:{'+'.join(sorted(granted))}{gpc}"


def html_pages_show_the_policy(request, response) -> tuple[str, ...]:
    """Every HTML page carries the policy's key: it shows the banner or the decision."""
    return (POLICY_KEY,) if response.get("Content-Type", "").startswith("text/html") else ()


def expire_declined_cookies(request, response, consent: Consent) -> None:
    """Withdrawal really stops tracking: drop the first-party cookies of declined categories,
    on this host and on each domain above it (Google Analytics sets `_ga` on the registrable
    domain, `.example.com`, and a deletion without that domain leaves it in place)."""
    domains = cookie_domains(request)
    for category in consent.policy.optional_categories:
        if category.key in consent.granted:
            continue
        for cookie in category.cookies:
            if not LEGAL_NAME.match(cookie.name):
                continue  # saved before names were checked: it names no cookie a browser has
            if cookie.domain and not ours(request, cookie.domain):
                continue  # another site's cookie (an embed's): the browser keeps it from us
            if cookie.is_prefix:
                prefix = cookie.name[:-1]
                names = [n for n in request.COOKIES if n.startswith(prefix) and LEGAL_NAME.match(n)]
            else:
                names = [cookie.name]
            for name in names:
                for domain in {*domains, cookie.domain or None}:
                    delete_cookie(response, name, domain)


def ours(request, domain: str) -> bool:
    """Whether a cookie set on `domain` belongs to this site (this host or a domain above it)."""
    host, domain = request.get_host().split(":")[0].lower(), domain.lstrip(".").lower()
    return host == domain or host.endswith(f".{domain}")


def cookie_domains(request) -> list[str | None]:
    """None (this host only), then every parent domain of the host that a cookie may name.

    Browsers refuse a cookie for a public suffix (`co.uk`), so naming one costs a header and
    nothing else, and needs no public-suffix list here.
    """
    host = request.get_host().rsplit(":", 1)[0].rstrip(".").lower()
    try:
        ipaddress.ip_address(host.strip("[]"))
        return [None]
    except ValueError:
        pass
    labels = host.split(".")
    return [None, *(".".join(labels[i:]) for i in range(1, len(labels) - 1))]


def delete_cookie(response, name: str, domain: str | None) -> None:
    """Expire `name` for `domain`. Django keeps one cookie per name; a deletion per domain
    needs a header each, so each goes in under a key of its own, with the cookie's real name."""
    if domain is None:
        response.delete_cookie(name)
        return
    morsel = Morsel()
    morsel.set(name, "", '""')
    morsel.update(
        {"expires": "Thu, 01 Jan 1970 00:00:00 GMT", "max-age": 0, "path": "/", "domain": domain}
    )
    response.cookies[f"{name} {domain}"] = morsel


def set_consent_cookie(response, consent: Consent) -> None:
    response.set_signed_cookie(
        settings.CONSENT_COOKIE_NAME,
        cookie_value(consent.policy.version, consent.record_id, consent.granted),
        salt=SALT,
        max_age=cookie_lifetime(consent.granted),
        secure=settings.CONSENT_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )
