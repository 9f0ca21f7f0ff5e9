"""A large, repeatable data set for benchmarks: realistic sizes, made-up words."""

import itertools
import random
from datetime import timedelta

from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.utils import timezone

from articles.models import Article, Author, Tag
from newsportal.invalidation import EVERYTHING, purge

WORDS = """
government minister president parliament election reform budget economy trade export import
railway highway energy water river harvest wheat cotton textile mining gas oil pipeline border
region capital city village school university hospital doctor teacher student family market
price inflation bank currency investment company factory worker union agreement treaty summit
delegation visit talks cooperation partnership security stability neighbour council committee
report data survey growth decline record season weather drought flood winter summer spring
festival culture music film theatre museum history heritage language book author press court
judge law rights police citizen community volunteer project plan strategy transport airport
flight station bridge construction housing rent salary pension health vaccine climate carbon
solar wind grid network internet mobile startup technology digital service tourism hotel
""".split()
# Filler text follows Zipf's law over made-up words, as real text does over real ones; each article
# also has a topic of a dozen real words, so a two-word search matches a realistic share.
SYLLABLES = (
    "ka zak stan uz bek ta shi nur sul al ma ty or da ri lo mi na ser gei pa vel tor".split()
)
FILLER = sorted({a + b + c for a in SYLLABLES for b in SYLLABLES for c in ("", *SYLLABLES[:8])})
FILLER_WEIGHTS = list(itertools.accumulate(1 / rank for rank in range(1, len(FILLER) + 1)))
NAMES = (
    "Aigerim Bakhyt Dilnoza Erlan Farrukh Gulnara Islom Jasur Kamila Laylo Madina Nurlan".split()
)
SURNAMES = "Abdullaev Bekova Dzhaksybekov Ergasheva Ibragimov Karimova Nazarbayev Rakhimov".split()


def sentence(rng, topic, words=None):
    count = words or rng.randint(8, 22)
    chosen = rng.choices(FILLER, cum_weights=FILLER_WEIGHTS, k=count)
    for i in rng.sample(range(count), k=max(1, count // 3)):
        chosen[i] = rng.choice(topic)
    text = " ".join(chosen)
    return text[0].upper() + text[1:] + "."


class Command(BaseCommand):
    help = "Add N published articles with bodies of 600-1,500 words, tags and authors (seeded)."

    def add_arguments(self, parser):
        parser.add_argument("--articles", type=int, default=10_000)
        parser.add_argument("--tags", type=int, default=300)
        parser.add_argument("--authors", type=int, default=50)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--replace", action="store_true", help="make them again")

    def handle(self, *args, articles, tags, authors, seed, replace, **options):
        existing = Article.objects.filter(slug__startswith="generated-")
        if existing.count() == articles and not replace:
            self.stdout.write("The generated articles are already there.")
            return
        rng = random.Random(seed)
        now = timezone.now()
        with transaction.atomic():
            Article.objects.filter(slug__startswith="generated-").delete()
            tag_objects = [
                Tag.objects.get_or_create(slug=f"generated-tag-{n}", defaults={"name": name})[0]
                for n, name in enumerate(
                    f"{rng.choice(WORDS).title()} {rng.choice(FILLER)} {n}" for n in range(tags)
                )
            ]
            author_objects = [
                Author.objects.get_or_create(
                    slug=f"generated-author-{n}",
                    defaults={"name": f"{rng.choice(NAMES)} {rng.choice(SURNAMES)} {n}"},
                )[0]
                for n in range(authors)
            ]
            links = []
            for start in range(0, articles, 500):
                batch = [
                    self.article(rng, n, now, author_objects)
                    for n in range(start, min(start + 500, articles))
                ]
                created = Article.objects.bulk_create(batch)
                links += [
                    Article.tags.through(article_id=article.pk, tag_id=tag.pk)
                    for article in created
                    for tag in rng.sample(tag_objects, rng.randint(1, 4))
                ]
            Article.tags.through.objects.bulk_create(links, batch_size=5000)
        with connection.cursor() as cursor:
            # Fresh statistics (or the planner skips the indexes), and the search index's pending
            # entries merged: until a vacuum does it, every search reads them all (48 ms instead
            # of 0.3 ms a query here, on a server whose autovacuum was off).
            # (Inside a transaction, as in the tests, VACUUM cannot run: statistics only.)
            command = "ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)"
            cursor.execute(f"{command} articles_article, articles_article_tags")
        purge([EVERYTHING])  # bulk writes send no signals
        self.stdout.write(f"Generated {articles} articles, {tags} tags and {authors} authors.")

    @staticmethod
    def article(rng, n, now, authors):
        paragraphs, words = [], 0
        target = rng.randint(600, 1500)
        topic = rng.sample(WORDS, 12)
        while words < target:
            paragraph = " ".join(sentence(rng, topic) for _ in range(rng.randint(3, 6)))
            words += paragraph.count(" ") + 1
            paragraphs.append(f"<p>{paragraph}</p>")
        return Article(
            title=sentence(rng, topic, rng.randint(5, 10))[:-1],
            slug=f"generated-{n:05d}",
            standfirst=sentence(rng, topic, rng.randint(15, 30)),
            body="\n".join(paragraphs),
            author=rng.choice(authors),
            status=Article.Status.PUBLISHED,
            published_at=now - timedelta(minutes=10 * n + 1),
        )
