"""The newsroom's screens in Django's admin, registered by the modules that define them
(found here by the admin's autodiscovery): articles, topics, authors, redirects and
corrections (articles/newsroom/), the picture library (articles/newsroom/library.py)."""

from articles.newsroom import admin  # noqa: F401
