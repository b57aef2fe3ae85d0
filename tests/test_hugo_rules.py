"""Hugo's rules, read from its documentation, as pure functions: front matter in three
formats, the configuration, the addresses Hugo gave each page, dates on the site's
clock, drafts, excerpts and shortcodes (blog/importing/hugo/)."""

import datetime
import zoneinfo

import pytest

from blog.importing import frontmatter
from blog.importing.errors import ImportFileError
from blog.importing.hugo import config as hugo_config
from blog.importing.hugo import content, shortcodes
from folio.rendering import render_markdown
from tests import html_safety

NOW = datetime.datetime(2024, 6, 1, 12, tzinfo=datetime.UTC)


def configure(text="", path="hugo.toml"):
    config, problems = hugo_config.parse([(path, text.encode())])
    assert not problems, problems
    return config


def item(config, relative, meta, body="Text.\n", mains=None, now=NOW):
    mains = {"posts"} if mains is None else mains
    return content.read_item(config, f"content/{relative}", relative, meta, body, mains, now)


# -- front matter ----------------------------------------------------------------------


def test_front_matter_in_toml_yaml_and_json_reads_the_same():
    toml = '+++\ntitle = "Café"\ndate = 2021-03-01T10:00:00+09:00\ntags = ["a", "b"]\n+++\nBody\n'
    yaml = "---\ntitle: Café\ndate: 2021-03-01T10:00:00+09:00\ntags: [a, b]\n---\nBody\n"
    json = (
        '{\n  "title": "Café",\n  "date": "2021-03-01T10:00:00+09:00",\n'
        '  "tags": ["a", "b"]\n}\nBody\n'
    )
    read = [frontmatter.read(text) for text in (toml, yaml, json)]
    assert [found.format for _, found in read] == ["toml", "yaml", "json"]
    assert all(found.body == "Body\n" for _, found in read)
    expected = {"title": "Café", "date": "2021-03-01T10:00:00+09:00", "tags": ["a", "b"]}
    assert [meta for meta, _ in read] == [expected] * 3


def test_toml_errors_name_the_line_of_the_file():
    with pytest.raises(ImportFileError, match=r"TOML error: .*at line 3"):
        frontmatter.read('+++\ntitle = "x"\ndate = \n+++\n')
    with pytest.raises(ImportFileError, match="no closing"):
        frontmatter.read('+++\ntitle = "x"\n')


def test_a_json_front_matter_ends_with_its_object_even_with_braces_in_strings():
    meta, found = frontmatter.read('{"title": "a } b", "x": {"y": 1}}\n# Heading {not json}\n')
    assert meta == {"title": "a } b", "x": {"y": 1}}
    assert found.body == "# Heading {not json}\n"


def test_toml_front_matter_is_held_to_the_same_budget_as_yaml():
    deep = "+++\nx = " + "[" * 40 + "]" * 40 + "\n+++\n"
    with pytest.raises(ImportFileError, match="nested more than"):
        frontmatter.read(deep)


# -- configuration ---------------------------------------------------------------------


def test_configuration_keys_are_case_insensitive_and_the_base_path_is_kept():
    config = configure(
        'baseURL = "https://example.org/blog/"\ntitle = "Notes"\ntimeZone = "Asia/Tokyo"\n'
        "uglyURLs = true\n[params]\ndescription = 'Short notes'\nmainSections = ['notes']\n"
    )
    assert config.base_url == "https://example.org"
    assert config.base_path == "/blog/"
    assert config.time_zone == zoneinfo.ZoneInfo("Asia/Tokyo")
    assert config.ugly("notes") is True
    assert config.main_sections == ["notes"]
    assert hugo_config.site_record(config).tagline == "Short notes"


