"""A newsroom's archive for benchmarks: a million articles as readily as ten thousand.

Articles in the four languages (some stories translated, the versions linked), a hundred a day
back from now (a million reach 27 years back), with authors, topics whose use has a long tail
(Zipf), covers from a few hundred library pictures and a correction on some. Every article is
made from its number and the seed alone, so any slice can be made by any process: a large archive
is written by one process per core, each streaming its share with COPY, while the indexes the
load would keep current are set aside and built once at the end. The text is made-up words in
each language's script around a dozen real words per story, so searches match a realistic share.
"""

import io
import itertools
import multiprocessing
import random
import sys
import time
from contextlib import contextmanager, nullcontext
from datetime import timedelta

from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand
from django.db import connection, connections, transaction
from django.utils import timezone

from articles.models import Article, ArticleAddress, Author, Correction, Image, Tag
from newsportal.invalidation import EVERYTHING, purge

# Real words per language: each story is about a dozen of them.
WORDS = {
    "en": """government minister president parliament election reform budget economy trade export
        import railway highway energy water river harvest wheat cotton textile mining gas oil
        pipeline border region capital city village school university hospital doctor teacher
        student family market price inflation bank currency investment company factory worker
        union agreement treaty summit delegation visit talks cooperation partnership security
        stability neighbour council committee report data survey growth decline record season
        weather drought flood winter summer spring festival culture music film theatre museum
        history heritage language book author press court judge law rights police citizen
        community volunteer project plan strategy transport airport flight station bridge
        construction housing rent salary pension health vaccine climate carbon solar wind grid
        network internet mobile startup technology digital service tourism hotel""",
    "ru": """правительство министр президент парламент выборы реформа бюджет экономика торговля
        экспорт импорт железная дорога энергия вода река урожай пшеница хлопок нефть газ граница
        регион столица город село школа университет больница врач учитель студент семья рынок
        цена инфляция банк валюта инвестиции компания завод рабочий соглашение договор саммит
        делегация визит переговоры сотрудничество безопасность совет комитет доклад рост погода
        засуха наводнение зима лето весна фестиваль культура музыка кино театр музей история
        язык книга суд закон права полиция граждане проект транспорт аэропорт мост строительство
        жильё зарплата пенсия здоровье вакцина климат туризм гостиница""",
    "kk": """үкімет министр президент парламент сайлау реформа бюджет экономика сауда экспорт
        теміржол энергия су өзен егін бидай мақта мұнай газ шекара өңір астана қала ауыл мектеп
        университет аурухана дәрігер мұғалім студент отбасы нарық баға инфляция банк валюта
        инвестиция компания зауыт жұмысшы келісім саммит делегация сапар келіссөз ынтымақтастық
        қауіпсіздік кеңес комитет баяндама өсім ауа райы құрғақшылық су тасқыны қыс жаз көктем
        мереке мәдениет музыка кино театр мұражай тарих тіл кітап сот заң құқық полиция азамат
        жоба көлік әуежай көпір құрылыс тұрғын үй жалақы зейнетақы денсаулық вакцина климат""",
    "uz": """hukumat vazir prezident parlament saylov islohot byudjet iqtisodiyot savdo eksport
        temiryoʻl energiya suv daryo hosil bugʻdoy paxta neft gaz chegara viloyat poytaxt shahar
        qishloq maktab universitet shifoxona shifokor oʻqituvchi talaba oila bozor narx inflyatsiya
        bank valyuta investitsiya kompaniya zavod ishchi kelishuv sammit delegatsiya tashrif
        muzokaralar hamkorlik xavfsizlik kengash qoʻmita hisobot oʻsish ob-havo qurgʻoqchilik
        toshqin qish yoz bahor bayram madaniyat musiqa kino teatr muzey tarix til kitob sud qonun
        huquq politsiya fuqaro loyiha transport aeroport koʻprik qurilish uy-joy maosh pensiya
        sogʻliq vaksina iqlim Oʻzbekiston""",
}
WORDS = {language: words.split() for language, words in WORDS.items()}
# Filler in each language's script, used as Zipf's law says words are (as real text uses real
# words), so a search word's share of the archive is realistic.
SYLLABLES = {
    "en": "ka zak stan uz bek ta shi nur sul al ma ty or da ri lo mi na ser gei pa vel tor",
    "ru": "ка за ста но ве ли мо ра то ни ше до ро ми ла ту пе ре ко сы жа бу го де",
    "kk": "қа за ғы ұл ші ны мө ке ре ті ле бо са тұ қо ға ба ын ды жа өр кү те",
    "uz": "qa oʻ gʻi sha chi yo xa la ni ma ra to bu ko qo zi va li ro da ke sa mu",
}
FILLER = {
    language: sorted({a + b + c for a in s for b in s for c in ("", *s[:8])})
    for language, s in ((language, text.split()) for language, text in SYLLABLES.items())
}
ZIPF = {
    language: list(itertools.accumulate(1 / rank for rank in range(1, len(words) + 1)))
    for language, words in FILLER.items()
}
NAMES = (
    "Aigerim Bakhyt Dilnoza Erlan Farrukh Gulnara Islom Jasur Kamila Laylo Madina Nurlan".split()
)
SURNAMES = "Abdullaev Bekova Dzhaksybekov Ergasheva Ibragimov Karimova Nazarbayev Rakhimov".split()
# Of the stories: written in (English, Russian, Kazakh, Uzbek); one in five is translated.
LANGUAGES, LANGUAGE_WEIGHTS = ["en", "ru", "kk", "uz"], [40, 35, 15, 10]
TRANSLATED = 0.2
PER_DAY = 100
WORDS_PER_BODY = (200, 800)  # a news story, as the region's portals publish them
CORRECTED = 0.005
CHUNK = 10_000  # articles made from one random generator: the unit a process is given
BULK = 50_000  # from this size on, indexes are set aside during the load and processes share it
COLUMNS = (
    "id", "title", "slug", "standfirst", "body", "status", "published_at", "seo_description",
    "created_at", "updated_at", "author_id", "is_featured", "share_version", "lock_version",
    "cover_id", "language", "translation_of_id",
)  # fmt: skip


