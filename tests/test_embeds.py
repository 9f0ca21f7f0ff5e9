"""Issue 11.3: embeds that wait for consent (articles/media/embeds.py); the browser's side is in
tests/browser/test_embeds_browser.py."""

import re

import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from articles.media import embeds
from articles.models import Article
from newsportal.consent.models import ConsentEvent
from tests.factories import make_article
from tests.forms import form_data
from tests.helpers import decide, post_form

pytestmark = pytest.mark.django_db

LINKS = {
    "https://www.youtube.com/watch?v=dQw4w9WgXcQ": "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ",
    "https://youtu.be/dQw4w9WgXcQ": "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ",
    "https://www.youtube.com/shorts/abc_DEF-123": "https://www.youtube-nocookie.com/embed/abc_DEF-123",
    "https://vimeo.com/76979871": "https://player.vimeo.com/video/76979871?dnt=1",
    "https://x.com/kazinform/status/1790000000000000000": "https://platform.twitter.com/embed/Tweet.html?id=1790000000000000000&dnt=true",
    "https://twitter.com/kazinform/status/12": "https://platform.twitter.com/embed/Tweet.html?id=12&dnt=true",
    "https://www.instagram.com/p/C8abcDEF/": "https://www.instagram.com/p/C8abcDEF/embed/",
    "https://www.instagram.com/reel/C8abcDEF/": "https://www.instagram.com/reel/C8abcDEF/embed/",
    "https://t.me/durov/123": "https://t.me/durov/123?embed=1",
    "https://www.facebook.com/nasa/posts/123456": "https://www.facebook.com/plugins/post.php?href=https%3A%2F%2Fwww.facebook.com%2Fnasa%2Fposts%2F123456",
    "https://www.tiktok.com/@nasa/video/7350000000000000000": "https://www.tiktok.com/embed/v2/7350000000000000000",
    "https://www.google.com/maps/place/Almaty": "https://www.google.com/maps?q=Almaty&output=embed",
}  # fmt: skip


def bare(url, text=None):
    return f'<p><a href="{url}">{text or url}</a></p>'


@pytest.mark.parametrize(("url", "frame"), LINKS.items())
def test_each_providers_link_becomes_an_embed(url, frame):
    embed = embeds.parse(url)
    assert embed is not None and embed.frame == frame
    article = make_article(body=f"<p>Before.</p>{bare(url)}<p>After.</p>")
    assert f'<figure data-embed="{embed.provider}"><a href="' in article.body
    assert "<iframe" not in article.body  # never provider HTML, never a frame


@pytest.mark.parametrize(
    "url",
    [
        "https://www.youtube.com/watch?v=",  # no video
        "https://www.youtube.com/channel/UC123",  # not a video
        "javascript:alert(1)",
        "https://youtube.com.evil.example/watch?v=x",
        "https://user@www.youtube.com/watch?v=x",
        "https://www.youtube.com:8443/watch?v=x",
        "ftp://vimeo.com/1",
    ],
)
def test_links_that_are_not_embeds_stay_links(url):
    assert embeds.parse(url) is None
    article = make_article(body=bare("https://example.org/a", "words") + bare(url))
    assert "data-embed" not in article.body


@pytest.mark.parametrize(
    "forged",
    [
        '<iframe src="https://www.youtube.com/embed/x"></iframe>',
        '<figure data-embed="youtube" onclick="steal()"><a href="javascript:alert(1)">x</a></figure>',  # noqa: E501
        '<figure data-embed="evil"><a href="https://evil.example/">https://evil.example/</a></figure>',
        '<figure data-embed="youtube" data-embed-frame="https://evil.example/"><a href="https://evil.example/">x</a></figure>',
        '<p data-embed="youtube"><a href="https://evil.example/" onmouseover="x()">y</a></p>',
        '<script src="https://platform.twitter.com/widgets.js"></script>',
    ],
)
def test_forged_embed_markup_is_removed(client, forged):
    article = make_article(body=f"<p>Text.</p>{forged}")
    assert "iframe" not in article.body
    assert "<script" not in article.body
    assert "javascript:" not in article.body
    assert "onclick" not in article.body and "onmouseover" not in article.body
    assert "data-embed-frame" not in article.body
    assert 'data-embed="' not in article.body  # none of these is a supported link
    page = client.get(article.get_absolute_url()).content.decode()
    assert 'evil.example/" data-embed' not in page
    assert "<iframe" not in page


