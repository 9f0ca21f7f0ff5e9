from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from articles.models import Article
from tests.factories import make_article, make_author, make_tag

pytestmark = pytest.mark.django_db


@pytest.fixture
def live_draft_and_scheduled():
    tag, author = make_tag(), make_author()
    common = {"tags": [tag], "author": author}
    return {
        "live": make_article("Live story", **common),
        "draft": make_article("Draft story", status=Article.Status.DRAFT, **common),
        "scheduled": make_article(
            "Scheduled story", published_at=timezone.now() + timedelta(hours=1), **common
        ),
    }


def test_published_excludes_drafts_and_future_articles(live_draft_and_scheduled):
    assert list(Article.objects.published()) == [live_draft_and_scheduled["live"]]


def test_an_article_becomes_visible_when_its_time_comes(live_draft_and_scheduled):
    scheduled = live_draft_and_scheduled["scheduled"]
    Article.objects.filter(pk=scheduled.pk).update(published_at=timezone.now())
    assert scheduled in Article.objects.published()


@pytest.mark.parametrize("page", ["home", "tag", "author"])
def test_lists_show_only_published_articles(client, live_draft_and_scheduled, page):
    live = live_draft_and_scheduled["live"]
    args = {"home": [], "tag": [live.tags.get().slug], "author": [live.author.slug]}[page]
    response = client.get(reverse(f"articles:{page}", args=args))
    assertContains(response, "Live story")
    assertNotContains(response, "Draft story")
    assertNotContains(response, "Scheduled story")


@pytest.mark.parametrize("which", ["draft", "scheduled"])
def test_unpublished_article_url_is_404_for_readers(client, live_draft_and_scheduled, which):
    response = client.get(live_draft_and_scheduled[which].get_absolute_url())
    assert response.status_code == 404


def test_publishing_without_a_time_stamps_it_now():
    article = make_article(status=Article.Status.PUBLISHED, published_at=None)
    assert article.published_at is not None
    assert article in Article.objects.published()
