"""The one markdown pipeline: features, and that hostile input comes out inert."""

import re

import pytest

from folio.rendering import headings, html_to_text, render_markdown

HOSTILE = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    '<img src="x" onerror="alert(1)">',
    "<img src=x OnError=alert(1)>",
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](&#106;avascript:alert(1))",
    "[click]( javascript:alert(1))",
    '<a href="javascript:alert(1)">x</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
    "![x](javascript:alert(1))",
    '<img src="data:image/svg+xml,<svg onload=alert(1)>">',
    "[ref]\n\n[ref]: javascript:alert(1)",
    "<svg><script>alert(1)</script></svg>",
    '<iframe src="https://evil.example"></iframe>',
    '<div onclick="alert(1)">x</div>',
    '<body onload="alert(1)">',
    '<a href="vbscript:msgbox(1)">x</a>',
    '<form action="javascript:alert(1)"><button formaction="javascript:alert(1)">x</button></form>',
    '<object data="javascript:alert(1)"></object><embed src="javascript:alert(1)">',
    '<p style="background:url(javascript:alert(1))">x</p>',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    '<h2 id="x" onmouseover="alert(1)">Heading</h2>',
    '<blockquote class="twitter-tweet"><p>tweet</p></blockquote>'
    '<script async src="https://platform.twitter.com/widgets.js"></script>',
]

DANGEROUS = re.compile(
    r"<\s*(script|iframe|object|embed|form|svg|math|style)\b|\son\w+\s*=|"
    r"(href|src|action|formaction)\s*=\s*[\"']?\s*(javascript|vbscript|data):",
    re.IGNORECASE,
)


@pytest.mark.parametrize("markdown", HOSTILE)
def test_hostile_markdown_renders_without_executable_content(markdown):
    rendered = render_markdown(markdown)
    assert not DANGEROUS.search(rendered), rendered


def test_embedded_tweet_keeps_its_text_but_loses_its_script():
    rendered = render_markdown(HOSTILE[-1])
    assert "<blockquote>" in rendered and "tweet" in rendered
    assert "widgets.js" not in rendered


def test_headings_get_stable_unique_ids():
    rendered = render_markdown("# Intro\n\n## Intro\n\n### Café & *more*\n\n## ")
    assert '<h1 id="intro">Intro</h1>' in rendered
    assert '<h2 id="intro-2">Intro</h2>' in rendered
    assert '<h3 id="cafe-more">' in rendered
    assert [h["id"] for h in headings(rendered)][:3] == ["intro", "intro-2", "cafe-more"]


def test_fenced_code_is_highlighted_with_pygments_classes():
    rendered = render_markdown('```python\ndef f():\n    return "<b>"\n```')
    assert '<pre class="highlight"><code class="language-python">' in rendered
    assert '<span class="k">def</span>' in rendered
    assert "&lt;b&gt;" in rendered


def test_unknown_language_and_empty_fences_stay_plain_code():
    assert '<code class="language-nosuchlang">x\n</code>' in render_markdown(
        "```nosuchlang\nx\n```"
    )
    assert "<pre><code></code></pre>" in render_markdown("```\n```")


def test_tables_links_and_images_survive():
    rendered = render_markdown(
        "| a | b |\n|---|---|\n| 1 | 2 |\n\n[site](https://example.com) ![alt](/media/x.jpg)"
    )
    assert "<table>" in rendered and "<td>1</td>" in rendered
    assert '<a href="https://example.com" rel="noopener noreferrer">site</a>' in rendered
    assert '<img src="/media/x.jpg" alt="alt">' in rendered


def test_html_comments_are_dropped():
    assert "StartFragment" not in render_markdown("<!--StartFragment-->\ntext\n<!--EndFragment-->")


def test_plain_text_extraction():
    assert html_to_text("<p>Tom &amp; <b>Jerry</b></p>\n<p>x</p>") == "Tom & Jerry x"
