import logging

import pytest
from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.core.cache import cache, caches
from django.test import override_settings

from articles.reading.breaking import strip as breaking_line
from articles.reading.caching import seconds_until_next_publication
from articles.reading.front_page import most_read
from articles.reading.sections import current_sections
from newsportal import fragments, traffic
from newsportal.consent.defaults import create_default_policy
from newsportal.consent.models import Cookie, CookieCategory, CookiePolicy
from newsportal.consent.policy import current_policy
from newsportal.roles import grant_roles


@pytest.fixture(scope="session", autouse=True)
def quick_password_hashing():
    """A password is hashed in about a millisecond, not the third of a second that production's
    deliberately slow hasher takes: about 150 tests sign someone in or make an admin account."""
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield


@pytest.fixture(autouse=True)
def plain_static_storage(settings):
    """Tests render templates without running collectstatic first."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


_migration_data_checked = False  # by this worker


@pytest.fixture(autouse=True)
def migration_data(request):
    """What data migrations install (the roles, the shipped cookie policy) is there for every
    database test: a kept test database may have lost it to a transactional test's flush in an
    earlier run; after that, the hook below keeps it."""
    global _migration_data_checked
    marker = request.node.get_closest_marker("django_db")
    if marker is None or _migration_data_checked:
        return
    request.getfixturevalue("transactional_db" if marker.kwargs.get("transaction") else "db")
    install_migration_data()
    _migration_data_checked = True


def install_migration_data():
    if not Group.objects.filter(name="Editors").exists():
        grant_roles(Group, Permission)
    if not CookiePolicy.objects.exists():
        create_default_policy(CookiePolicy, CookieCategory, Cookie)


def pytest_fixture_post_finalizer(fixturedef, request):
    """After each database test: a transactional one (a live server's too) empties every table
    as it ends, and what the migrations installed is put back at once, committed. (Put back
    inside the next test's transaction, it would be rolled back and made again for each test.)"""
    if fixturedef.argname == "_django_db_helper" and fixturedef.cached_result is not None:
        with request.getfixturevalue("django_db_blocker").unblock():
            install_migration_data()


@pytest.fixture(autouse=True)
def one_clock(settings):
    """One machine, one clock: a page rendered just after a purge may be kept at once; and a
    purge is asked of the cache at every hit (tests/test_cache.py measures the window)."""
    settings.PURGE_CLOCK_MARGIN = 0
    settings.PAGE_CACHE_STAMP_SECONDS = 0


@pytest.fixture(scope="session", autouse=True)
def quiet_request_lines():
    """A line per request is for a running site; the tests that read them turn them on
    (caplog.at_level(logging.INFO, "newsportal.requests"))."""
    logging.getLogger("newsportal.requests").setLevel(logging.WARNING)


@pytest.fixture(autouse=True)
def traffic_counts_kept_in_memory(settings):
    """The health page's minute counts are written when a test says (traffic.flush()), not by
    whichever request comes ten seconds in (a test may not use the database)."""
    settings.TRAFFIC_FLUSH_SECONDS = 10**9
    traffic._pending.clear()


@pytest.fixture(autouse=True)
def empty_cache():
    """Every test starts with empty caches, as a freshly started process does."""
    for emptied in (cache, caches["versioned"], caches["pages_here"], fragments._local):
        emptied.clear()
    yield
    cache.clear()


@pytest.fixture
def warm_caches(db):
    """What a running site computes once and keeps: the cookie policy, the next publication,
    the header's sections, the breaking-news line and the most read list."""
    seconds_until_next_publication()
    current_sections()
    most_read("en")
    for code, _ in settings.LANGUAGES:
        breaking_line(code)
    return current_policy()


@pytest.fixture
def staff_client(client, django_user_model):
    user = django_user_model.objects.create_superuser("editor", "editor@example.com", None)
    client.force_login(user)
    return client


@pytest.fixture
def shipped_policy(transactional_db):
    """The cookie policy the migrations ship (transactional tests empty every table after them)."""
    if not CookiePolicy.objects.exists():
        create_default_policy(CookiePolicy, CookieCategory, Cookie)


@pytest.fixture
def media_root(settings, tmp_path):
    """Uploads go to a folder of the test's own, removed afterwards."""
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """`with committed(): ...` runs at the end of the block what a commit runs (the purges)."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture(autouse=True)
def one_rate_limit_window(monkeypatch):
    """Rate limits count per clock minute: a test that crosses a minute's end would see its
    counts restart. Within a test, the limiter's clock stays in the middle of one minute."""
    import time
    import types

    from newsportal import ratelimit

    fixed = (time.time() // 60) * 60 + 30
    monkeypatch.setattr(ratelimit, "time", types.SimpleNamespace(time=lambda: fixed))
