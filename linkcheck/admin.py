"""The admin's side of the link check: the Site health page, its notice on the
dashboard, and the warning a post or page editor gets on saving a broken link.

The page shows what the last check of each scope found (stored by every import,
``manage.py check_links`` and the page's own "Check now"), so opening it reads stored
rows and checks nothing, however large the site; "Check now" runs the internal check
(no HTTP) in the request: 0.4 s for 2,000 posts, 2.4 s for 10,000 (docs/performance.md,
"Link check"). Links to other sites are checked only from the command line
(``--external``): minutes of polite requests have no place in a request.
"""

from datetime import timedelta

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, path, reverse
from django.utils import timezone
from django.utils.timesince import timesince
from django.utils.translation import ngettext

from blog.models import Post
from pages.models import Page

from . import checking
from .models import BrokenLink, CheckRun, Scope

#: Rows the page lists per scope (the command lists them all).
SHOWN = 500
#: What a source is called above its links.
LABELS = {
    "post": "Post",
    "page": "Page",
    "author": "Author",
    "tag": "Tag",
    "menu": "Menu",
    "settings": "Footer & images",
}
_CHANGE_PAGES = {
    "post": "admin:blog_post_change",
    "page": "admin:pages_page_change",
    "author": "admin:authors_author_change",
    "tag": "admin:blog_tag_change",
}


class WarnsOfBrokenLinks:
    """For the post and page admins (first among their bases): a save that leaves
    links which do not answer says which (internal links only: no HTTP request in a
    save), after the admin's own "was changed successfully"."""

    def warn_about_links(self, request, obj, source, *, keep=True):
        """Check ``source`` (``obj``'s links) once saved; the warning follows."""
        obj._broken_links = checking.check_one(source, keep=keep)

    def response_add(self, request, obj, *args, **kwargs):
        response = super().response_add(request, obj, *args, **kwargs)
        self._tell_broken_links(request, obj)
        return response

    def response_change(self, request, obj):
        response = super().response_change(request, obj)
        self._tell_broken_links(request, obj)
        return response

    def _tell_broken_links(self, request, obj):
        if broken := getattr(obj, "_broken_links", None):
            what = self.opts.verbose_name
            self.message_user(request, checking.warning(broken, what), messages.WARNING)


def may_view(user):
    """Staff who may change posts (editors and writers) see the page."""
    return user.is_active and user.is_staff and user.has_perm("blog.change_post")


def may_check(user):
    """Editors run a check from the page: it reads the whole site."""
    return may_view(user) and user.has_perm("blog.change_any_post")


def visible_rows(user, rows):
    """The rows about what this user may see: live posts and pages and the ones they
    may edit (a writer never learns the title of someone else's draft), and every
    bio, tag, menu and the footer, which readers see anyway."""
    posts = Post.objects.published() | Post.objects.editable_by(user)
    pages = Page.objects.published() | Page.objects.editable_by(user)
    return rows.filter(
        ~Q(source_kind__in=["post", "page"])
        | Q(source_kind="post", source_id__in=posts.values("pk"))
        | Q(source_kind="page", source_id__in=pages.values("pk"))
    )


@admin.register(BrokenLink)
class SiteHealthAdmin(admin.ModelAdmin):
    """The Site health page, in place of a list of BrokenLink rows."""

    def has_module_permission(self, request):
        return may_view(request.user)

    def has_view_permission(self, request, obj=None):
        return may_view(request.user)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_urls(self):
        check = path("check/", self.admin_site.admin_view(self.check_view), name="linkcheck_check")
        return [check, *super().get_urls()]

    def changelist_view(self, request, extra_context=None):
        if not may_view(request.user):
            raise PermissionDenied
        runs = {run.scope: run for run in CheckRun.objects.all()}
        rows = visible_rows(request.user, BrokenLink.objects.all())
        scopes = []
        for scope, label in Scope.choices:
            broken = list(rows.filter(scope=scope)[: SHOWN + 1])
            scopes.append(
                {
                    "scope": scope,
                    "label": label,
                    "run": runs.get(scope),
                    "when": _ago(runs[scope].finished) if scope in runs else "",
                    "groups": _grouped(broken[:SHOWN]),
                    "count": len(broken)
                    if len(broken) <= SHOWN
                    else rows.filter(scope=scope).count(),
                    "cut": len(broken) > SHOWN,
                }
            )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "Site health",
            "scopes": scopes,
            "may_check": may_check(request.user),
            "shown": SHOWN,
            **(extra_context or {}),
        }
        return TemplateResponse(request, "admin/linkcheck/site_health.html", context)

    def check_view(self, request):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not may_check(request.user):
            raise PermissionDenied
        report = checking.check_site(f"{request.user.get_username()}, in the admin")
        level = messages.WARNING if report.broken else messages.SUCCESS
        line = checking.summary(report).removesuffix("; run manage.py check_links")
        self.message_user(request, f"{line} ({report.seconds:.1f} s).", level)
        return HttpResponseRedirect(reverse("admin:linkcheck_brokenlink_changelist"))

    def dashboard_notices(self, request):
        if not may_view(request.user):
            return []
        count = visible_rows(request.user, BrokenLink.objects.all()).count()
        if not count:
            return []
        return [
            {
                "title": "Site health",
                "count": count,
                "text": ngettext(
                    "link or image on the site does not answer.",
                    "links and images on the site do not answer.",
                    count,
                ),
                "url": reverse("admin:linkcheck_brokenlink_changelist"),
                "link": ngettext("Show it", "Show them", count),
            }
        ]


def _ago(moment):
    if timezone.now() - moment < timedelta(minutes=1):
        return "just now"
    return f"{timesince(moment)} ago"


def _grouped(rows):
    """[{title, kind, url, edit_url, rows}] in the rows' order (by source)."""
    groups = []
    for row in rows:
        key = (row.source_kind, row.source_id, row.source_title)
        if not groups or groups[-1]["key"] != key:
            groups.append(
                {
                    "key": key,
                    "title": row.source_title,
                    "kind": LABELS.get(row.source_kind, row.source_kind),
                    "url": row.source_url if row.source_kind not in {"menu", "settings"} else "",
                    "edit_url": _edit_url(row),
                    "rows": [],
                }
            )
        groups[-1]["rows"].append(row)
    return groups


def _edit_url(row):
    try:
        if row.source_kind in _CHANGE_PAGES:
            return reverse(_CHANGE_PAGES[row.source_kind], args=[row.source_id])
        return reverse("admin:sitesettings_sitesettings_changelist")  # menus, footer
    except NoReverseMatch:
        return ""
