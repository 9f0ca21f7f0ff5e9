"""The image library's screens: the list with where each picture is used, a picture's page
(its texts and focal point), and the picker the editor's "Browse..." opens."""

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html

from articles.models import Article, Image, upload_quota_error
from articles.newsroom.forms import focal_picker
from newsportal.long_lists import EstimatedCounts


class LibraryForm(forms.ModelForm):
    """A library picture's form (the library's own, the picker's): a new file counts against
    its uploader's hourly quota."""

    user = None  # set by the admin

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if isinstance(upload, UploadedFile) and (quota := upload_quota_error(self.user)):
            raise ValidationError(quota)
        return upload


class LibraryUploadForm(LibraryForm):
    class Meta:
        model = Image
        fields = ["file", "alt", "caption", "credit"]


def counted(rows, field: str):
    """How many of `rows` name the listed picture in `field`: a count per picture of the page
    (by the field's index), where a grouped join would count the uses of every picture."""
    per_picture = rows.filter(**{field: OuterRef("pk")}).order_by().values(field)
    return Coalesce(Subquery(per_picture.annotate(n=Count("*")).values("n")), 0)


@admin.register(Image)
class ImageAdmin(EstimatedCounts, admin.ModelAdmin):
    """The image library: searchable, with thumbnails and where each picture is used; a picture
    an article shows cannot be deleted."""

    list_display = ["thumbnail", "alt", "credit", "usage", "uploaded_at"]
    list_display_links = ["thumbnail", "alt"]
    search_fields = ["alt", "caption", "credit"]
    fields = ["file", "preview", "alt", "caption", "credit", "focus_x", "focus_y"]
    readonly_fields = ["preview"]
    date_hierarchy = "uploaded_at"
    form = LibraryForm

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        form.user = request.user  # the upload quota
        return form

    def get_queryset(self, request):
        # Also what the cover's autocomplete offers (Django asks this admin).
        return (
            super()
            .get_queryset(request)
            .visible_to(request.user)
            .annotate(
                shown=counted(Article.inline_images.through.objects, "image"),
                cover_of=counted(Article.objects, "cover"),
            )
        )

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self.may_touch(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self.may_touch(request, obj)

    @staticmethod
    def may_touch(request, picture) -> bool:
        """Editors any picture; an Author their own that nothing published shows."""
        return (
            picture is None
            or Image.objects.changeable_by(request.user).filter(pk=picture.pk).exists()
        )

    @admin.display(description="Picture")
    def thumbnail(self, image):
        return format_html(
            '<img src="{}" alt="" width="96" height="{}" class="library-thumb">',
            image.thumbnail_url, round(96 * (image.height or 1) / (image.width or 1)),
        )  # fmt: skip

    @admin.display(description="Picture")
    def preview(self, image):
        return focal_picker(image if image.pk and image.file else None)

    @admin.display(description="Used in")
    def usage(self, image):
        used = image.shown + image.cover_of
        if not used:
            return "not used yet"
        url = reverse("admin:articles_article_changelist") + f"?picture={image.pk}"
        noun = "article" if used == 1 else "articles"
        return format_html('<a href="{}">{} {}</a>', url, used, noun)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.uploaded_by = request.user
        super().save_model(request, obj, form, change)

    def get_deleted_objects(self, objs, request):
        """A picture an article shows is protected, like a row another one points to: the
        admin's delete page names the articles and deletes nothing."""
        deleted, count, perms, protected = super().get_deleted_objects(objs, request)
        showing = Article.inline_images.through.objects.filter(
            image__in=[obj.pk for obj in objs]
        ).select_related("article", "image")
        protected = [*protected, *(f"{row.image} is shown in the article “{row.article}”"
                                   for row in showing)]  # fmt: skip
        return deleted, count, perms, protected

    def get_urls(self):
        pick = self.admin_site.admin_view(self.pick_view)
        return [path("pick/", pick, name="articles_image_pick"), *super().get_urls()]

    def pick_view(self, request):
        """The editor's "Browse...": choose a picture from the library, or add one, and it goes
        into the text (static/js/image-picker.js hands it to the editor's dialog)."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        form = LibraryUploadForm(request.POST or None, request.FILES or None)
        form.user = request.user
        added = None
        if request.method == "POST" and self.has_add_permission(request) and form.is_valid():
            added = form.save(commit=False)
            added.uploaded_by = request.user
            added.save()
            form = LibraryUploadForm()  # ready for the next one
        query = request.GET.get("q", "")[:100]
        # The library's own search (search_fields), without the list's usage counts.
        visible = Image.objects.visible_to(request.user)
        images, _ = self.get_search_results(request, visible, query)
        context = {
            **self.admin_site.each_context(request), "opts": self.opts,
            "title": "Choose a picture", "images": images[:60], "query": query,
            "form": form, "added": added, "can_add": self.has_add_permission(request),
            "callback": request.GET.get("CKEditorFuncNum", ""),
        }  # fmt: skip
        return TemplateResponse(request, "admin/articles/image/pick.html", context)

    class Media:
        js = ["js/focal-point.js"]
        css = {"all": ["css/admin-newsroom.css"]}
