"""The link check (linkcheck/): internal links, redirects, uploads, static files, where
links live, the one-line summary, and the command. External links:
tests/test_linkcheck_external.py; the admin: tests/test_linkcheck_admin.py."""

import io
from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from blog.models import Post, Redirect, Tag
from linkcheck import checking, internal
from linkcheck.models import BrokenLink, CheckRun, Scope
from pages.models import Section, SectionItem
from sitesettings.models import MenuItem, SiteSettings
from tests.factories import make_author, make_page, make_post, make_tag

pytestmark = pytest.mark.django_db


def broken_of(report):
    return {(b.source.title, b.link.url): b.reason for b in report.broken}


def check_site():
    return checking.check(checking.sources())


def post_linking(body, **fields):
    fields.setdefault("title", "Links")
    fields.setdefault("slug", "links")
    return make_post(body=body, **fields)


def test_links_to_live_posts_pages_tags_authors_and_archives_answer():
    target = make_post(slug="target", publish_at=timezone.now() - timedelta(days=400))
    year = timezone.localtime(target.publish_at).year
    month = timezone.localtime(target.publish_at).month
    make_page(path="/about/")
    make_tag("Python")
    make_tag("News", kind=Tag.Kind.CATEGORY, slug="news")
    make_author(slug="ada")
    post_linking(
        "[post](/blog/target/) [page](/about/) [tag](/blog/tags/python/) "
        "[category](/blog/categories/news/) [author](/authors/ada/) "
        f"[year](/blog/{year}/) [month](/blog/{year}/{month:02d}/) [home](/) [list](/blog/) "
        "[feed](/blog/feed/) [tag feed](/blog/tags/python/feed/) [search](/search/?q=x) "
        "[author feed](/authors/ada/feed/) [sitemap](/sitemap.xml)"
    )
    report = check_site()
    assert report.broken == []
    assert report.links >= 14


def test_a_path_that_fits_a_route_but_names_nothing_is_broken():
    make_post(slug="draft", status=Post.Status.DRAFT)
    make_post(slug="later", publish_at=timezone.now() + timedelta(days=3))
    make_post(slug="gone", expire_at=timezone.now() - timedelta(hours=1))
    make_page(path="/draft-page/", status=Post.Status.DRAFT)
    post_linking(
        "[a](/blog/no-such-post/) [b](/blog/draft/) [c](/blog/later/) [d](/blog/gone/) "
        "[e](/blog/tags/nothing/) [f](/authors/nobody/) [g](/blog/1999/) "
        "[h](/no-such-page/) [i](/draft-page/) [j](/blog/categories/nothing/)"
    )
    broken = broken_of(check_site())
    assert broken == {
        ("Links", "/blog/no-such-post/"): "no published post has this address",
        ("Links", "/blog/draft/"): "no published post has this address",
        ("Links", "/blog/later/"): "no published post has this address",
        ("Links", "/blog/gone/"): "no published post has this address",
        ("Links", "/blog/tags/nothing/"): "no tag has this address",
        ("Links", "/authors/nobody/"): "no author has this address",
        ("Links", "/blog/1999/"): "no posts that year",
        ("Links", "/no-such-page/"): "no published page has this address",
        ("Links", "/draft-page/"): "no published page has this address",
        ("Links", "/blog/categories/nothing/"): "no category has this address",
    }


def test_redirected_links_answer_and_a_redirect_to_nowhere_is_broken():
    make_post(slug="new-home")
    Redirect.objects.create(old_path="/old/post.html", new_path="/blog/new-home/")
    Redirect.objects.create(old_path="/posts/moved/", new_path="/blog/deleted/")
    post_linking("[a](/old/post.html) [b](/posts/moved) [c](/posts/moved/)")
    report = check_site()
    assert broken_of(report) == {
        ("Links", "/posts/moved"): "redirects to /blog/deleted/, where no published post "
        "has this address",
        ("Links", "/posts/moved/"): "redirects to /blog/deleted/, where no published post "
        "has this address",
    }
    assert report.redirected == 1


def test_a_missing_trailing_slash_answers_through_append_slash():
    make_page(path="/about/")
    post_linking("[about](/about) [nothing](/nothing)")
    report = check_site()
    assert broken_of(report) == {
        ("Links", "/nothing"): "redirects to /nothing/, where no published page has this address"
    }
    assert report.redirected == 1


def test_uploads_are_checked_in_media_storage():
    default_storage.save("posts/here.jpg", ContentFile(b"x"))
    post = post_linking("![here](/media/posts/here.jpg) ![gone](/media/posts/gone.jpg)")
    Post.objects.filter(pk=post.pk).update(image="posts/hero-lost.jpg")
    broken = broken_of(check_site())
    assert broken == {
        ("Links", "/media/posts/gone.jpg"): "no such upload",
        ("Links", "/media/posts/hero-lost.jpg"): "no such upload",
    }


