"""Uncached search, one query at a time, at the size `make bench ARTICLES=` made: p50/p95/max
per language. Readers' queries of every kind (one word, two words, a phrase, a typo, rare and
common words, Cyrillic and Latin, pages 1 and 2), each asked for the first time (its page 2
reads what its page 1 found) and, in a last round, again (a query asked by many: what it found
kept). Not a test: it asserts nothing.

The words are the generator's (generate_articles): common ones are in a third of a language's
stories, rare ones in a few hundred.
"""

import os
import statistics
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench import ARTICLES, BASE, portal_environment, prepare
from common import Server, redis_url

QUERIES = {
    "en": ["railway", "railway harvest", '"grain harvest"', "railwya", "network", "law",
           "language", "allonur", "geiloka", "mashita", "university -railway",
           "railway or harbour", "zzzqqq", "экспорт", "президент"],
    "ru": ["университет", "экспорт", "президент дошеза", '"экспорт будоно"', "унверситет",
           "шешел", "шешек", "бубуз", "railway", "банк"],
    "kk": ["кітап", "экспорт", "мұғалім", "сот кітап", "кітпа", "мұгалим", "бабоші", "alal"],
    "uz": ["zavod", "hosil", "eksport", "huquq", "oʻzbekiston", "o'zbekiston", "zavd",
           "bubu nizichi", "budachi"],
}  # fmt: skip


def ask(url: str) -> float:
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(url) as response:
            response.read()
    except urllib.error.HTTPError as error:
        print(f"search: {error.code} for {url}", file=sys.stderr)
    return (time.perf_counter() - started) * 1000


def url(language: str, words: str, page: int) -> str:
    prefix = "" if language == "en" else f"/{language}"
    query = {"q": words, **({"page": str(page)} if page > 1 else {})}
    return f"{BASE}{prefix}/search/?{urllib.parse.urlencode(query)}"


def summary(label: str, times: list[float]) -> str:
    times = sorted(times)
    p95 = times[max(0, round(len(times) * 0.95) - 1)]
    return (f"{label:24s} n={len(times):3d}  p50 {statistics.median(times):6.1f} ms  "
            f"p95 {p95:6.1f} ms  max {times[-1]:6.1f} ms")  # fmt: skip


def main():
    database_url = prepare(ARTICLES)
    redis_url(5)  # emptied: every query is asked for the first time
    server = Server(portal_environment(database_url, page_cache=False))
    try:
        for language, words in QUERIES.items():  # every worker loads its templates
            ask(url(language, words[0], 1))
        first, again = {}, []
        for page in (1, 2):
            for language, words in QUERIES.items():
                for query in words:  # page 1 finds; page 2 reads what page 1 found
                    first.setdefault(language, []).append(ask(url(language, query, page)))
        for language, words in QUERIES.items():
            for query in words:
                ask(url(language, query, 1))
                again.append(ask(url(language, query, 1)))
    finally:
        server.stop()
    print(f"\nsearch at {ARTICLES:,} articles, uncached, one query at a time "
          f"({os.cpu_count()} cores)")  # fmt: skip
    for language, times in first.items():
        print(summary(f"first time, {language}", times))
    print(summary("first time, all", [t for times in first.values() for t in times]))
    print(summary("asked again, all", again))


if __name__ == "__main__":
    main()
