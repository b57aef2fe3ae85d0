"""No script runs from content: the XSS corpus through every way content enters Folio.

Each entry point (the importer, the admin's add and change forms, the editor's live
preview) takes every payload of tests/xss_payloads.py in every field it has; then every
public page and feed reachable from the home page is rendered and parsed
(tests/html_safety.py). Plain fields (titles, names) must come out as visible text,
exactly as stored: escaped, never interpreted.
"""

from datetime import timedelta
from urllib.parse import urlencode

import pytest
import yaml
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone

from authors.models import Author
from blog.importing import Action, import_site
from blog.models import Post, Tag
from tests.factories import make_post, post_form_data
from tests.html_safety import crawl, problems, visible_text
from tests.xss_payloads import PAYLOADS

pytestmark = pytest.mark.django_db


def test_the_corpus_is_large_and_every_payload_is_named_once():
    names = [name for name, _ in PAYLOADS]
    assert len(PAYLOADS) >= 60 and len(set(names)) == len(names)


def test_the_checker_catches_what_it_must():
    """The checker itself would fail on live script, whatever the spelling."""
    for unsafe in [
        "<script>alert(1)</script>",
        '<img src="x" onerror="alert(1)">',
        '<a href="&#x6A;avascript:alert(1)">x</a>',
        '<a href=" java\tscript:alert(1)">x</a>',
        '<a href="\x01JAVASCRIPT:alert(1)">x</a>',
        '<form action="javascript:alert(1)"></form>',
        '<iframe src="https://example.com"></iframe>',
        "<svg><a xlink:href=x></a></svg>",
        "<!--><img src=x onerror=alert(1)>-->",
        '<script type="application/ld+json">{"a": "</script>"}</script>',
        # Only the site's own math scripts, empty, with no other attribute.
        '<script src="/static/js/other.js"></script>',
        '<script src="/static/js/math.js">alert(1)</script>',
        '<script src="/static/js/math.js" onload="alert(1)"></script>',
        '<script src="https://cdn.example/static/js/math.js"></script>',
    ]:
        assert problems(unsafe), unsafe
    assert problems('<a href="https://example.com/?q=javascript:x">fine</a>') == []
    assert problems('<script type="application/ld+json">{"name": "x"}</script>') == []
    assert (
        problems(
            '<script src="/static/vendor/katex/katex.min.js" defer></script>'
            '<script src="/static/js/math.js" defer data-folio-typeset-page></script>'
        )
        == []
    )


def search_urls():
    """The search page with each payload as the query, when the site has search."""
    try:
        resolve("/search/")
    except Resolver404:
        return []
    return [f"/search/?{urlencode({'q': payload})}" for _, payload in PAYLOADS]


def assert_every_public_page_is_safe(client, minimum_pages):
    pages = crawl(client, search_urls())
    assert len(pages) >= minimum_pages
    failures = [
        f"{url}: {problem}"
        for url, response in pages.items()
        for problem in problems(response.content.decode(), response["Content-Type"])
    ]
    assert failures == []
    return pages


def assert_plain_fields_are_escaped(client):
    """Every stored title, subtitle, name shows up as text on its own page."""
    for post in Post.objects.published():
        text = visible_text(client.get(post.get_absolute_url()).content.decode())
        assert " ".join(post.title.split()) in text, post.slug
        assert " ".join(post.subtitle.split()) in text, post.slug
    for author in Author.objects.all():
        text = visible_text(client.get(author.get_absolute_url()).content.decode())
        assert " ".join(author.name.split()) in text, author.slug
    for tag in Tag.objects.all():
        text = visible_text(client.get(tag.get_absolute_url()).content.decode())
        assert " ".join(tag.name.split()) in text, tag.slug


# The importer ---------------------------------------------------------------------------


def front_matter(data):
    return "---\n" + yaml.safe_dump(data, allow_unicode=True) + "---\n"


