from django.apps import AppConfig
from django.contrib.admin.apps import AdminConfig


class NewsportalConfig(AppConfig):
    """The site itself as an app: its ops commands and its deployment checks."""

    name = "newsportal"
    verbose_name = "News portal"

    def ready(self):
        from newsportal import checks  # noqa: F401


class NewsroomAdminConfig(AdminConfig):
    """Django's admin, with the newsroom's site (newsportal/adminsite.py) as admin.site."""

    default_site = "newsportal.adminsite.NewsroomAdminSite"
