"""Editors add corrections and manage redirects (newsportal/roles.py)."""

from django.db import migrations

from newsportal.roles import grant_roles_in_migration


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0008_newsroom_tools"),
        ("newsportal", "0001_editors_manage_the_cookie_policy"),
    ]
    operations = [migrations.RunPython(grant_roles_in_migration, migrations.RunPython.noop)]
