import csv
import json
import uuid

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import HttpResponseRedirect, StreamingHttpResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join

from newsportal.consent import dashboard
from newsportal.consent.client import UA_FAMILIES
from newsportal.consent.models import (
    ConsentEvent,
    ConsentRecord,
    Cookie,
    CookieCategory,
    CookiePolicy,
    PolicyTranslation,
    freeze_categories,
)
from newsportal.consent.policy import current_policy
from newsportal.long_lists import EstimatedCounts


@admin.register(CookiePolicy)
class CookiePolicyAdmin(admin.ModelAdmin):
    """Published versions are proof and never change: saving an edit publishes the next version,
    with the categories and cookies as they stand then; the edited one stays readable as it was."""

    list_display = ["__str__", "is_material", "published_at"]
    fieldsets = [
        (None, {
            "fields": [
                "version", "published_at", "banner_text", "policy_text", "is_material",
                "published_categories",
            ],
            "description": "A published version never changes. Saving an edit publishes the "
            "next version, with the categories and cookies as they stand now; this one stays "
            "as it was: the proof of what visitors saw.",
        }),
    ]  # fmt: skip
    readonly_fields = ["version", "published_at", "published_categories"]

    def has_delete_permission(self, request, obj=None):
        return False

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        buttons = {"show_save_and_add_another": False, "show_save_and_continue": False}
        return super().changeform_view(
            request, object_id, form_url, {**buttons, **(extra_context or {})}
        )

    def get_changeform_initial_data(self, request):
        latest = CookiePolicy.objects.first()
        if latest is None:
            return {}
        return {"banner_text": latest.banner_text, "policy_text": latest.policy_text}

    @admin.display(description="Categories and cookies")
    def published_categories(self, obj):
        """What visitors of this version were told, cookie by cookie (for a new version: what
        it will publish)."""
        categories = obj.categories if obj and obj.pk else freeze_categories(CookieCategory)
        return format_html_join(
            "",
            "<p><strong>{}</strong>{}: {}</p><ul>{}</ul>",
            (
                (c["name"], " (always on)" if c["is_necessary"] else "", c["description"],
                 format_html_join("", "<li><code>{}</code>: {} ({}, {})</li>", (
                     (k["name"], k["purpose"], k["duration"], k["provider"]) for k in c["cookies"]
                 )))
                for c in categories
            ),
        )  # fmt: skip

    def save_model(self, request, obj, form, change):
        if change and not form.has_changed():
            obj.unchanged = True
            return
        if change:  # publish the next version instead of rewriting this one
            obj.pk = obj.version = obj.published_at = None
            obj._state.adding = True
        super().save_model(request, obj, form, change)

    def response_change(self, request, obj):
        if getattr(obj, "unchanged", False):
            self.message_user(request, f"Nothing changed: {obj} stays the current version.")
        else:
            asked = (
                "every visitor is asked again"
                if obj.is_material
                else "only visitors who have not decided see the banner"
            )
            self.message_user(
                request, f"Published {obj}: {asked}. Earlier versions stay as they were."
            )
        return HttpResponseRedirect(reverse("admin:consent_cookiepolicy_changelist"))


