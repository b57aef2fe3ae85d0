"""Keep the page cache (folio.pagecache) in step with the content.

Every write reports to :data:`blog.changes.content_changed`; this turns the reported
ids into the page-cache dependencies they affect.
"""

from django.apps import apps
from django.db.models import Q
from django.dispatch import receiver

from authors.models import Author
from folio import pagecache
from sitesettings import snapshot
from sitesettings.models import MenuItem

from .changes import content_changed
from .models import Post, Tag

# Past this many posts in one change (an import), tracking which pages show them costs
# more than re-rendering the site once.
BULK_CHANGE = 20


def next_scheduled_publish():
    """When readers' pages next change by the clock alone: the next scheduled post or
    page goes live, or the next one reaches its unpublish date (None if nothing will)."""
    moments = []
    for model in (Post, apps.get_model("pages", "Page")):
        moments.append(model.objects.scheduled().order_by().values_list("publish_at", flat=True))
        moments.append(model.objects.expiring().order_by().values_list("expire_at", flat=True))
    return moments[0].union(*moments[1:]).order_by("publish_at").first()


def links_of(post_pk):
    """The dependency name for "which posts this post's page links to" (blog/links.py)."""
    return f"{pagecache.model_key(Post, post_pk)}:links"


@receiver(content_changed, dispatch_uid="folio-page-cache")
def invalidate_pages(
    sender, post_ids, author_ids, tag_ids, page_ids=frozenset(), site_settings=False, **kwargs
):
    # Every page shows the settings and menus; a menu shows the address of the posts
    # it links to (a slug change moves it) and only while they are published.
    if site_settings or _in_a_menu(post_ids, page_ids):
        snapshot.forget()
        pagecache.invalidate_everything()
        return
    if len(post_ids) > BULK_CHANGE:
        pagecache.invalidate_everything()
        return
    names = [pagecache.model_key(Post, pk) for pk in post_ids]
    names += [pagecache.model_key(Author, pk) for pk in author_ids]
    names += [pagecache.model_key(Tag, pk) for pk in tag_ids]
    names += [pagecache.model_key(apps.get_model("pages", "Page"), pk) for pk in page_ids]
    # (Pages whose links to other posts change are invalidated by blog.links.)
    pagecache.invalidate(*names)


def _in_a_menu(post_ids, page_ids):
    """Whether a menu links to one of these posts or pages."""
    if not post_ids and not page_ids:
        return False
    if len(post_ids) + len(page_ids) > BULK_CHANGE:
        return True  # cheaper to read the menus again than to look
    return MenuItem.objects.filter(Q(post_id__in=post_ids) | Q(page_id__in=page_ids)).exists()
