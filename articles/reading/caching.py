"""What the articles app tells the site's page cache (newsportal/pagecache.py): the keys of what
each page shows, what a change purges (after commit), and that no page outlives the next
scheduled publication (so a scheduled article appears at its minute with nothing to run).

Keys: "lists" (front page, site feeds, sitemaps, search, topic index, in every language), "cards"
(every page with article cards, which show tags and bylines), "article-<id>" (its page, and
related boxes showing it), "story-<id>" (an article's and its translations' pages), "tag-<id>" /
"author-<id>" (their pages and feeds), "live-<id>" (a live article's updates), "tagname-<id>" /
"authorname-<id>"
(article pages showing the pill or byline). An edit of an article's text purges its own page
only; a change to what lists show (title, lead, cover, state, time, authors, tags) purges the
lists it is in (each author's on its byline); renaming a tag or an author purges every page
that names it.
"""

import time

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save, pre_delete
from django.utils import timezone

from articles.models import (
    Article,
    Author,
    Byline,
    Correction,
    Image,
    LiveUpdate,
    Tag,
    TagName,
)
from newsportal import pagecache
from newsportal.invalidation import EVERYTHING, purge_on_commit, read_together, stamps

LISTS = "lists"
CARDS = "cards"
CORRECTIONS = "corrections"  # the corrections page and its feed
SCHEDULE = "schedule"  # the next scheduled publication (purged when any schedule may move)
NEXT_PUBLICATION = "articles:next-publication"


def article_key(pk) -> str:
    return f"article-{pk}"


def tag_key(pk) -> str:
    return f"tag-{pk}"


def author_key(pk) -> str:
    return f"author-{pk}"


def tag_name_key(pk) -> str:
    """Pages that name a tag without listing its articles (an article's topic pills)."""
    return f"tagname-{pk}"


def author_name_key(pk) -> str:
    return f"authorname-{pk}"


def live_key(pk) -> str:
    """A live article's updates: its page and its updates' addresses (articles/reading/live.py)."""
    return f"live-{pk}"


def story_key(pk) -> str:
    """An article and its translations (the page of each offers the others)."""
    return f"story-{pk}"


def article_page_keys(article, related) -> list[str]:
    """What an article page shows: itself, its translations, its related articles, its tags'
    and author's names."""
    return [
        article_key(article.pk),
        story_key(article.story_id),
        *(article_key(other.pk) for other in related),
        *(tag_name_key(tag.pk) for tag in article.tags.all()),
        *(author_name_key(author.pk) for author in article.authors),
        *([live_key(article.pk)] if article.is_live else []),
    ]


# What a change purges


def listing_keys(article, tag_ids=(), author_ids=()) -> set[str]:
    """The lists an article is (or was) in."""
    return {
        article_key(article.pk), LISTS, SCHEDULE,
        *(tag_key(pk) for pk in tag_ids),
        *(author_key(pk) for pk in author_ids if pk),
    }  # fmt: skip


def byline_ids(*articles) -> set:
    """The authors on the bylines of `articles`, lead or shared: whose pages list them."""
    shared = Byline.objects.filter(article__in=[article.pk for article in articles])
    return {article.author_id for article in articles} | set(
        shared.values_list("author_id", flat=True)
    )


def article_saved(sender, instance, created, **kwargs):
    if created or instance.listing_changed():
        tag_ids = instance.tags.values_list("pk", flat=True)
        keys = listing_keys(instance, tag_ids, byline_ids(instance) | {instance.loaded_author_id})
        keys |= {story_key(pk) for pk in {instance.story_id, instance.loaded_story_id} if pk}
    else:
        keys = {article_key(instance.pk)}  # the text only: its own page
    purge_on_commit(keys)


def article_deleting(sender, instance, **kwargs):
    """Before the tag links go with it: which lists showed it."""
    tag_ids = list(instance.tags.values_list("pk", flat=True))
    instance.purge_keys = listing_keys(instance, tag_ids, byline_ids(instance))
    instance.purge_keys.add(story_key(instance.story_id))


def article_deleted(sender, instance, **kwargs):
    purge_on_commit(getattr(instance, "purge_keys", {EVERYTHING}))


def tags_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if action == "pre_clear":
        related = instance.articles if reverse else instance.tags
        instance.cleared_pks = set(related.values_list("pk", flat=True))
        return
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    changed = pk_set if action != "post_clear" else getattr(instance, "cleared_pks", set())
    if reverse:  # tag.articles.add(...): instance is a tag, the pks are articles
        articles = list(Article.objects.filter(pk__in=changed).only("pk", "author_id"))
        keys = {tag_key(instance.pk), LISTS, *(author_key(pk) for pk in byline_ids(*articles))}
        for article in articles:
            keys |= listing_keys(article)
    else:
        keys = listing_keys(instance, changed, byline_ids(instance))
    purge_on_commit(keys)


def name_changed(prefix):
    """A tag or an author renamed (or removed): every page that names it."""

    def receiver(sender, instance, created=False, **kwargs):
        if not created:  # a new one is on no page yet
            purge_on_commit(
                {f"{prefix}-{instance.pk}", f"{prefix}name-{instance.pk}", CARDS, LISTS}
            )

    return receiver


tag_renamed = name_changed("tag")


