"""Small builders for test data: explicit, no magic, one call per object."""

import io
import itertools
from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from authors.models import Author
from blog.models import Post, Tag

_sequence = itertools.count(1)


def image_file(name="picture.jpg", size=(40, 30), color=(200, 80, 60), fmt="JPEG"):
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, fmt)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=f"image/{fmt.lower()}")


def make_author(**fields):
    n = next(_sequence)
    fields.setdefault("first_name", f"Ada{n}")
    fields.setdefault("last_name", "Writer")
    fields.setdefault("slug", f"ada-{n}")
    return Author.objects.create(**fields)


def make_post(*, tags=(), **fields):
    n = next(_sequence)
    fields.setdefault("title", f"Post number {n}")
    fields.setdefault("slug", f"post-{n}")
    fields.setdefault("body", f"Body of post {n}.\n\n## A heading\n\nMore text.")
    fields.setdefault("status", Post.Status.PUBLISHED)
    fields.setdefault("publish_at", timezone.now() - timedelta(days=n))
    post = Post.objects.create(**fields)
    if tags:
        post.tags.set(tags)
    return post


def make_tag(name="Python", kind=Tag.Kind.TAG, **fields):
    fields.setdefault("slug", name.lower().replace(" ", "-"))
    return Tag.objects.create(name=name, kind=kind, **fields)


def post_form_data(post, **changes):
    """What the admin's post form sends back for `post` unchanged (plus `changes`)."""
    publish_at = timezone.localtime(post.publish_at)
    data = {
        "title": post.title,
        "subtitle": post.subtitle,
        "slug": post.slug,
        "author": post.author_id or "",
        "tags": [tag.pk for tag in post.tags.all()],
        "status": post.status,
        "publish_at_0": publish_at.strftime("%Y-%m-%d"),
        "publish_at_1": publish_at.strftime("%H:%M:%S"),
        "excerpt": post.excerpt,
        "body": post.body,
        "extra": "{}",
        "version": post.updated.isoformat(),
    }
    data.update(changes)
    return data


def make_page(**fields):
    from pages.models import Page

    n = next(_sequence)
    fields.setdefault("title", f"Page number {n}")
    fields.setdefault("path", f"/page-{n}/")
    fields.setdefault("body", f"Body of page {n}.\n\n## A heading\n\nMore text.")
    fields.setdefault("status", Page.Status.PUBLISHED)
    fields.setdefault("publish_at", timezone.now() - timedelta(days=1))
    return Page.objects.create(**fields)


def page_form_data(page, **changes):
    """What the admin's page form sends back for `page` unchanged (plus `changes`)."""
    publish_at = timezone.localtime(page.publish_at)
    data = {
        "title": page.title,
        "subtitle": page.subtitle,
        "path": page.path,
        "status": page.status,
        "publish_at_0": publish_at.strftime("%Y-%m-%d"),
        "publish_at_1": publish_at.strftime("%H:%M:%S"),
        "body": page.body,
        "seo_title": page.seo_title,
        "seo_description": page.seo_description,
        "extra": "{}",
        "version": page.updated.isoformat(),
    }
    data.update(section_rows(page))
    data.update(changes)
    return data


def section_rows(page):
    """The page form's inline of sections, as the admin sends it back unchanged."""
    sections = list(page.sections.all()) if page.pk else []
    data = {
        "sections-TOTAL_FORMS": str(len(sections)),
        "sections-INITIAL_FORMS": str(len(sections)),
        "sections-MIN_NUM_FORMS": "0",
        "sections-MAX_NUM_FORMS": "1000",
    }
    for index, section in enumerate(sections):
        prefix = f"sections-{index}-"
        data[prefix + "id"] = str(section.pk)
        data[prefix + "page"] = str(page.pk)
        data[prefix + "order"] = str(section.order)
        data[prefix + "type"] = section.type
        title = section.data.get("title")
        data[prefix + "data_title"] = title if isinstance(title, str) else ""
    return data
