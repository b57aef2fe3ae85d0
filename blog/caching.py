"""Keep the page cache (folio.pagecache) in step with the content.

Every write reports to :data:`blog.changes.content_changed`; this turns the reported
ids into the page-cache dependencies they affect.
"""

from django.dispatch import receiver

from authors.models import Author
from folio import pagecache

from .changes import content_changed
from .models import Post, Tag

# Past this many posts in one change (an import), tracking each post's neighbours costs
# more than re-rendering the site once.
BULK_CHANGE = 20


def next_scheduled_publish():
    """When the next scheduled post goes live (None if none is scheduled)."""
    return (
        Post.objects.scheduled().order_by("publish_at").values_list("publish_at", flat=True).first()
    )


def neighbourhood(post):
    """The dependency name for "which posts are next to this one" on its page."""
    return f"{pagecache.key_for(post)}:neighbours"


@receiver(content_changed, dispatch_uid="folio-page-cache")
def invalidate_pages(sender, post_ids, author_ids, tag_ids, **kwargs):
    if len(post_ids) > BULK_CHANGE:
        pagecache.invalidate_everything()
        return
    names = [pagecache.model_key(Post, pk) for pk in post_ids]
    names += [pagecache.model_key(Author, pk) for pk in author_ids]
    names += [pagecache.model_key(Tag, pk) for pk in tag_ids]
    # A live post's neighbours link to it from now on. (Pages that linked to it
    # before -- its old neighbours -- depend on the post itself.)
    for post in Post.objects.published().filter(pk__in=post_ids).only("pk", "publish_at"):
        neighbours = [post.get_previous_published(), post.get_next_published()]
        names += [neighbourhood(n) for n in neighbours if n is not None]
    pagecache.invalidate(*names)
