import importlib

import pytest
from django.apps import apps
from django.core.cache import cache

from newsportal import pagecache
from newsportal.consent.policy import current_policy


@pytest.fixture(autouse=True)
def plain_static_storage(settings):
    """Tests render templates without running collectstatic first."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def empty_cache():
    """Every test starts with an empty cache, as a freshly started process does."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def warm_caches(db):
    """What a running site computes once and keeps: the cookie policy and the next publication."""
    pagecache.seconds_until_next_publication(pagecache.generation())
    return current_policy()


@pytest.fixture
def staff_client(client, django_user_model):
    user = django_user_model.objects.create_superuser("editor", "editor@example.com", None)
    client.force_login(user)
    return client


@pytest.fixture
def shipped_policy(transactional_db):
    """The cookie policy the migrations ship (transactional tests empty every table after them)."""
    from newsportal.consent.models import CookiePolicy

    if not CookiePolicy.objects.exists():
        migration = importlib.import_module("newsportal.consent.migrations.0002_default_policy")
        migration.create(apps, None)
