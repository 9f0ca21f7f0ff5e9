"""Videos, posts and maps from other sites inside an article, loaded only after consent.

An editor pastes a link to a supported provider on a line of its own (a paragraph holding only
that link). On save it becomes the body's embed element,

    <figure data-embed="youtube"><a href="https://youtu.be/...">...</a></figure>

recomputed from the link every time (the sanitizer drops any posted attribute first), so the
body never holds a provider's HTML, a forged source or an <iframe>. On the page, `render`
turns each element into the provider's frame when the reader allows the External media category,
else into a placeholder of the same size: what it is, what allowing it means, "Load this once",
"Always allow", and a plain link to the original. Before consent nothing is requested from the
provider: no frame, no thumbnail, no script.
"""

import hashlib
import re
from dataclasses import dataclass
from html import escape, unescape
from urllib.parse import parse_qs, quote, urlsplit

from django.conf import settings
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe


@dataclass(frozen=True)
class Embed:
    provider: str
    name: str
    url: str  # the original, as the editor pasted it
    frame: str  # what the frame loads
    shape: str  # the placeholder's (and frame's) proportions: video, post, tall or map
    title: str


NAMES = {
    "youtube": "YouTube", "vimeo": "Vimeo", "x": "X (Twitter)", "instagram": "Instagram",
    "telegram": "Telegram", "facebook": "Facebook", "tiktok": "TikTok", "maps": "Google Maps",
}  # fmt: skip
SHAPES = {
    "youtube": "video", "vimeo": "video", "x": "post", "instagram": "post", "telegram": "post",
    "facebook": "post", "tiktok": "tall", "maps": "map",
}  # fmt: skip
ID = r"[A-Za-z0-9_-]+"


def by_path(pattern: str, frame_path: str):
    """A link whose path matches `pattern` loads `frame_path`, filled with the path's parts."""

    def parse(host, path, query, url):
        found = re.fullmatch(pattern, path)
        return found and frame_path.format(*found.groups())

    return parse


def _youtube(host, path, query, url):
    if host == "youtu.be":
        return by_path(rf"/({ID})/?", "/embed/{}")(host, path, query, url)
    if path == "/watch":
        found = re.fullmatch(ID, query.get("v", [""])[0])
        return found and f"/embed/{found.group(0)}"
    return by_path(rf"/(?:shorts|embed|live)/({ID})/?", "/embed/{}")(host, path, query, url)


def _facebook(host, path, query, url):
    found = re.fullmatch(r"/[\w.-]+/(posts|videos)/[\w.-]+/?", path)
    kind = found and {"posts": "post", "videos": "video"}[found.group(1)]
    return found and f"/plugins/{kind}.php?href={quote(url, safe='')}"


def _maps(host, path, query, url):
    if path.startswith("/maps/place/"):
        place = path.removeprefix("/maps/place/").split("/")[0]
    elif path == "/maps" and query.get("q"):
        place = query["q"][0]
    else:
        return None
    return f"/maps?q={quote(unescape(place).replace('+', ' '), safe='')}&output=embed"


# Provider: (the hosts its links live on, what a link becomes in the provider's frame origin)
PARSERS = {
    "youtube": ({"youtube.com", "www.youtube.com", "m.youtube.com", "youtu.be"}, _youtube),
    "vimeo": ({"vimeo.com", "www.vimeo.com"}, by_path(r"/(?:video/)?(\d+)/?", "/video/{}?dnt=1")),
    "x": (
        {"x.com", "www.x.com", "twitter.com", "www.twitter.com", "mobile.twitter.com"},
        by_path(rf"/{ID}/status/(\d+)/?", "/embed/Tweet.html?id={}&dnt=true"),
    ),
    "instagram": (
        {"instagram.com", "www.instagram.com"}, by_path(rf"/(p|reel)/({ID})/?", "/{}/{}/embed/")
    ),
    "telegram": ({"t.me"}, by_path(rf"/({ID})/(\d+)/?", "/{}/{}?embed=1")),
    "facebook": ({"facebook.com", "www.facebook.com", "m.facebook.com"}, _facebook),
    "tiktok": (
        {"tiktok.com", "www.tiktok.com"}, by_path(r"/@[\w.-]+/video/(\d+)/?", "/embed/v2/{}")
    ),
    "maps": ({"google.com", "www.google.com", "maps.google.com"}, _maps),
}  # fmt: skip


def enabled() -> list[str]:
    return [name for name in settings.EMBED_PROVIDERS if name in PARSERS]


def supported_names() -> str:
    return ", ".join(NAMES[name] for name in enabled())


