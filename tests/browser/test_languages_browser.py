"""Issue 12 in Chromium: the front page in each language at 390 px without overflow (Kazakh and
Russian words are long), axe on a Russian and an Uzbek page, and the switcher by keyboard."""

import pytest
from playwright.sync_api import expect

from articles.models import TagName
from tests.browser.helpers import axe_violations
from tests.factories import make_article, make_tag

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def stories(site):
    tag = make_tag("Central Asia", slug="central-asia", section_position=1)
    TagName.objects.create(
        tag=tag, language="ru", name="Центральная Азия", slug="tsentralnaya-aziya"
    )
    TagName.objects.create(tag=tag, language="kk", name="Орталық Азия", slug="ortalyq-aziya")
    original = make_article("A new stage of relations", slug="new-stage", tags=[tag])
    make_article(
        "Қазақстан-өзбекстан қарым-қатынастарының жаңа кезеңі", slug="zhana-kezen",
        language="kk", translation_of=original, tags=[tag],
        standfirst="Мемлекетаралық ынтымақтастықты нығайту жөніндегі келіссөздер",
    )  # fmt: skip
    make_article(
        "Новый этап казахстанско-узбекских взаимоотношений", slug="novyi-etap", language="ru",
        translation_of=original, tags=[tag],
        standfirst="Высший межгосударственный совет и совет министров иностранных дел",
    )  # fmt: skip
    make_article("Oʻzbekiston va Qozogʻiston munosabatlarining yangi bosqichi", slug="yangi",
                 language="uz", translation_of=original, tags=[tag])  # fmt: skip
    return original


@pytest.mark.parametrize("prefix", ["", "/ru", "/kk", "/uz"])
def test_the_front_page_fits_a_phone_in_every_language(page, site, stories, prefix):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(site.url + prefix + "/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    expect(page.locator("html")).to_have_attribute("lang", prefix.strip("/") or "en")
    page.screenshot(path=f"/tmp/front{prefix.replace('/', '-') or '-en'}-390.png")


@pytest.mark.parametrize("url", ["/ru/", "/ru/articles/novyi-etap/", "/uz/", "/uz/cookies/"])
def test_russian_and_uzbek_pages_pass_axe(page, site, stories, url):
    page.goto(site.url + url)
    assert axe_violations(page) == ""


def test_the_switcher_leads_to_the_translation_by_keyboard(page, site, stories):
    page.goto(site.url + "/articles/new-stage/")
    link = page.get_by_role("navigation", name="Language").get_by_role("link", name="Русский")
    link.focus()
    page.keyboard.press("Enter")
    expect(page).to_have_url(site.url + "/ru/articles/novyi-etap/")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Новый этап казахстанско-узбекских взаимоотношений"
    )
