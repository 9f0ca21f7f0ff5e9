from django.conf import settings

from newsportal.querystrings import clean_path


def consent(request):
    """`consent` for templates: `{% if consent.analytics %}` renders only after consent."""
    consent = getattr(request, "consent", None)
    if consent is not None:
        # Read it here, where a failure (the database is down) becomes a 503: inside `{% if %}`
        # the template would swallow it and render, and cache, a page without its banner.
        consent.decided  # noqa: B018
    return {
        "consent": consent,
        # Where the banner's forms return to: this page, without tracking parameters (the page
        # is cached and shared by readers who came from anywhere).
        "consent_next": clean_path(request),
        "analytics_script_url": settings.ANALYTICS_SCRIPT_URL,
        "google_tag_id": settings.GOOGLE_TAG_ID,
    }
