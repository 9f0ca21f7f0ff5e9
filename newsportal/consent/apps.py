from django.apps import AppConfig


class ConsentConfig(AppConfig):
    name = "newsportal.consent"
    label = "consent"
    verbose_name = "Cookie consent"

    def ready(self):
        from newsportal import pagecache
        from newsportal.consent import signals  # noqa: F401
        from newsportal.consent.state import page_variant

        pagecache.vary_on(page_variant)
