"""The "External media" category (videos, posts and maps inside articles: newsportal/consent/
defaults.py MEDIA). Where the policy was installed without it, it is added and the next version
is published with it, so that every visitor is asked again about what is new."""

from django.db import migrations

from newsportal.consent.defaults import MEDIA, MEDIA_POLICY


def add(apps, schema_editor):
    CookiePolicy = apps.get_model("consent", "CookiePolicy")
    CookieCategory = apps.get_model("consent", "CookieCategory")
    Cookie = apps.get_model("consent", "Cookie")
    key, name, necessary, order, description, cookies = MEDIA
    if CookieCategory.objects.filter(key=key).exists():
        return  # installed with it (a fresh database: 0002 ships the current defaults)
    category = CookieCategory.objects.create(
        key=key, name=name, is_necessary=necessary, order=order, description=description
    )
    Cookie.objects.bulk_create(
        Cookie(category=category, name=n, purpose=p, duration=d, provider=pr, domain=domain)
        for n, p, d, pr, domain in cookies
    )
    latest = CookiePolicy.objects.order_by("-version").first()
    if latest is None:
        return
    from newsportal.consent.models import freeze_categories

    CookiePolicy.objects.create(
        version=latest.version + 1,
        banner_text=latest.banner_text,
        policy_text=f"{latest.policy_text}\n\n{MEDIA_POLICY}",
        categories=freeze_categories(CookieCategory),
    )


def remove(apps, schema_editor):
    """Back: the category goes; published versions stay (they are proof)."""
    apps.get_model("consent", "CookieCategory").objects.filter(key=MEDIA[0]).delete()


class Migration(migrations.Migration):
    dependencies = [("consent", "0007_consent_tally")]
    operations = [migrations.RunPython(add, remove)]
