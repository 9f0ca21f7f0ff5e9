"""The banner, rendered once per policy snapshot, language and choice, and reused.

It is the same on every page but for the address its forms return to, which is put in on each
request (escaped). A snapshot lives as long as the policy is unchanged (consent/policy.py): an
edit of the policy makes a new snapshot, and so a new banner. Saves a third of a millisecond on
every page a visitor who has not decided is shown.
"""

from django import template
from django.template.loader import render_to_string
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

register = template.Library()

NEXT = "\x00next\x00"  # where the address goes; no address can hold it


@register.simple_tag(takes_context=True)
def consent_banner(context):
    consent = context["consent"]
    key = ("banner", get_language(), consent.granted)
    rendered = consent.policy.rendered
    if key not in rendered:
        rendered[key] = render_to_string(
            "consent/_banner.html", {"consent": consent, "consent_next": NEXT}
        )
    return mark_safe(rendered[key].replace(NEXT, escape(context["consent_next"])))
