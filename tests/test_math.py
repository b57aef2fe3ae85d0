"""TeX math: kept as TeX through the markdown renderer, recorded on the post or page,
and KaTeX loaded (from this site's static files) on those pages and no others."""

import html
import importlib
import re
import time
from pathlib import Path

import pytest
from django.apps import apps as django_apps
from django.contrib.staticfiles import finders
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from blog.models import Post
from folio.rendering import render_markdown
from folio.texmath import escape_inline_dollars, has_math
from pages.models import Page
from tests.factories import make_page, make_post
from tests.html_safety import problems

SPAN = re.compile(r'<span class="math math-(inline|display)">(.*?)</span>', re.S)
KATEX_FILES = ("vendor/katex/katex.min.css", "vendor/katex/katex.min.js", "js/math.js")


def math_spans(rendered):
    """[(kind, TeX)] of every math span, the TeX as the browser's textContent gives it."""
    return [(kind, html.unescape(tex)) for kind, tex in SPAN.findall(rendered)]


# Rendering ------------------------------------------------------------------------------

TEX = r"a_1 *b* \{c\} \\ d_{i,j}^2 & \alpha"
DELIMITED = [
    pytest.param(f"${TEX}$", "inline", id="dollar"),
    pytest.param(f"$${TEX}$$", "display", id="double-dollar"),
    pytest.param(f"$$\n{TEX}\n$$", "display", id="double-dollar-block"),
    pytest.param(rf"\({TEX}\)", "inline", id="backslash-paren"),
    pytest.param(rf"\[{TEX}\]", "display", id="backslash-bracket"),
    pytest.param(rf"\\({TEX}\\)", "inline", id="double-backslash-paren"),
    pytest.param(rf"\\[{TEX}\\]", "display", id="double-backslash-bracket"),
    pytest.param(f"\\[\n{TEX}\n\\]", "display", id="backslash-bracket-block"),
]


@pytest.mark.parametrize(("markdown", "kind"), DELIMITED)
def test_math_keeps_its_tex_untouched_by_markdown(markdown, kind):
    """Underscores, stars, backslashes and ampersands inside math are TeX, not markdown:
    no emphasis, no escapes eaten, and the TeX comes out exactly as written."""
    rendered = render_markdown(f"Before {markdown} after.")
    [(found_kind, tex)] = math_spans(rendered)
    assert found_kind == kind
    assert tex.strip() == TEX
    assert "<em>" not in rendered
    assert has_math(rendered)


def test_math_in_prose_headings_lists_and_tables():
    rendered = render_markdown(
        "## Area \\(\\pi r^2\\)\n\n"
        "- first $x_1$\n- second \\(x_2\\)\n\n"
        "| f | value |\n|---|---|\n| \\(a|b\\) | $c$ |\n"
    )
    assert math_spans(rendered) == [
        ("inline", r"\pi r^2"),
        ("inline", "x_1"),
        ("inline", "x_2"),
        ("inline", "a|b"),
        ("inline", "c"),
    ]
    assert '<h2 id="area-pi-r2">Area <span class="math math-inline">' in rendered
    assert "<td>" in rendered  # the pipe inside \( \) did not split the table's cells


def test_non_english_tex_and_prose_survive():
    rendered = render_markdown(
        "Формула $\\text{скорость} = v_0$ и 東京 \\(\\text{東京}^2\\), café $é^2$."
    )
    assert math_spans(rendered) == [
        ("inline", r"\text{скорость} = v_0"),
        ("inline", r"\text{東京}^2"),
        ("inline", "é^2"),
    ]
    assert "Формула" in rendered and "café" in rendered


@pytest.mark.parametrize(
    "markdown",
    [
        pytest.param("Run `echo $HOME $x$ \\(y\\)` here.", id="code-span"),
        pytest.param("```sh\necho $PATH $x_1$ \\(y\\) \\[z\\]\n```", id="fenced"),
        pytest.param("```python\nprice = '$5' + '$x$'\n```", id="highlighted"),
        pytest.param("Text.\n\n    $x_1$ and \\(y_1\\) and $$z$$\n", id="indented"),
        pytest.param("<pre>$x_1$ \\(y_1\\)</pre>", id="raw-html"),
    ],
)
def test_dollars_and_delimiters_in_code_stay_code(markdown):
    rendered = render_markdown(markdown)
    assert not has_math(rendered), rendered
    assert "$" in html.unescape(rendered)


