"""Covers come from the image library: each article's cover becomes a library picture (the same
stored file and renditions, its alt text, caption, credit and focal point), and the article
points at it. Reversible: going back copies each cover picture's file and texts onto its
article again, and removes the library rows made for covers that nothing else shows (rows only:
the files stay, the article names them again)."""

from django.db import migrations

from newsportal.roles import grant_roles_in_migration

COVER_FIELDS = {
    "cover_image": "file", "cover_alt": "alt", "cover_caption": "caption",
    "cover_credit": "credit", "cover_focus_x": "focus_x", "cover_focus_y": "focus_y",
    "cover_width": "width", "cover_height": "height", "cover_renditions": "renditions",
}  # fmt: skip


def covers_into_the_library(apps, schema_editor):
    Article = apps.get_model("articles", "Article")
    Image = apps.get_model("articles", "Image")
    for article in Article.objects.exclude(cover_image="").order_by("pk").iterator():
        values = {image: getattr(article, field) for field, image in COVER_FIELDS.items()}
        values["alt"] = values["alt"] or article.title[:250]  # the library needs one
        values["file"] = article.cover_image.name
        picture = Image.objects.create(**values)
        Image.objects.filter(pk=picture.pk).update(uploaded_at=article.created_at)
        Article.objects.filter(pk=article.pk).update(cover=picture)


def covers_back_onto_articles(apps, schema_editor):
    Article = apps.get_model("articles", "Article")
    Image = apps.get_model("articles", "Image")
    made_for_covers = set()
    for article in Article.objects.exclude(cover=None).select_related("cover").iterator():
        picture = article.cover
        values = {field: getattr(picture, image) for field, image in COVER_FIELDS.items()}
        values["cover_image"] = picture.file.name
        Article.objects.filter(pk=article.pk).update(cover=None, **values)
        made_for_covers.add(picture.pk)
    # Historical models: deleting rows deletes no files (the articles name them again).
    Image.objects.filter(pk__in=made_for_covers, shown_in=None).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0013_covers_from_the_library"),
        ("newsportal", "0001_editors_manage_the_cookie_policy"),
    ]

    operations = [
        migrations.RunPython(covers_into_the_library, covers_back_onto_articles),
        # Authors add pictures to the library and edit their texts; Editors also delete them.
        migrations.RunPython(grant_roles_in_migration, migrations.RunPython.noop),
    ]