def sentence(rng, language, topic, words=None):
    count = words or rng.randint(8, 22)
    chosen = rng.choices(FILLER[language], cum_weights=ZIPF[language], k=count)
    for i in rng.sample(range(count), k=max(1, count // 3)):
        chosen[i] = rng.choice(topic)
    text = " ".join(chosen)
    return text[0].upper() + text[1:] + "."


def paragraphs(rng, language, count=600):
    """Paragraphs to build bodies from (a few hundred per language, shuffled into each body):
    making every sentence of a million bodies anew would take an hour."""
    made = []
    for _ in range(count):
        topic = rng.sample(WORDS[language], 12)
        text = " ".join(sentence(rng, language, topic) for _ in range(rng.randint(3, 6)))
        made.append((f"<p>{text}</p>", text.count(" ") + 1))
    return made


def copy_text(value) -> str:
    """A value as COPY's text format reads it."""
    if value is None:
        return r"\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    text = str(value)
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


class Archive:
    """What article number n of an archive is, from (seed, n) alone."""

    def __init__(self, seed, first_id, now, tags, authors, pictures):
        self.seed, self.first_id, self.now = seed, first_id, now
        self.tags, self.authors, self.pictures = tags, authors, pictures
        # A topic's use falls with its rank: the first is on one article in ten, most on few.
        self.tag_weights = list(
            itertools.accumulate(1 / rank**1.1 for rank in range(1, len(tags) + 1))
        )
        pool = random.Random(f"{seed}-paragraphs")
        self.paragraphs = {language: paragraphs(pool, language) for language in LANGUAGES}

    def chunk(self, number, total):
        """Rows of articles [number * CHUNK, ...) and what hangs on them, as lists of tuples."""
        rng = random.Random(f"{self.seed}-{number}")
        rows, links, addresses, corrections = [], [], [], []
        original = None  # (id, languages it exists in, when it was published)
        for n in range(number * CHUNK, min((number + 1) * CHUNK, total)):
            pk = self.first_id + n
            translated_from = None
            if original and rng.random() < TRANSLATED and len(original[1]) < len(LANGUAGES):
                language = rng.choice([code for code in LANGUAGES if code not in original[1]])
                original[1].add(language)
                translated_from, published_at = original[0], original[2]  # published together
            else:
                language = rng.choices(LANGUAGES, LANGUAGE_WEIGHTS)[0]
                minutes = n * 24 * 60 / PER_DAY + rng.random() * 10
                published_at = self.now - timedelta(minutes=minutes + 1)
                original = (pk, {language}, published_at)
            rows.append(self.article(rng, n, pk, language, published_at, translated_from))
            topics = rng.choices(self.tags, cum_weights=self.tag_weights, k=rng.randint(1, 4))
            links += [(pk, tag) for tag in set(topics)]
            addresses.append((f"generated-{n:05d}", pk, published_at))
            if rng.random() < CORRECTED:
                when = published_at + timedelta(hours=rng.randint(1, 48))
                text = f"An earlier version of this article misstated {rng.choice(WORDS['en'])}."
                corrections.append(("correction", text, min(when, self.now), pk))
        return rows, links, addresses, corrections

    def article(self, rng, n, pk, language, published_at, translation_of):
        topic = rng.sample(WORDS[language], 12)
        target, words, body = rng.randint(*WORDS_PER_BODY), 0, []
        pool = self.paragraphs[language]
        while words < target:
            paragraph, count = rng.choice(pool)
            body.append(paragraph)
            words += count
        title = sentence(rng, language, topic, rng.randint(5, 10))[:-1]
        standfirst = sentence(rng, language, topic, rng.randint(15, 30))
        cover = rng.choice(self.pictures) if self.pictures and rng.random() < 0.7 else None
        return (
            pk, title, f"generated-{n:05d}", standfirst, "\n".join(body), "published",
            published_at, "", published_at, published_at, rng.choice(self.authors), False, 0, 1,
            cover, language, translation_of,
        )  # fmt: skip


def copy_rows(cursor, table, columns, rows):
    buffer = io.StringIO()
    for row in rows:
        buffer.write("\t".join(map(copy_text, row)))
        buffer.write("\n")
    buffer.seek(0)
    cursor.copy_expert(f"COPY {table} ({', '.join(columns)}) FROM STDIN", buffer)


def write_chunks(archive, numbers, total, cursor):
    for number in numbers:
        rows, links, addresses, corrections = archive.chunk(number, total)
        copy_rows(cursor, Article._meta.db_table, COLUMNS, rows)
        copy_rows(cursor, Article.tags.through._meta.db_table, ("article_id", "tag_id"), links)
        address_columns = ("slug", "article_id", "live_from")
        copy_rows(cursor, ArticleAddress._meta.db_table, address_columns, addresses)
        correction_columns = ("kind", "text", "created_at", "article_id")
        copy_rows(cursor, Correction._meta.db_table, correction_columns, corrections)
        yield len(rows)


def _worker(archive, numbers, total, progress):
    """One process's share of a large load, on a connection of its own, committed."""
    connections.close_all()  # the parent's connection is not this process's to use
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL synchronous_commit = off")
        for written in write_chunks(archive, numbers, total, cursor.cursor):
            with progress.get_lock():
                progress.value += written


@contextmanager
def indexes_set_aside(tables, say):
    """Drop the plain indexes of `tables` (not the keys and unique constraints the load relies
    on), and build them again afterwards: one sorted build instead of a million inserts."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = ANY(%s) AND indexname "
            "NOT IN (SELECT conname FROM pg_constraint)",
            [list(tables)],
        )
        kept = cursor.fetchall()
        # The statistics targets set on index columns (the search indexes': migration 0020).
        cursor.execute(
            "SELECT c.relname, a.attnum, a.attstattarget FROM pg_attribute a JOIN pg_class c "
            "ON c.oid = a.attrelid WHERE c.relname = ANY(%s) AND a.attstattarget > 0",
            [[name for name, _ in kept]],
        )
        targets = cursor.fetchall()
        for name, _ in kept:
            cursor.execute(f'DROP INDEX "{name}"')
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SET maintenance_work_mem = '1GB'")
            for name, definition in kept:
                started = time.monotonic()
                cursor.execute(definition)
                say(f"  index {name} built in {time.monotonic() - started:.0f}s")
            for name, column, target in targets:
                cursor.execute(
                    f'ALTER INDEX "{name}" ALTER COLUMN {column} SET STATISTICS {target}'
                )


def remove_generated(say):
    """The generated articles and what hangs on them, in SQL: at a million, Django's delete()
    would load every one to collect what cascades."""
    generated = "SELECT id FROM articles_article WHERE slug LIKE 'generated-%'"
    with connection.cursor() as cursor:
        for relation in Article._meta.related_objects:
            if relation.related_model is Article:
                continue
            table, column = relation.related_model._meta.db_table, relation.field.column
            if relation.many_to_many:
                table = relation.field.remote_field.through._meta.db_table
                column = relation.field.m2m_reverse_name()
            cursor.execute(f'DELETE FROM "{table}" WHERE "{column}" IN ({generated})')
        for field in (Article.tags.field, Article.inline_images.field):
            table = field.remote_field.through._meta.db_table
            cursor.execute(f'DELETE FROM "{table}" WHERE article_id IN ({generated})')
        cursor.execute(
            f"UPDATE articles_article SET translation_of_id = NULL "
            f"WHERE translation_of_id IN ({generated})"
        )
        cursor.execute("DELETE FROM articles_article WHERE slug LIKE 'generated-%'")
        say(f"  removed {cursor.rowcount} generated articles")


def make_pictures(count, rng):
    """Library pictures for covers: small photographs-to-be of flat colour, made once."""
    from PIL import Image as Picture

    existing = list(
        Image.objects.filter(alt__startswith="Generated picture").values_list("pk", flat=True)
    )
    for n in range(len(existing), count):
        colour = tuple(rng.randrange(256) for _ in range(3))
        data = io.BytesIO()
        Picture.new("RGB", (640, 400), colour).save(data, "JPEG", quality=70)
        picture = Image(alt=f"Generated picture {n}", credit="Photo: the generator")
        picture.file = ContentFile(data.getvalue(), name=f"generated-{n}.jpg")
        picture.save()
        existing.append(picture.pk)
    return existing[:count]


def reserve_ids(count) -> int:
    """The first of `count` article ids no one else will be given."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_get_serial_sequence('articles_article', 'id')")
        sequence = cursor.fetchone()[0]
        cursor.execute(
            "SELECT setval(%s, GREATEST((SELECT COALESCE(MAX(id), 0) FROM articles_article), "
            "(SELECT last_value FROM " + sequence + ")) + %s)",
            [sequence, count],
        )
        return cursor.fetchone()[0] - count + 1


class Command(BaseCommand):
    help = (
        "Add N published articles in the four languages, with translations, authors, topics, "
        "covers and corrections (seeded: the same seed makes the same archive)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--articles", type=int, default=10_000)
        parser.add_argument("--tags", type=int, help="default: 300, more for larger archives")
        parser.add_argument("--authors", type=int, help="default: 50, more for larger archives")
        parser.add_argument("--pictures", type=int, help="default: 1 per 2,000 articles, <= 300")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--replace", action="store_true", help="make them again")

    def say(self, text):
        if self.verbosity:
            self.stdout.write(text)
            self.stdout.flush()

    def handle(self, *args, articles, tags, authors, pictures, seed, replace, **options):
        self.verbosity = options.get("verbosity", 1)
        existing = Article.objects.filter(slug__startswith="generated-")
        if not replace and existing.count() == articles:
            self.say("The generated articles are already there.")
            return
        started = time.monotonic()
        rng = random.Random(seed)
        tags = tags or max(300, articles // 200)
        authors = authors or max(50, articles // 5000)
        pictures = min(300, articles // 2000) if pictures is None else pictures
        bulk = articles >= BULK and not connection.in_atomic_block
        if existing.exists():
            remove_generated(self.say)
        topics = self.topics(tags, rng)
        people = self.people(authors, rng)
        covers = make_pictures(pictures, rng)
        archive = Archive(seed, reserve_ids(articles), timezone.now(), topics, people, covers)
        tables = [Article._meta.db_table, Article.tags.through._meta.db_table,
                  ArticleAddress._meta.db_table, Correction._meta.db_table]  # fmt: skip
        chunks = range(-(-articles // CHUNK))
        self.say(f"Writing {articles} articles ({len(chunks)} chunks) ...")
        with indexes_set_aside(tables, self.say) if bulk else nullcontext():
            if bulk:
                self.in_processes(archive, chunks, articles, started)
            else:
                with transaction.atomic(), connection.cursor() as cursor:
                    for _ in write_chunks(archive, chunks, articles, cursor.cursor):
                        pass
            self.say(f"  written in {time.monotonic() - started:.0f}s; building indexes ...")
        with connection.cursor() as cursor:
            # Fresh statistics (or the planner skips the indexes), and the search index's pending
            # entries merged. Inside a transaction (as in the tests) VACUUM cannot run.
            command = "ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)"
            for table in [*tables, Tag._meta.db_table, Author._meta.db_table]:
                cursor.execute(f"{command} {table}")
        purge([EVERYTHING])  # bulk writes send no signals
        self.say(
            f"Generated {articles} articles, {tags} tags, {authors} authors and {len(covers)} "
            f"pictures in {time.monotonic() - started:.0f}s."
        )

    def in_processes(self, archive, chunks, total, started):
        processes = max(1, min(4, multiprocessing.cpu_count()))
        context = multiprocessing.get_context("fork")
        progress = context.Value("q", 0)
        connections.close_all()
        workers = [
            context.Process(target=_worker, args=(archive, chunks[i::processes], total, progress))
            for i in range(processes)
        ]
        for worker in workers:
            worker.start()
        while any(worker.is_alive() for worker in workers):
            time.sleep(5)
            rate = progress.value / max(1, time.monotonic() - started)
            self.say(f"  {progress.value} of {total} articles ({rate:.0f} a second)")
        if any(worker.exitcode for worker in workers):
            sys.exit("generate_articles: a writing process failed (its error is above)")

    @staticmethod
    def topics(count, rng):
        word = lambda: rng.choice(WORDS["en"]).title()  # noqa: E731
        return made(Tag, "generated-tag-", count,
                    lambda n: f"{word()} {rng.choice(FILLER['en'])} {n}")  # fmt: skip

    @staticmethod
    def people(count, rng):
        return made(Author, "generated-author-", count,
                    lambda n: f"{rng.choice(NAMES)} {rng.choice(SURNAMES)} {n}")  # fmt: skip


def made(model, prefix, count, name):
    """The ids of `count` generated topics or authors (slugs prefix0, prefix1...), made if
    missing: a second run reuses them."""
    existing = dict(model.objects.filter(slug__startswith=prefix).values_list("slug", "pk"))
    new = [model(slug=f"{prefix}{n}", name=name(n)) for n in range(count)
           if f"{prefix}{n}" not in existing]  # fmt: skip
    for row in model.objects.bulk_create(new):
        existing[row.slug] = row.pk
    return [existing[f"{prefix}{n}"] for n in range(count)]
