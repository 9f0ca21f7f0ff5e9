"""Covers come from the image library (0014 moves them, 0015 drops the old columns): each in
its own transaction, as PostgreSQL refuses to alter a table with pending trigger events."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("articles", "0012_image_library")]

    operations = [
        migrations.AddField(
            model_name="article",
            name="cover",
            field=models.ForeignKey(
                blank=True,
                help_text="A picture from the library, or upload a new one below.",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="covers",
                to="articles.image",
            ),
        ),
    ]
