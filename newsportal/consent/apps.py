from django.apps import AppConfig


class ConsentConfig(AppConfig):
    name = "newsportal.consent"
    label = "consent"
    verbose_name = "Cookie consent"

    def ready(self):
        from newsportal import invalidation, pagecache, sitehealth
        from newsportal.consent import signals  # noqa: F401
        from newsportal.consent.dashboard import decisions_today
        from newsportal.consent.policy import POLICY_KEY
        from newsportal.consent.state import html_pages_show_the_policy, page_variant

        pagecache.vary_on(page_variant)
        pagecache.add_default_keys(html_pages_show_the_policy)
        invalidation.read_together(POLICY_KEY)  # every HTML page shows the policy
        sitehealth.register("Consent decisions today", decisions_today)
