from django.apps import AppConfig


class ConsentConfig(AppConfig):
    name = "newsportal.consent"
    label = "consent"
    verbose_name = "Cookie consent"

    def ready(self):
        from newsportal.consent import signals  # noqa: F401
