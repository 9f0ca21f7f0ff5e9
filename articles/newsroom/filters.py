"""The article list's filters: by state (scheduled is not published yet), and by picture (a
library picture's "Used in" link)."""

from django.contrib import admin
from django.db.models import Q
from django.utils import timezone

from articles.models import Article, Image, Tag
from articles.newsroom.permissions import can_publish


class ByIdFilter(admin.SimpleListFilter):
    """?<parameter>=<id>: the articles `matching` that id; none for what is no id."""

    def matching(self, queryset, pk: int):
        raise NotImplementedError

    def queryset(self, request, queryset):
        value = self.value()
        if not value:
            return queryset
        is_id = value.isdigit() and len(value) < 19  # a bigint
        return self.matching(queryset, int(value)) if is_id else queryset.none()


class PictureFilter(ByIdFilter):
    """?picture=12: the articles showing library picture 12 (its "Used in" link). Shown in the
    sidebar only while it filters (Django applies only the filters it shows)."""

    title = "picture"
    parameter_name = "picture"

    def lookups(self, request, model_admin):
        value = self.value()
        if not value:
            return []
        # Its alt text names it for Editors; an Author may not see every picture's.
        named = value.isdigit() and len(value) < 19 and can_publish(request.user)
        picture = Image.objects.filter(pk=value).first() if named else None
        return [(value, str(picture or f"Picture {value}"))]

    def has_output(self):
        return self.value() is not None

    def matching(self, queryset, pk: int):
        shown_in = Article.inline_images.through.objects.filter(image_id=pk)
        return queryset.filter(Q(cover=pk) | Q(pk__in=shown_in.values("article_id")))


class StateFilter(admin.SimpleListFilter):
    title = "state"
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [
            ("draft", "Draft"), ("review", "In review"), ("scheduled", "Scheduled"),
            ("published", "Published"),
        ]  # fmt: skip

    def queryset(self, request, queryset):
        now = timezone.now()
        published = Article.Status.PUBLISHED
        return {
            "draft": queryset.filter(status=Article.Status.DRAFT),
            "review": queryset.filter(status=Article.Status.REVIEW),
            "scheduled": queryset.filter(status=published, published_at__gt=now),
            "published": queryset.filter(status=published, published_at__lte=now),
        }.get(self.value(), queryset)


class TopicFilter(ByIdFilter):
    """?topic=12: the articles on topic 12. The sidebar offers the sections' topics (and the one
    chosen): a newsroom's thousands of topics would be a list no one reads, loaded on every view
    of the list. A topic's own list is linked from its page in the admin."""

    title = "topic"
    parameter_name = "topic"

    def lookups(self, request, model_admin):
        sections = Tag.objects.exclude(section_position=None).order_by("section_position")
        value = self.value()
        is_id = value and value.isdigit() and len(value) < 19
        chosen = Tag.objects.filter(pk=value) if is_id else Tag.objects.none()
        return [(str(tag.pk), tag.name) for tag in (chosen | sections).distinct()]

    def matching(self, queryset, pk: int):
        # A semi-join: the newest of the topic are found walking the list's index.
        on_it = Article.tags.through.objects.filter(tag_id=pk)
        return queryset.filter(pk__in=on_it.values("article_id"))