def test_the_configuration_directory_merges_default_then_production(tmp_path):
    (tmp_path / "config/_default").mkdir(parents=True)
    (tmp_path / "config/production").mkdir(parents=True)
    (tmp_path / "config/_default/hugo.toml").write_text(
        'title = "Mine"\nbaseURL = "http://localhost/"\n'
    )
    (tmp_path / "config/_default/params.yaml").write_text("description: Hello\n")
    (tmp_path / "config/_default/menus.en.toml").write_text(
        '[[main]]\nname = "Later"\nurl = "/later/"\nweight = 20\n'
        '[[main]]\nname = "First"\npageRef = "/About"\nweight = 10\n'
    )
    (tmp_path / "config/production/hugo.toml").write_text('baseURL = "https://example.org/"\n')
    files = hugo_config.find_files(tmp_path)
    assert files[0] == "config/_default/hugo.toml" and files[-1] == "config/production/hugo.toml"
    config, problems = hugo_config.parse([(f, (tmp_path / f).read_bytes()) for f in files])
    assert not problems
    record = hugo_config.site_record(config)
    assert (record.title, record.tagline, record.base_url) == (
        "Mine",
        "Hello",
        "https://example.org",
    )
    assert [(link.label, link.url) for link in record.menus["header"]] == [
        ("First", "/about/"),
        ("Later", "/later/"),
    ]


def test_menu_tables_of_the_old_form_and_an_unreadable_file_is_reported():
    config = configure(
        '[menu]\n[[menu.main]]\nname = "Blog"\nurl = "/posts/"\n'
        '[[menu.footer]]\nname = "RSS"\nurl = "/index.xml"\n'
    )
    record = hugo_config.site_record(config)
    assert [link.url for link in record.menus["header"]] == ["/posts/"]
    assert [link.url for link in record.menus["footer"]] == ["/index.xml"]
    _, problems = hugo_config.parse([("hugo.toml", b"title = ")])
    assert problems and problems[0][0] == "hugo.toml"


def test_an_unknown_time_zone_is_a_warning_and_dates_stay_on_utc():
    config = configure('timeZone = "Mars/Olympus"\n')
    assert config.time_zone is datetime.UTC
    assert "Mars/Olympus" in config.warnings[0]


# -- addresses -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("relative", "meta", "expected"),
    [
        ("posts/My First Post.md", {}, "/posts/my-first-post/"),
        ("posts/trip/index.md", {}, "/posts/trip/"),
        ("posts/Trip.md", {"slug": "Voyage Été"}, "/posts/voyage-été/"),
        ("posts/x.md", {"url": "/Custom/Path"}, "/Custom/Path/"),
        ("about.md", {}, "/about/"),
        ("docs/guide/start.md", {}, "/docs/guide/start/"),
        ("posts/привет.md", {}, "/posts/привет/"),
    ],
)
def test_a_pages_address_is_its_place_slug_or_url(relative, meta, expected):
    found = item(configure(), relative, {"title": "T", "date": "2020-01-02", **meta})
    assert found.path == expected


def test_permalink_patterns_with_every_token():
    config = configure(
        "[permalinks]\n"
        "posts = '/:year/:month/:day/:slug/'\n"
        "notes = '/:sections/:monthname-:weekdayname-:yearday/:filename'\n"
        "[permalinks.page]\n"
        "essays = '/e/:section/:title/:contentbasename/'\n"
    )
    date = "2021-12-31T20:00:00"
    assert (
        item(config, "posts/x.md", {"title": "Hello, World!", "date": date}).path
        == "/2021/12/31/hello-world/"
    )
    assert (
        item(config, "notes/deep/n1.md", {"title": "N", "date": date}).path
        == "/notes/deep/december-friday-365/n1/"
    )
    assert (
        item(config, "essays/e1/index.md", {"title": "C++ Tips", "date": date}).path
        == "/e/essays/c++-tips/e1/"
    )


