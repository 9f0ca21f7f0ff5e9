"""What readers, feed readers, search engines and link previews get from the site."""

import json
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from datetime import timedelta
from pathlib import Path

import feedparser
import pytest
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from articles.models import Article
from tests.factories import make_article, make_author, make_tag
from tests.helpers import decide

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent
VNU = ROOT / "tests" / "tools" / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


@pytest.fixture
def energy_desk():
    energy, politics = make_tag("Energy", slug="energy"), make_tag("Politics", slug="politics")
    author = make_author("Dana Bekova", slug="dana-bekova")
    story = make_article(
        "Pipeline deal signed",
        standfirst="Two countries agree on gas.",
        body="<p>" + "word " * 690 + "</p>",
        tags=[energy, politics],
        author=author,
    )
    return {
        "story": story,
        "older": make_article("Older energy news", tags=[energy],
                              published_at=timezone.now() - timedelta(days=5)),
        "unrelated": make_article("Sports", tags=[make_tag("Sport")]),
        "draft": make_article("Draft energy", tags=[energy], status=Article.Status.DRAFT),
        "energy": energy,
        "author": author,
    }  # fmt: skip


def test_article_page_has_byline_times_reading_time_and_tags(client, energy_desk):
    response = client.get(energy_desk["story"].get_absolute_url())
    assertContains(response, 'rel="author">Dana Bekova</a>')
    assertContains(response, "3 min read")  # 690 words at 230 a minute
    assertContains(response, 'href="/tags/energy/"')
    assertNotContains(response, "Updated")


def test_an_article_edited_after_publication_says_updated(client, energy_desk):
    story = energy_desk["story"]
    three_hours_ago = timezone.now() - timedelta(hours=3)
    Article.objects.filter(pk=story.pk).update(
        published_at=three_hours_ago, created_at=three_hours_ago, updated_at=timezone.now()
    )
    response = client.get(story.get_absolute_url())
    assertContains(response, "Updated <time")


def test_related_articles_share_a_tag_newest_first_and_are_published(client, energy_desk):
    response = client.get(energy_desk["story"].get_absolute_url())
    assert [a.title for a in response.context["related"]] == ["Older energy news"]


def test_share_links_load_no_third_party_script(client, energy_desk):
    html = client.get(energy_desk["story"].get_absolute_url()).content.decode()
    assert "facebook.com/sharer" in html and "mailto:" in html
    assert re.findall(r'<script src="([^"]+)"', html) == [
        "/static/js/consent.js",
        "/static/js/site.js",
    ]


def test_article_page_carries_news_article_json_ld(client, energy_desk):
    html = client.get(energy_desk["story"].get_absolute_url()).content.decode()
    raw = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)[1]
    data = json.loads(raw)
    assert data["@type"] == "NewsArticle"
    assert data["headline"] == "Pipeline deal signed"
    assert data["description"] == "Two countries agree on gas."
    assert data["author"][0]["name"] == "Dana Bekova"
    assert data["datePublished"] and data["dateModified"] and data["publisher"]["name"]


@pytest.mark.parametrize("page", ["/", "story", "/tags/energy/", "/authors/dana-bekova/", "/tags/"])
def test_every_page_has_title_description_canonical_and_previews(client, energy_desk, page):
    url = energy_desk["story"].get_absolute_url() if page == "story" else page
    html = client.get(url).content.decode()
    assert re.search(r"<title>[^<]{5,}</title>", html)
    assert re.search(r'<meta name="description" content="[^"]{10,}">', html)
    assert f'<link rel="canonical" href="http://127.0.0.1:8000{url}">' in html
    for tag in ("og:title", "og:description", "og:url", "og:type", "og:site_name"):
        assert f'property="{tag}"' in html
    assert 'name="twitter:card"' in html
    assert html.count("<h1") == 1


def test_tag_index_lists_tags_with_published_articles_and_counts(client, energy_desk):
    make_tag("Empty")
    response = client.get("/tags/")
    assertContains(response, 'Energy</a> <span class="meta">2 articles</span>', html=False)
    assertNotContains(response, "Empty")


# Feeds


def test_site_feeds_parse_and_hold_published_articles(client, energy_desk):
    for url, version in [("/feeds/rss/", "rss20"), ("/feeds/atom/", "atom10")]:
        feed = feedparser.parse(client.get(url).content)
        assert not feed.bozo, feed.bozo_exception
        assert feed.version == version
        titles = [entry.title for entry in feed.entries]
        assert titles[0] == "Sports" or "Pipeline deal signed" in titles
        assert "Draft energy" not in titles
        entry = next(e for e in feed.entries if e.title == "Pipeline deal signed")
        assert entry.link.endswith(energy_desk["story"].get_absolute_url())
        assert entry.author == "Dana Bekova"
        assert {t.term for t in entry.tags} == {"Energy", "Politics"}
        assert entry.published_parsed


