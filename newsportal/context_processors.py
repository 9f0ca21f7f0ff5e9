from django.conf import settings


def site(request):
    """The site's name and public address, for the header, titles and absolute links."""
    return {
        "site_name": settings.SITE_NAME,
        "site_url": settings.SITE_URL,
        "site_description": settings.SITE_DESCRIPTION,
    }