@pytest.mark.parametrize(
    "markdown",
    [
        "It costs $5 and $10 with tax.",
        "Tickets: $5-$10.",
        "Either $5/$10 or nothing.",
        "US$5 or US$10.",
        "From $1,000 to $2,000.",
        "Pay $5, or $10 later.",
        "Shell: $HOME or $PATH.",
    ],
)
def test_prices_are_not_math(markdown):
    rendered = render_markdown(markdown)
    assert not has_math(rendered), rendered
    assert html.unescape(re.sub("<[^>]+>", "", rendered)).strip() == markdown


@pytest.mark.parametrize(
    ("markdown", "text", "spans"),
    [
        (r"See \[1\] and \[citation needed\].", "See [1] and [citation needed].", []),
        (r"The word \(sic\) stays.", "The word (sic) stays.", []),
        (
            "A [set](https://en.wikipedia.org/wiki/Set_\\(mathematics\\)) of \\(x^2\\).",
            "A set of x^2.",
            [("inline", "x^2")],
        ),
    ],
)
def test_escaped_brackets_in_prose_are_not_math(markdown, text, spans):
    """With one backslash, \\( \\) and \\[ \\] around words are CommonMark's escaped
    brackets (and parentheses in a link's address), as non-math posts use them."""
    rendered = render_markdown(markdown)
    assert math_spans(rendered) == spans
    assert html.unescape(re.sub("<[^>]+>", "", rendered)).strip() == text
    assert "wiki/Set_(mathematics)" in rendered or "wiki" not in markdown


def test_math_in_an_image_description_stays_text():
    rendered = render_markdown("![The curve \\(y = x^2\\)](/media/curve.png)")
    assert 'alt="The curve \\(y = x^2\\)"' in rendered
    assert not has_math(rendered)


def test_a_paragraph_break_ends_unclosed_math():
    rendered = render_markdown("Open \\(x_1\n\nand later \\(y_2\\) closes.")
    assert math_spans(rendered) == [("inline", "y_2")]


@pytest.mark.parametrize(
    "body",
    [
        pytest.param("\\(x_1 " * 50_000, id="unclosed-openings"),
        pytest.param("$1-$2 " * 50_000, id="price-ranges"),
        pytest.param("$a` " * 50_000, id="dollars-before-code"),
    ],
)
def test_bodies_full_of_delimiters_render_in_linear_time(body):
    """Each opening is paired once, and prices take a bounded number of passes: a
    300 KB body of them renders in well under a second here, not minutes."""
    started = time.perf_counter()
    rendered = render_markdown(body)
    assert time.perf_counter() - started < 10
    assert not has_math(rendered)


HOSTILE_TEX = [
    r"\href{javascript:alert(1)}{click}",
    r"\url{javascript:alert(1)}",
    r"\htmlClass{x}{y} \htmlData{onload=alert(1)}{y} \includegraphics{javascript:x}",
    "</span><script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "<svg onload=alert(1)>",
    "x</span><a href=javascript:alert(1)>y</a><span>",
]


@pytest.mark.parametrize("tex", HOSTILE_TEX)
@pytest.mark.parametrize(
    "wrap", ["${}$", "$${}$$", "\\({}\\)", "\\[{}\\]", "\\\\({}\\\\)"], ids=str
)
def test_hostile_tex_stays_text(tex, wrap):
    """Markup written inside math is the TeX's text, escaped; KaTeX then runs with
    trust: false (static/js/math.js), so \\href and friends never become links."""
    rendered = render_markdown("Before " + wrap.replace("{}", tex) + " after.")
    assert problems(rendered) == []
    assert "<script" not in rendered and "<img" not in rendered and "<svg" not in rendered
    assert "<a " not in rendered


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet="$\\()[]_*`<>&\"' \n|#-!{}^ax15é", max_size=80))
def test_any_mix_of_delimiters_renders_safely(markdown):
    rendered = render_markdown(markdown)
    assert problems(rendered) == []
    assert "FolioTeX" not in rendered  # no placeholder left behind
    for _kind, tex in math_spans(rendered):
        assert tex in markdown  # the TeX exactly as written


