"""Generated hostile input at every public URL and form: never a 5xx, never a refused write."""

from urllib.parse import quote

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsportal.consent.models import ConsentEvent, ConsentRecord
from tests.factories import make_article
from tests.helpers import SAME_ORIGIN, post_form

pytestmark = [pytest.mark.slow, pytest.mark.django_db]

EXAMPLES = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
NASTY = st.sampled_from([
    "", " ", "\x00", "\x00\x01\x02", "%00", "../../etc/passwd", "' OR 1=1 --", '"; DROP TABLE x;',
    "<script>alert(1)</script>", "javascript:alert(1)", "\u202e\u200b", "a" * 5000, "-1", "0",
    "1e9", "NaN", "99999999999999999999", "Қазақстан", "🚄" * 50, "\ud7ff", "%ff%fe",
])  # fmt: skip
TEXT = NASTY | st.text(max_size=300)
# What a header can carry through a real server: latin-1, without control characters (gunicorn
# refuses those before Django sees them).
HEADER_TEXT = st.text(
    st.characters(min_codepoint=0x20, max_codepoint=0xFF, exclude_characters="\x7f"), max_size=300
) | NASTY.filter(lambda s: s.isprintable() and all(ord(c) < 256 for c in s))
PUBLIC_PATHS = [
    "/", "/cookies/", "/search/", "/articles/{}/", "/tags/{}/", "/authors/{}/", "/tags/{}/rss/",
    "/sitemap.xml", "/sitemap-{}.xml", "/sitemap-articles.xml", "/feeds/atom/",
]  # fmt: skip


def writes():
    return ConsentRecord.objects.count(), ConsentEvent.objects.count()


@pytest.fixture
def one_article():
    make_article("A story", tags=[], slug="a-story")


CURSOR = TEXT | st.from_regex(r"-?[0-9]{1,18}-[0-9]{1,19}", fullmatch=True)


@EXAMPLES
@given(path=st.sampled_from(PUBLIC_PATHS), slug=TEXT, page=TEXT, q=TEXT, cursor=CURSOR,
       where=st.sampled_from(["before", "after"]))  # fmt: skip
def test_public_urls_never_fail_whatever_the_slug_page_or_query(
    one_article, path, slug, page, q, cursor, where
):
    url = path.format(quote(slug, safe="")) if "{}" in path else path
    assert Client().get(url, {"page": page, "q": q}).status_code < 500
    assert Client().get(url, {where: cursor}).status_code < 500


@pytest.mark.parametrize("path", ["/articles/%00/", "/tags/a%00b/", "/%00", "/ru/articles/%00/"])
def test_a_nul_in_the_address_is_a_404_not_a_failure(one_article, path):
    """Every 404 asks for an editor's redirect; PostgreSQL text cannot hold a NUL."""
    assert Client().get(path).status_code == 404


@EXAMPLES
@given(
    fields=st.dictionaries(
        st.sampled_from(["decision", "category", "next", "csrfmiddlewaretoken"]) | TEXT,
        TEXT | st.lists(TEXT, max_size=4),
        max_size=6,
    ),
    accept=st.sampled_from(["text/html", "application/json", "*/*", ""]),
)
def test_consent_posts_with_random_fields_never_fail(one_article, fields, accept):
    before = writes()
    response = post_form(Client(), "/consent/", fields, **SAME_ORIGIN, HTTP_ACCEPT=accept)
    assert response.status_code < 500
    if response.status_code >= 400:
        assert writes() == before


@EXAMPLES
@given(cookie=HEADER_TEXT, gpc=HEADER_TEXT, other=HEADER_TEXT)
def test_random_cookies_and_headers_never_fail(one_article, cookie, gpc, other):
    client = Client()
    client.cookies["consent"] = cookie
    client.cookies["sessionid"] = other
    response = client.get("/", HTTP_SEC_GPC=gpc, HTTP_ACCEPT_LANGUAGE=other)
    assert response.status_code < 500


@EXAMPLES
@given(
    method=st.sampled_from(["PUT", "PATCH", "DELETE", "OPTIONS", "TRACE", "PROPFIND", "POST"]),
    path=st.sampled_from(["/", "/cookies/", "/consent/", "/search/", "/articles/a-story/"]),
    origin=HEADER_TEXT,
    fetch_site=st.sampled_from(["cross-site", "same-site", "none", "same-origin", ""]),
)
def test_odd_methods_and_origins_never_fail_or_write(one_article, method, path, origin, fetch_site):
    before = writes()
    response = Client().generic(
        method, path, "decision=accept", "application/x-www-form-urlencoded",
        HTTP_ORIGIN=origin, HTTP_SEC_FETCH_SITE=fetch_site,
    )  # fmt: skip
    assert response.status_code < 500
    if response.status_code >= 400:
        assert writes() == before


@EXAMPLES
@given(
    params=st.lists(
        st.tuples(st.sampled_from(["page", "p", "q", "utm_source", "fbclid", "x"]) | TEXT, TEXT),
        max_size=6,
    ),
    path=st.sampled_from(["/", "/search/", "/tags/a-topic/", "/sitemap-articles.xml"]),
)
def test_any_query_string_is_answered_or_redirected_never_failed(one_article, params, path):
    """Repeated, padded, signed and tracking parameters: a page, a redirect or a 4xx."""
    response = Client().get(path, params)
    assert response.status_code < 500
    if response.status_code == 301:  # the canonical spelling answers, and does not redirect
        assert Client().get(response["Location"]).status_code != 301


@EXAMPLES
@given(
    length=st.sampled_from(["", "0", "-1", "abc", "99999999999", "1e3", " 12 "]),
    chunked=st.booleans(),
    path=st.sampled_from(["/consent/", "/search/", "/admin/login/"]),
)
def test_declared_body_lengths_never_fail(path, length, chunked):
    headers = {"CONTENT_LENGTH": length} if length else {}
    if chunked:
        headers["HTTP_TRANSFER_ENCODING"] = "chunked"
    before = writes()
    response = Client().generic("POST", path, b"decision=accept", **headers, **SAME_ORIGIN)
    assert response.status_code < 500
    if path == "/consent/" and response.status_code >= 400:
        assert writes() == before


@pytest.mark.parametrize("query", ["&" * 600, "a=1&" * 600, "page=2&" + "x=&" * 1200])
@pytest.mark.parametrize("path", ["/", "/search/", "/ru/", "/articles/nope/", "/consent/"])
def test_too_many_query_parameters_is_a_plain_400_not_a_failure(client, path, query):
    """Django refuses to parse more than DATA_UPLOAD_MAX_NUMBER_FIELDS parameters; the error
    page must not read them again."""
    client.raise_request_exception = False
    response = client.get(f"{path}?{query}")
    assert response.status_code == 400
    assert "<h1>" in response.content.decode()  # the styled page (in the site's language)
    assert response["Cache-Control"] == "no-store"