@admin.register(PolicyTranslation)
class PolicyTranslationAdmin(admin.ModelAdmin):
    """A version's texts in another language. A new version starts without any: its visitors
    see the English texts until they are translated (never a translation of an older text)."""

    list_display = ["__str__", "language", "policy"]
    list_filter = ["language"]
    fields = ["policy", "language", "banner_text", "policy_text", "categories"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "policy":
            field.initial = CookiePolicy.objects.values_list("pk", flat=True).first()
        return field


class CookieInline(admin.TabularInline):
    model = Cookie
    extra = 1


@admin.register(CookieCategory)
class CookieCategoryAdmin(admin.ModelAdmin):
    """Categories and cookies are the draft of the next policy version: visitors see them once
    an editor publishes it (a published version never changes under a visitor's decision)."""

    list_display = ["name", "key", "is_necessary", "order"]
    list_editable = ["order"]
    prepopulated_fields = {"key": ["name"]}
    inlines = [CookieInline]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        publish = reverse("admin:consent_cookiepolicy_add")
        self.message_user(
            request,
            format_html(
                'Visitors see this change once you <a href="{}">publish the next version of '
                "the cookie policy</a>.",
                publish,
            ),
        )


class ReadOnlyAdmin(admin.ModelAdmin):
    """Proof is not edited: no adding, changing or deleting through the admin."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ConsentEventInline(admin.TabularInline):
    model = ConsentEvent
    fields = [
        "created_at",
        "action",
        "choices",
        "policy_version",
        "language",
        "gpc",
        "client_ip_prefix",
    ]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class PolicyVersionFilter(admin.SimpleListFilter):
    """By the policy version decided on: the versions from the policy's own table, where
    Django's filter would read every decision for the values it holds."""

    title = "policy version"
    parameter_name = "policy_version"

    def lookups(self, request, model_admin):
        versions = CookiePolicy.objects.order_by("-version").values_list("version", flat=True)
        return [(str(version), f"Version {version}") for version in versions]

    def queryset(self, request, queryset):
        value = self.value()
        if not value:
            return queryset
        return queryset.filter(policy_version=value) if value.isdigit() else queryset.none()


class BrowserFilter(admin.SimpleListFilter):
    """By browser family: the families the consent view names (client.UA_FAMILIES)."""

    title = "browser"
    parameter_name = "user_agent_family"

    def lookups(self, request, model_admin):
        return [(family, family) for family, _ in UA_FAMILIES] + [("Other", "Other")]

    def queryset(self, request, queryset):
        return queryset.filter(user_agent_family=self.value()) if self.value() else queryset


class ByPublicId:
    """A search for a visitor's id (from their cookie, or a request they sent) by the unique
    index: Django's `=public_id` compares UPPER() of the text of every row."""

    public_id_field = "public_id"

    def get_search_results(self, request, queryset, search_term):
        term = search_term.strip()
        if not term:
            return queryset, False
        try:
            wanted = uuid.UUID(term)
        except ValueError:
            return queryset.none(), False
        return queryset.filter(**{self.public_id_field: wanted}), False


@admin.register(ConsentRecord)
class ConsentRecordAdmin(ByPublicId, EstimatedCounts, ReadOnlyAdmin):
    list_display = ["public_id", "policy_version", "choices", "created_at", "updated_at"]
    list_filter = [PolicyVersionFilter, "updated_at"]
    search_fields = ["public_id"]  # by ByPublicId
    date_hierarchy = "updated_at"
    inlines = [ConsentEventInline]


class GrantedCategoryFilter(admin.SimpleListFilter):
    """Decisions that granted (or refused) one optional category."""

    title = "category granted"
    parameter_name = "granted"

    def lookups(self, request, model_admin):
        keys = CookieCategory.objects.filter(is_necessary=False).values_list("key", "name")
        return [
            (f"{key}:{state}", f"{name}: {'granted' if state == 'yes' else 'refused'}")
            for key, name in keys
            for state in ("yes", "no")
        ]

    def queryset(self, request, queryset):
        if not self.value() or ":" not in self.value():
            return queryset
        key, state = self.value().split(":", 1)
        return queryset.filter(**{f"choices__{key}": state == "yes"})


class Echo:
    """A file-like object for csv.writer that hands each line back instead of storing it."""

    def write(self, value):
        return value


CSV_HEADER = [
    "event_id", "record_id", "created_at", "action", "choices",
    "policy_version", "client_ip_prefix", "user_agent_family", "language", "gpc",
]  # fmt: skip


@admin.register(ConsentEvent)
class ConsentEventAdmin(ByPublicId, EstimatedCounts, ReadOnlyAdmin):
    list_display = [
        "created_at", "record", "action", "granted", "policy_version", "language", "gpc",
        "client_ip_prefix", "user_agent_family",
    ]  # fmt: skip
    list_filter = [
        "action", GrantedCategoryFilter, PolicyVersionFilter, "gpc", BrowserFilter, "created_at",
    ]  # fmt: skip
    list_select_related = ["record"]
    search_fields = ["record__public_id"]  # by ByPublicId
    public_id_field = "record__public_id"
    date_hierarchy = "created_at"
    actions = ["export_csv"]

    def get_urls(self):
        view = self.admin_site.admin_view(self.dashboard_view)
        return [path("dashboard/", view, name="consent_dashboard"), *super().get_urls()]

    def dashboard_view(self, request):
        """Decisions per day by outcome, acceptance per category, GPC, events per version."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        form = dashboard.RangeForm(request.GET)
        context = {
            **self.admin_site.each_context(request),
            "title": "Consent dashboard",
            "opts": self.opts,
            "form": form,
            "outcomes": dashboard.OUTCOMES,
        }
        if not form.is_valid():
            return TemplateResponse(request, "admin/consent/dashboard.html", context, status=400)
        policy = current_policy(request)  # the process's snapshot: no query
        categories = [(c.key, c.name) for c in policy.optional_categories]
        summary = dashboard.summarize(
            form.cleaned_data["start"], form.cleaned_data["end"], categories
        )
        context.update(summary=summary, chart=dashboard.chart(summary))
        return TemplateResponse(request, "admin/consent/dashboard.html", context)

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        cl = getattr(response, "context_data", {}).get("cl")
        if cl is not None:
            counts = cl.queryset.order_by().values("action").annotate(n=Count("id"))
            labels = dict(ConsentEvent.Action.choices)
            response.context_data["decision_counts"] = [
                (labels.get(row["action"], row["action"]), row["n"]) for row in counts
            ]
        return response

    @admin.display(description="choices")
    def granted(self, event):
        """ "analytics: allowed · marketing: declined", not raw JSON."""
        return (
            " · ".join(
                f"{key}: {'allowed' if value else 'declined'}"
                for key, value in event.choices.items()
            )
            or "—"
        )

    @admin.action(description="Export selected events as CSV (for a regulator)")
    def export_csv(self, request, queryset):
        writer = csv.writer(Echo())

        def rows():
            yield writer.writerow(CSV_HEADER)
            for e in queryset.select_related("record").order_by("created_at", "id").iterator():
                yield writer.writerow([
                    e.pk, e.record.public_id, e.created_at.isoformat(), e.action,
                    json.dumps(e.choices), e.policy_version,
                    e.client_ip_prefix, e.user_agent_family, e.language, e.gpc,
                ])  # fmt: skip

        response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="consent-events.csv"'
        return response