def test_date_tokens_read_the_date_on_the_sites_clock_not_utc():
    config = configure(
        'timeZone = "America/Los_Angeles"\n[permalinks]\nposts = "/:year/:month/:day/:slug/"\n'
    )
    found = item(config, "posts/eve.md", {"title": "Eve", "date": "2021-12-31T20:00:00"})
    assert found.path == "/2021/12/31/eve/"  # 04:00 on 1 January in UTC
    assert found.publish_at.astimezone(datetime.UTC) == datetime.datetime(
        2022, 1, 1, 4, tzinfo=datetime.UTC
    )
    with_offset = item(
        config, "posts/tokyo.md", {"title": "Tokyo", "date": "2022-01-01T08:00:00+09:00"}
    )
    assert with_offset.path == "/2022/01/01/tokyo/"  # on its own clock: 31 December in LA


def test_ugly_urls_lowercase_and_base_path():
    config = configure('baseURL = "https://example.org/blog/"\nuglyURLs = true\n')
    found = item(config, "posts/Hello.md", {"title": "Hello", "date": "2020-01-01"})
    assert found.path == "/posts/hello.html"
    assert [path for path, _ in found.old_paths] == ["/blog/posts/hello.html", "/posts/hello.html"]
    keep_case = configure("disablePathToLower = true\n")
    assert (
        item(keep_case, "posts/Hello.md", {"title": "H", "date": "2020-01-01"}).path
        == "/posts/Hello/"
    )


def test_aliases_are_absolute_or_relative_to_the_pages_folder():
    found = item(
        configure(),
        "posts/new.md",
        {
            "title": "N",
            "date": "2020-01-01",
            "aliases": ["/old/one", "two.html", "https://x.org/y", 3],
        },
    )
    aliased = [path for path, origin in found.old_paths if origin == "aliases"]
    assert aliased == ["/old/one/", "/posts/two.html"]
    assert len(found.warnings) == 2


def test_term_pages_and_feeds():
    config = configure('[permalinks.term]\ncategories = "/topic/:slug/"\n')
    found = item(
        config,
        "posts/x.md",
        {"title": "T", "date": "2020-01-01", "tags": ["Go Lang", "C++"], "categories": "News"},
    )
    assert found.terms == [
        ("tag", "Go Lang", ["/tags/go-lang/", "/tags/go-lang/index.xml"]),
        ("tag", "C++", ["/tags/c++/", "/tags/c++/index.xml"]),
        ("category", "News", ["/topic/news/", "/topic/news/index.xml"]),
    ]


# -- what a file is --------------------------------------------------------------------


def test_main_sections_from_the_configuration_the_usual_names_or_the_largest():
    files = ["docs/a.md", "docs/b.md", "docs/c.md", "notes/x.md", "about.md", "docs/_index.md"]
    assert content.main_sections(configure(), files) == {"docs"}
    assert content.main_sections(configure(), [*files, "posts/p.md"]) == {"posts"}
    assert content.main_sections(configure("mainSections = ['notes']"), files) == {"notes"}


def test_list_pages_home_page_and_headless_bundles_are_not_posts():
    config = configure()
    section = item(config, "posts/_index.md", {"title": "Posts"})
    assert section.kind == "skipped" and ("/posts/", "the section's list page") in section.old_paths
    assert ("/posts/index.xml", "the section's feed") in section.old_paths
    assert item(config, "_index.md", {"title": "Home"}).kind == "skipped"
    assert item(config, "posts/h/index.md", {"headless": True}).kind == "skipped"
    docs = item(config, "docs/_index.md", {"title": "Docs"})
    assert (docs.kind, docs.path) == ("page", "/docs/")
    assert item(config, "about.md", {"title": "About"}).kind == "page"


# -- dates and drafts ------------------------------------------------------------------


def test_publish_date_later_than_date_schedules_and_keys_are_case_insensitive():
    found = item(
        configure(),
        "posts/x.md",
        {"Title": "X", "Date": "2024-05-01", "PublishDate": "2024-07-01T09:00:00Z"},
    )
    assert found.date.date() == datetime.date(2024, 5, 1)
    assert found.publish_at == datetime.datetime(2024, 7, 1, 9, tzinfo=datetime.UTC)
    assert not found.draft and found.publish_at > NOW


