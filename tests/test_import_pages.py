"""Importing pages: every markdown file of src/pages outside the posts folder, at the
address the old site gave it (tests/sites.py writes the sites)."""

import io

import pytest
from django.core.management import CommandError, call_command

from blog.importing import Action, ImportOptions, import_site
from blog.models import Post
from pages.models import Page
from tests.factories import make_page

pytestmark = pytest.mark.django_db

LANDING = """\
title: Everything in one place
template: landing
sections:
  - section_id: hero
    type: section_hero
    title: Everything in one place
    content: Markdown **text**.
    image: images/hero.jpg
    actions:
      - label: Try it
        url: /signup
        style: primary
  - type: section_grid
    grid_items:
      - title: Fast
        content: Markdown.
"""


def page_file(site, relative, front_matter, body="Some *page* text.\n"):
    return site.write(f"src/pages/{relative}", f"---\n{front_matter}---\n{body}")


@pytest.fixture
def pages_site(site):
    site.image("about.jpg")
    site.image("hero.jpg")
    site.post("hello")
    site.write("src/pages/blog/index.md", "---\ntitle: Blog\ntemplate: blog\n---\n")
    page_file(
        site,
        "about.md",
        "title: About us\nsubtitle: Who we are\nimage: images/about.jpg\ntemplate: page\n"
        "seo:\n  title: About Example Co\n  description: The people behind it.\n"
        "  extra:\n    - name: og:image\n      value: images/about.jpg\n",
        "We make things.\n\n![Us](/images/about.jpg)\n",
    )
    page_file(site, "legal/index.md", "title: Legal\ntemplate: page\n")
    page_file(site, "legal/terms.md", "title: Terms of service\ntemplate: page\n")
    page_file(site, "plans.md", "title: Secret plans\ntemplate: page\npublished: false\n")
    page_file(site, "features.md", LANDING, "")
    page_file(site, "index.md", "title: Home\ntemplate: landing\nsections: []\n", "")
    page_file(site, "team.md", "title: The team\nstackbit_url_path: people/team\n")
    page_file(site, "über-uns.md", "title: Über uns\ntemplate: page\n")
    page_file(site, "news.md", "title: News\ntemplate: blog\n")
    page_file(site, "stray.md", "title: A stray post\ntemplate: post\ndate: '2021-01-01'\n")
    page_file(site, "broken.md", "title: [unclosed\n")
    return site


def run(site, **options):
    return import_site(site.root, ImportOptions(**options))


def reports(result, kind="page"):
    return {report.path: report for report in result.reports if report.kind == kind}


def test_every_page_is_imported_at_its_old_address(pages_site, client):
    result = run(pages_site)
    pages = {page.path: page for page in Page.objects.all()}
    assert set(pages) == {
        "/about/",
        "/legal/",
        "/legal/terms/",
        "/plans/",
        "/features/",
        "/",
        "/people/team/",
        "/über-uns/",
    }
    for path in ("/about/", "/legal/", "/legal/terms/", "/features/", "/people/team/"):
        assert client.get(pages[path].get_absolute_url()).status_code == 200, path
    assert client.get("/%C3%BCber-uns/").status_code == 200
    # The post and the blog's listing page are the posts' business.
    assert Post.objects.get().slug == "hello"
    assert reports(result, "post")["src/pages/blog/index.md"].action == Action.SKIPPED


def test_what_a_page_says_is_kept(pages_site, client):
    run(pages_site)
    about = Page.objects.get(path="/about/")
    assert (about.title, about.subtitle) == ("About us", "Who we are")
    assert (about.seo_title, about.seo_description) == ("About Example Co", "The people behind it.")
    assert about.image.name and about.image_width == 64
    assert "/media/" in about.body and "/images/about.jpg" not in about.body
    # Unmodelled keys are kept whole (the seo block too, for its og entries).
    assert about.extra == {
        "template": "page",
        "seo": {
            "title": "About Example Co",
            "description": "The people behind it.",
            "extra": [{"name": "og:image", "value": "images/about.jpg"}],
        },
    }
    assert about.source_path == "src/pages/about.md" and about.revisions.count() == 1
    html = client.get("/about/").content.decode()
    assert "About us" in html and "We make things." in html and "<picture" in html


def test_a_landing_page_gets_its_sections_whole_and_is_served_with_its_title(pages_site, client):
    run(pages_site)
    landing = Page.objects.get(path="/features/")
    assert landing.extra["template"] == "landing" and "sections" not in landing.extra
    hero, grid = landing.sections.all()
    assert hero.as_dict()["actions"] == [{"label": "Try it", "url": "/signup", "style": "primary"}]
    assert grid.as_dict() == {
        "type": "section_grid",
        "grid_items": [{"title": "Fast", "content": "Markdown."}],
    }
    response = client.get("/features/")
    assert response.status_code == 200 and "Everything in one place" in response.content.decode()


def test_a_draft_page_is_imported_as_a_draft(pages_site, client):
    run(pages_site)
    assert Page.objects.get(path="/plans/").status == Page.Status.DRAFT
    assert client.get("/plans/").status_code == 404


