"""The cookie policy shipped with the project: compliant wording, four categories, their cookies.

The data migration that installs it calls `create_default_policy` with its historical models;
tests call it with the real ones (transactional tests empty every table after the migrations).
"""

# Short enough to leave the story readable on a phone: the detail is behind "Choose" and the
# policy link, and "Cookie settings" at the foot of every page.
BANNER = (
    "With your permission we use analytics and marketing cookies to count readers and measure "
    "campaigns. Nothing optional is set until you agree."
)
POLICY = """Cookies are small files a website stores in your browser. This page lists every cookie this site may set, what it is for and how long it lasts.

Strictly necessary cookies keep the site working and secure, and remember your cookie choice. They need no consent, and the site cannot work without them.

Analytics and marketing cookies are optional. We set them only after you agree, and you can accept all, decline all or choose category by category. Declining is as easy as accepting and changes nothing in what you can read.

You can change or withdraw your choice at any time on this page. When you withdraw consent, we delete the optional cookies this site set. Your browser's Global Privacy Control signal, if it sends one, counts as declining.

We keep a record of each choice (a random identifier, what you chose, the policy version you saw, the time, your network with the last part of the address removed, and your browser's family) as proof of consent, and delete it after three years."""

# Videos, posts and maps from other sites inside articles: they load (and the sites set their
# cookies) only once a visitor allows this category, or asks for one of them once. Their
# cookies live on the providers' domains (the fifth field): listed, never ours to delete.
MEDIA = (
    "media", "External media", False, 3,
    "Videos, posts and maps from other sites (YouTube, Vimeo, X, Instagram, Telegram, Facebook, "
    "TikTok, Google Maps) shown inside articles. Those sites may set their own cookies and learn "
    "that you read the page.",
    [("VISITOR_INFO1_LIVE", "Estimates your bandwidth for YouTube videos", "6 months", "YouTube (Google)", ".youtube.com"),
     ("YSC", "Counts views of YouTube videos", "Session", "YouTube (Google)", ".youtube.com"),
     ("vuid", "Counts views of Vimeo videos", "2 years", "Vimeo", ".vimeo.com"),
     ("guest_id", "Identifies a visitor to X (Twitter) posts", "2 years", "X", ".x.com"),
     ("datr", "Identifies the browser for Facebook and Instagram security", "2 years", "Meta", ".facebook.com"),
     ("fr", "Advertising on Facebook and Instagram", "90 days", "Meta", ".facebook.com"),
     ("ttwid", "Identifies a visitor to TikTok videos", "1 year", "TikTok", ".tiktok.com"),
     ("stel_ssid", "Keeps a session for Telegram posts", "Session", "Telegram", "t.me"),
     ("NID", "Remembers preferences for Google Maps", "6 months", "Google", ".google.com")],
)  # fmt: skip
MEDIA_POLICY = (
    "External media are videos, posts and maps from other sites shown inside our articles. "
    "Until you allow them, an article shows a placeholder and a link instead, and your browser "
    "makes no request to those sites; you can also load one of them once, without allowing "
    "the category."
)

CATEGORIES = [
    ("necessary", "Strictly necessary", True, 0,
     "Needed for the site to work and be secure, and to remember your cookie choice.",
     [("consent", "Remembers your cookie choice and the policy version you saw", "180 days", "This site"),
      ("csrftoken", "Protects the editors' sign-in and forms against forged requests", "1 year", "This site"),
      ("sessionid", "Keeps editors signed in to the newsroom", "2 weeks", "This site")]),
    ("analytics", "Analytics", False, 1,
     "Count visits and see which articles are read, so we can improve our journalism. No advertising.",
     [("_ga", "Distinguishes visitors for Google Analytics", "2 years", "Google"),
      ("_ga_*", "Keeps the state of a Google Analytics session", "2 years", "Google")]),
    ("marketing", "Marketing", False, 2,
     "Measure whether our campaigns on other sites bring readers here.",
     [("_gcl_au", "Measures the effect of our advertising campaigns", "90 days", "Google")]),
    MEDIA,
]  # fmt: skip


def create_default_policy(CookiePolicy, CookieCategory, Cookie) -> None:
    from newsportal.consent.models import freeze_categories

    for key, name, necessary, order, description, cookies in CATEGORIES:
        category = CookieCategory.objects.create(
            key=key, name=name, is_necessary=necessary, order=order, description=description
        )
        Cookie.objects.bulk_create(
            Cookie(category=category, name=n, purpose=p, duration=d, provider=pr, domain=dom[0])
            for n, p, d, pr, *dom in ((*c, "") for c in cookies)
        )
    frozen = {}
    if any(field.name == "categories" for field in CookiePolicy._meta.fields):
        frozen["categories"] = freeze_categories(CookieCategory)  # else migration 0005 does it
    CookiePolicy.objects.create(
        version=1, banner_text=BANNER, policy_text=f"{POLICY}\n\n{MEDIA_POLICY}", **frozen
    )
