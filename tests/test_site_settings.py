"""The site's identity and menus: imported from the site's configuration, edited in the
admin, shown on every page, feed and meta tag, cached and invalidated exactly."""

import io
import json

import pytest
from django.core.cache import cache
from django.test import Client
from PIL import Image

from blog.importing import Action, ImportOptions, import_site
from blog.models import Post
from sitesettings import snapshot
from sitesettings.models import MenuItem, SiteSettings
from tests.factories import make_post

pytestmark = pytest.mark.django_db

TITLE = "Café Ünïcode — Кофе 珈琲"

AZIMUTH_METADATA = {
    "title": "Azimuth",
    "domain": "https://cafe.example.org/",
    "favicon": "images/icon.png",
    "palette": "purple",
    "base_font": "nunito-sans",
    "header": {
        "title": TITLE,
        "tagline": "Essais, notes et récits",
        "logo_img": "images/logo.png",
        "logo_img_alt": "Café logo",
        "has_nav": True,
        "nav_links": [
            {"label": "Home", "url": "/", "style": "link"},
            {"label": "Premier billet", "url": "/blog/premier-billet", "style": "link"},
            {"label": "Features", "url": "/features", "style": "link"},
            {"label": "Sign Up", "url": "https://app.example.org/signup", "style": "primary"},
        ],
    },
    "footer": {
        "sections": [
            {"type": "footer_text", "content": "Stackbit theme demo", "image": "images/x.svg"},
            {
                "type": "footer_nav",
                "title": "Company",
                "nav_links": [
                    {"label": "About Us", "url": "/about"},
                    {"label": "Blog", "url": "/blog"},
                ],
            },
            {
                "type": "footer_form",
                "title": "Subscribe",
                "form_id": "contactForm",
                "submit_label": "Subscribe",
            },
        ],
        "has_nav": True,
        "nav_links": [{"label": "Privacy Policy", "url": "/privacy-policy"}],
        "content": '&copy; Café. Made with <a href="https://www.stackbit.com">Stackbit</a>.',
        "has_social": True,
        "social_links": [
            {"label": "Twitter", "url": "https://twitter.com/cafe", "icon": "twitter"},
            {"label": "GitHub", "url": "https://github.com/cafe", "new_window": True},
        ],
    },
}


def png(size=(64, 64), color=(200, 60, 20)):
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, "PNG")
    return buffer.getvalue()


def run(site, **options):
    return import_site(site.root, ImportOptions(**options))


def report(result, path):
    return next(r for r in result.reports if r.path == path)


@pytest.fixture
def azimuth(site):
    site.write("static/images/logo.png", png((400, 100)))
    site.write("static/images/icon.png", png((256, 256), (10, 10, 10)))
    site.author("ansubha-manandhar")
    site.post(
        "premier-billet",
        "title: Premier billet\ndate: '2021-03-19'\ntemplate: post\n"
        "author: src/data/authors/ansubha-manandhar.yaml\ntags: [café]\n",
    )
    site.write("site-metadata.json", json.dumps(AZIMUTH_METADATA, ensure_ascii=False))
    return site


def links(menu):
    return [
        (item.label, item.post.slug if item.post else item.url, item.column)
        for item in MenuItem.objects.filter(menu=menu).order_by("order")
    ]


# -- Import ---------------------------------------------------------------------------