def test_listing_pages_and_posts_are_skipped_with_the_reason(pages_site):
    found = reports(run(pages_site))
    assert found["src/pages/news.md"].action == Action.SKIPPED
    assert "listing page" in found["src/pages/news.md"].detail
    assert found["src/pages/stray.md"].action == Action.SKIPPED
    assert "a post (template: post) outside the posts folder" in found["src/pages/stray.md"].detail
    # Files of the posts folder are not looked at twice.
    assert not [path for path in found if path.startswith("src/pages/blog/")]


def test_a_bad_page_file_is_that_files_error_line(pages_site):
    result = run(pages_site)
    broken = reports(result)["src/pages/broken.md"]
    assert broken.action == Action.ERROR and "line" in broken.detail
    assert result.counts()["error"] == 1
    assert Page.objects.count() == 8  # the others are in


def test_an_address_folio_answers_itself_is_reported_and_not_served(pages_site, client):
    page_file(pages_site, "search.md", "title: Our search page\ntemplate: page\n")
    found = reports(run(pages_site))
    [warning] = found["src/pages/search.md"].warnings
    assert "/search/ is the address of Folio's own" in warning and "not served" in warning
    assert "Our search page" not in client.get("/search/").content.decode()
    # The old site's home page (src/pages/index.md) is the home page here too.
    assert not found["src/pages/index.md"].warnings
    assert '<h1 class="post__title">Home</h1>' in client.get("/").content.decode()


def test_two_files_with_one_address_leave_the_second_as_an_error(pages_site):
    page_file(pages_site, "zzz.md", "title: Also about\nstackbit_url_path: /about\n")
    found = reports(run(pages_site))
    assert found["src/pages/zzz.md"].action == Action.ERROR
    assert (
        "address /about/ is also the address of src/pages/about.md"
        in found["src/pages/zzz.md"].detail
    )
    assert Page.objects.get(path="/about/").title == "About us"


def test_a_page_written_in_the_admin_is_never_taken_over(pages_site):
    make_page(path="/about/", title="Ours")
    found = reports(run(pages_site, force=True))
    assert found["src/pages/about.md"].action == Action.ERROR
    assert "written in the admin" in found["src/pages/about.md"].detail
    assert Page.objects.get(path="/about/").title == "Ours"


def test_a_re_run_changes_nothing(pages_site, django_assert_max_num_queries):
    run(pages_site)
    revisions = sorted(Page.objects.values_list("pk", "revisions__pk"))
    updated = dict(Page.objects.values_list("pk", "updated"))
    result = run(pages_site)
    found = reports(result)
    assert {report.action for path, report in found.items() if path != "src/pages/broken.md"} <= {
        Action.UNCHANGED,
        Action.SKIPPED,
    }
    assert sorted(Page.objects.values_list("pk", "revisions__pk")) == revisions
    assert dict(Page.objects.values_list("pk", "updated")) == updated


def test_a_changed_file_updates_its_page(pages_site, client):
    run(pages_site)
    page_file(pages_site, "legal/terms.md", "title: Terms, revised\ntemplate: page\n")
    found = reports(run(pages_site))
    assert found["src/pages/legal/terms.md"].action == Action.UPDATED
    assert "Terms, revised" in client.get("/legal/terms/").content.decode()


def test_an_admin_edit_is_not_overwritten_without_force(pages_site):
    run(pages_site)
    terms = Page.objects.get(path="/legal/terms/")
    terms.body = "Edited in the admin."
    terms.save()
    page_file(pages_site, "legal/terms.md", "title: Terms from the file\ntemplate: page\n")
    found = reports(run(pages_site))
    assert found["src/pages/legal/terms.md"].action == Action.CONFLICT
    assert Page.objects.get(pk=terms.pk).body == "Edited in the admin."
    found = reports(run(pages_site, force=True))
    assert found["src/pages/legal/terms.md"].action == Action.UPDATED
    assert Page.objects.get(pk=terms.pk).title == "Terms from the file"


def test_a_page_that_moved_in_the_file_keeps_its_old_address(pages_site, client):
    run(pages_site)
    page_file(pages_site, "team.md", "title: The team\nstackbit_url_path: about/team\n")
    run(pages_site)
    response = client.get("/people/team/")
    assert response.status_code == 301 and response["Location"] == "/about/team/"


def test_a_dry_run_reports_the_pages_and_writes_nothing(pages_site):
    result = run(pages_site, dry_run=True)
    found = reports(result)
    assert found["src/pages/about.md"].action == Action.CREATED
    assert found["src/pages/index.md"].action == Action.CREATED
    assert not Page.objects.exists()


def test_the_command_prints_the_pages(pages_site):
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError):  # an error line (broken.md) fails the run
        call_command("import_posts", str(pages_site.root), verbosity=2, stdout=out, stderr=err)
    assert "created  src/pages/legal/terms.md" in out.getvalue()
    assert "skipped  src/pages/news.md: the blog's listing page" in out.getvalue()
    assert "error  src/pages/broken.md" in err.getvalue()
