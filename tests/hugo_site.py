"""A small Hugo site written by the tests, holding the hard cases: TOML, YAML and JSON
front matter, a page bundle with its images, drafts, a scheduled and an expired post,
aliases, each shortcode Folio converts and an unknown one, ``[permalinks]`` with dates
on a date boundary of the site's time zone, a base path, menus and list pages.

:func:`write` returns the addresses the old site served (as ``hugo`` would have built
it), each to answer 200, or one 301 to a page answering 200, after an import.
"""

import io
from pathlib import Path

from PIL import Image

CONFIG = """\
baseURL = "https://example.org/notes/"
title = "Field Notes"
languageCode = "en-us"
timeZone = "America/Los_Angeles"
copyright = "© Ana Lima"

[params]
description = "Notes from the field"
author = "Ana Lima"

[permalinks]
posts = "/:year/:month/:day/:slug/"

[[menus.main]]
name = "About"
pageRef = "/about"
weight = 20

[[menus.main]]
name = "Posts"
url = "/posts/"
weight = 10
"""

# 20:00 on 31 December in Los Angeles is 04:00 on 1 January in UTC: Hugo's URL says 31.
TOML_POST = """\
+++
title = "Shortcodes, all of them"
date = 2021-12-31T20:00:00
tags = ["Go Lang", "Café"]
categories = ["News"]
aliases = ["/old/shortcodes/", "legacy.html"]
+++
The part before the fold.
<!--more-->
{{< figure src="/images/wide.png" alt="A wide picture" caption="Wide" >}}

{{< youtube w7Ft2ymGmfc >}}

{{< vimeo 146022717 >}}

{{< gist spf13 7896402 >}}

{{< tweet user="SanDiegoZoo" id="1453110110599868418" >}}

{{< highlight go "linenos=table" >}}
func main() {}
{{< /highlight >}}

See [the trip]({{< ref "posts/trip/index.md" >}}) and [about]({{% relref "about" %}}).

{{< notice warning >}}
"""

BUNDLE = """\
---
title: Trip to the sea
date: 2021-03-05T09:00:00+01:00
slug: Voyage Été
cover:
  image: cat.png
tags: [Café]
---
![A cat](cat.png)

{{< figure src="images/dog.png" alt="A dog" >}}
"""


def _png(size, color=(30, 110, 190)):
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, "PNG")
    return buffer.getvalue()


def _write(root: Path, relative, content):
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")


def write(root: Path) -> list[str]:
    _write(root, "hugo.toml", CONFIG)
    _write(root, "static/images/wide.png", _png((1200, 500)))
    _write(root, "content/_index.md", "---\ntitle: Home\n---\nWelcome.\n")
    _write(root, "content/posts/_index.md", '+++\ntitle = "Posts"\n+++\n')
    _write(root, "content/posts/shortcodes.md", TOML_POST)
    _write(root, "content/posts/trip/index.md", BUNDLE)
    _write(root, "content/posts/trip/cat.png", _png((640, 480), (200, 120, 40)))
    _write(root, "content/posts/trip/images/dog.png", _png((320, 240), (40, 160, 60)))
    _write(
        root,
        "content/posts/unfinished.md",
        '{\n  "title": "Unfinished",\n  "date": "2022-02-01",\n  "draft": true\n}\nNot yet.\n',
    )
    _write(
        root,
        "content/posts/later.md",
        "---\ntitle: Later\ndate: 2022-03-01\npublishDate: 2099-01-01T08:00:00Z\n---\nSoon.\n",
    )
    _write(
        root,
        "content/posts/gone.md",
        "---\ntitle: Gone\ndate: 2020-01-01\nexpiryDate: 2021-01-01\n---\nOver.\n",
    )
    _write(root, "content/posts/parts/index.md", "---\ntitle: Parts\nheadless: true\n---\n")
    _write(
        root,
        "content/about.md",
        '---\ntitle: About\naliases: [/about-me/]\n---\nAbout us, see {{< ref "install" >}}.\n',
    )
    _write(root, "content/docs/_index.md", '+++\ntitle = "Docs"\n+++\nThe manual.\n')
    _write(
        root,
        "content/docs/install.md",
        '+++\ntitle = "Install"\n[menu.main]\nweight = 30\nname = "Installing"\n+++\nRun it.\n',
    )
    served = [
        "/",
        "/2021/12/31/shortcodes-all-of-them/",  # :slug is the title, urlized
        "/old/shortcodes/",
        "/posts/legacy.html",
        "/2021/03/05/voyage-été/",
        "/2021/03/05/voyage-été/cat.png",
        "/2021/03/05/voyage-été/images/dog.png",
        "/images/wide.png",
        "/about/",
        "/about-me/",
        "/docs/",
        "/docs/install/",
        "/posts/",
        "/posts/index.xml",
        "/index.xml",
        "/tags/",
        "/categories/",
        "/tags/go-lang/",
        "/tags/go-lang/index.xml",
        "/tags/café/",
        "/categories/news/",
        "/categories/news/index.xml",
    ]
    # The site lived under /notes/: both forms keep answering.
    return served + ["/notes" + path for path in served]
