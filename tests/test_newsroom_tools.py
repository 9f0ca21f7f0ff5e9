"""The newsroom's daily tools: revisions, nobody losing work, review, corrections, lasting links."""

import json
import re
from datetime import datetime

import feedparser
import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains
from reversion.models import Version

from articles.models import Article, Autosave, Correction, Image, Redirect
from tests.factories import make_article, make_author, make_tag
from tests.forms import change_url, form_data
from tests.helpers import signed_in
from tests.images import figure, image_bytes, upload

pytestmark = pytest.mark.django_db
ADD = reverse("admin:articles_article_add")


def opened(client, article):
    """The change form as the browser would post it back."""
    page = client.get(change_url(article))
    assert page.status_code == 200
    return form_data(page.content.decode(), "article_form")


def save(client, article, data, **changes):
    data = {**data, **{k: [v] if isinstance(v, str) else v for k, v in changes.items()}}
    data["_continue"] = ["Save and continue editing"]
    return client.post(change_url(article), data)


def saved_through_the_admin(client, **fields):
    """A published article created through the admin (so it has its first revision)."""
    now = timezone.localtime()
    tag, author = make_tag(), make_author()
    data = {
        "title": "Herders return", "slug": "herders-return", "standfirst": "Spring comes.",
        "body": "<p>The herd moved north. It rained for days.</p>", "status": "published",
        "author": author.pk, "tags": [tag.pk], "published_at_0": now.strftime("%Y-%m-%d"),
        "published_at_1": now.strftime("%H:%M:%S"), "cover_alt": "", "cover_caption": "",
        "cover_credit": "", "seo_description": "", **fields,
    }  # fmt: skip
    response = client.post(ADD, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    return Article.objects.get(slug=data["slug"])


# 1. Revisions


def test_every_admin_save_keeps_a_revision_shown_on_history(staff_client):
    article = saved_through_the_admin(staff_client)
    save(staff_client, article, opened(staff_client, article), title="Herders return home")
    versions = Version.objects.get_for_object(article)
    assert versions.count() == 2
    assert versions.first().revision.user.username == "editor"
    history = staff_client.get(reverse("admin:articles_article_history", args=[article.pk]))
    assertContains(history, "Compare with now", count=1)
    assertContains(history, "Changed Title")


def test_the_comparison_shows_a_removed_and_an_added_sentence(staff_client):
    article = saved_through_the_admin(staff_client)
    first = Version.objects.get_for_object(article).get()
    body = "<p>The herd moved north. The rivers rose.</p>"
    save(staff_client, article, opened(staff_client, article), body=body, is_featured="on")
    url = reverse("admin:article-compare", args=[article.pk, first.pk])
    response = staff_client.get(url)
    html = response.content.decode()
    assert "<del>It rained for days.</del>" in html
    assert "<ins>The rivers rose.</ins>" in html
    assert "The herd moved north." in html and "Text" in html
    assert re.search(r"<th scope=\"row\">Featured</th><td>False</td><td>True</td>", html)


@pytest.mark.usefixtures("media_root")
def test_the_comparison_keeps_captions_apart_and_names_pictures(staff_client):
    reservoir, dam = (
        Image.objects.create(file=upload(image_bytes(), name=f"{alt}.jpg"), alt=alt)
        for alt in ("Reservoir", "Dam")
    )
    article = saved_through_the_admin(
        staff_client, body=f"{figure(reservoir, 'Су қоймасы')}<p>Фотогалерея: the dam.</p>"
    )
    first = Version.objects.get_for_object(article).get()
    body = f"{figure(dam, 'Су қоймасы')}<p>Фотогалерея: the dam.</p>"
    save(staff_client, article, opened(staff_client, article), body=body)
    html = staff_client.get(reverse("admin:article-compare", args=[article.pk, first.pk]))
    html = html.content.decode()
    assert "су қоймасыФотогалерея" not in html.lower()
    assert "Су қоймасы<br>Фотогалерея" in html
    assert "[Picture: <del>Reservoir]</del><ins>Dam]</ins>" in html
    assert re.search(
        r'<th scope="row">Pictures in the text</th><td>Reservoir</td><td>Dam</td>', html
    )


def test_restoring_a_revision_brings_it_back_as_a_new_revision(staff_client):
    article = saved_through_the_admin(staff_client)
    first = Version.objects.get_for_object(article).get()
    save(staff_client, article, opened(staff_client, article), title="A worse headline")
    url = reverse("admin:article-restore", args=[article.pk, first.pk])
    response = staff_client.post(url, follow=True)
    assertContains(response, "it is a new revision now")
    article.refresh_from_db()
    assert article.title == "Herders return"
    assert Version.objects.get_for_object(article).count() == 3  # nothing lost
    assert staff_client.get(url).status_code == 405


def test_restoring_what_was_deleted_since_restores_the_rest_and_says_so(staff_client):
    article = saved_through_the_admin(staff_client)
    first_author = article.author
    first = Version.objects.get_for_object(article).get()
    other_tag, other_author = make_tag("Economy"), make_author("Erlan")
    data = opened(staff_client, article)
    save(staff_client, article, data, title="New", tags=[str(other_tag.pk)],
         author=str(other_author.pk))  # fmt: skip
    old_tag = first.field_dict["tags"][0]
    from articles.models import Tag

    Tag.objects.filter(pk=old_tag).delete()
    response = staff_client.post(
        reverse("admin:article-restore", args=[article.pk, first.pk]), follow=True
    )
    assertContains(response, "Not restored: 1 topic deleted since could not come back.")
    article.refresh_from_db()
    assert article.title == "Herders return"
    assert article.author == first_author
    assert list(article.tags.all()) == []


def test_revisions_of_another_article_or_unknown_ones_are_404(staff_client):
    article = saved_through_the_admin(staff_client)
    other = saved_through_the_admin(staff_client, slug="other", title="Other")
    theirs = Version.objects.get_for_object(other).get()
    assert staff_client.get(reverse("admin:article-compare", args=[article.pk, theirs.pk])
                            ).status_code == 404  # fmt: skip
    assert staff_client.get(reverse("admin:article-compare", args=[article.pk, 999999])
                            ).status_code == 404  # fmt: skip
    restore = reverse("admin:article-restore", args=[article.pk, theirs.pk])
    assert staff_client.post(restore).status_code == 404


def test_authors_see_and_restore_only_their_own_drafts_revisions(django_user_model):
    _, author = signed_in(django_user_model, "Authors", "ayan")
    response = author.post(ADD, {"title": "My draft", "slug": "my-draft", "body": "<p>One.</p>"})
    assert response.status_code == 302
    draft = Article.objects.get(slug="my-draft")
    save(author, draft, opened(author, draft), body="<p>Two.</p>")
    mine = Version.objects.get_for_object(draft).last()
    assert author.get(reverse("admin:article-compare", args=[draft.pk, mine.pk])).status_code == 200
    assert (
        author.post(reverse("admin:article-restore", args=[draft.pk, mine.pk])).status_code == 302
    )
    others = make_article("Someone else's")
    assert (
        author.get(reverse("admin:articles_article_history", args=[others.pk])).status_code == 404
    )
    draft.status, draft.published_at = Article.Status.PUBLISHED, timezone.now()
    draft.save()
    assert author.get(reverse("admin:article-compare", args=[draft.pk, mine.pk])).status_code == 403


# 2. Nobody loses work to a colleague


def test_the_second_of_two_concurrent_saves_is_refused_and_keeps_the_text(
    staff_client, django_user_model
):
    article = saved_through_the_admin(staff_client)
    _, colleague = signed_in(django_user_model, "Editors", "erlan")
    mine, theirs = opened(staff_client, article), opened(colleague, article)
    assert save(colleague, article, theirs, title="Their headline").status_code == 302
    response = save(staff_client, article, mine, title="My headline")
    assert response.status_code == 200
    assertContains(response, "saved this article while you were editing it")
    assertContains(response, 'value="My headline"')  # nothing typed is lost
    article.refresh_from_db()
    assert article.title == "Their headline"
    # Having compared, saving again keeps mine, knowingly.
    again = form_data(response.content.decode(), "article_form")
    again["_continue"] = ["Save and continue editing"]
    assert staff_client.post(change_url(article), again).status_code == 302
    article.refresh_from_db()
    assert article.title == "My headline"


def test_a_colleagues_change_to_a_field_i_left_alone_is_merged_and_shown(
    staff_client, django_user_model
):
    article = saved_through_the_admin(staff_client)
    _, colleague = signed_in(django_user_model, "Editors", "erlan")
    mine, theirs = opened(staff_client, article), opened(colleague, article)
    extra = make_tag("Water")
    changed = {"standfirst": "Their new lead.", "tags": [*theirs["tags"], str(extra.pk)]}
    assert save(colleague, article, theirs, **changed).status_code == 302
    response = save(staff_client, article, mine, title="My headline")
    assert response.status_code == 200
    table = re.search(r'<table class="compare-table conflict-table">.*?</table>',
                      response.content.decode(), re.S).group(0)  # fmt: skip
    assert re.search(r"Standfirst</th>\s*<td>Their new lead.</td><td>You had not changed", table)
    assert "Topics</th>" in table and "Water" in table
    assert "Headline" not in table  # they did not touch it
    again = form_data(response.content.decode(), "article_form")
    assert again["standfirst"] == ["Their new lead."] and again["title"] == ["My headline"]
    again["_continue"] = ["Save and continue editing"]
    assert staff_client.post(change_url(article), again).status_code == 302
    article.refresh_from_db()
    assert (article.title, article.standfirst) == ("My headline", "Their new lead.")
    assert extra in article.tags.all()  # both changes kept


def test_a_field_both_changed_shows_both_and_the_text_as_a_diff(staff_client, django_user_model):
    article = saved_through_the_admin(staff_client)
    _, colleague = signed_in(django_user_model, "Editors", "erlan")
    mine, theirs = opened(staff_client, article), opened(colleague, article)
    body = "<p>The herd moved north. The rivers rose.</p>"
    assert save(colleague, article, theirs, title="Their headline", body=body).status_code == 302
    response = save(
        staff_client, article, mine, title="My headline",
        body="<p>The herd moved south. It rained for days.</p>",
    )  # fmt: skip
    html = response.content.decode()
    assert re.search(r"Headline</th>\s*<td>Their headline</td><td>My headline</td>", html)
    assert "<del>north. The rivers rose.</del><ins>south. It rained for days.</ins>" in html
    assert "saving again replaces theirs" in html
    article.refresh_from_db()
    assert article.title == "Their headline"  # nothing replaced yet


def test_opening_an_article_a_colleague_has_open_warns_and_leaving_clears_it(
    staff_client, django_user_model
):
    article = saved_through_the_admin(staff_client)
    user, colleague = signed_in(django_user_model, "Editors", "erlan")
    user.first_name, user.last_name = "Erlan", "Abenov"
    user.save()
    assert "has this article open" not in colleague.get(change_url(article)).content.decode()
    page = staff_client.get(change_url(article))
    assertContains(page, "Erlan Abenov has this article open too")
    presence = reverse("admin:article-presence", args=[article.pk])
    assert staff_client.post(presence).json() == {"others": ["Erlan Abenov"]}
    assert colleague.post(presence, {"leaving": "1"}).json() == {"others": []}
    assert staff_client.post(presence).json() == {"others": []}
    assertNotContains(staff_client.get(change_url(article)), "has this article open")
    assert Client().post(presence).status_code == 302  # signed out: to the sign-in page


def test_saving_twice_in_a_row_is_no_conflict(staff_client):
    article = saved_through_the_admin(staff_client)
    for title in ("One", "Two"):
        assert save(staff_client, article, opened(staff_client, article), title=title
                    ).status_code == 302  # fmt: skip


def test_autosave_keeps_a_copy_not_a_revision_and_restores_it_on_request(staff_client):
    article = saved_through_the_admin(staff_client)
    data = opened(staff_client, article)
    url = reverse("admin:article-autosave", args=[article.pk])
    for _ in range(3):
        assert staff_client.post(url, {**data, "title": ["Typed, not saved"]}).json()["saved"]
    assert Autosave.objects.count() == 1
    assert Version.objects.get_for_object(article).count() == 1  # History is not flooded
    page = staff_client.get(change_url(article))
    assertContains(page, "that were never saved")
    restored = staff_client.get(change_url(article), {"restore": "autosave"})
    assertContains(restored, 'value="Typed, not saved"')
    save(staff_client, article, form_data(restored.content.decode(), "article_form"))
    article.refresh_from_db()
    assert article.title == "Typed, not saved"
    assert not Autosave.objects.exists()  # saved for real


# 3. Review before publication


def test_an_author_submits_and_an_editor_sends_back_then_approves(django_user_model):
    _, author = signed_in(django_user_model, "Authors", "ayan")
    _, editor = signed_in(django_user_model, "Editors", "erlan")
    response = author.post(ADD, {"title": "Storm", "slug": "storm", "body": "<p>Wind.</p>",
                                 "_submit_for_review": "Save and submit for review"})  # fmt: skip
    assert response.status_code == 302
    article = Article.objects.get(slug="storm")
    assert article.status == Article.Status.REVIEW
    assertContains(editor.get(reverse("admin:index")), "1 article waiting for review")
    queue = editor.get(reverse("admin:articles_article_changelist"), {"state": "review"})
    assert list(queue.context["cl"].result_list) == [article]
    assert author.get(change_url(article)).status_code == 200  # read-only while in review
    assertNotContains(author.get(reverse("admin:index")), "waiting for review")

    send_back = reverse("admin:article-send-back", args=[article.pk])
    assert author.post(send_back, {"comment": "No"}).status_code == 403
    editor.post(send_back, {"comment": ""})
    article.refresh_from_db()
    assert article.status == Article.Status.REVIEW  # a comment is required
    editor.post(send_back, {"comment": "Name the weather service."})
    article.refresh_from_db()
    assert article.status == Article.Status.DRAFT
    assertContains(author.get(change_url(article)), "Name the weather service.")

    data = opened(author, article)
    data["_submit_for_review"] = ["Save and submit for review"]
    assert author.post(change_url(article), data).status_code == 302
    data = opened(editor, article)
    now = timezone.localtime()
    save(editor, article, data, status="published", published_at_0=now.strftime("%Y-%m-%d"),
         published_at_1=now.strftime("%H:%M:%S"))  # fmt: skip
    article.refresh_from_db()
    assert article.status == Article.Status.PUBLISHED
    steps = list(article.review_notes.order_by("id").values_list("step", "user__username"))
    assert steps == [("submitted", "ayan"), ("sent_back", "erlan"), ("submitted", "ayan"),
                     ("approved", "erlan")]  # fmt: skip


def test_an_author_cannot_publish_by_submitting(django_user_model):
    _, author = signed_in(django_user_model, "Authors", "ayan")
    author.post(ADD, {"title": "Sly", "slug": "sly", "body": "<p>x</p>", "status": "published",
                      "_submit_for_review": "1"})  # fmt: skip
    assert Article.objects.get().status == Article.Status.REVIEW
    assert Client().get("/articles/sly/").status_code == 404


# 4. Corrections in public


def test_a_correction_shows_on_the_page_in_json_ld_and_on_the_corrections_page(
    staff_client, committed
):
    article = saved_through_the_admin(staff_client)
    client = Client()  # a reader
    assert client.get(article.get_absolute_url())["X-Cache"] == "miss"
    assert client.get(article.get_absolute_url())["X-Cache"] == "hit"
    with committed():
        response = staff_client.post(
            reverse("admin:article-correct", args=[article.pk]),
            {"kind": "correction", "text": "The herd was 300 head, not 3,000."},
        )
    assert response.status_code == 302
    page = client.get(article.get_absolute_url())
    assert page["X-Cache"] == "miss"  # the cached page was refreshed
    assertContains(page, "The herd was 300 head, not 3,000.")
    data = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>',
                                page.content.decode(), re.S).group(1))  # fmt: skip
    note = Correction.objects.get()
    (entry,) = data["correction"]
    assert entry["@type"] == "CorrectionComment"
    assert entry["text"] == "Correction: The herd was 300 head, not 3,000."
    assert entry["datePublished"].startswith(note.created_at.strftime("%Y-%m-%dT%H:%M:%S"))
    parse = datetime.fromisoformat
    assert parse(data["dateModified"]) >= parse(entry["datePublished"])
    listing = client.get("/corrections/")
    assertContains(listing, "The herd was 300 head, not 3,000.")
    assertContains(listing, f'href="{article.get_absolute_url()}#correction-{note.pk}"')
    feed = feedparser.parse(client.get("/corrections/rss/").content)
    assert not feed.bozo and feed.entries[0].title == "Correction: Herders return"


