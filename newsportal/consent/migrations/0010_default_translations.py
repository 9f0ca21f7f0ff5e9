"""The shipped policy's texts in Russian, Kazakh and Uzbek (newsportal/consent/translations.py),
for the newest version where it still has the shipped English texts."""

from django.db import migrations


def install(apps, schema_editor):
    from newsportal.consent.translations import install

    install(
        apps.get_model("consent", "CookiePolicy"), apps.get_model("consent", "PolicyTranslation")
    )


class Migration(migrations.Migration):
    dependencies = [("consent", "0009_policy_translations")]
    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
