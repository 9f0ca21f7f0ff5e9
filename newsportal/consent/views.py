import logging

from django.conf import settings
from django.db import DatabaseError, transaction
from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST, require_safe

from newsportal.clientip import client_ip
from newsportal.consent.client import ip_prefix, user_agent_family
from newsportal.consent.forms import DecisionForm
from newsportal.consent.models import ConsentEvent, ConsentRecord
from newsportal.consent.origin import same_origin_required
from newsportal.consent.policy import load_policy
from newsportal.consent.state import (
    Consent,
    expire_declined_cookies,
    parse_cookie,
    set_consent_cookie,
)
from newsportal.ratelimit import rate_limited

logger = logging.getLogger(__name__)


def wants_json(request) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def safe_next(request, url: str) -> str:
    """Where to send the visitor back to: a page of this site, never another one."""
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return "/"


@require_POST
@same_origin_required
@rate_limited("consent")
def decide(request):
    """Record Accept all, Decline or Choose, set the cookie, and go back (or answer JSON)."""
    try:
        policy = load_policy()  # the database's version, not a cached one: this is the proof
        form = DecisionForm(request.POST, policy=policy)
        if not form.is_valid():
            if wants_json(request):
                return JsonResponse({"saved": False, "errors": form.errors}, status=400)
            return render(request, "400.html", {"errors": form.errors}, status=400)
        granted = form.granted()
        decision = form.cleaned_data["decision"]
        record_id, changed = save_decision(request, policy, decision, granted)
    except DatabaseError:
        logger.exception("A consent decision could not be saved")
        if wants_json(request):
            return JsonResponse({"saved": False}, status=503)
        response = render(request, "consent/not_saved.html", status=503)
        response["Retry-After"] = "30"
        return response

    consent = Consent(policy, decided=True, granted=granted, record_id=record_id)
    if wants_json(request):
        response = JsonResponse(
            {
                "saved": True,
                "changed": changed,
                "state": consent.state,
                "granted": sorted(granted),
            }
        )
    else:
        # 303 See Other: the browser follows with a GET, so a reload never posts twice.
        response = HttpResponseRedirect(safe_next(request, form.cleaned_data["next"]), status=303)
    if changed:
        set_consent_cookie(response, consent)
    expire_declined_cookies(request, response, consent)
    return response


def save_decision(request, policy, decision, granted) -> tuple[str, bool]:
    """Update (or create) the visitor's record and append an event, in one transaction.

    Returns the record id and whether anything changed: repeating the decision that the
    visitor's valid cookie already holds writes nothing (and keeps the cookie's expiry).
    """
    current = parse_cookie(request, max_age=settings.CONSENT_MAX_AGE)
    if current is not None and current[0] == policy.version and current[2] == granted:
        return current[1], False
    choices = {key: key in granted for key in sorted(policy.optional_keys)}
    known = parse_cookie(request)  # any age: an expired decision still names the visitor
    with transaction.atomic():
        record = None
        if known is not None:
            record = ConsentRecord.objects.select_for_update().filter(public_id=known[1]).first()
        record = record or ConsentRecord()
        record.choices = choices
        record.policy_version = policy.version
        record.save()
        ConsentEvent.objects.create(
            record=record,
            action=decision,
            choices=choices,
            policy_version=policy.version,
            client_ip_prefix=ip_prefix(client_ip(request)),
            user_agent_family=user_agent_family(request.headers.get("User-Agent", "")),
        )
    return str(record.public_id), True


@require_safe
def cookie_page(request):
    """The policy, the visitor's current choice, and the forms to change or withdraw it."""
    # The page holds the same three choices, so the banner would only repeat them.
    return render(request, "consent/cookie_page.html", {"hide_consent_banner": True})
