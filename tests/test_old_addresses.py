"""Every address the old site served answers: 200, or one 301 to a page that answers 200.

The addresses come from each file's place, its front matter (``stackbit_url_path``,
``permalink``), the site's ``_redirects`` and ``netlify.toml``, the generators' feed
addresses and the images' old paths (blog.importing.addresses).
"""

from urllib.parse import quote

import pytest
from django.core.management import call_command

from blog.importing import ImportOptions, import_site
from blog.importing.addresses import redirect_rules
from blog.models import Post, Redirect

pytestmark = pytest.mark.django_db


def run(site, **options):
    return import_site(site.root, ImportOptions(**options))


def report_for(result, path):
    return next(r for r in result.reports if r.path == path)


def answers(client, path):
    """The status of ``path`` once at most one redirect is followed; fails on a chain."""
    response = client.get(path)
    if response.status_code == 301:
        target = response["Location"]
        response = client.get(target)
        assert response.status_code != 301, f"{path} → {target} → {response['Location']}"
    return response.status_code


def post_2019(site, name, url_path, title="A 2019 post", extra=""):
    return site.write(
        f"src/pages/posts/{name}.md",
        f"---\ntitle: {title}\ndate: '2019-04-01'\ntemplate: post\n"
        f"stackbit_url_path: {url_path}\n{extra}---\nBody.\n",
    )


@pytest.fixture
def site_2019(site):
    """A 2019 Stackbit theme's site: posts in src/pages/posts, no src/pages/blog."""
    (site.root / "src/pages/blog").rmdir()
    site.image("hero.jpg", size=(400, 200))
    post_2019(site, "hello", "posts/hello-world", extra="img_path: images/hero.jpg\n")
    post_2019(site, "привет", "posts/привет-мир", title="Привет")
    return site


def test_a_2019_site_is_found_without_flags_and_its_old_urls_answer(site_2019, client):
    result = run(site_2019)
    assert not result.failed
    assert set(Post.objects.values_list("slug", flat=True)) == {"hello", "привет"}
    post = Post.objects.get(slug="hello")
    old = [
        "/posts/hello-world/",  # stackbit_url_path, as the old site served it
        "/posts/hello-world",  # and without the trailing slash
        "/posts/hello/",  # the file's place
        quote("/posts/привет-мир/"),
        "/images/hero.jpg",  # the image's old address: the stored file
        "/rss.xml",
        "/feed.xml",
        "/atom.xml",
        "/index.xml",
    ]
    for path in old:
        assert answers(client, path) == 200, path
    response = client.get("/posts/hello-world")
    assert response.status_code == 301 and response["Location"] == post.get_absolute_url()
    assert client.get("/atom.xml")["Location"] == "/blog/atom/"
    assert client.get("/images/hero.jpg")["Location"] == post.image.url


def test_re_running_keeps_one_row_per_address(site_2019):
    run(site_2019)
    rows = set(Redirect.objects.values_list("old_path", "new_path"))
    again = run(site_2019, force=True)
    assert not again.failed
    assert set(Redirect.objects.values_list("old_path", "new_path")) == rows


REDIRECTS = """\
# Moved pages
/old-hello      /posts/hello-world   301
/legacy/feed    /rss.xml
/gone-for-now   /posts/hello          302!
/campaign       https://elsewhere.test/x 302
/blog/*         /posts/:splat        301
/*              /index.html          200
/about-us       /about               301   Country=us
/only-a-source
/admin/         /posts/hello
"""