def test_escape_inline_dollars_for_sources_without_inline_math():
    source = "Costs $x$ or $y_1$; display $$z$$ stays; code `$c$` too."
    escaped = escape_inline_dollars(source)
    rendered = render_markdown(escaped)
    assert math_spans(rendered) == [("display", "z")]
    assert "$x$" in rendered and "$y_1$" in rendered and "<code>$c$</code>" in rendered
    assert escape_inline_dollars("no dollars") == "no dollars"


# The stored flag, and the pages ------------------------------------------------------------

MATH_BODY = "Euler: $e^{i\\pi} + 1 = 0$\n\n$$\n\\int_0^1 x^2\\,dx = \\frac{1}{3}\n$$\n"


@pytest.mark.django_db
def test_has_math_is_stored_on_save_and_follows_edits():
    post = make_post(body=MATH_BODY)
    assert Post.objects.get(pk=post.pk).has_math
    post.body = "Now it costs $5 and $10."
    post.save(update_fields=["body"])
    assert not Post.objects.get(pk=post.pk).has_math

    page = make_page(body="Plain.")
    assert not Page.objects.get(pk=page.pk).has_math
    page.body = "Now \\(x^2\\)."
    page.save(update_fields=["body"])
    assert Page.objects.get(pk=page.pk).has_math


def assets(response):
    content = response.content.decode()
    return {name for name in KATEX_FILES if f"/static/{name}" in content}


@pytest.mark.django_db
def test_only_pages_with_math_load_katex(client):
    with_math = make_post(title="Integrals", body=MATH_BODY)
    without = make_post(title="Prices", body="It costs $5 and $10. `$x$`")
    page_with = make_page(path="/formulas/", body="\\[ a^2 + b^2 = c^2 \\]")
    page_without = make_page(path="/about/", body="About us.")

    for obj in (with_math, page_with):
        response = client.get(obj.get_absolute_url())
        assert response.status_code == 200
        assert assets(response) == set(KATEX_FILES)
        assert problems(response.content.decode()) == []
    for obj in (without, page_without):
        assert assets(client.get(obj.get_absolute_url())) == set()
    # Lists show excerpts, not bodies: no KaTeX there even with a math post on them.
    assert assets(client.get("/")) == set()
    assert assets(client.get("/blog/")) == set()


@pytest.mark.django_db
def test_the_content_security_policy_is_the_same_on_pages_with_math(client):
    with_math = client.get(make_post(body=MATH_BODY).get_absolute_url())
    without = client.get(make_post(body="Plain.").get_absolute_url())
    policy = with_math["Content-Security-Policy"]
    assert policy == without["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["font-src"] == "'self'"


def test_katex_is_served_from_this_site_with_its_fonts_and_licence():
    """Every file KaTeX's stylesheet refers to is there (collectstatic's manifest needs
    them all), and nothing is fetched from elsewhere."""
    for name in KATEX_FILES:
        assert finders.find(name), name
    css_path = Path(finders.find("vendor/katex/katex.min.css"))
    fonts = re.findall(r"url\(([^)]+)\)", css_path.read_text())
    assert fonts
    for font in fonts:
        assert not font.startswith(("http:", "https:", "//")), font
        assert (css_path.parent / font).is_file(), font
    assert "MIT" in (css_path.parent / "LICENSE").read_text()
    script = Path(finders.find("vendor/katex/katex.min.js")).read_text()
    assert "http://" not in script.replace("http://www.w3.org/", "")


def _migration(app, name):
    return importlib.import_module(f"{app}.migrations.{name}")


@pytest.mark.django_db
def test_migration_renders_math_saved_before_it_again():
    post = make_post(body=MATH_BODY)
    plain = make_post(body="No math here.")
    page = make_page(body="\\(x^2\\)")
    # As the renderer left them before math was kept.
    Post.objects.filter(pk=post.pk).update(body_html="<p>Euler: e^{i\\pi}</p>", has_math=False)
    Page.objects.filter(pk=page.pk).update(body_html="<p>(x^2)</p>", has_math=False)
    plain_html = Post.objects.get(pk=plain.pk).body_html

    _migration("blog", "0015_post_has_math").render_math_again(django_apps, None)
    _migration("pages", "0005_page_has_math").render_math_again(django_apps, None)

    post = Post.objects.get(pk=post.pk)
    assert post.has_math and math_spans(post.body_html)[0] == ("inline", "e^{i\\pi} + 1 = 0")
    assert Page.objects.get(pk=page.pk).has_math
    assert Post.objects.get(pk=plain.pk).body_html == plain_html