def test_an_old_image_address_redirected_to_a_missing_upload_is_broken():
    default_storage.save("images/kept.jpg", ContentFile(b"x"))
    Redirect.objects.create(old_path="/images/kept.jpg", new_path="/media/images/kept.jpg")
    Redirect.objects.create(old_path="/images/lost.jpg", new_path="/media/images/lost.jpg")
    post_linking("![k](/images/kept.jpg) ![l](/images/lost.jpg)")
    assert broken_of(check_site()) == {
        ("Links", "/images/lost.jpg"): "redirects to /media/images/lost.jpg, where no such upload"
    }


def test_static_files_are_found_where_collectstatic_finds_them():
    post_linking("[css](/static/css/site.css) [js](/static/js/nothing.js)")
    assert broken_of(check_site()) == {("Links", "/static/js/nothing.js"): "no such static file"}


def test_non_ascii_addresses_encoded_or_not():
    make_post(slug="привет-мир", title="Привет")
    make_page(path="/关于/", title="关于")
    make_post(slug="café", title="Café")
    post_linking(
        "[ru](/blog/привет-мир/) "
        "[ru encoded](/blog/%D0%BF%D1%80%D0%B8%D0%B2%D0%B5%D1%82-%D0%BC%D0%B8%D1%80/) "
        "[zh](/关于/) [zh encoded](/%E5%85%B3%E4%BA%8E/) [fr](/blog/caf%C3%A9/) "
        "[missing](/blog/пока/)"
    )
    report = check_site()
    assert broken_of(report) == {("Links", "/blog/пока/"): _NO_POST}
    assert report.broken[0].link.text == "missing"


_NO_POST = "no published post has this address"


def test_a_moved_cyrillic_post_answers_through_its_encoded_old_address(client):
    post = make_post(slug="старый", title="Старый")
    post.slug = "новый"
    post.save()  # a live post's move leaves a redirect, stored percent-encoded
    post_linking("[old](/blog/старый/)")
    report = check_site()
    assert report.broken == [] and report.redirected == 1


def test_fragments_queries_relative_links_and_the_sites_own_host():
    SiteSettings.objects.create(title="Site", base_url="https://example.org")
    make_post(slug="other")
    post_linking(
        "[frag](/blog/other/#part) [query](/blog/other/?utm=1) [rel](../other/) "
        "[same page](#top) [own host](https://example.org/blog/other/) "
        "[www](http://www.example.org/blog/other/) [own missing](https://example.org/blog/no/) "
        "[mail](mailto:a@example.org) [tel](tel:+4912345) [rel missing](../absent/)"
    )
    report = check_site()
    assert broken_of(report) == {
        ("Links", "https://example.org/blog/no/"): _NO_POST,
        ("Links", "../absent/"): _NO_POST,
    }


def test_external_links_are_not_checked_by_default():
    post_linking("[out](https://example.com/nowhere) [out2](//example.net/x)")
    report = check_site()
    assert report.broken == [] and report.external_targets == 0


def test_links_in_pages_sections_menus_bios_tags_and_the_footer():
    page = make_page(path="/landing/", title="Landing", body="[body](/nope-1/)")
    section = Section.objects.create(
        page=page,
        type="cta_section",
        data={"title": "Go", "actions": [{"label": "Sign up", "url": "/signup"}]},
    )
    SectionItem.objects.create(section=section, data={"content": "See [docs](/docs/)"})
    make_author(first_name="Ада", last_name="Л", slug="ada", bio="My [site](/blog/mine/)")
    make_tag("Go", description="[more](/blog/tags/golang/)")
    site = SiteSettings.objects.create(title="Site", footer_text="[Imprint](/imprint/)")
    MenuItem.objects.create(settings=site, menu="header", label="Shop", url="/shop/")
    MenuItem.objects.create(settings=site, menu="header", label="Mail", url="mailto:x@y.z")
    report = check_site()
    where = {(b.source.kind, b.source.title, b.link.text, b.link.url) for b in report.broken}
    assert where == {
        ("page", "Landing", "body", "/nope-1/"),
        ("page", "Landing", "Sign up", "/signup/"),
        ("page", "Landing", "docs", "/docs/"),
        ("author", "Ада Л", "site", "/blog/mine/"),
        ("tag", "Go", "more", "/blog/tags/golang/"),
        ("settings", "Site settings", "Imprint", "/imprint/"),
        ("menu", "Header menu", "Shop", "/shop/"),
    }
    assert checking.summary(report) == (
        "7 broken internal links in 1 page, 1 author bio, 1 tag description, 1 menu and "
        "the site settings; run manage.py check_links"
    )


def test_the_summary_line():
    make_post(slug="a", title="A", body="[x](/blog/x/) [y](/blog/y/)")
    make_post(slug="b", title="B", body="[z](/blog/z/)")
    report = check_site()
    assert checking.summary(report) == (
        "3 broken internal links in 2 posts; run manage.py check_links"
    )
    Post.objects.all().delete()
    assert checking.summary(check_site()).startswith("No broken internal links")