def test_import_fills_the_settings_and_menus_from_site_metadata(azimuth):
    result = run(azimuth)

    assert not result.failed, result.reports
    settings_report = report(result, "site-metadata.json")
    assert settings_report.action == Action.CREATED
    settings = SiteSettings.objects.get()
    assert settings.title == TITLE  # header.title: what the old site's header showed
    assert settings.tagline == "Essais, notes et récits"
    assert settings.base_url == "https://cafe.example.org"
    assert settings.logo.name.startswith("imported/") and settings.logo_alt == "Café logo"
    assert (settings.logo_width, settings.logo_height) == (400, 100)
    assert settings.favicon.name.startswith("imported/")
    assert "Stackbit</a>" in settings.footer_html and "&copy;" in settings.footer_text
    # Unmodelled keys are kept, not dropped.
    assert settings.extra["palette"] == "purple" and settings.extra["base_font"] == "nunito-sans"
    kept = [s["type"] for s in settings.extra["footer"]["sections"]]
    assert kept == ["footer_text", "footer_form"]

    assert links(MenuItem.Menu.HEADER) == [
        ("Home", "/", ""),
        ("Premier billet", "premier-billet", ""),  # a post: it follows the post
        ("Features", "/features", ""),
        ("Sign Up", "https://app.example.org/signup", ""),
    ]
    assert MenuItem.objects.get(label="Sign Up").style == MenuItem.Style.BUTTON
    assert links(MenuItem.Menu.FOOTER) == [
        ("Privacy Policy", "/privacy-policy", ""),
        ("About Us", "/about", "Company"),
        ("Blog", "/blog", "Company"),
    ]
    assert links(MenuItem.Menu.SOCIAL) == [
        ("Twitter", "https://twitter.com/cafe", ""),
        ("GitHub", "https://github.com/cafe", ""),
    ]
    assert MenuItem.objects.get(label="GitHub").new_window