def test_the_sites_redirect_rules_become_single_hops(site_2019, client):
    site_2019.write("static/_redirects", REDIRECTS)
    result = run(site_2019)
    report = report_for(result, "static/_redirects")
    assert report.detail == "3 of 9 rules kept as redirects"
    warnings = " | ".join(report.warnings)
    assert "line 5: /campaign → https://elsewhere.test/x leaves the site" in warnings
    assert "line 6: /blog/* → /posts/:splat is a pattern" in warnings
    assert "line 7: /* → /index.html is a rewrite" in warnings
    assert "line 8: /about-us → /about has conditions" in warnings
    assert "line 9: '/only-a-source' has no target" in warnings
    assert (
        "old address /admin/ (static/_redirects line 10) is where Folio serves the admin"
        in warnings
    )
    hello = Post.objects.get(slug="hello").get_absolute_url()
    # A rule's target that is an old address itself is followed once, when written.
    assert client.get("/old-hello")["Location"] == hello
    assert client.get("/gone-for-now/")["Location"] == hello
    assert client.get("/legacy/feed")["Location"] == "/blog/feed/"
    for path in ("/old-hello", "/legacy/feed", "/gone-for-now"):
        assert answers(client, path) == 200
    assert answers(client, "/campaign") == 404  # (Django adds the slash; nothing is there)


def test_netlify_toml_redirects_are_read_and_a_broken_one_is_reported(site_2019, client):
    site_2019.write(
        "netlify.toml",
        '[build]\ncommand = "gatsby build"\n\n'
        '[[redirects]]\nfrom = "/start"\nto = "/posts/hello-world"\nstatus = 301\n\n'
        '[[redirects]]\nfrom = "/api/*"\nto = "/.netlify/functions/:splat"\nstatus = 200\n',
    )
    result = run(site_2019)
    assert report_for(result, "netlify.toml").detail == "1 of 2 rules kept as redirects"
    assert answers(client, "/start") == 200

    site_2019.write("netlify.toml", "[[redirects]\nfrom = ")
    result = run(site_2019)
    report = report_for(result, "netlify.toml")
    assert "netlify.toml is not valid TOML" in report.warnings[0]
    assert not result.failed and Post.objects.count() == 2  # the rest went on


def test_an_old_address_never_replaces_one_of_folios_own(site, client):
    site.post("p", "title: P\ndate: '2021-01-01'\npermalink: /search/\n")
    result = run(site)
    warnings = " | ".join(report_for(result, "src/pages/blog/p.md").warnings)
    assert (
        "old address /search/ (src/pages/blog/p.md (permalink)) is the address of Folio's own"
        in warnings
    )
    assert not Redirect.objects.filter(old_path="/search/").exists()
    assert client.get("/search/").status_code == 200


def test_a_dry_run_lists_the_url_map_and_writes_nothing(site_2019, capsys):
    site_2019.write("_redirects", "/old-hello /posts/hello-world\n")
    call_command("import_posts", str(site_2019.root), "--dry-run")
    out = capsys.readouterr().out
    assert "Old addresses that would answer with a 301" in out
    origin = "[src/pages/posts/hello.md (stackbit_url_path)]"
    assert f"/posts/hello-world/ → /blog/hello/   {origin}" in out
    assert "/rss.xml → /blog/feed/" in out
    assert "/old-hello/ → " in out
    assert not Redirect.objects.exists() and not Post.objects.exists()


def test_a_feed_alias_made_by_hand_is_left_alone(site):
    Redirect.objects.create(old_path="/rss.xml", new_path="/blog/tags/news/feed/")
    site.post("p")
    run(site)
    assert Redirect.objects.get(old_path="/rss.xml").new_path == "/blog/tags/news/feed/"


@pytest.mark.parametrize(
    ("line", "kept"),
    [
        ("/a /b", ("/a/", "/b/")),
        ("/a.html /b 308", ("/a.html", "/b/")),
        ("/a  /b  301!", ("/a/", "/b/")),
        ("/store id=:id /blog/:id 301", None),
        ("/a //evil.example/", None),
    ],
)
def test_redirects_lines(line, kept):
    rules, warnings = redirect_rules("_redirects", line)
    assert [(rule.old, rule.new) for rule in rules] == ([kept] if kept else [])
    assert bool(warnings) == (kept is None)
