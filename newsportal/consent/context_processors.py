from django.conf import settings


def consent(request):
    """`consent` for templates: `{% if consent.analytics %}` renders only after consent."""
    return {
        "consent": getattr(request, "consent", None),
        "analytics_script_url": settings.ANALYTICS_SCRIPT_URL,
        "google_tag_id": settings.GOOGLE_TAG_ID,
    }
