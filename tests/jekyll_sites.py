"""A small Jekyll site written by the tests, with the hard cases of the Jekyll dialect
(blog/importing/dialects/jekyll.py), and the list of addresses the old site served as
``jekyll build`` would have written them.

Used by tests/test_jekyll.py.
"""

import io
from pathlib import Path

from PIL import Image


def png(size=(640, 360), color=(30, 110, 190)):
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, "PNG")
    return buffer.getvalue()


def write(root: Path, relative, content):
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")


CONFIG = """\
title: Café Jekyll
description: Notes from the road
url: https://example.org
baseurl: /journal
timezone: Europe/Berlin
author: Sam Owner
excerpt_separator: <!--more-->
exclude: [drafts-notes.md]
defaults:
  - scope: {path: "", type: posts}
    values: {layout: post, image_alt: A blue photo}
"""

LATE_NIGHT = """\
---
title: Late night in Montréal
date: 2021-03-14 23:30:00 -05:00
categories: [Notes]
tags: liquid travel
author: ana
image: /assets/img/photo.png
---
The opening, before the fold.

<!--more-->

A photo: ![The view]({{ site.baseurl }}/assets/img/photo.png)
and the same through a filter: ![Again]({{ "/assets/img/photo.png" | relative_url }}).

{% highlight python linenos %}
def hello():
    return "{{ not a variable }}"
{% endhighlight %}

```liquid
{% raw %}{{ page.title }} and {% if x %}{% endraw %}
```

Read [the café post]({% post_url 2020-06-01-café-crème %}) and
[the HTML one]({% link _posts/2018-02-03-html-post.html %}) and
[about]({% link about.md %}) on {{ site.title }}, and [a photo]({% link assets/img/photo.png %}).

{% include image.html url="/assets/img/photo.png" description="Included photo" %}

{% include youtube.html id="dQw4w9WgXcQ" %}

{% include video id="76979871" provider="vimeo" %}

{% include figure image_path="/assets/img/photo.png" alt="A figure" caption="Its caption" %}

{% assign secret = "never run" %}

{% comment %}A note to myself{% endcomment %}
Absolute: [home]({{ '/' | absolute_url }}).
"""

CAFE = """\
---
title: Café crème
excerpt: "Coffee on {{ site.title }}, {% assign x = 1 %}"
date: 2020-06-01 08:00
permalink: /:categories/:short_year/:i_month/:i_day/:slug:output_ext
redirect_from:
  - /old-cafe/
---
Coffee in Lisbon.
"""

NEW_YEAR = """\
---
title: New year
published: false
author: Jane Roe
---
Not yet.
"""

HTML_POST = """\
---
title: An HTML post
redirect_from: /legacy/html-post.html
author: Jane Roe
---
<p>Written in <em>HTML</em>.</p>
"""

GONE = """\
---
title: Moved to the café post
redirect_to: /travel/20/6/1/café-crème.html
---
This post moved.
"""

DRAFT = """\
---
title: Work in progress
---
Half a thought.
"""


def site(root: Path, permalink=None) -> list[str]:
    """Write the site; return every address its Jekyll build served."""
    config = CONFIG + (f"permalink: {permalink}\n" if permalink else "")
    write(root, "_config.yml", config)
    write(root, "Gemfile", 'gem "jekyll"\n')
    write(
        root,
        "_data/authors.yml",
        "ana:\n  name: Ana Lima\n  bio: Writes at night.\n  avatar: /assets/img/ana.png\n",
    )
    write(root, "_data/navigation.yml", "main:\n  - title: About\n    url: /about.html\n")
    write(root, "assets/img/photo.png", png())
    write(root, "assets/img/ana.png", png((120, 120), (200, 120, 40)))
    write(root, "_posts/2021-03-14-late-night.md", LATE_NIGHT)
    write(root, "travel/_posts/2020-06-01-café-crème.md", CAFE)
    write(root, "_posts/2019-12-31-new-year.markdown", NEW_YEAR)
    write(root, "_posts/2018-02-03-html-post.html", HTML_POST)
    write(root, "_posts/notes.md", "---\ntitle: Not dated\n---\nIgnored by Jekyll.\n")
    write(root, "_drafts/work-in-progress.md", DRAFT)
    write(root, "_posts/2017-05-05-gone.md", GONE)
    write(root, "about.md", "---\ntitle: About\nlayout: page\n---\nAbout {{ site.title }}.\n")
    write(root, "contact.md", "---\ntitle: Contact\npermalink: /contact-me/\n---\nWrite.\n")
    write(root, "docs/index.md", "---\ntitle: Docs\n---\nThe docs.\n")
    write(root, "index.html", "---\nlayout: home\n---\n")
    write(root, "moved.md", "---\nredirect_to: /contact-me/\nredirect_from: /reach-us/\n---\n")
    write(root, "README.md", "# The repository of the blog\n")
    write(root, "drafts-notes.md", "---\ntitle: Excluded\n---\nNot published.\n")
    base = ["", "/journal"]
    late = {
        "date": "/notes/2021/03/15/late-night.html",
        "pretty": "/notes/2021/03/15/late-night/",
        "ordinal": "/notes/2021/074/late-night.html",
        "none": "/notes/late-night.html",
        "/:year/:month/:title/": "/2021/03/late-night/",
    }[permalink or "date"]
    html = {
        "date": "/2018/02/03/html-post.html",
        "pretty": "/2018/02/03/html-post/",
        "ordinal": "/2018/034/html-post.html",
        "none": "/html-post.html",
        "/:year/:month/:title/": "/2018/02/html-post/",
    }[permalink or "date"]
    pretty = (permalink or "date").endswith("/") or permalink == "pretty"
    pages = ["/about/", "/docs/"] if pretty else ["/about.html", "/docs/"]
    served = [
        late,
        "/travel/20/6/1/café-crème.html",
        "/old-cafe/",
        html,
        "/legacy/html-post.html",
        *pages,
        "/contact-me/",
        "/moved.html" if not pretty else "/moved/",
        "/reach-us/",
        {
            "date": "/2017/05/05/gone.html",
            "pretty": "/2017/05/05/gone/",
            "ordinal": "/2017/125/gone.html",
            "none": "/gone.html",
            "/:year/:month/:title/": "/2017/05/gone/",
        }[permalink or "date"],
        "/feed.xml",
        "/assets/img/photo.png",
    ]
    return [prefix + path for prefix in base for path in served] + ["/journal/"]


#: Addresses of the drafts: never served, so never answering.
DRAFT_SLUGS = ("new-year", "work-in-progress")
