"""The article's own cover columns go: covers are library pictures now (0014)."""

from django.db import migrations

OLD = [
    "cover_image", "cover_alt", "cover_caption", "cover_credit", "cover_focus_x",
    "cover_focus_y", "cover_width", "cover_height", "cover_renditions",
]  # fmt: skip


class Migration(migrations.Migration):
    dependencies = [("articles", "0014_move_covers_into_the_library")]

    operations = [migrations.RemoveField(model_name="article", name=name) for name in OLD]
