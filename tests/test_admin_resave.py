"""Saving what the admin shows never fails: most editing is opening a saved object and saving it
again, with one field changed or none."""

from datetime import timedelta
from unittest import mock

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.auth.models import Group
from django.core.files.storage import default_storage
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from articles.models import (
    Article,
    BreakingNews,
    Byline,
    Correction,
    Image,
    LiveUpdate,
    Redirect,
)
from articles.newsroom.admin import ArticleAdmin
from newsportal.consent.models import CookieCategory, CookiePolicy, PolicyTranslation
from newsportal.consent.translations import install as install_translations
from tests.factories import make_author, make_tag
from tests.forms import change_url, form_data
from tests.helpers import decide, signed_in
from tests.images import image_bytes, upload

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_root")]


def resave(client, obj, **changes):
    """Open the change form, change `changes` (or nothing), press "Save and continue editing"."""
    url = change_url(obj)
    page = client.get(url)
    assert page.status_code == 200
    data = form_data(page.content.decode(), f"{obj._meta.model_name}_form")
    assert data, "the change form was not found on the page"
    data.update({name: [value] for name, value in changes.items()})
    data["_continue"] = ["Save and continue editing"]
    response = client.post(url, data)
    errors = response.context and response.context.get("errors")
    assert response.status_code == 302, errors or response.status_code
    return response


