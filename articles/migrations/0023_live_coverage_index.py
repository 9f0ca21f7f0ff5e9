from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models


class Migration(migrations.Migration):
    # Built beside a live site: CREATE INDEX CONCURRENTLY cannot run in a transaction.
    atomic = False

    dependencies = [
        ("articles", "0022_live_coverage"),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="article",
            index=models.Index(
                condition=models.Q(is_live=True), fields=["live_ends_at"], name="article_live_idx"
            ),
        ),
    ]
