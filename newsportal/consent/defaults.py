"""The cookie policy shipped with the project: compliant wording, three categories, their cookies.

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
]  # fmt: skip


def create_default_policy(CookiePolicy, CookieCategory, Cookie) -> None:
    from newsportal.consent.models import freeze_categories

    for key, name, necessary, order, description, cookies in CATEGORIES:
        category = CookieCategory.objects.create(
            key=key, name=name, is_necessary=necessary, order=order, description=description
        )
        Cookie.objects.bulk_create(
            Cookie(category=category, name=n, purpose=p, duration=d, provider=pr)
            for n, p, d, pr in cookies
        )
    frozen = {}
    if any(field.name == "categories" for field in CookiePolicy._meta.fields):
        frozen["categories"] = freeze_categories(CookieCategory)  # else migration 0005 does it
    CookiePolicy.objects.create(version=1, banner_text=BANNER, policy_text=POLICY, **frozen)
