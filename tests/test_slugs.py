"""Issue 30.5-6: addresses keep their letters. One transliteration (articles/newsroom/slugs.py)
makes article slugs and topic addresses from Kazakh, Russian and Uzbek words; the admin's slug box
uses the same table (tests/browser/test_newsroom_day_browser.py types a headline)."""

import pytest
from django.core.management import call_command

from articles.models import Article, Tag
from articles.newsroom.slugs import slug_for
from tests.factories import make_article, make_tag
from tests.forms import open_and_post


@pytest.mark.parametrize(
    ("words", "slug"),
    [
        (
            "Қазақстан мен Өзбекстан су туралы келісімге қол қойды",
            "qazaqstan-men-ozbekstan-su-turaly-kelisimge-qol-qoydy",
        ),
        ("Ұлттық Ғылым Үйі Әлем Ңң Һ Іле", "ulttyq-gylym-uyi-alem-nn-h-ile"),
        ("Су ресурстары", "su-resurstary"),
        ("Новый этап отношений: щедрый ёж", "novyy-etap-otnosheniy-shchedryy-yozh"),
        ("Oʻzbekiston va Qozogʻiston", "ozbekiston-va-qozogiston"),
        ("O'zbekiston, O‘zbekiston, O’zbekiston", "ozbekiston-ozbekiston-ozbekiston"),
        ("Ўзбекистон ҳукумати", "ozbekiston-hukumati"),
        ("Kazakhstan: a new stage", "kazakhstan-a-new-stage"),
        ("!!!", ""),
    ],
)
def test_words_in_any_of_our_languages_make_a_latin_address(words, slug):
    assert slug_for(words, 300) == slug


def test_an_address_is_cut_at_its_length_without_a_trailing_hyphen():
    assert slug_for("Қол қойды келісімге", 10) == "qol-qoydy"


@pytest.mark.django_db
def test_a_new_topic_typed_in_cyrillic_gets_a_real_address(admin_client):
    article = make_article()
    existing = make_tag("Kazakhstan", slug="kazakhstan")
    response = open_and_post(
        admin_client, article, tags=[str(existing.pk), "Су ресурстары", "Водные ресурсы"]
    )
    assert response.status_code == 302
    assert set(Tag.objects.values_list("slug", flat=True)) == {
        "kazakhstan", "su-resurstary", "vodnye-resursy",
    }  # fmt: skip
    assert open_and_post(admin_client, article).status_code == 302  # saved again: nothing new
    assert Tag.objects.count() == 3


@pytest.mark.django_db
def test_an_imported_kazakh_article_gets_a_transliterated_address(tmp_path):
    path = tmp_path / "Қазақстан мен Өзбекстан.txt"  # a page saved under its headline
    path.write_text("Қазақстан мен Өзбекстан\n\nМәтін.\n", encoding="utf-8")
    call_command("import_article", str(path), "--tag", "Су ресурстары")
    article = Article.objects.get()
    assert article.slug == "qazaqstan-men-ozbekstan"
    assert list(article.tags.values_list("slug", flat=True)) == ["su-resurstary"]
