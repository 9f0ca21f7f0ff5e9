"""The parts pages are made of, kept between renders (newsportal/fragments.py,
articles/reading/cards.py): a page rendered again after a purge that did not touch them is made from
them, and a change to what one of them shows reaches the next render at once."""

import pytest
from pytest_django.asserts import assertContains, assertNotContains

from articles.models import Article, Image
from articles.reading.cards import CARD, card_rows, render_many
from newsportal import fragments
from newsportal.invalidation import EVERYTHING, purge, started_stamp
from tests.factories import make_article, make_author, make_tag
from tests.images import image_bytes, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def rendered(settings):
    """Every request renders its page, as after a purge of the page alone (the parts stay).
    The release's stamp is set first, as migrate sets it: else the first page, which sets it,
    would leave parts that are never used again, and a test could pass for that reason."""
    settings.PAGE_CACHE_ENABLED = False
    started_stamp(EVERYTHING)


def test_a_part_is_kept_until_one_of_its_keys_is_purged():
    built = []

    def build():
        built.append(1)
        return f"version {len(built)}", ["article-1"]

    assert fragments.cached("part", build) == "version 1"
    assert fragments.cached("part", build) == "version 1"
    purge(["article-2"])  # another article: still kept
    assert fragments.cached("part", build) == "version 1"
    purge(["article-1"])
    assert fragments.cached("part", build) == "version 2"


def test_a_part_built_while_its_keys_were_purged_is_not_kept():
    """What the build read may predate the commit that purged: it is used once, not kept."""
    built = []

    def build():
        built.append(1)
        if len(built) == 1:
            purge(["article-1"])  # a commit lands while the part is built
        return f"version {len(built)}", ["article-1"]

    assert fragments.cached("racing", build) == "version 1"
    assert fragments.cached("racing", build) == "version 2"
    assert fragments.cached("racing", build) == "version 2"


def test_several_parts_are_read_at_once_and_only_the_valid_ones_come_back():
    fragments.cached("a", lambda: ("A", ["tag-1"]))
    fragments.cached("b", lambda: ("B", ["tag-2"]))
    purge(["tag-2"])
    assert fragments.valid(["a", "b", "never-kept"]) == {"a": "A"}


def test_an_edit_reaches_the_article_page_made_from_kept_parts(client, rendered, committed):
    article = make_article("Pipeline deal", body="<p>First text.</p>")
    assertContains(client.get(article.get_absolute_url()), "First text.")
    article.body = "<p>Corrected text.</p>"
    with committed():
        article.save()
    page = client.get(article.get_absolute_url())
    assertContains(page, "Corrected text.")
    assertNotContains(page, "First text.")


def test_unpublishing_reaches_the_article_page_at_once(client, rendered, committed):
    article = make_article("Withdrawn")
    assert client.get(article.get_absolute_url()).status_code == 200
    with committed():
        article.status = Article.Status.DRAFT
        article.save()
    assert client.get(article.get_absolute_url()).status_code == 410


def test_a_new_article_on_a_topic_joins_the_related_box(client, rendered, committed):
    energy = make_tag("Energy")
    article = make_article("Pipeline deal", tags=[energy])
    assertNotContains(client.get(article.get_absolute_url()), "Gas prices")
    with committed():
        make_article("Gas prices", tags=[energy])
    assertContains(client.get(article.get_absolute_url()), "Gas prices")


def test_renamed_authors_and_topics_reach_the_kept_cards(client, rendered, committed):
    dana, energy = make_author("Dana"), make_tag("Energy")
    article = make_article("Pipeline deal", tags=[energy], author=dana)
    for _ in range(5):
        make_article(tags=[energy], author=dana)  # the first is a card, after four top stories
    pages = ["/", energy.get_absolute_url(), dana.get_absolute_url(), article.get_absolute_url()]
    for url in pages:
        assertContains(client.get(url), ">Dana</a>")
    with committed():
        dana.name = "Dana Bekova"
        dana.save()
        energy.name = "Power"
        energy.save()
    for url in pages:
        page = client.get(url)
        assertContains(page, ">Dana Bekova</a>")
        assertContains(page, ">Power</a>")
        assertNotContains(page, ">Energy</a>")


