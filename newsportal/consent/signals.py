from django.db.models.signals import post_delete, post_save

from newsportal.consent.models import Cookie, CookieCategory, CookiePolicy, PolicyTranslation
from newsportal.consent.policy import POLICY_KEY
from newsportal.invalidation import purge_on_commit


def purge_policy(**kwargs):
    """The policy, a category or a cookie changed: every page (the banner) and every process's
    policy snapshot is out of date, once the change is committed."""
    purge_on_commit([POLICY_KEY])


for model in (CookiePolicy, PolicyTranslation, CookieCategory, Cookie):
    name = model.__name__
    post_save.connect(purge_policy, sender=model, dispatch_uid=f"consent-saved-{name}")
    post_delete.connect(purge_policy, sender=model, dispatch_uid=f"consent-deleted-{name}")