def test_payloads_imported_in_every_field_never_reach_a_page_as_markup(client, site):
    for n, (_, payload) in enumerate(PAYLOADS):
        site.write(
            f"src/data/authors/a{n}.yaml",
            yaml.safe_dump({"first_name": payload, "last_name": "Q", "bio": payload}),
        )
        site.write(
            f"src/data/tags/t{n}.yaml",
            yaml.safe_dump({"title": payload, "description": payload}),
        )
        meta = {
            "title": payload,
            "subtitle": payload,
            "excerpt": payload,
            "date": "2021-03-19",
            "template": "post",
            "author": f"a{n}",
            "tags": [payload, f"src/data/tags/t{n}.yaml"],
            "categories": [payload],
        }
        site.write(f"src/pages/blog/p{n}.md", front_matter(meta) + payload + "\n")

    result = import_site(site.root)

    posts = {report.path: report for report in result.reports if report.kind == "post"}
    assert len(posts) == len(PAYLOADS)
    for n, (name, payload) in enumerate(PAYLOADS):
        report = posts[f"src/pages/blog/p{n}.md"]
        if "\x00" in payload:  # refused, never stored (PostgreSQL cannot hold NUL)
            assert report.action == Action.ERROR and "NUL" in report.detail, name
        else:
            assert report.action == Action.CREATED, (name, report.detail)
    assert_every_public_page_is_safe(client, minimum_pages=3 * len(PAYLOADS))
    assert_plain_fields_are_escaped(client)


# The admin ------------------------------------------------------------------------------


def test_payloads_saved_through_the_admin_never_reach_a_page_as_markup(staff_client, client):
    for n, (name, payload) in enumerate(PAYLOADS):
        if "\x00" in payload:
            continue  # Django's forms refuse NUL characters outright
        author = {"first_name": payload[:100], "last_name": "Q", "slug": f"a{n}", "bio": payload}
        response = staff_client.post(
            reverse("admin:authors_author_add"), {**author, "website": "", "extra": "{}"}
        )
        assert response.status_code == 302, (name, response.context["errors"])
        tag = {"name": payload[:100], "slug": f"t{n}", "kind": "tag", "description": payload}
        response = staff_client.post(reverse("admin:blog_tag_add"), {**tag, "extra": "{}"})
        assert response.status_code == 302, (name, response.context["errors"])

        template = make_post(slug=f"template-{n}", status="draft")
        data = post_form_data(
            template,
            title=payload,
            subtitle=payload[:300],
            excerpt=payload,
            body=payload,
            slug=f"p{n}",
            status="published",
            author=Author.objects.get(slug=f"a{n}").pk,
            tags=[Tag.objects.get(slug=f"t{n}").pk],
            publish_at_0=(timezone.localtime() - timedelta(days=1)).strftime("%Y-%m-%d"),
        )
        del data["version"]
        template.delete()
        response = staff_client.post(reverse("admin:blog_post_add"), data)
        assert response.status_code == 302, (name, response.context["errors"])

        # ...and the change form: the payload once more, appended to the body.
        post = Post.objects.get(slug=f"p{n}")
        changed = post_form_data(post, body=f"{payload}\n\nEdited: {payload}")
        response = staff_client.post(reverse("admin:blog_post_change", args=[post.pk]), changed)
        assert response.status_code == 302, (name, response.context["errors"])

    assert_every_public_page_is_safe(client, minimum_pages=2 * len(PAYLOADS))
    assert_plain_fields_are_escaped(client)


# The editor's live preview --------------------------------------------------------------

PREVIEW = reverse("markdownx_markdownify")


def test_the_live_preview_renders_every_payload_harmless(staff_client):
    assert PREVIEW == "/markdownx/markdownify/"
    for name, payload in PAYLOADS:
        response = staff_client.post(PREVIEW, {"content": payload})
        assert response.status_code == 200, name
        assert problems(response.content.decode()) == [], name


def test_the_live_preview_is_for_staff_only(client, django_user_model):
    response = client.post(PREVIEW, {"content": "# hi"})
    assert response.status_code == 403 and b"<h1" not in response.content
    client.force_login(django_user_model.objects.create_user("reader", password="pw"))
    assert client.post(PREVIEW, {"content": "# hi"}).status_code == 403
    assert client.get(PREVIEW).status_code == 405


def test_the_live_preview_names_a_missing_field(staff_client):
    response = staff_client.post(PREVIEW, {})
    assert response.status_code == 400 and b"'content'" in response.content