def test_the_imported_title_and_menus_appear_on_every_page_type_and_meta_tag(azimuth, client):
    run(azimuth)
    post = Post.objects.get()
    pages = [
        "/",
        "/blog/",
        post.get_absolute_url(),
        post.author.get_absolute_url(),
        post.tags.get().get_absolute_url(),
        "/blog/archive/",
        "/blog/2021/",
        "/search/?q=billet",
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert f"{TITLE}</title>" in html, url
        assert f'<meta property="og:site_name" content="{TITLE}">' in html, url
        assert 'alt="Café logo"' in html, url  # the logo, in the header
        assert ">Features</a>" in html and 'href="https://app.example.org/signup"' in html, url
        assert f'href="{post.get_absolute_url()}"' in html, url
        assert '<h2 class="site-footer__heading">Company</h2>' in html, url
        assert ">Privacy Policy</a>" in html and ">Twitter</a>" in html, url
        assert "Made with <a" in html, url
        assert 'rel="icon" href="/media/renditions/imported/' in html, url
        # The canonical address is under the site's canonical base URL.
        assert f'<link rel="canonical" href="https://cafe.example.org{url.split("?")[0]}' in html
    missing = client.get("/no-such-page/")
    assert missing.status_code == 404 and f"{TITLE}</title>" in missing.content.decode()
    assert "Essais, notes et récits" in client.get("/").content.decode()


def test_feeds_and_the_sitemap_use_the_imported_settings(azimuth, client):
    run(azimuth)
    rss = client.get("/blog/feed/").content.decode()
    assert f"<title>{TITLE}</title>" in rss
    assert "<description>Essais, notes et récits</description>" in rss
    assert "<link>https://cafe.example.org/blog/premier-billet/</link>" in rss
    atom = client.get("/blog/atom/").content.decode()
    assert f"<title>{TITLE}</title>" in atom and "<subtitle>Essais, notes et récits" in atom
    tag_feed = client.get(Post.objects.get().tags.get().get_absolute_url() + "feed/")
    assert f"café · {TITLE}" in tag_feed.content.decode()
    sitemap = client.get("/sitemap.xml").content.decode()
    assert "<loc>https://cafe.example.org/blog/premier-billet/</loc>" in sitemap
    page = client.get(Post.objects.get().get_absolute_url()).content.decode()
    ld = page.split('<script type="application/ld+json">')[1].split("</script>")[0]
    publisher = json.loads(ld)["publisher"]
    assert publisher["name"] == TITLE and publisher["logo"].startswith("https://cafe.example.org/")
    assert json.loads(ld)["mainEntityOfPage"] == "https://cafe.example.org/blog/premier-billet/"


def test_a_re_import_is_idempotent(azimuth):
    run(azimuth)
    before = SiteSettings.objects.get()
    items = list(MenuItem.objects.values_list("pk", flat=True))

    again = run(azimuth)

    assert report(again, "site-metadata.json").action == Action.UNCHANGED
    assert SiteSettings.objects.get().updated == before.updated
    assert list(MenuItem.objects.values_list("pk", flat=True)) == items


def test_an_admin_edit_is_never_overwritten_without_force(azimuth):
    run(azimuth)
    settings = SiteSettings.objects.get()
    settings.title = "Edited in the admin"
    settings.save()
    changed = {**AZIMUTH_METADATA, "header": {**AZIMUTH_METADATA["header"], "title": "New"}}
    azimuth.write("site-metadata.json", json.dumps(changed))

    kept = run(azimuth)
    assert report(kept, "site-metadata.json").action == Action.CONFLICT
    assert "--force" in report(kept, "site-metadata.json").detail
    assert SiteSettings.objects.get().title == "Edited in the admin"

    forced = run(azimuth, force=True)
    assert report(forced, "site-metadata.json").action == Action.UPDATED
    assert SiteSettings.objects.get().title == "New"


def test_a_dry_run_writes_nothing(azimuth):
    result = run(azimuth, dry_run=True)
    assert report(result, "site-metadata.json").action == Action.CREATED
    assert not SiteSettings.objects.exists() and not MenuItem.objects.exists()


def test_bad_json_is_an_error_naming_the_file_and_the_rest_is_imported(azimuth):
    azimuth.write("site-metadata.json", '{"title": "Broken",\n  "header": {]\n}')
    result = run(azimuth)
    problem = report(result, "site-metadata.json")
    assert problem.action == Action.ERROR
    assert "invalid JSON at line 2" in problem.detail
    assert Post.objects.filter(slug="premier-billet").exists()  # the rest went on
    assert not SiteSettings.objects.exists()


def test_keys_of_the_wrong_type_are_warnings_naming_the_key_and_the_rest_applies(azimuth):
    metadata = {
        "title": ["not", "text"],
        "header": {"tagline": "Still here", "nav_links": "not a list"},
        "footer": {
            "links": [
                {"text": "Made with 💖 in Kenya."},  # text only: no link
                {"text": "Bad", "url": "javascript:alert(1)"},
                {"text": "DEV", "url": "https://dev.to/x", "new_window": True},
            ],
            "sections": {"type": "footer_nav"},
        },
        "favicon": {"url": "x.png"},
    }
    azimuth.write("site-metadata.json", json.dumps(metadata))
    result = run(azimuth)
    done = report(result, "site-metadata.json")
    assert done.action == Action.CREATED
    warnings = "\n".join(done.warnings)
    assert "\ntitle: expected text, got a list of 2 items" in "\n" + warnings
    assert "\nheader.nav_links: expected a list of links" in "\n" + warnings
    assert "footer.links[0]: 'Made with 💖 in Kenya.' has no url; skipped" in warnings
    assert "footer.links[1]: url 'javascript:alert(1)' is not a web address" in warnings
    assert "\nfooter.sections: expected a list" in "\n" + warnings
    assert "\nfavicon: expected an image path" in "\n" + warnings
    settings = SiteSettings.objects.get()
    assert settings.title == "Folio" and settings.tagline == "Still here"
    assert links(MenuItem.Menu.FOOTER) == [("DEV", "https://dev.to/x", "")]


def test_the_2019_layout_reads_menus_and_social_links_from_src_data(site, client):
    site.write(
        "stackbit.yaml",
        "stackbitVersion: ~0.2.0\nssgName: gatsby\ndataDir: src/data\nstaticDir: static\n",
    )
    site.write(
        "site-metadata.json",
        json.dumps(
            {
                "title": "Stackbit Fjord Theme",
                "palette": "yellow",
                "header": {"title": "Marie Hogan", "tagline": "Minimal", "has_social": True},
                "footer": {
                    "content": "&copy; All rights reserved.",
                    "links": [{"text": "Made with Stackbit", "url": "https://stackbit.com"}],
                },
            }
        ),
    )
    site.write(
        "src/data/menus.json",
        json.dumps(
            {
                "main": [
                    {"identifier": "b", "title": "Blog", "url": "/blog/", "weight": 2},
                    {"identifier": "a", "title": "About", "url": "/about/", "weight": 1},
                    {"identifier": "c", "title": "Nowhere"},
                ]
            }
        ),
    )
    site.write(
        "src/data/social.json",
        '{"links": [{"type": "github", "title": "GitHub", "icon": "fa-github",'
        ' "url": "https://github.com/m"}]}',
    )
    site.write("src/data/author.json", '{"name": "Marie"}')  # a profile, not settings

    result = run(site)

    done = report(result, "site-metadata.json")
    assert done.action == Action.CREATED, result.reports
    assert "src/data/menus.json" in done.detail and "src/data/social.json" in done.detail
    assert "src/data/menus.json: main[2]: 'Nowhere' has no url; skipped" in done.warnings
    settings = SiteSettings.objects.get()
    assert (settings.title, settings.tagline) == ("Marie Hogan", "Minimal")
    assert links(MenuItem.Menu.HEADER) == [("About", "/about/", ""), ("Blog", "/blog/", "")]
    assert links(MenuItem.Menu.SOCIAL) == [("GitHub", "https://github.com/m", "")]
    assert MenuItem.objects.get(label="GitHub").icon == "github"
    assert links(MenuItem.Menu.FOOTER) == [("Made with Stackbit", "https://stackbit.com", "")]
    html = client.get("/").content.decode()
    assert "Marie Hogan</title>" in html and ">About</a>" in html and ">GitHub</a>" in html


def test_a_configuration_file_named_by_stackbit_yaml_is_read(site):
    site.write(
        "stackbit.yaml",
        "models:\n  config:\n    type: config\n    file: config.yml\n",
    )
    site.write(
        "config.yml", "title: Из YAML\nheader:\n  nav_links:\n    - {label: Блог, url: /blog/}\n"
    )
    result = run(site)
    assert report(result, "config.yml").action == Action.CREATED
    assert SiteSettings.objects.get().title == "Из YAML"
    assert links(MenuItem.Menu.HEADER) == [("Блог", "/blog/", "")]


def test_an_svg_logo_is_a_warning_and_the_title_shows_instead(azimuth, client):
    azimuth.write("static/images/logo.svg", "<svg xmlns='http://www.w3.org/2000/svg'/>")
    metadata = {**AZIMUTH_METADATA, "header": {**AZIMUTH_METADATA["header"]}}
    metadata["header"]["logo_img"] = "images/logo.svg"
    azimuth.write("site-metadata.json", json.dumps(metadata))
    done = report(run(azimuth), "site-metadata.json")
    assert any("logo.svg: SVG images are not accepted" in w for w in done.warnings)
    assert not SiteSettings.objects.get().logo
    assert f'<a class="site-title" href="/">{TITLE}</a>' in client.get("/").content.decode()


# -- Menus follow posts -------------------------------------------------------------


def test_a_menu_link_follows_its_post_when_the_slug_changes(azimuth, client):
    run(azimuth)
    assert 'href="/blog/premier-billet/"' in client.get("/blog/archive/").content.decode()
    post = Post.objects.get()
    post.slug = "le-premier"
    post.save()
    html = client.get("/blog/archive/").content.decode()
    assert 'href="/blog/le-premier/">Premier billet</a>' in html
    assert "/blog/premier-billet/" not in html


def test_a_menu_link_follows_its_page_when_the_address_changes(site, client):
    from pages.models import Page

    site.post("p")
    site.write("src/pages/über-uns.md", "---\ntitle: Über uns\ntemplate: page\n---\nHallo.\n")
    site.write(
        "site-metadata.json",
        json.dumps({"header": {"nav_links": [{"label": "Über uns", "url": "/über-uns"}]}}),
    )
    run(site)
    page = Page.objects.get()
    assert MenuItem.objects.get().page == page
    page.path = "/team/"
    page.save()
    html = client.get("/").content.decode()
    assert 'href="/team/">Über uns</a>' in html and "%C3%BCber-uns" not in html


def test_a_menu_link_names_one_target():
    from django.core.exceptions import ValidationError

    from tests.factories import make_page

    settings = SiteSettings.defaults()
    settings.save()
    item = MenuItem(settings=settings, label="Two", post=make_post(), page=make_page())
    with pytest.raises(ValidationError, match="one of a post, a page or a URL"):
        item.clean()


def test_a_menu_link_to_a_draft_shows_only_once_it_is_published(client):
    draft = make_post(title="Coming", slug="coming", status=Post.Status.DRAFT)
    settings = SiteSettings.defaults()
    settings.save()
    MenuItem.objects.create(settings=settings, label="Coming soon", post=draft)
    assert "Coming soon" not in client.get("/").content.decode()
    draft.status = Post.Status.PUBLISHED
    draft.save()
    assert 'href="/blog/coming/">Coming soon</a>' in client.get("/").content.decode()


# -- Cache and invalidation ---------------------------------------------------------


@pytest.fixture
def page_cache(settings):
    settings.FOLIO_PAGE_CACHE = True
    cache.clear()


def test_an_admin_edit_changes_every_cached_page(
    azimuth, page_cache, staff_client, django_capture_on_commit_callbacks, django_assert_num_queries
):
    reader = Client()  # anonymous (staff_client is the logged-in "client")
    with django_capture_on_commit_callbacks(execute=True):
        run(azimuth)
    post = Post.objects.get()
    urls = ["/", post.get_absolute_url(), "/blog/feed/", "/blog/archive/"]
    for url in urls:
        reader.get(url)
        with django_assert_num_queries(0):  # from the page cache
            assert TITLE in reader.get(url).content.decode()

    data = _change_form_data(staff_client, title="Renamed in the admin")
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post("/admin/sitesettings/sitesettings/1/change/", data)
    assert response.status_code == 302, (
        response.context["adminform"].form.errors,
        [i.formset.errors for i in response.context["inline_admin_formsets"]],
        [i.formset.non_form_errors() for i in response.context["inline_admin_formsets"]],
    )

    for url in urls:
        html = reader.get(url).content.decode()
        assert "Renamed in the admin" in html and TITLE not in html, url


def _change_form_data(staff_client, **changes):
    """What the settings' change form posts back with nothing changed but ``changes``:
    its fields and every menu inline's rows, as the page shows them."""
    context = staff_client.get("/admin/sitesettings/sitesettings/1/change/").context
    form = context["adminform"].form
    data = {}
    for name, field in form.fields.items():
        value = form[name].value()
        if name in {"logo", "favicon"}:
            continue  # file inputs post nothing when left alone
        data[name] = field.prepare_value(value) if value is not None else ""
    for inline in context["inline_admin_formsets"]:
        formset = inline.formset
        for name, value in formset.management_form.initial.items():
            data[f"{formset.prefix}-{name}"] = value
        data[f"{formset.prefix}-TOTAL_FORMS"] = len(formset.initial_forms)
        for item_form in formset.initial_forms:
            for name in item_form.fields:
                value = item_form[name].value()
                if value is None or value is False:
                    continue
                data[item_form.add_prefix(name)] = "on" if value is True else value
    data.update(changes)
    return data


def test_the_settings_cost_one_query_after_a_change_and_none_after(
    azimuth, django_assert_num_queries
):
    run(azimuth)
    cache.clear()
    with django_assert_num_queries(1):
        cold = snapshot.current()
    with django_assert_num_queries(0):
        warm = snapshot.current()
    assert warm.title == cold.title == TITLE
    assert [link.label for link in warm.header_menu] == [link.label for link in cold.header_menu]


def test_a_write_the_cache_missed_is_caught_up_through_the_site_generation(azimuth):
    run(azimuth)
    assert snapshot.current().title == TITLE
    # A write by a process with another cache: this cache never heard of it...
    SiteSettings.objects.filter(pk=1).update(title="Changed elsewhere")
    assert snapshot.current().title == TITLE
    # ...until the page cache, finding its count of writes behind, makes every page stale.
    from folio import pagecache

    pagecache.invalidate_now(pagecache.SITE)
    assert snapshot.current().title == "Changed elsewhere"


# -- A brand-new site, the admin, the favicon ---------------------------------------


def test_a_new_site_shows_the_environment_defaults(client, settings):
    settings.SITE_TITLE = "From the environment"
    settings.SITE_DESCRIPTION = "Its tagline"
    html = client.get("/").content.decode()
    assert "From the environment</title>" in html and "Its tagline" in html
    assert '<a href="/blog/archive/"' in html  # Folio's own menu until one is set
    assert not SiteSettings.objects.exists()


def test_the_admin_opens_the_one_settings_page(staff_client):
    first = staff_client.get("/admin/sitesettings/sitesettings/")
    assert first.status_code == 302 and first["Location"].endswith("/add/")
    add = staff_client.get(first["Location"])
    assert add.status_code == 200 and add.context["adminform"].form.initial["title"] == "Folio"
    SiteSettings.defaults().save()
    again = staff_client.get("/admin/sitesettings/sitesettings/")
    assert again["Location"].endswith("/sitesettings/sitesettings/1/change/")
    page = staff_client.get(again["Location"]).content.decode()
    assert "Header menu" in page and "Footer links" in page and "Social links" in page


def test_an_editor_may_change_the_settings_and_a_writer_may_not(client, editor, writer):
    assert editor.has_perm("sitesettings.change_sitesettings")
    assert editor.has_perm("sitesettings.add_menuitem")
    assert not writer.has_perm("sitesettings.change_sitesettings")


def test_a_menu_link_must_be_a_post_or_a_safe_url():
    from django.core.exceptions import ValidationError

    item = MenuItem(settings=SiteSettings.defaults(), label="x", url="javascript:alert(1)")
    with pytest.raises(ValidationError):
        item.clean()
    with pytest.raises(ValidationError):
        MenuItem(settings=SiteSettings.defaults(), label="x").clean()
    MenuItem(settings=SiteSettings.defaults(), label="x", url="/about/").clean()


def test_the_favicon_answers_with_the_sites_icon(azimuth, client):
    assert client.get("/favicon.ico")["Location"] == "/static/img/favicon.ico"
    run(azimuth)
    location = client.get("/favicon.ico")["Location"]
    assert location.startswith("/media/renditions/imported/") and location.endswith(".png")


def test_a_key_the_site_no_longer_gives_keeps_its_setting_and_an_empty_one_clears_it(azimuth):
    run(azimuth)
    favicon = SiteSettings.objects.get().favicon.name
    metadata = {key: value for key, value in AZIMUTH_METADATA.items() if key != "favicon"}
    metadata["header"] = {**AZIMUTH_METADATA["header"], "logo_img": ""}
    azimuth.write("site-metadata.json", json.dumps(metadata))

    assert report(run(azimuth), "site-metadata.json").action == Action.UPDATED

    settings = SiteSettings.objects.get()
    assert settings.favicon.name == favicon  # not given: kept
    assert not settings.logo  # given empty: cleared