def illustrated_article(staff_client, **overrides):
    """An article with a cover uploaded through the admin, with tags and an author."""
    tag, author = make_tag(), make_author()
    now = timezone.localtime()
    data = {
        "title": "Herders return", "slug": "herders-return", "standfirst": "Spring comes.",
        "body": "<p>Text.</p>", "status": "published", "author": author.pk, "tags": [tag.pk],
        "published_at_0": now.strftime("%Y-%m-%d"), "published_at_1": now.strftime("%H:%M:%S"),
        "cover_image": upload(image_bytes()), "cover_alt": "Herders", "cover_caption": "",
        "cover_credit": "", "seo_description": "", **overrides,
    }  # fmt: skip
    response = staff_client.post(reverse("admin:articles_article_add"), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    return Article.objects.get(slug=data["slug"])


def test_an_illustrated_article_saves_again_unchanged(staff_client):
    article = illustrated_article(staff_client)
    stored = article.cover.file.name
    resave(staff_client, article)
    article.refresh_from_db()
    assert article.cover.file.name == stored
    assert default_storage.exists(stored)


@pytest.mark.parametrize(
    ("field", "value", "shown"),
    [
        ("standfirst", "Spring comes early this year.", "Spring comes early this year."),
        ("title", "Herders return home", "Herders return home"),
        ("cover_alt", "Herders and their flock", "Herders and their flock"),
    ],
)
def test_an_editor_changes_one_field_of_an_illustrated_article(
    staff_client, django_user_model, field, value, shown
):
    article = illustrated_article(staff_client)
    _, editor = signed_in(django_user_model, "Editors", "erlan")
    resave(editor, article, **{field: value})
    assertContains(Client().get(article.get_absolute_url()), shown)


def test_an_editor_schedules_and_unpublishes_an_illustrated_article(
    staff_client, django_user_model
):
    article = illustrated_article(staff_client)
    _, editor = signed_in(django_user_model, "Editors", "erlan")
    later = timezone.localtime() + timedelta(days=1)
    resave(editor, article, published_at_0=later.strftime("%Y-%m-%d"))
    assert Client().get(article.get_absolute_url()).status_code == 404  # scheduled
    resave(editor, article, status="draft")
    article.refresh_from_db()
    assert article.status == Article.Status.DRAFT
    resave(editor, article, status="published", published_at_0=timezone.localtime().date())
    assert Client().get(article.get_absolute_url()).status_code == 200


def test_an_author_saves_their_own_illustrated_draft_again(staff_client, django_user_model):
    user, author_client = signed_in(django_user_model, "Authors", "amina")
    article = illustrated_article(staff_client, status="draft")
    article.author.user = user
    article.author.save()
    resave(author_client, article)
    resave(author_client, article, standfirst="A better lead.")
    article.refresh_from_db()
    assert article.standfirst == "A better lead."
    assert default_storage.exists(article.cover.file.name)


def test_a_stored_cover_that_went_missing_does_not_stop_a_save(staff_client):
    """As after a database-only restore: the row names a file the storage no longer has."""
    article = illustrated_article(staff_client)
    default_storage.delete(article.cover.file.name)
    resave(staff_client, article, standfirst="Still editable.")
    assertContains(Client().get(article.get_absolute_url()), "Still editable.")


def realistic_objects(staff_client):
    """One saved object of every model the admin can change, as a newsroom has them."""
    article = illustrated_article(staff_client)
    # A mistyped password, then the right one: django-axes keeps both.
    login = reverse("admin:login")
    Client().post(login, {"username": "editor", "password": "wrong"})
    correction = Correction.objects.create(article=article, text="The herd was 300, not 3,000.")
    redirect = Redirect.objects.create(old_path="/old-section/", new_path="/tags/")
    staff_client.post(reverse("admin:articles_image_add"), {
        "file": upload(image_bytes()), "alt": "Herders", "caption": "", "credit": "",
        "focus_x": "50", "focus_y": "50",
    })  # fmt: skip
    image = Image.objects.latest("pk")  # the cover is one too
    article.body += f'<figure><img src="{image.url}" alt="Herders" data-file="{image.pk}"></figure>'
    article.save()  # shown in the text: a library picture in use
    install_translations(CookiePolicy, PolicyTranslation)  # the policy in three languages
    # A shared byline: the article's form carries its further authors.
    Byline.objects.create(article=article, author=make_author("Second reporter"))
    # Live coverage: the article's form then carries its updates too.
    Article.objects.filter(pk=article.pk).update(is_live=True)
    update = LiveUpdate.objects.create(
        article=article, author=article.author, headline="Herders cross the river",
        body=f'<p>Seen at dawn.</p><figure><img src="{image.url}" alt="Herders" '
        f'data-file="{image.pk}"></figure>', is_key_event=True,
    )  # fmt: skip
    breaking = BreakingNews.objects.create(
        text="Herders return early", article=article,
        ends_at=timezone.now() + timedelta(hours=2),
    )  # fmt: skip
    return [
        article, article.tags.get(), article.author, correction, redirect, image, update,
        breaking,
        CookiePolicy.objects.first(), *CookieCategory.objects.all(),
        PolicyTranslation.objects.first(),
        AccessAttempt.objects.get(), AccessLog.objects.first(),
    ]  # fmt: skip


def as_request(user):
    request = RequestFactory().get("/")
    request.user = user
    return request


def test_every_registered_model_saves_back_unchanged(staff_client, django_user_model):
    """Saving what the form shows never fails, for every model the admin lets anyone change."""
    superuser = django_user_model.objects.get(username="editor")
    objects = [*realistic_objects(staff_client), superuser, Group.objects.first()]
    changeable = {
        model
        for model, model_admin in admin.site._registry.items()
        if model_admin.has_change_permission(as_request(superuser))
    }
    # The failure log stays empty: AXES_ENABLE_ACCESS_FAILURE_LOG is off.
    missing = changeable - {type(obj) for obj in objects} - {AccessFailureLog}
    assert not missing, f"add a realistic object of {missing} to this test"
    for obj in objects:
        resave(staff_client, obj)


def test_read_only_models_open_for_viewing(staff_client, client, django_user_model):
    """Consent proof and sign-in records open in the admin without error (there is no Save)."""
    decide(client)
    superuser = django_user_model.objects.get(username="editor")
    opened = 0
    for model_admin in admin.site._registry.values():
        obj = model_admin.get_queryset(as_request(superuser)).first()
        if obj is not None:
            assert staff_client.get(change_url(obj)).status_code == 200, obj
            opened += 1
    assert opened >= 7


# Admin error pages: the admin's look, and a way back to it


def assert_admin_page(response, status):
    assert response.status_code == status
    assertContains(response, '<div id="site-name">', status_code=status)
    assertContains(response, "Back to the admin", status_code=status)
    assertNotContains(response, "Go to the front page", status_code=status)


def test_an_unknown_admin_address_is_an_admin_404(staff_client):
    assert_admin_page(staff_client.get("/admin/no/such/page/"), 404)


def test_a_forbidden_admin_page_is_an_admin_403(django_user_model):
    _, author = signed_in(django_user_model, "Authors", "amina")
    assert_admin_page(author.get(reverse("admin:auth_user_changelist")), 403)


def test_a_crash_under_the_admin_is_an_admin_500(staff_client):
    staff_client.raise_request_exception = False
    with mock.patch.object(ArticleAdmin, "get_queryset", side_effect=RuntimeError("boom")):
        response = staff_client.get(reverse("admin:articles_article_changelist"))
    assert_admin_page(response, 500)


def test_public_errors_keep_the_sites_look(client):
    response = client.get("/no/such/page/")
    assertContains(response, "Go to the front page", status_code=404)