def parse(url: str, title: str = "") -> Embed | None:
    """The embed a link makes, or None for a link to anything else."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or parts.username or parts.port:
        return None
    host, query = (parts.hostname or "").lower(), parse_qs(parts.query)
    for name in enabled():
        hosts, make = PARSERS[name]
        if host in hosts:
            path = make(host, parts.path, query, url)
            if not path:
                return None
            frame = settings.EMBED_FRAME_ORIGINS[name] + path
            shown = title if title and title != url else ""
            return Embed(name, NAMES[name], url, frame, SHAPES[name], shown)
    return None


def looks_like_media(url: str) -> bool:
    """A link to a provider's host (supported or not) that did not make an embed."""
    host = (urlsplit(url).hostname or "").lower()
    known = set().union(*(hosts for hosts, _ in PARSERS.values()))
    media_hosts = known | {
        "dailymotion.com", "www.dailymotion.com", "soundcloud.com", "rutube.ru", "vk.com",
        "ok.ru", "twitch.tv", "www.twitch.tv", "threads.net", "www.threads.net", "bsky.app",
    }  # fmt: skip
    return host in media_hosts


# What the editor writes: a paragraph that is only a link, whatever (sanitized) attributes the
# editor's link button gave it (title="", rel), or only an address typed or pasted as text (the
# editor's autolink may not have linked it; an imported article's address line never is).
# An embed element saved before is a figure holding only its link once sanitized again.
LINK_LINE = re.compile(
    r"<(?P<tag>p|figure)>\s*<a (?P<attributes>[^>]*)>(?P<text>[^<]*)</a>\s*</(?P=tag)>"
)
ADDRESS_LINE = re.compile(r"<p>\s*(?P<text>https?://[^\s<]+)\s*</p>")
HREF = re.compile(r'(?:^|\s)href="(?P<href>[^"]*)"')
STORED = re.compile(
    r'<figure data-embed="(?P<provider>[a-z]+)"><a href="(?P<href>[^"]+)"'
    r'(?: rel="noopener noreferrer")?>(?P<text>[^<]*)</a></figure>'
)


@dataclass(frozen=True)
class Line:
    """A paragraph holding only a link or only an address (`html` is escaped, `href` is not)."""

    found: re.Match
    href: str
    text: str  # as written, escaped

    @property
    def is_bare_address(self) -> bool:
        """The line shows the address itself (not words of its own)."""
        return unescape(self.text).strip() == self.href


def lines(html: str) -> list[Line]:
    """Every paragraph of `html` that holds only a link or only an address, in order."""
    found = []
    for match in LINK_LINE.finditer(html):
        href = HREF.search(match["attributes"])
        if href:
            found.append(Line(match, unescape(href["href"]), match["text"]))
    found += [Line(m, unescape(m["text"]), m["text"]) for m in ADDRESS_LINE.finditer(html)]
    return sorted(found, key=lambda line: line.found.start())


def mark(html: str) -> str:
    """Each paragraph holding only a link to a supported provider, or only its address,
    becomes an embed element. `html` is sanitized: no data-embed survives from what was posted."""
    parts, end = [], 0
    for line in lines(html):
        found = line.found
        parts.append(html[end : found.start()])
        embed = parse(line.href, unescape(line.text))
        if embed is not None:
            parts.append(
                f'<figure data-embed="{embed.provider}"><a href="{escape(line.href)}">'
                f"{line.text}</a></figure>"
            )
        elif found.re is LINK_LINE and found["tag"] == "figure":
            # An embed whose provider was switched off since: a link again.
            parts.append(f'<p><a href="{escape(line.href)}">{line.text}</a></p>')
        else:
            parts.append(found.group(0))
        end = found.end()
    parts.append(html[end:])
    return "".join(parts)


def unsupported_bare_links(html: str) -> list[str]:
    """Addresses on a line of their own (linked or not, showing the address itself) to a media
    site this portal does not embed."""
    return [
        line.href
        for line in lines(html)
        if line.is_bare_address and looks_like_media(line.href) and parse(line.href) is None
    ]


def variant(html: str, consent) -> str:
    """What `render(html, consent)` depends on of the reader's consent, as a short name: nothing
    for a text without embeds; else the categories granted and the policy the placeholders name
    (its version and language, and the External media category as it reads now)."""
    if consent is None or not STORED.search(html):
        return ""
    policy = consent.policy
    key = settings.EMBED_CONSENT_CATEGORY
    category = next((c for c in policy.categories if c.key == key), None)
    shown = (policy.version, policy.language, sorted(consent.granted), repr(category))
    return hashlib.blake2b(repr(shown).encode(), digest_size=8).hexdigest()


def render(html: str, consent, next_url: str = "/") -> str:
    """The body with each embed element as the provider's frame, when `consent` (the reader's,
    from the consent app) grants the category, else as a placeholder."""
    count = 0
    key = settings.EMBED_CONSENT_CATEGORY
    allowed = consent is not None and key in consent.granted
    policy = getattr(consent, "policy", None)
    category = next((c for c in getattr(policy, "categories", []) if c.key == key), None)

    def replace(found):
        nonlocal count
        embed = parse(unescape(found["href"]), unescape(found["text"]))
        if embed is None:  # a provider switched off since: the link stays a link
            return f'<p><a href="{found["href"]}">{found["text"] or escape(found["href"])}</a></p>'
        count += 1
        return render_to_string(
            "articles/_embed.html",
            {"embed": embed, "allowed": allowed, "number": count, "consent": consent,
             "category": category, "next_url": next_url},
        ).strip()  # fmt: skip

    return mark_safe(STORED.sub(replace, html))