def test_corrections_of_unpublished_articles_are_not_shown_or_added(staff_client, client):
    draft = make_article("Draft", status=Article.Status.DRAFT)
    url = reverse("admin:article-correct", args=[draft.pk])
    assert staff_client.post(url, {"kind": "update", "text": "x"}).status_code == 404
    live = make_article("Live")
    Correction.objects.create(article=live, text="Visible")
    live.status = Article.Status.DRAFT
    live.save()
    assertNotContains(client.get("/corrections/"), "Visible")


def test_the_corrections_page_keeps_its_query_budget(
    client, warm_caches, django_assert_max_num_queries
):
    for n in range(25):
        Correction.objects.create(article=make_article(f"Story {n}"), text=f"Note {n}")
    with django_assert_max_num_queries(4):  # the list, its articles, consent, schedule
        response = client.get("/corrections/")
    assert len(response.context["corrections"]) == 20
    past_the_end = client.get("/corrections/", {"page": "99"})
    assert past_the_end.status_code == 302
    assert len(client.get(past_the_end["Location"]).context["corrections"]) == 20  # the oldest


# 5. Links never break


def test_an_old_address_answers_301_to_the_current_one_in_one_hop(staff_client, client):
    article = saved_through_the_admin(staff_client, slug="a")
    save(staff_client, article, opened(staff_client, article), slug="b")
    article.refresh_from_db()
    save(staff_client, article, opened(staff_client, article), slug="c")
    for old in ("/articles/a/", "/articles/b/"):
        response = client.get(old)
        assert (response.status_code, response["Location"]) == (301, "/articles/c/")
    assert client.get("/articles/c/").status_code == 200


