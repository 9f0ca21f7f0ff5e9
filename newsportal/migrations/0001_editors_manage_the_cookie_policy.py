"""Editors can do what the README says: edit the cookie policy, read the consent proof, and pick
the account an author writes with (the picker needs to view users)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

from newsportal.roles import ROLES, grant_roles

EDITOR_PERMISSIONS = {app: codes for app, codes in ROLES["Editors"].items() if app != "articles"}


def grant(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    grant_roles(apps.get_model("auth", "Group"), apps.get_model("auth", "Permission"))


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
