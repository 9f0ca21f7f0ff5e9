"""What readers do, counted without knowing who they are: reads per article and day."""

from datetime import timedelta

from django.db import connection, models
from django.utils import timezone

from articles.models.articles import Article


class ReadCount(models.Model):
    """How many times an article was read on a day: a counter, never a person. No cookie, no
    address, no identifier is kept (first-party audience counting that needs no consent).
    Counted by a beacon from the page (static/js/site.js), so cached pages count too."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="read_counts")
    day = models.DateField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["day", "article"], name="one_read_count_per_day")
        ]

    def __str__(self):
        return f"{self.article_id} on {self.day}: {self.count}"

    @classmethod
    def add_one(cls, article_id: int) -> None:
        """One more read today, in one statement (no lost update between app servers)."""
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {cls._meta.db_table} (article_id, day, count) VALUES (%s, %s, 1) "
                "ON CONFLICT (day, article_id) DO UPDATE SET count = "
                f"{cls._meta.db_table}.count + 1",
                [article_id, timezone.localdate()],
            )

    @classmethod
    def most_read(cls, language: str, days: int = 2, limit: int = 5):
        """The published articles in `language` read most over the last `days` days, most
        first (one query)."""
        since = timezone.localdate() - timedelta(days=days - 1)
        return (
            Article.objects.published()
            .filter(language=language, read_counts__day__gte=since)
            .annotate(reads=models.Sum("read_counts__count"))
            .order_by("-reads", "-published_at", "-id")
            .only("title", "slug", "language", "published_at")[:limit]
        )