def test_every_route_with_arguments_is_checked_for_what_it_names():
    """A new route whose page depends on its address must get a finder (or be listed
    as not a reader's page), or its links would pass unchecked."""

    def routes(patterns, namespace=""):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
                if entry.namespace == "admin":
                    continue
                yield from routes(entry.url_patterns, inner)
            elif isinstance(entry, URLPattern) and entry.pattern.regex.groups:
                yield f"{namespace}{entry.name}" if entry.name else None

    found = set(routes(get_resolver().url_patterns))
    found.discard(None)  # the uploads' route: checked in storage, by prefix
    assert found <= set(internal.FINDERS) | internal.UNCHECKED, found - set(internal.FINDERS)


def test_a_whole_site_costs_a_fixed_number_of_queries(django_assert_max_num_queries):
    for n in range(30):
        make_post(slug=f"p{n}", body=f"[next](/blog/p{n + 1}/) [t](/blog/tags/t{n}/)")
    with django_assert_max_num_queries(16):
        report = check_site()
    assert len(report.broken) == 31


def test_the_command_lists_broken_links_by_page_and_keeps_them(tmp_path):
    make_post(slug="a", title="Первый пост", body="See [the other](/blog/missing/).")
    out = io.StringIO()
    call_command("check_links", stdout=out)
    text = out.getvalue()
    assert "Post: Первый пост  /blog/a/" in text
    assert "link “the other” → /blog/missing/" in text
    assert "1 broken internal link in 1 post; run manage.py check_links" in text
    assert "not checked (--external checks them)" in text
    row = BrokenLink.objects.get()
    assert (row.scope, row.source_title, row.target) == (
        Scope.INTERNAL,
        "Первый пост",
        "/blog/missing/",
    )
    assert CheckRun.objects.get(scope=Scope.INTERNAL).by == "manage.py check_links"
    with pytest.raises(CommandError, match="1 broken link"):
        call_command("check_links", "--fail", stdout=io.StringIO())


def test_every_import_ends_with_the_link_summary(site):
    site.post("first", body="A [link](/blog/second/) and [a gone one](/blog/nowhere/).\n")
    site.post("second", body="Back to [the first](/blog/first/).\n")
    out = io.StringIO()
    call_command("import_posts", str(site.root), stdout=out, stderr=io.StringIO())
    lines = out.getvalue().strip().splitlines()
    assert lines[-1] == "1 broken internal link in 1 post; run manage.py check_links"
    assert CheckRun.objects.get(scope=Scope.INTERNAL).by == "an import"
    dry = io.StringIO()
    call_command("import_posts", str(site.root), "--dry-run", stdout=dry)
    assert "broken internal" not in dry.getvalue()


def test_an_import_that_changed_nothing_says_what_the_last_check_found(site):
    site.post("первый", body="A [gone one](/blog/nowhere/) and [the other](/blog/второй/).\n")
    site.post("второй", body="Back to [the first](/blog/первый/).\n")
    call_command("import_posts", str(site.root), stdout=io.StringIO(), stderr=io.StringIO())
    CheckRun.objects.update(by="manage.py check_links")  # to tell a new check apart
    out = io.StringIO()
    call_command("import_posts", str(site.root), stdout=out, stderr=io.StringIO())
    assert (
        out.getvalue()
        .strip()
        .splitlines()[-1]
        .startswith("Nothing changed, so no new link check; the last one (manage.py check_links, ")
    )
    assert (
        out.getvalue()
        .strip()
        .endswith("found: 1 broken internal link in 1 post; run manage.py check_links")
    )
    assert CheckRun.objects.get().by == "manage.py check_links"
    # A changed file: checked again, and what it mended is gone.
    site.post("первый", body="Only [the other](/blog/второй/) now.\n")
    out = io.StringIO()
    call_command("import_posts", str(site.root), stdout=out, stderr=io.StringIO())
    assert out.getvalue().strip().splitlines()[-1].startswith("No broken internal links")
    assert CheckRun.objects.get().by == "an import"
    assert not BrokenLink.objects.exists()


def test_uploads_at_a_full_media_url_are_checked_in_storage(settings):
    settings.MEDIA_URL = "https://cdn.example.net/media/"
    default_storage.save("posts/here.jpg", ContentFile(b"x"))
    post_linking(
        "![a](https://cdn.example.net/media/posts/here.jpg) "
        "![b](https://cdn.example.net/media/posts/gone.jpg) [c](/media/../config/urls.py)"
    )
    broken = broken_of(check_site())
    assert broken == {
        ("Links", "https://cdn.example.net/media/posts/gone.jpg"): "no such upload",
        ("Links", "/media/../config/urls.py"): "no such upload",
    }


def test_links_are_read_from_the_stored_html_with_their_text():
    from folio.rendering import links_in, render_markdown

    html = render_markdown(
        '[**Bold** text](/a/ "t") [![Логотип](/logo.png)](https://x.org/?a=1&b=2) '
        '<a href="/raw">raw <em>HTML</em></a> ![alt > text](/i.png)'
    )
    assert [(link.url, link.text, link.image) for link in links_in(html)] == [
        ("/a/", "Bold text", False),
        ("https://x.org/?a=1&b=2", "Логотип", False),
        ("/logo.png", "Логотип", True),
        ("/raw", "raw HTML", False),
        ("/i.png", "alt > text", True),
    ]