def test_tag_feeds_hold_only_that_tag(client, energy_desk):
    for url in ["/tags/energy/rss/", "/tags/energy/atom/"]:
        feed = feedparser.parse(client.get(url).content)
        assert not feed.bozo
        assert sorted(e.title for e in feed.entries) == [
            "Older energy news",
            "Pipeline deal signed",
        ]
    assert client.get("/tags/no-such-tag/rss/").status_code == 404


def test_pages_advertise_their_feeds(client, energy_desk):
    assertContains(client.get("/"), 'type="application/rss+xml"')
    assertContains(client.get("/tags/energy/"), 'href="/tags/energy/atom/"')


# Sitemaps and robots


def locations(client, url):
    """The addresses a sitemap lists, following a sitemap index to its sections."""
    root = ET.fromstring(client.get(url).content)
    found = [loc.text for loc in root.iter(f"{SITEMAP}loc")]
    if root.tag == f"{SITEMAP}sitemapindex":
        return [u for section in found for u in locations(client, section.split("8000", 1)[1])]
    return found


def test_sitemap_lists_published_articles_tags_and_authors(client, energy_desk):
    urls = locations(client, "/sitemap.xml")
    assert any(u.endswith(energy_desk["story"].get_absolute_url()) for u in urls)
    assert any(u.endswith("/tags/energy/") for u in urls)
    assert any(u.endswith("/authors/dana-bekova/") for u in urls)
    assert not any(u.endswith(energy_desk["draft"].get_absolute_url()) for u in urls)


def test_news_sitemap_holds_only_the_last_two_days(client, energy_desk):
    content = client.get("/sitemap-news.xml").content
    urls = locations(client, "/sitemap-news.xml")
    assert any(u.endswith(energy_desk["story"].get_absolute_url()) for u in urls)
    assert not any(u.endswith(energy_desk["older"].get_absolute_url()) for u in urls)
    root = ET.fromstring(content)
    titles = [t.text for t in root.iter("{http://www.google.com/schemas/sitemap-news/0.9}title")]
    assert "Pipeline deal signed" in titles


def test_robots_txt_names_the_sitemaps_and_not_the_admin(client, settings):
    response = client.get("/robots.txt")
    assert response["Content-Type"].startswith("text/plain")
    assertContains(response, "Sitemap: http://127.0.0.1:8000/sitemap.xml")
    assertNotContains(response, settings.ADMIN_URL)  # a moved admin stays unadvertised


@pytest.mark.parametrize(
    ("url", "budget"),
    [("/tags/", 1), ("/feeds/rss/", 2), ("/tags/energy/atom/", 3), ("/sitemap.xml", 6)],
)
def test_distribution_pages_keep_a_query_budget(
    client, energy_desk, warm_caches, django_assert_max_num_queries, url, budget
):
    with django_assert_max_num_queries(budget):
        assert client.get(url).status_code == 200


# Valid HTML


@pytest.mark.slow
@pytest.mark.skipif(
    not (VNU.exists() and shutil.which("java")), reason="the Nu validator needs npm and java"
)
def test_every_page_is_valid_html(client, energy_desk, tmp_path, settings):
    make_article("Misspelt", tags=[make_tag("Uzbekistan")])
    from articles.models import Correction

    Correction.objects.create(article=energy_desk["story"], text="The pipeline is 300 km long.")
    withdrawn = make_article("Withdrawn")
    withdrawn.delete()
    pages = {
        "front": "/", "article": energy_desk["story"].get_absolute_url(), "tag": "/tags/energy/",
        "tags": "/tags/", "author": "/authors/dana-bekova/", "search": "/search/?q=pipeline",
        "no-results": "/search/?q=Uzbekstan", "cookies": "/cookies/", "404": "/nothing/",
        "corrections": "/corrections/", "410": withdrawn.get_absolute_url(),
    }  # fmt: skip
    for name, url in pages.items():
        (tmp_path / f"{name}.html").write_bytes(client.get(url).content)
    decide(client, "accept")
    (tmp_path / "decided.html").write_bytes(client.get("/").content)
    (tmp_path / "receipt.html").write_bytes(client.get("/cookies/").content)
    result = subprocess.run(
        ["java", "-jar", str(VNU), "--errors-only", *sorted(tmp_path.iterdir())],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr + result.stdout
