"""Part of `make bench`: is each performance trick that makes the code harder to read worth it?

Measures, in one process and side by side (rounds interleaved, the median of each kept), the
pages each trick serves with the trick and with the plain code it replaces, on the same database
of 10,000 generated articles as `make bench`:

- the process-local cookie-policy snapshot (consent/policy.py) against a snapshot kept in the
  shared cache: a cached page, served from the file cache as in `make run`;
- URL reversing with a placeholder, once per URL name (articles/models.py `slug_url`), against
  `reverse()` per link: the uncached front and tag pages, 20 cards each;
- the front page's one tag query for the lead and the list together against prefetching them
  separately: the uncached front page. (Measured x1.04-1.07 against a 5-11% spread, it was
  removed: the front page now uses for_listing() as it is. The comparison stays to re-check.)

Prints milliseconds per request and the ratio plain/trick; not a test, it asserts nothing.
"""

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import ROOT, environment, manage, scratch_database_url

ARTICLES = int(os.environ.get("BENCH_ARTICLES", "10000"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "7"))
REQUESTS = int(os.environ.get("BENCH_REQUESTS", "60"))


def per_request_ms(client, path: str) -> float:
    start = time.perf_counter()
    for _ in range(REQUESTS):
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
    return (time.perf_counter() - start) / REQUESTS * 1000


def compare(name, path, trick_on, trick_off, client_factory):
    """Median ms per request with the trick and without it, in interleaved rounds."""
    timings = {"trick": [], "plain": []}
    for _ in range(ROUNDS):
        for label, switch in (("trick", trick_on), ("plain", trick_off)):
            switch()
            client = client_factory()
            per_request_ms(client, path)  # warm up: connections, templates, cache entry
            timings[label].append(per_request_ms(client, path))
    trick_on()
    trick, plain = (statistics.median(timings[k]) for k in ("trick", "plain"))
    spread = max(statistics.pstdev(v) / statistics.median(v) for v in timings.values())
    print(
        f"{name:<44} {trick:7.2f} ms {plain:7.2f} ms   x{plain / trick:4.2f}   "
        f"(run-to-run spread ±{spread * 100:.0f}%)"
    )


def main():
    database_url = scratch_database_url("newsportal_bench")
    env = environment(database_url, 0, PAGE_CACHE="false", RATE_LIMIT_RENDER="100000000")
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "generate_articles", "--articles", str(ARTICLES))
    os.environ.update(env, DJANGO_SETTINGS_MODULE="newsportal.settings")
    os.chdir(ROOT)
    import django

    django.setup()
    from django.conf import settings
    from django.core.cache import cache
    from django.db.models import prefetch_related_objects
    from django.test import Client
    from django.urls import reverse
    from django.utils import translation

    from articles import models, views
    from newsportal import invalidation
    from newsportal.consent import policy, state

    settings.ALLOWED_HOSTS = ["testserver"]
    settings.STORAGES["staticfiles"] = {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
    }

    print(f"{ARTICLES} articles, {ROUNDS} rounds of {REQUESTS} requests, median per request")
    print(f"{'':<44} {'trick':>10} {'plain':>10}   plain/trick")

    # 1. The policy snapshot, on the cached-page path (the page cache on, the file cache).
    real_current_policy = policy.current_policy

    def shared_cache_policy(request=None):
        key = f"consent:policy:{invalidation.stamps([policy.POLICY_KEY], request)}"
        return cache.get_or_set(key, policy.load_policy, None)

    def set_policy(func):
        def switch():
            state.current_policy = func
            settings.PAGE_CACHE_ENABLED = True

        return switch

    compare(
        "policy snapshot in process (cached article)",
        models.Article.objects.published().first().get_absolute_url(),
        set_policy(real_current_policy),
        set_policy(shared_cache_policy),
        Client,
    )
    settings.PAGE_CACHE_ENABLED = False  # the rest measure rendering

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
            f"slug_url placeholder ({name}, uncached)",
            path,
            set_slug_url(real_slug_url),
            set_slug_url(plain_slug_url),
            Client,
        )

    # 3. The front page's single tag query (removed; the trick is rebuilt here to re-check).
    plain_context = views.FrontPageView.get_context_data
    plain_queryset = views.FrontPageView.get_queryset

    def single_query_queryset(self):
        articles = plain_queryset(self).prefetch_related(None)
        return articles

    def single_query_context(self, **kwargs):
        context = plain_context(self, **kwargs)
        shown = list(context["articles"])
        lead = context["lead"]
        prefetch_related_objects([lead, *shown] if lead else shown, "tags")
        return {**context, "articles": shown}

    def set_view(queryset, context):
        def switch():
            views.FrontPageView.get_queryset = queryset
            views.FrontPageView.get_context_data = context

        return switch

    compare(
        "one tag query for lead and list (front page)",
        "/",
        set_view(single_query_queryset, single_query_context),
        set_view(plain_queryset, plain_context),
        Client,
    )


if __name__ == "__main__":
    main()