def test_an_expiry_date_is_the_unpublish_date_past_or_future():
    past = item(
        configure(), "posts/x.md", {"title": "X", "date": "2020-01-01", "expiryDate": "2024-01-01"}
    )
    assert not past.draft and past.expire_at == datetime.datetime(2024, 1, 1, tzinfo=datetime.UTC)
    future = item(
        configure(),
        "posts/y.md",
        {"title": "Y", "date": "2020-01-01", "unpublishdate": "2030-01-01"},
    )
    assert future.expire_at.year == 2030 and not future.warnings


@pytest.mark.parametrize(
    "meta",
    [
        {"draft": True},
        {"published": False},
        {"build": {"render": "never"}},
        {"_build": {"render": False}},
    ],
)
def test_every_way_hugo_says_draft(meta):
    assert item(configure(), "posts/x.md", {"title": "X", "date": "2020-01-01", **meta}).draft


def test_the_date_falls_back_as_hugo_does_and_a_post_needs_one():
    assert item(configure(), "posts/x.md", {"title": "X", "lastmod": "2020-02-02"}).date.day == 2
    config = configure("[frontmatter]\ndate = [':filename', ':default']\n")
    found = item(config, "posts/2019-05-06-trip.md", {"title": "X"})
    assert found.date.date() == datetime.date(2019, 5, 6)
    with pytest.raises(ImportFileError, match="date is missing"):
        item(configure(), "posts/x.md", {"title": "X"})
    with pytest.raises(ImportFileError, match="publishdate 'soon' is not a date"):
        item(configure(), "posts/x.md", {"title": "X", "publishdate": "soon"})


def test_excerpt_from_summary_the_more_divider_or_description():
    config = configure()
    body = "First part.\n<!--more-->\nRest.\n"
    divided = item(config, "posts/a.md", {"title": "A", "date": "2020-01-01"}, body)
    assert divided.excerpt == "First part." and "<!--more-->" not in divided.body
    assert (
        item(
            config, "posts/b.md", {"title": "B", "date": "2020-01-01", "summary": "S"}, body
        ).excerpt
        == "S"
    )
    described = item(config, "posts/c.md", {"title": "C", "date": "2020-01-01", "description": "D"})
    assert described.excerpt == "D"


def test_a_slug_that_cannot_be_a_url_names_the_file():
    with pytest.raises(ImportFileError, match="x.md"):
        item(configure(), "posts/x.md", {"title": "X", "date": "2020-01-01", "slug": "\u200b"})


# -- shortcodes ------------------------------------------------------------------------


def convert(body, **kwargs):
    return shortcodes.convert(body, **kwargs)


def test_figure_becomes_figure_markup_with_escaped_attributes():
    done = convert(
        '{{< figure src="cat.jpg" alt="A \\"cat\\"" caption="<b>Ours</b>" link="/big.jpg" >}}\n'
    )
    html = render_markdown(done.text)
    assert '<figure><a href="/big.jpg" rel="noopener noreferrer">' in html
    assert '<img src="cat.jpg" alt="A &quot;cat&quot;">' in html
    assert "<figcaption>&lt;b&gt;Ours&lt;/b&gt;</figcaption>" in html
    assert done.converted == ["figure"] and not done.problems