def test_an_unpublished_or_deleted_article_is_gone_not_missing(client):
    article = make_article("Withdrawn")
    article.status = Article.Status.DRAFT
    article.save()
    response = client.get(article.get_absolute_url())
    assert response.status_code == 410
    assertContains(response, "no longer available", status_code=410)
    assertContains(response, "<main", status_code=410)
    deleted = make_article("Deleted")
    url = deleted.get_absolute_url()
    deleted.delete()
    assert client.get(url).status_code == 410


def test_a_draft_or_scheduled_article_that_was_never_public_stays_404(client):
    draft = make_article("Never public", status=Article.Status.DRAFT)
    later = make_article("Later", published_at=timezone.now() + timezone.timedelta(days=1))
    assert client.get(draft.get_absolute_url()).status_code == 404
    assert client.get(later.get_absolute_url()).status_code == 404
    later.status = Article.Status.DRAFT
    later.save()
    assert client.get(later.get_absolute_url()).status_code == 404


def test_sitemaps_and_feeds_list_only_current_addresses(staff_client, client):
    article = saved_through_the_admin(staff_client, slug="first-address")
    save(staff_client, article, opened(staff_client, article), slug="second-address")
    for url in ("/sitemap-articles.xml", "/feeds/rss/"):
        body = client.get(url).content.decode()
        assert "second-address" in body and "first-address" not in body


