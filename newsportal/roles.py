"""The newsroom's two roles as permission code names, per app: Authors draft their own articles,
Editors publish everything and look after the cookie policy. Applied by data migrations
(articles 0005, newsportal 0001); tests re-apply them after a transactional test empties the
tables."""

ROLES = {
    "Authors": {
        "articles": [
            "add_article", "change_article", "view_article",
            "add_tag", "view_tag", "view_author",
            "add_image", "change_image", "view_image",
            "add_liveupdate", "change_liveupdate", "view_liveupdate",
        ],
    },
    "Editors": {
        "articles": [
            "add_article", "change_article", "delete_article", "view_article", "publish_article",
            "add_tag", "change_tag", "delete_tag", "view_tag",
            "add_author", "change_author", "view_author",
            "add_correction", "change_correction", "delete_correction", "view_correction",
            "add_redirect", "change_redirect", "delete_redirect", "view_redirect",
            "add_image", "change_image", "delete_image", "view_image",
            "add_liveupdate", "change_liveupdate", "delete_liveupdate", "view_liveupdate",
            "add_breakingnews", "change_breakingnews", "delete_breakingnews",
            "view_breakingnews",
        ],
        "consent": [
            "add_cookiepolicy", "change_cookiepolicy", "view_cookiepolicy",
            "add_cookiecategory", "change_cookiecategory", "view_cookiecategory",
            "add_cookie", "change_cookie", "delete_cookie", "view_cookie",
            "view_consentrecord", "view_consentevent",
        ],
        "auth": ["view_user"],
        "newsportal": ["view_site_health"],
    },
}  # fmt: skip


def grant_roles(Group, Permission) -> None:
    """Make both groups and give them their permissions (the models may be historical ones)."""
    for name, apps in ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        for app_label, codenames in apps.items():
            group.permissions.add(
                *Permission.objects.filter(
                    content_type__app_label=app_label, codename__in=codenames
                )
            )


def grant_roles_in_migration(apps, schema_editor) -> None:
    """For a data migration: make the permissions of the models migrated so far, then grant."""
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    grant_roles(apps.get_model("auth", "Group"), apps.get_model("auth", "Permission"))
