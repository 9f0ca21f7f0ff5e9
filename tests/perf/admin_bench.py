"""The admin at the size of a newsroom's archive: each screen an editor opens, timed uncached.

Run by `make bench` on the database it generated (DATABASE_URL in the environment): adds an
article with 200 revisions and CONSENT_RECORDS consent records (with as many decisions), then
opens each screen through Django's admin as a signed-in superuser (the whole middleware stack,
in this process) RUNS times and prints the median time and the number of queries. Not a test:
it asserts nothing.
"""

import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
RUNS = 5
CONSENT_RECORDS = int(os.environ.get("BENCH_CONSENT_RECORDS", "3000000"))
REVISIONS = 200
NO_SUCH_RECORD = "0b1d2c3e-0000-4000-8000-000000000000"

FILL_CONSENT = """
INSERT INTO consent_consentrecord (public_id, choices, policy_version, created_at, updated_at)
SELECT gen_random_uuid(), '{"analytics": false, "marketing": false}', 1,
       now() - n * interval '20 seconds', now() - n * interval '20 seconds'
FROM generate_series(1, %(records)s) AS n;
INSERT INTO consent_consentevent
    (record_id, action, choices, policy_version, created_at, client_ip_prefix,
     user_agent_family, language, gpc)
SELECT id, 'decline', choices, 1, created_at, '198.51.100.0/24', 'Firefox', 'en', false
FROM consent_consentrecord;
VACUUM (ANALYZE) consent_consentrecord;
VACUUM (ANALYZE) consent_consentevent;
"""


def prepare():
    import reversion
    from django.contrib.auth import get_user_model
    from django.db import connection

    from articles.models import Article
    from newsportal.consent.models import ConsentRecord

    user, _ = get_user_model().objects.get_or_create(
        username="bench-editor", defaults={"is_staff": True, "is_superuser": True}
    )
    article = Article.objects.get(slug="generated-00042")
    from reversion.models import Version

    have = Version.objects.get_for_object(article).count()
    for n in range(have, REVISIONS):
        with reversion.create_revision():
            reversion.set_user(user)
            article.standfirst = f"{article.standfirst.split(' [')[0]} [{n}]"
            article.save()
    if ConsentRecord.objects.count() < CONSENT_RECORDS:
        print(f"admin bench: adding {CONSENT_RECORDS} consent records and decisions ...")
        connection.cursor().execute("TRUNCATE consent_consentevent, consent_consentrecord CASCADE")
        for statement in FILL_CONSENT.strip().split(";\n"):
            with connection.cursor() as cursor:
                cursor.execute(statement, {"records": CONSENT_RECORDS})
    return user, article


def screens(article) -> dict[str, str]:
    from articles.models import Author, Image, Tag

    tag = Tag.objects.get(slug="generated-tag-0")
    author = Author.objects.get(slug="generated-author-0")
    picture = Image.objects.order_by("pk").first()
    articles = "/admin/articles/article/"
    auto = "/admin/autocomplete/?app_label=articles&model_name=article&field_name="
    return {
        "articles": articles,
        "articles, published": f"{articles}?state=published",
        "articles, in Russian": f"{articles}?language__exact=ru",
        "articles, featured": f"{articles}?is_featured__exact=1",
        "articles, a topic": f"{articles}?topic={tag.pk}",
        "articles, an author": f"{articles}?author__id__exact={author.pk}",
        "articles, a picture": f"{articles}?picture={picture.pk if picture else 0}",
        "articles, a year": f"{articles}?published_at__year=2010",
        "articles, search": f"{articles}?q=railway",
        "articles, search (ru)": f"{articles}?q=железная+дорога",
        "articles, page 500": f"{articles}?p=500",
        "article, edit": f"{articles}{article.pk}/change/",
        "article, 200 revisions": f"{articles}{article.pk}/history/",
        "image library": "/admin/articles/image/",
        "topics": "/admin/articles/tag/",
        "topic autocomplete": f"{auto}tags&term=econ",
        "author autocomplete": f"{auto}author&term=Kar",
        "consent records": "/admin/consent/consentrecord/",
        "consent records, search": f"/admin/consent/consentrecord/?q={NO_SUCH_RECORD}",
        "consent decisions": "/admin/consent/consentevent/",
    }


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsportal.settings")
    import django

    django.setup()
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    user, article = prepare()
    client = Client()
    client.force_login(user)
    print(f"\n{'admin screen':<28}{'median ms':>10}{'max ms':>9}{'queries':>9}{'status':>8}")
    for name, url in screens(article).items():
        client.get(url)  # templates compiled, connections open
        times = []
        for _ in range(RUNS):
            reset_queries()
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                response = client.get(url)
                times.append((time.perf_counter() - started) * 1000)
        print(
            f"{name:<28}{statistics.median(times):>10.0f}{max(times):>9.0f}"
            f"{len(queries):>9}{response.status_code:>8}",
            flush=True,
        )


if __name__ == "__main__":
    main()
