from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from articles.models import Article, Tag, TagName
from tests import commands

pytestmark = pytest.mark.django_db

DEMO = Path(__file__).resolve().parent.parent / "articles" / "demo"
DEMO_FILE = DEMO / "a-new-stage-of-kazakh-uzbek-relations.txt"


def test_demo_file_is_the_clients_seed_unchanged():
    seed = Path(__file__).resolve().parents[2] / "shared" / "seed" / DEMO_FILE.name
    if not seed.exists():
        pytest.skip("the shared seed folder is not beside this checkout")
    assert DEMO_FILE.read_bytes() == seed.read_bytes()


def test_import_keeps_the_title_exactly_and_makes_subheadings():
    call_command("import_article", str(DEMO_FILE))
    article = Article.objects.get()
    # The client's title starts with a Cyrillic capital A (U+0410); it is kept as it is.
    assert article.title == "\u0410 new stage of Kazakh-Uzbek relations"
    assert article.slug == "a-new-stage-of-kazakh-uzbek-relations"
    assert article in Article.objects.published()
    assert article.body.count("<h2>") == 2
    assert (
        "<h2>The economies of Kazakhstan and Uzbekistan do not compete but complement each "
        "other</h2>" in article.body
    )
    assert (
        "<h2>A new step towards strengthening strategic partnership for the sake of regional "
        "stability and security</h2>" in article.body
    )
    assert "<p>At the talks in a narrow format, Kassym-Jomart Tokayev stressed" in article.body
    assert "the more stable the situation in our region will be”.</p>" in article.body


def test_import_drops_the_trailing_cookie_banner():
    call_command("import_article", str(DEMO_FILE))
    body = Article.objects.get().body
    assert "cookie" not in body.lower()
    assert "opt-out" not in body
    assert body.endswith("where the roles and interests of large states are divorced.</p>")


def test_import_escapes_markup_in_the_text(tmp_path):
    path = tmp_path / "markup.txt"
    path.write_text("Title\n\n<script>alert(1)</script> is not a tag here.\n", encoding="utf-8")
    call_command("import_article", str(path))
    assert "<script>" not in Article.objects.get().body


def test_importing_again_updates_instead_of_duplicating():
    call_command("import_article", str(DEMO_FILE))
    call_command("import_article", str(DEMO_FILE))
    assert Article.objects.count() == 1


def test_load_demo_is_idempotent_and_tags_the_article():
    call_command("load_demo")
    first = Article.objects.get(language="en")
    call_command("load_demo")
    article = Article.objects.get(language="en")
    assert article.updated_at == first.updated_at
    # Its Russian translation, ours, linked to it; with the topics' Russian names.
    russian = Article.objects.get(language="ru")
    assert russian.translation_of == article
    assert Article.objects.count() == 2
    assert russian.get_absolute_url().startswith("/ru/articles/")
    assert TagName.objects.get(tag__slug="diplomacy", language="ru").name == "Дипломатия"
    assert sorted(article.tags.values_list("name", flat=True)) == [
        "Central Asia",
        "Diplomacy",
        "Kazakhstan",
        "Uzbekistan",
    ]
    assert article.author.name == "Newsroom"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty"),
        (b"  \n\n \n", "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
        ("Caf\u00e9 society\n\nA paragraph.\n".encode("latin-1"), "not UTF-8"),
        (b"Just a title\n", "at least one paragraph"),
        (b"Title\n\n\x1b[31mred\x1b[0m text.\n", "control characters"),
        ("T" * 301 + "\n\nText.\n", "too long"),
    ],
)
def test_bad_files_are_refused_and_nothing_is_written(tmp_path, content, message):
    path = tmp_path / "bad.txt"
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    with pytest.raises(CommandError, match=message):
        call_command("import_article", str(path), "--tag", "Ghost")
    assert Article.objects.count() == 0
    assert Tag.objects.count() == 0


def test_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="cannot read"):
        call_command("import_article", str(tmp_path / "nope.txt"))


def test_a_translation_is_imported_linked_to_its_original(tmp_path):
    call_command("import_article", str(DEMO_FILE))
    text = tmp_path / "perevod.txt"
    text.write_text("Новый этап\n\n\nТекст статьи.\n", encoding="utf-8")
    original = "a-new-stage-of-kazakh-uzbek-relations"
    call_command("import_article", str(text), language="ru", translation_of=original)
    russian = Article.objects.get(slug="perevod")
    assert (russian.language, russian.translation_of.slug) == ("ru", original)
    # An unknown original, or one in the same language, is refused and nothing is written.
    for wrong in ({"language": "ru", "translation_of": "no-such-article"},
                  {"language": "en", "translation_of": original}):  # fmt: skip
        other = tmp_path / "other.txt"
        other.write_text("Other\n\n\nText.\n", encoding="utf-8")
        with pytest.raises(CommandError, match="nothing was imported"):
            call_command("import_article", str(other), **wrong)
    assert not Article.objects.filter(slug="other").exists()


@pytest.mark.django_db(transaction=True)
def test_an_article_imported_beside_the_running_site_is_on_its_pages_at_once(
    tmp_path, settings, client, shipped_policy
):
    """Issue 32.1: `make run` serves from a file cache and records it in var/site.env; a
    manage.py command run beside it purges that cache, not one of its own."""
    import os
    from urllib.parse import urlsplit, urlunsplit

    from django.db import connection

    from newsportal.env import cache_from_url, write_site_env
    from tests.factories import make_article, make_tag

    root = Path(__file__).resolve().parent.parent
    cache_url = f"file://{tmp_path / 'cache'}"
    settings.CACHES = {**settings.CACHES, "default": cache_from_url(cache_url, root)}
    make_article("An older story", tags=[make_tag("Water", slug="water")])
    for page in ("/", "/tags/water/"):
        client.get(page)
        assert client.get(page)["X-Cache"] == "hit"
    site_env = tmp_path / "site.env"
    write_site_env(site_env, {"CACHE_URL": cache_url, "SITE_URL": "http://127.0.0.1:8123"})
    test_database = connection.settings_dict["NAME"]
    if os.environ.get("DATABASE_URL"):
        given = urlsplit(os.environ["DATABASE_URL"])
        database_url = urlunsplit(given._replace(path=f"/{test_database}"))
    else:  # the private server, on its socket
        from newsportal import localdb

        database_url = localdb.database_url(test_database)
    story = tmp_path / "water-deal-signed.txt"
    story.write_text("Water deal signed beside the running site\n\nText of the story.\n")
    environment = {k: v for k, v in os.environ.items() if k != "CACHE_URL"}
    done = commands.manage(
        "import_article", str(story), "--tag", "Water",
        env={**environment, "SITE_ENV_FILE": str(site_env), "DATABASE_URL": database_url},
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    for page in ("/", "/tags/water/"):
        assert "Water deal signed beside the running site" in client.get(page).content.decode()
