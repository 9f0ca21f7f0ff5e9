"""The newsroom's screens in Django's admin (found here by the admin's autodiscovery), each
registered by the module that defines it, in articles/newsroom/."""

from articles.newsroom import (  # noqa: F401
    admin,  # articles: the list, the form and the article's own screens
    corrections,  # corrections readers see
    image_library,  # the picture library and its picker
    redirects,  # editors' redirects
    topics,  # topics and authors
)