def tag_changed(sender, instance, created=False, **kwargs):
    """A topic renamed or removed: every page naming it. A section added, moved, renamed or
    removed: every page (their headers list the sections)."""
    if instance.section_position is not None or instance.loaded_section is not None:
        purge_on_commit({EVERYTHING})
    else:
        tag_renamed(sender, instance, created, **kwargs)


def tag_name_changed(sender, instance, **kwargs):
    """A topic's name in another language given, changed or removed: as a rename."""
    tag = Tag.objects.filter(pk=instance.tag_id).first()
    if tag is not None:  # else the topic itself is going, and purges as it goes
        tag_changed(Tag, tag)


author_changed = name_changed("author")


def byline_changed(sender, instance, **kwargs):
    """An author added to a shared byline, moved, swapped or taken off: the lists the article is
    in, the pages of all its authors and of the one it named before."""
    article = Article.objects.filter(pk=instance.article_id).only("pk", "author_id").first()
    if article is None:  # going with its article, which purges as it goes
        return
    tag_ids = article.tags.values_list("pk", flat=True)
    authors = byline_ids(article) | {instance.author_id, instance._loaded_author_id}
    purge_on_commit(listing_keys(article, tag_ids, authors))


def correction_changed(sender, instance, **kwargs):
    """A correction added, edited or removed: the article's page (its notes, its JSON-LD) and
    the corrections page, once committed."""
    purge_on_commit({article_key(instance.article_id), CORRECTIONS})


def live_update_changed(sender, instance, **kwargs):
    """An update posted, corrected, pinned or deleted: the live page and its updates'
    addresses, once committed (and the schedule: an update may be timed for later)."""
    purge_on_commit({live_key(instance.article_id), article_key(instance.article_id), SCHEDULE})


def image_changed(sender, instance, created=False, **kwargs):
    """A library picture given a new file, text or credit: every article page that shows it,
    and the lists where it is the cover of an article."""
    if created:
        return
    keys = {article_key(pk) for pk in instance.shown_in.values_list("pk", flat=True)}
    covers = list(instance.covers.only("pk", "author_id"))
    if covers:
        tag_ids = Article.tags.through.objects.filter(article__in=covers).values_list(
            "tag_id", flat=True
        )
        for article in covers:
            keys |= listing_keys(article)
        keys |= {tag_key(pk) for pk in tag_ids} | {CARDS}
        keys |= {author_key(pk) for pk in byline_ids(*covers) if pk}
    purge_on_commit(keys)


def migrated(**kwargs):
    """A release runs migrate: pages rendered by the previous code and settings go."""
    purge_on_commit({EVERYTHING})


# Scheduled publication


def seconds_until_next_publication() -> float | None:
    """Until the next scheduled article goes live, live coverage ends or live update appears;
    computed again only when a schedule moves."""
    stamp = stamps([SCHEDULE])[SCHEDULE]
    stored = cache.get(NEXT_PUBLICATION)
    if stored is None or stored[0] != stamp or 0 < stored[1] <= time.time():
        later = LiveUpdate.objects.filter(published_at__gt=timezone.now()).order_by("published_at")
        times = [Article.objects.next_publication_at(),
                 later.values_list("published_at", flat=True).first()]  # fmt: skip
        when = min((t for t in times if t is not None), default=None)
        stored = (stamp, when.timestamp() if when else 0)
        cache.set(NEXT_PUBLICATION, stored, settings.PAGE_CACHE_SECONDS)
    at = stored[1]
    return at - time.time() if at else None


def register() -> None:
    pagecache.limit_lifetime(seconds_until_next_publication)
    read_together(EVERYTHING, LISTS)  # the header's sections (sections.py)
    post_save.connect(article_saved, sender=Article, dispatch_uid="purge-article-saved")
    pre_delete.connect(article_deleting, sender=Article, dispatch_uid="purge-article-deleting")
    post_delete.connect(article_deleted, sender=Article, dispatch_uid="purge-article-deleted")
    m2m_changed.connect(tags_changed, sender=Article.tags.through, dispatch_uid="purge-tags")
    post_save.connect(correction_changed, sender=Correction, dispatch_uid="purge-correction")
    post_save.connect(byline_changed, sender=Byline, dispatch_uid="purge-byline-saved")
    post_delete.connect(byline_changed, sender=Byline, dispatch_uid="purge-byline-deleted")
    post_save.connect(image_changed, sender=Image, dispatch_uid="purge-image")
    post_save.connect(tag_name_changed, sender=TagName, dispatch_uid="purge-tagname-saved")
    post_delete.connect(tag_name_changed, sender=TagName, dispatch_uid="purge-tagname-deleted")
    post_delete.connect(correction_changed, sender=Correction, dispatch_uid="purge-correction-d")
    post_save.connect(live_update_changed, sender=LiveUpdate, dispatch_uid="purge-live-saved")
    post_delete.connect(live_update_changed, sender=LiveUpdate, dispatch_uid="purge-live-deleted")
    for model, receiver in ((Tag, tag_changed), (Author, author_changed)):
        name = model.__name__
        post_save.connect(receiver, sender=model, dispatch_uid=f"purge-{name}-saved")
        post_delete.connect(receiver, sender=model, dispatch_uid=f"purge-{name}-deleted")
    # Once per migrate (it signals every app): after this app's migrations.
    post_migrate.connect(
        migrated, sender=apps.get_app_config("articles"), dispatch_uid="purge-migrated"
    )
