from django.contrib import admin, messages
from django.db.models import Count
from django.utils.translation import ngettext
from markdownx.admin import MarkdownxModelAdmin

from .models import Post, Tag


class StateFilter(admin.SimpleListFilter):
    """Draft / scheduled / live, which `status` alone cannot tell apart."""

    title = "state"
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [("draft", "Draft"), ("scheduled", "Scheduled"), ("live", "Live")]

    def queryset(self, request, queryset):
        match self.value():
            case "draft":
                return queryset.drafts()
            case "scheduled":
                return queryset.scheduled()
            case "live":
                return queryset.published()
        return queryset


@admin.register(Post)
class PostAdmin(MarkdownxModelAdmin):
    list_display = ["title", "author", "state_label", "publish_at", "updated"]
    list_filter = [StateFilter, "status", "author", "publish_at"]
    list_select_related = ["author"]
    search_fields = [
        "title",
        "subtitle",
        "slug",
        "excerpt",
        "author__first_name",
        "author__last_name",
    ]
    date_hierarchy = "publish_at"
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["author", "tags"]
    actions = ["publish", "unpublish"]
    readonly_fields = ["source_path", "imported_at", "created", "updated"]
    fieldsets = [
        (None, {"fields": ["title", "subtitle", "slug", "author", "tags"]}),
        ("Publishing", {"fields": ["status", "publish_at"]}),
        ("Content", {"fields": ["excerpt", "body"]}),
        ("Images", {"fields": ["image", "thumb_image"]}),
        (
            "Source",
            {
                "classes": ["collapse"],
                "fields": ["extra", "source_path", "imported_at", "created", "updated"],
            },
        ),
    ]

    @admin.display(description="state", ordering="status")
    def state_label(self, post):
        return post.state

    @admin.action(description="Publish selected posts", permissions=["change"])
    def publish(self, request, queryset):
        self._set_status(request, queryset, Post.Status.PUBLISHED)

    @admin.action(description="Unpublish selected posts (back to draft)", permissions=["change"])
    def unpublish(self, request, queryset):
        self._set_status(request, queryset, Post.Status.DRAFT)

    def _set_status(self, request, queryset, status):
        # Saved one by one so every write goes through Post.save() and its side effects.
        changed = 0
        for post in queryset.exclude(status=status):
            post.status = status
            post.save(update_fields=["status", "updated"])
            changed += 1
        verb = "published" if status == Post.Status.PUBLISHED else "unpublished"
        self.message_user(
            request,
            ngettext("%d post %s.", "%d posts %s.", changed) % (changed, verb),
            messages.SUCCESS,
        )


@admin.register(Tag)
class TagAdmin(MarkdownxModelAdmin):
    list_display = ["name", "kind", "slug", "post_count"]
    list_filter = ["kind"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["source_path"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(post_total=Count("posts"))

    @admin.display(description="posts", ordering="post_total")
    def post_count(self, tag):
        return tag.post_total
