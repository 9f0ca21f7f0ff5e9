"""Editors can do what the README says: edit the cookie policy, read the consent proof, and pick
the account an author writes with (the picker needs to view users)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITOR_PERMISSIONS = {
    "consent": [
        "add_cookiepolicy", "change_cookiepolicy", "view_cookiepolicy",
        "add_cookiecategory", "change_cookiecategory", "view_cookiecategory",
        "add_cookie", "change_cookie", "delete_cookie", "view_cookie",
        "view_consentrecord", "view_consentevent",
    ],
    "auth": ["view_user"],
}  # fmt: skip


def grant(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    editors, _ = Group.objects.get_or_create(name="Editors")
    for app_label, codenames in EDITOR_PERMISSIONS.items():
        editors.permissions.add(
            *Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames)
        )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    editors = Group.objects.filter(name="Editors").first()
    if editors:
        for app_label, codenames in EDITOR_PERMISSIONS.items():
            editors.permissions.remove(
                *Permission.objects.filter(
                    content_type__app_label=app_label, codename__in=codenames
                )
            )


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0005_roles"),
        ("consent", "0004_cookie_name_is_a_token"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]
    operations = [migrations.RunPython(grant, revoke)]
