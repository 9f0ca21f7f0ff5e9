"""Install the shipped cookie policy (newsportal/consent/defaults.py)."""

from django.db import migrations

from newsportal.consent.defaults import CATEGORIES, create_default_policy


def create(apps, schema_editor):
    create_default_policy(
        apps.get_model("consent", "CookiePolicy"),
        apps.get_model("consent", "CookieCategory"),
        apps.get_model("consent", "Cookie"),
    )


def remove(apps, schema_editor):
    apps.get_model("consent", "CookiePolicy").objects.filter(version=1).delete()
    apps.get_model("consent", "CookieCategory").objects.filter(
        key__in=[c[0] for c in CATEGORIES]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("consent", "0001_initial")]
    operations = [migrations.RunPython(create, remove)]
