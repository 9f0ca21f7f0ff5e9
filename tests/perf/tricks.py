"""Part of `make bench`: is each performance trick that makes the code harder to read worth it?

Measures, in one process and side by side (rounds interleaved, the median of each kept), the
pages each trick serves with the trick and with the plain code it replaces, on the same database
of 10,000 generated articles as `make bench`:

- the process-local cookie-policy snapshot (consent/policy.py) against a snapshot kept in the
  shared cache (Redis, as in production, where one answers; else a file cache): the article
  page, rendered (its parts kept) for a visitor who has not decided;
- URL reversing with a placeholder, once per URL name (articles/models.py `slug_url`), against
  `reverse()` per link: the front and tag pages rendered with none of their cards kept (the
  "cards" key purged before each request), 20-24 cards each.

Prints milliseconds per request and the ratio plain/trick; not a test, it asserts nothing.
"""

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import ROOT, environment, manage, redis_url, scratch_database_url

ARTICLES = int(os.environ.get("BENCH_ARTICLES", "10000"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "7"))
REQUESTS = int(os.environ.get("BENCH_REQUESTS", "60"))


def per_request_ms(client, path: str, before=None) -> float:
    start = time.perf_counter()
    for _ in range(REQUESTS):
        if before:
            before()
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
    return (time.perf_counter() - start) / REQUESTS * 1000


def compare(name, path, trick_on, trick_off, client_factory, before=None):
    """Median ms per request with the trick and without it, in interleaved rounds (`before`
    runs before each request)."""
    timings = {"trick": [], "plain": []}
    for _ in range(ROUNDS):
        for label, switch in (("trick", trick_on), ("plain", trick_off)):
            switch()
            client = client_factory()
            per_request_ms(client, path, before)  # warm up: connections, templates, cache
            timings[label].append(per_request_ms(client, path, before))
    trick_on()
    trick, plain = (statistics.median(timings[k]) for k in ("trick", "plain"))
    spread = max(statistics.pstdev(v) / statistics.median(v) for v in timings.values())
    print(
        f"{name:<44} {trick:7.2f} ms {plain:7.2f} ms   x{plain / trick:4.2f}   "
        f"(run-to-run spread ±{spread * 100:.0f}%)"
    )


def main():
    database_url = scratch_database_url("newsportal_bench")
    shared = {"CACHE_URL": redis} if (redis := redis_url(6)) else {}  # as production, else a file
    env = environment(database_url, 0, PAGE_CACHE="false", RATE_LIMIT_RENDER="100000000", **shared)
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "generate_articles", "--articles", str(ARTICLES))
    os.environ.update(env, DJANGO_SETTINGS_MODULE="newsportal.settings")
    os.chdir(ROOT)
    import django

    django.setup()
    from django.conf import settings
    from django.core.cache import cache
    from django.test import Client
    from django.urls import reverse
    from django.utils import translation

    from articles import models
    from articles.reading.caching import CARDS
    from newsportal import invalidation
    from newsportal.consent import policy, state

    settings.ALLOWED_HOSTS = ["testserver"]
    settings.STORAGES["staticfiles"] = {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
    }

    print(f"{ARTICLES} articles, {ROUNDS} rounds of {REQUESTS} requests, median per request")
    print(f"{'':<44} {'trick':>10} {'plain':>10}   plain/trick")

    # 1. The policy snapshot: every page rendered for a visitor reads it (the banner); a page
    # served from the page cache does not.
    settings.PAGE_CACHE_ENABLED = False  # every comparison measures rendering
    real_current_policy = policy.current_policy

    def shared_cache_policy(request=None):
        stamp = invalidation.stamps([policy.POLICY_KEY], request)[policy.POLICY_KEY]
        key = f"consent:policy:{stamp}"
        return cache.get_or_set(key, policy.load_policy, None)

    def set_policy(func):
        return lambda: setattr(state, "current_policy", func)

    compare(
        "policy snapshot in process (article)",
        models.Article.objects.published().first().get_absolute_url(),
        set_policy(real_current_policy),
        set_policy(shared_cache_policy),
        Client,
    )

    # 2. Placeholder URL reversing.
    real_slug_url = models.slug_url

    def plain_slug_url(name, slug, language=None):
        with translation.override(language or translation.get_language()):
            return reverse(name, args=[slug])

    def set_slug_url(func):
        return lambda: setattr(models, "slug_url", func)

    tag = models.Tag.objects.order_by("pk").first()
    for name, path in (("front page", "/"), ("tag page", tag.get_absolute_url())):
        compare(
            f"slug_url placeholder ({name}, cold cards)",
            path,
            set_slug_url(real_slug_url),
            set_slug_url(plain_slug_url),
            Client,
            before=lambda: invalidation.purge([CARDS]),
        )


if __name__ == "__main__":
    main()