def test_an_embed_survives_editing_again(admin_client):
    url = "https://youtu.be/dQw4w9WgXcQ"
    article = make_article(body=bare(url))
    stored = article.body
    change = reverse("admin:articles_article_change", args=[article.pk])
    data = form_data(admin_client.get(change).content.decode(), "article_form")
    data["_continue"] = ["Save"]
    assert admin_client.post(change, data).status_code == 302
    article.refresh_from_db()
    assert article.body == stored
    # The editor, which knows no figure, hands it back as a paragraph holding the link.
    data["body"] = [bare(url)]
    data["opened_version"] = [str(article.lock_version)]
    assert admin_client.post(change, data).status_code == 302
    article.refresh_from_db()
    assert article.body == stored


def test_a_bare_link_to_a_media_site_that_cannot_be_embedded_is_refused(admin_client):
    article = make_article()
    change = reverse("admin:articles_article_change", args=[article.pk])
    data = form_data(admin_client.get(change).content.decode(), "article_form")
    data["body"] = ["<p>Watch:</p>" + bare("https://www.dailymotion.com/video/x8abc")]
    response = admin_client.post(change, data)
    assert response.status_code == 200
    error = str(response.context["adminform"].form.errors["body"])
    assert "https://www.dailymotion.com/video/x8abc cannot be shown in the article" in error
    assert (
        "YouTube, Vimeo, X (Twitter), Instagram, Telegram, Facebook, TikTok, Google Maps" in error
    )
    # With words of its own it is an ordinary link.
    data["body"] = [bare("https://www.dailymotion.com/video/x8abc", "the video")]
    assert admin_client.post(change, data).status_code == 302


def test_before_consent_a_placeholder_and_no_frame(client):
    article = make_article(body=bare("https://youtu.be/dQw4w9WgXcQ", "Herders' song"))
    page = client.get(article.get_absolute_url())
    html = page.content.decode()
    assert "<iframe" not in html
    assertContains(
        page, '<p class="embed-provider"><strong>YouTube</strong>: Herders&#x27; song</p>'
    )
    assertContains(page, "Load this once")
    assertContains(page, ">Always allow external media</button>")
    assertContains(page, '<a href="https://youtu.be/dQw4w9WgXcQ">Open it on YouTube</a>')
    # Nothing on the page loads from the provider: its address is only data and a plain link.
    sources = re.findall(r'(?:src|srcset|poster)="([^"]+)"', html)
    assert not [s for s in sources if "youtube" in s or "ytimg" in s]


def test_always_allow_records_a_decision_and_then_shows_the_frames(client):
    article = make_article(body=bare("https://vimeo.com/76979871") + bare("https://t.me/durov/1"))
    decide(client, "choose", ["analytics"])  # an earlier choice, kept
    page = client.get(article.get_absolute_url()).content.decode()
    form = re.search(
        r'<form method="post" action="/consent/" data-consent-form>.*?</form>', page, re.S
    )
    fields = dict.fromkeys(re.findall(r'name="(\w+)" value="([^"]*)"', form.group(0)))
    data = {"category": [], "decision": "choose"}
    for name, value in fields:
        if name == "category":
            data["category"].append(value)
        elif name != "decision":
            data[name] = value
    assert sorted(data["category"]) == ["analytics", "media"]
    response = post_form(client, "/consent/", data, HTTP_SEC_FETCH_SITE="same-origin")
    assert response.status_code == 303
    assert response["Location"] == article.get_absolute_url() + "#embed-1"
    event = ConsentEvent.objects.order_by("-created_at").first()
    assert event.choices == {"analytics": True, "marketing": False, "media": True}
    page = client.get(article.get_absolute_url())
    assertContains(page, '<iframe src="https://player.vimeo.com/video/76979871?dnt=1"')
    assertContains(page, '<iframe src="https://t.me/durov/1?embed=1"')
    assertNotContains(page, "Load this once")


