from django.apps import AppConfig


class NewsportalConfig(AppConfig):
    """The site itself as an app: its ops commands and its deployment checks."""

    name = "newsportal"
    verbose_name = "News portal"

    def ready(self):
        from newsportal import checks  # noqa: F401