@pytest.mark.parametrize(
    ("call", "url"),
    [
        ("{{< youtube w7Ft2ymGmfc >}}", "https://www.youtube.com/watch?v=w7Ft2ymGmfc"),
        (
            '{{< youtube id="w7Ft2ymGmfc" title="A talk" >}}',
            "https://www.youtube.com/watch?v=w7Ft2ymGmfc",
        ),
        ("{{% vimeo 146022717 %}}", "https://vimeo.com/146022717"),
        ("{{< gist spf13 7896402 >}}", "https://gist.github.com/spf13/7896402"),
        (
            '{{< gist spf13 7896402 "img.html" >}}',
            "https://gist.github.com/spf13/7896402#file-img-html",
        ),
        (
            '{{< tweet user="SanDiegoZoo" id="1453110110599868418" >}}',
            "https://x.com/SanDiegoZoo/status/1453110110599868418",
        ),
        ("{{< tweet 877500564405444608 >}}", "https://x.com/i/web/status/877500564405444608"),
        (
            '{{< x user="SanDiegoZoo" id="1453110110599868418" >}}',
            "https://x.com/SanDiegoZoo/status/1453110110599868418",
        ),
        ("{{< instagram BWNjjyYFxVx >}}", "https://www.instagram.com/p/BWNjjyYFxVx/"),
    ],
)
def test_embeds_become_links_never_iframes_or_script(call, url):
    html = render_markdown(convert(f"{call}\n").text)
    assert f'href="{url}"' in html
    assert "<iframe" not in html and "<script" not in html and "{{" not in html


def test_a_bad_embed_id_is_reported_not_linked():
    done = convert('{{< youtube "x\\" onerror=alert(1)" >}}', first_line=4)
    assert done.problems == [
        "line 4: youtube: 'x\" onerror=alert(1)' is not a video id; kept as text"
    ]
    html = render_markdown(done.text)
    assert "youtube.com" not in html and "<code>" in html
    assert not html_safety.problems(html)


def test_highlight_becomes_a_fenced_block_in_both_forms():
    body = (
        'Before\n{{< highlight python "linenos=table" >}}\nprint("<x>")\n```\n{{< /highlight >}}\n'
    )
    html = render_markdown(convert(body).text)
    assert '<pre class="highlight"><code class="language-python">' in html and "&lt;x&gt;" in html
    percent = convert("{{% highlight go %}}\nfunc main() {}\n{{% /highlight %}}\n")
    assert percent.text.startswith("```go\nfunc main() {}\n```")


def test_ref_and_relref_become_the_targets_folio_address():
    done = convert(
        'See [a]({{< ref "posts/a.md" >}}), [b]({{< relref path="b" >}}) and '
        '[c]({{< ref "gone.md" >}}).',
        first_line=7,
        resolve_ref={"posts/a.md": "/blog/a/", "b": "/about/"}.get,
    )
    assert "[a](/blog/a/), [b](/about/)" in done.text
    assert done.problems == [
        "line 7: ref 'gone.md': no imported post or page is at that path; kept as text"
    ]


def test_unknown_and_escaped_shortcodes_are_shown_as_text_never_raw():
    body = (
        "Intro\n\n{{< notice <script>alert(1)</script> >}}\n\n```\n{{</* figure src=x */>}}\n```\n"
    )
    done = convert(body, first_line=3)
    assert done.problems == [
        "line 5: the shortcode 'notice' is not one Folio converts; kept as text"
    ]
    html = render_markdown(done.text)
    assert "<code>{{&lt; notice &lt;script&gt;alert(1)&lt;/script&gt; &gt;}}</code>" in html
    assert "{{&lt; figure src=x &gt;}}" in html  # as Hugo prints an escaped call
    assert "<script" not in html


def test_an_unclosed_call_is_reported_with_its_line():
    done = convert("a\nb {{< figure src=x.jpg\n\nmore {{< youtube abc >}}", first_line=10)
    assert done.problems[0].startswith("line 11: a shortcode opened with {{< is never closed")
    assert done.converted == ["youtube"]


def test_translations_are_skipped_and_dots_in_names_are_kept():
    config = configure('defaultContentLanguage = "en"\n[languages.en]\n[languages.fr]\n')
    french = item(config, "posts/hello.fr.md", {"title": "Bonjour", "date": "2020-01-01"})
    assert french.kind == "skipped" and "translation (fr)" in french.reason
    english = item(config, "posts/hello.en.md", {"title": "Hello", "date": "2020-01-01"})
    assert (english.kind, english.path, english.slug) == ("post", "/posts/hello/", "hello")
    version = item(config, "posts/v1.2.md", {"title": "V", "date": "2020-01-01"})
    assert version.path == "/posts/v1.2/"
