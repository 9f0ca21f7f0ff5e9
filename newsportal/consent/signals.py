from django.db.models.signals import post_delete, post_save

from newsportal import generation
from newsportal.consent.models import Cookie, CookieCategory, CookiePolicy

# The policy, a category or a cookie changed: every page (the banner) and every process's policy
# snapshot is out of date.
for model in (CookiePolicy, CookieCategory, Cookie):
    name = model.__name__
    post_save.connect(generation.bump, sender=model, dispatch_uid=f"consent-saved-{name}")
    post_delete.connect(generation.bump, sender=model, dispatch_uid=f"consent-deleted-{name}")
