import logging
import uuid

from django.conf import settings
from django.db import DatabaseError, transaction
from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language, gettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from newsportal import metrics
from newsportal.clientip import client_ip
from newsportal.consent.client import ip_prefix, user_agent_family
from newsportal.consent.forms import DecisionForm
from newsportal.consent.models import ConsentEvent, ConsentRecord
from newsportal.consent.origin import same_origin_required
from newsportal.consent.policy import load_policy
from newsportal.consent.state import (
    Consent,
    current_decision,
    expire_declined_cookies,
    parse_cookie,
    sends_gpc,
    set_consent_cookie,
    without_decision,
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
        policy = load_policy().localized(get_language())  # the database's, not a cached one
        form = DecisionForm(request.POST, policy=policy)
        if not form.is_valid():
            if wants_json(request):
                return JsonResponse({"saved": False, "errors": form.errors}, status=400)
            return render(request, "400.html", {"errors": form.errors}, status=400)
        if form.is_outdated():
            return outdated(request, policy, safe_next(request, form.cleaned_data["next"]))
        granted = form.granted()
        record_id, changed = save_decision(request, policy, form.cleaned_data, granted)
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
                "label": consent.label,
                "message": consent.saved_message,  # in the page's language
                "footer": f"{gettext('Cookies:')} {consent.label}",
                "granted": sorted(granted),
            }
        )
    else:
        # 303 See Other: the browser follows with a GET, so a reload never posts twice. Without
        # JavaScript, back to the page as the reader had it: the banner shows when a page opens,
        # so that is where they decided (landing at the footer's line took them to the end of a
        # story they had not read; the line still says what was chosen).
        response = HttpResponseRedirect(safe_next(request, form.cleaned_data["next"]), status=303)
    if changed:
        set_consent_cookie(response, consent)
    expire_declined_cookies(request, response, consent)
    return response


def outdated(request, policy, next_url):
    """The form showed an older version (a page loaded before the policy changed): nothing is
    recorded as consent to a text the visitor did not see; they get the current one instead."""
    if wants_json(request):
        return JsonResponse({"saved": False, "outdated": True}, status=409)
    # The new forms send the visitor back where they were, not here.
    context = {"hide_consent_banner": True, "current": Consent(policy), "consent_next": next_url}
    return render(request, "consent/outdated.html", context, status=409)


def decided(kind: str) -> None:
    """Counted for the metrics once it is kept (after commit)."""
    transaction.on_commit(lambda: metrics.CONSENT_DECISIONS.labels(str(kind)).inc())


def save_decision(request, policy, data, granted) -> tuple[str, bool]:
    """Update (or create) the visitor's record and append an event, in one transaction.

    Returns the record id and whether anything changed: repeating the decision that the
    visitor's valid cookie already holds writes nothing (and keeps the cookie's expiry).
    """
    current = current_decision(request)
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
            action=data["decision"],
            choices=choices,
            policy_version=policy.version,
            client_ip_prefix=ip_prefix(client_ip(request)),
            user_agent_family=user_agent_family(request.headers.get("User-Agent", "")),
            # The language of the texts this page showed (English where it has no translation).
            language=policy.language,
            gpc=sends_gpc(request),
        )
        decided(data["decision"])
    return str(record.public_id), True


def own_record(request):
    """The record named by this browser's signed cookie (of any age), never by a parameter:
    nobody can ask for another visitor's record, or learn whether an id exists."""
    known = parse_cookie(request)
    if known is None:
        return None
    try:
        public_id = uuid.UUID(known[1])
    except ValueError:
        return None
    return ConsentRecord.objects.filter(public_id=public_id).first()


@require_safe
def cookie_page(request):
    """The policy, the visitor's current choice (with its receipt), and the forms to change or
    withdraw it. The page holds the same three choices, so the banner would only repeat them."""
    record = own_record(request)
    context = {"hide_consent_banner": True, "record": record}
    response = render(request, "consent/cookie_page.html", context)
    if record is not None:
        add_never_cache_headers(response)  # the receipt is this visitor's alone
    return response


@require_safe
@never_cache
def download_record(request):
    """The visitor's own record and every event of it, as JSON to keep."""
    record = own_record(request)
    if record is None:
        return JsonResponse(
            {"error": "This browser holds no cookie decision, so there is no record to download."},
            status=404,
        )
    events = record.events.order_by("created_at", "id")
    data = {
        "consent_id": str(record.public_id),
        "choices": record.choices,
        "policy_version": record.policy_version,
        "created_at": record.created_at.isoformat(),
        "updated_at": record.updated_at.isoformat(),
        "events": [
            {
                "at": e.created_at.isoformat(), "action": e.action, "choices": e.choices,
                "policy_version": e.policy_version, "language": e.language,
                "global_privacy_control": e.gpc, "network": e.client_ip_prefix,
                "browser": e.user_agent_family,
            }
            for e in events
        ],
    }  # fmt: skip
    response = JsonResponse(data, json_dumps_params={"indent": 2})
    response["Content-Disposition"] = f'attachment; filename="consent-{record.public_id}.json"'
    return response


@require_POST
@same_origin_required
@rate_limited("consent")
def forget(request):
    """Withdraw and forget: the cookie goes, every optional cookie goes, a withdrawal event is
    appended, and the record's events lose the network and browser they named. What was decided,
    when and under which version stays: the proof the law asks the site to keep."""
    policy = load_policy().localized(get_language())
    record = own_record(request)
    if record is None:
        context = {"hide_consent_banner": True, "forgotten": False}
    else:
        with transaction.atomic():
            record = ConsentRecord.objects.select_for_update().get(pk=record.pk)
            record.choices = dict.fromkeys(record.choices, False)
            record.save()
            record.events.exclude(client_ip_prefix="", user_agent_family="").update(
                client_ip_prefix="", user_agent_family=""
            )
            ConsentEvent.objects.create(
                record=record, action=ConsentEvent.Action.WITHDRAW, choices=record.choices,
                policy_version=policy.version, language=policy.language,
                gpc=sends_gpc(request),
            )  # fmt: skip
            decided(ConsentEvent.Action.WITHDRAW)
        context = {"hide_consent_banner": True, "forgotten": True, "record": record}
    # The page is answered after the cookie is gone: it says so in its footer too.
    context["consent"] = without_decision(policy, request)
    response = render(request, "consent/forgotten.html", context)
    response.delete_cookie(settings.CONSENT_COOKIE_NAME, samesite="Lax")
    expire_declined_cookies(request, response, Consent(policy, decided=True))
    add_never_cache_headers(response)
    return response