def test_editors_redirects_work_and_collapse_chains(client):
    Redirect.objects.create(old_path="/old-section/", new_path="/older/")
    Redirect.objects.create(old_path="/older/", new_path="/tags/")
    response = client.get("/old-section/", {"page": "2"})
    assert (response.status_code, response["Location"]) == (301, "/tags/?page=2")


@pytest.mark.parametrize(
    ("old", "new", "error"),
    [
        ("/a/", "https://evil.example/", "An address on this site"),
        ("/a/", "//evil.example/", "An address on this site"),
        ("/a/", "/\\evil.example", "An address on this site"),
        ("/a/", "/a/", "cannot send readers to itself"),
        ("/b/", "/loop-start/", "would make a loop"),
    ],
)
def test_redirects_cannot_leave_the_site_or_loop(staff_client, old, new, error):
    Redirect.objects.create(old_path="/loop-start/", new_path="/b/")
    response = staff_client.post(
        reverse("admin:articles_redirect_add"), {"old_path": old, "new_path": new}
    )
    assertContains(response, error)
    assert Redirect.objects.count() == 1


# Issue 15, the admin's small things


def test_the_body_editor_leaves_the_spell_checker_on(staff_client):
    html = staff_client.get(ADD).content.decode()
    assert "Blockquote" in html  # the editor's configuration is on the page
    assert "NoSpellCheck" not in html


