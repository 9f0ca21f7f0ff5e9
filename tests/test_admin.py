import pytest
from django.urls import reverse

from tests.factories import make_article, make_author, make_tag

pytestmark = pytest.mark.django_db

MODELS = ["articles_article", "articles_tag", "articles_author"]


@pytest.mark.parametrize("model", MODELS)
@pytest.mark.parametrize("view", ["changelist", "add"])
def test_admin_pages_load_for_staff(staff_client, model, view):
    make_article(tags=[make_tag()], author=make_author())
    response = staff_client.get(reverse(f"admin:{model}_{view}"))
    assert response.status_code == 200


def test_article_change_form_loads(staff_client):
    article = make_article(tags=[make_tag()], author=make_author())
    response = staff_client.get(reverse("admin:articles_article_change", args=[article.pk]))
    assert response.status_code == 200


def test_article_changelist_search_and_filters_work(staff_client):
    make_article("Tokayev meets Mirziyoyev")
    make_article("Weather")
    url = reverse("admin:articles_article_changelist")
    response = staff_client.get(url, {"q": "Tokayev", "status__exact": "published"})
    assert response.context["cl"].result_count == 1


def test_admin_requires_login(client):
    response = client.get(reverse("admin:articles_article_changelist"))
    assert response.status_code == 302
