from django.db.models.signals import post_delete, post_save

from newsportal.consent.models import Cookie, CookieCategory, CookiePolicy
from newsportal.consent.policy import forget_policy

for model in (CookiePolicy, CookieCategory, Cookie):
    post_save.connect(forget_policy, sender=model, dispatch_uid=f"consent-forget-{model.__name__}")
    post_delete.connect(
        forget_policy, sender=model, dispatch_uid=f"consent-forget-d-{model.__name__}"
    )