def test_a_new_article_is_by_the_person_writing_it(django_user_model):
    user, client = signed_in(django_user_model, "Editors", "erlan")
    byline = make_author("Erlan Sadykov", user=user)
    form = client.get(ADD).context["adminform"].form
    assert form.initial["author"] == byline.pk


def test_one_state_filter_and_readable_consent_choices(staff_client, client):
    html = staff_client.get(reverse("admin:articles_article_changelist")).content.decode()
    assert "?state=review" in html and "status__exact" not in html
    from tests.helpers import decide

    decide(client, "choose", ["analytics"])
    events = staff_client.get(reverse("admin:consent_consentevent_changelist"))
    assertContains(events, "analytics: allowed · marketing: declined")


def test_scheduling_says_when_in_the_newsrooms_time_zone(staff_client, settings):
    article = saved_through_the_admin(staff_client)
    later = timezone.localtime() + timezone.timedelta(days=1)
    day = later.strftime("%Y-%m-%d")
    data = opened(staff_client, article)
    response = save(staff_client, article, data, published_at_0=day, published_at_1="09:00:00")
    assert response.status_code == 302
    page = staff_client.get(response["Location"])
    assertContains(page, f"Scheduled for {later.day} {later:%B}, 09:00 ({settings.TIME_ZONE}).")


def test_admin_search_finds_words_in_the_text(staff_client):
    make_article("Quiet day", body="<p>The caravans crossed the Ustyurt plateau.</p>")
    make_article("Other")
    response = staff_client.get(reverse("admin:articles_article_changelist"), {"q": "plateau"})
    assert [a.title for a in response.context["cl"].result_list] == ["Quiet day"]


def test_a_drafts_preview_byline_has_no_empty_parts(staff_client):
    draft = make_article("Draft", status=Article.Status.DRAFT, published_at=None,
                         author=make_author("Aigerim"))  # fmt: skip
    html = staff_client.get(reverse("articles:preview", args=[draft.pk])).content.decode()
    meta = re.search(r'<p class="meta meta-parts">(.*?)</p>', html, re.S).group(1)
    assert 'datetime=""' not in meta and "·" not in meta
    assert re.findall(r"<span>(By|\d+ min read)", meta) == ["By", "1 min read"]