def test_the_policy_allows_frames_from_the_enabled_providers_only(client, settings):
    page = client.get(make_article().get_absolute_url())
    frame_src = re.search(r"frame-src ([^;]+)", page["Content-Security-Policy"]).group(1)
    assert frame_src.split() == [
        "https://www.youtube-nocookie.com", "https://player.vimeo.com",
        "https://platform.twitter.com", "https://www.instagram.com", "https://t.me",
        "https://www.facebook.com", "https://www.tiktok.com", "https://www.google.com",
    ]  # fmt: skip
    settings.EMBED_PROVIDERS = ["youtube"]
    article = make_article(body=bare("https://vimeo.com/1"))
    assert "data-embed" not in article.body  # not enabled: an ordinary link
    assert embeds.supported_names() == "YouTube"


def test_the_cookie_policy_lists_external_media_and_its_cookies(client):
    page = client.get("/cookies/")
    assertContains(page, "External media")
    for cookie in ("VISITOR_INFO1_LIVE", "vuid", "guest_id", "ttwid", "NID"):
        assertContains(page, cookie)


@pytest.mark.parametrize(
    "line",
    [
        '<p><a href="https://youtu.be/dQw4w9WgXcQ" title="">https://youtu.be/dQw4w9WgXcQ</a></p>',
        '<p><a title="" href="https://youtu.be/dQw4w9WgXcQ" target="_blank">Watch</a></p>',
        "<p>https://youtu.be/dQw4w9WgXcQ</p>",  # typed or pasted, not linked
        "<p> https://youtu.be/dQw4w9WgXcQ </p>",
    ],
)
def test_a_media_line_becomes_an_embed_however_it_was_written(line):
    article = make_article(body=f"<p>Before.</p>{line}<p>After.</p>")
    assert '<figure data-embed="youtube"><a href="https://youtu.be/dQw4w9WgXcQ">' in article.body
    article.save()  # saved again: still one embed, unchanged
    assert article.body.count('data-embed="youtube"') == 1


def test_an_imported_address_line_becomes_an_embed(tmp_path):
    from django.core.management import call_command

    path = tmp_path / "video-story.txt"
    path.write_text("Video story\n\nIntro.\nhttps://www.youtube.com/watch?v=dQw4w9WgXcQ\n")
    call_command("import_article", str(path))
    assert 'data-embed="youtube"' in Article.objects.get(slug="video-story").body


def test_an_address_in_a_sentence_or_to_another_site_stays_text():
    body = "<p>See https://youtu.be/dQw4w9WgXcQ for more.</p><p>https://example.org/report</p>"
    assert make_article(body=body).body == body


@pytest.mark.parametrize(
    "line",
    [
        '<p><a href="https://rutube.ru/video/abc/" title="">https://rutube.ru/video/abc/</a></p>',
        "<p>https://rutube.ru/video/abc/</p>",
    ],
)
def test_an_unsupported_media_line_is_named_on_save(staff_client, line):
    article = make_article()
    page = staff_client.get(reverse("admin:articles_article_change", args=[article.pk]))
    data = form_data(page.content.decode(), "article_form")
    data["body"] = [line]
    response = staff_client.post(reverse("admin:articles_article_change", args=[article.pk]), data)
    assert response.status_code == 200
    assertContains(response, "https://rutube.ru/video/abc/ cannot be shown in the article")