def test_a_cover_pictures_new_description_reaches_the_lead(client, rendered, committed, settings):
    cover = Image.objects.create(file=upload(image_bytes()), alt="A herd at dawn")
    make_article("Herders return", cover=cover)
    assertContains(client.get("/"), 'alt="A herd at dawn"')
    with committed():
        cover.alt = "Horses crossing a river"
        cover.save()
    page = client.get("/")
    assertContains(page, 'alt="Horses crossing a river"')
    assertNotContains(page, "A herd at dawn")


def test_a_list_read_before_an_article_was_unpublished_leaves_it_out(rf):
    shown, withdrawn = make_article("Shown"), make_article("Withdrawn")
    rows = list(card_rows(Article.objects.filter(pk__in=[shown.pk, withdrawn.pk])))
    withdrawn.status = Article.Status.DRAFT
    withdrawn.save()
    cards = render_many([(row, CARD, 2) for row in rows])
    assert [card is not None and "Shown" in card for card in cards] in (
        [True, False],
        [False, True],
    )
    assert sum(card is None for card in cards) == 1


def test_the_banner_returns_each_page_to_itself(client):
    article = make_article("Pipeline deal")
    for path in ["/", article.get_absolute_url(), "/tags/"]:
        assertContains(client.get(path), f'name="next" value="{path}"', count=1)
    assertContains(client.get("/search/?q=a%22b"), 'name="next" value="/search/?q=a%22b"')


def test_a_topic_made_at_an_address_asked_for_before_answers_at_once(client, rendered, committed):
    assert client.get("/tags/steppe-rail/").status_code == 404  # a reader (or a crawler) early
    with committed():
        make_article(tags=[make_tag("Steppe rail", slug="steppe-rail")])
    assertContains(client.get("/tags/steppe-rail/"), "<h1>Steppe rail</h1>", html=True)


def test_embed_placeholders_follow_the_policys_words(client, rendered, committed):
    """A version's texts are fixed, but its translations may be corrected in place."""
    from newsportal.consent.models import CookiePolicy, PolicyTranslation

    article = make_article(
        body='<p><a href="https://youtu.be/dQw4w9WgXcQ">x</a></p>', language="ru", slug="video"
    )
    url = article.get_absolute_url()
    policy = CookiePolicy.objects.order_by("-version").first()
    translation, _ = PolicyTranslation.objects.get_or_create(
        policy=policy, language="ru", defaults={"banner_text": "Баннер", "policy_text": "Текст"}
    )
    with committed():
        translation.categories = {"media": {"name": "Видео"}}
        translation.save()
    for _ in range(3):  # built, then kept
        assertContains(client.get(url), "видео")  # "Always allow" + the name, lower case
    with committed():
        translation.categories = {"media": {"name": "Ролики и посты"}}
        translation.save()
    page = client.get(url)
    assertContains(page, "ролики и посты")
    assertNotContains(page, "видео</button>")


def test_a_process_uses_the_parts_it_holds_while_their_keys_stand(rendered):
    built = []

    def build():
        built.append(1)
        return f"version {len(built)}", ["article-1"]

    assert fragments.cached("held", build) == "version 1"
    fragments.cache.delete(fragments.cache_key("held"))  # only this process holds it now
    assert fragments.cached("held", build) == "version 1"
    purge(["article-1"])
    assert fragments.cached("held", build) == "version 2"


def test_an_emptied_shared_cache_drops_what_processes_hold(rendered):
    fragments.cached("held", lambda: ("before", ["article-1"]))
    fragments.cache.clear()  # Redis restarted or flushed: its stamps go with it
    assert fragments.valid(["held"]) == {}
