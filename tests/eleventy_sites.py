"""A small Eleventy site written by the tests, shaped like eleventy-base-blog, with the
hard cases of the Eleventy dialect (blog/importing/dialects/eleventy.py), and the list
of addresses its ``npx @11ty/eleventy`` build served.

Used by tests/test_eleventy.py and tests/test_eleventy_properties.py.
"""

from pathlib import Path

from tests.jekyll_sites import png, write

CONFIG = """\
// The build runs in Berlin's zone: dates in permalinks are formatted there.
process.env.TZ = "Europe/Berlin";
const pluginRss = require("@11ty/eleventy-plugin-rss");

/* The folders, relative to the project (data and includes: to the input). */
const DIRECTORIES = {
  input: "src",
  includes: "_includes",
  data: "_data",
  output: "_site",
};

module.exports = function (eleventyConfig) {
  eleventyConfig.addPlugin(pluginRss);
  eleventyConfig.addPassthroughCopy("src/img");
  eleventyConfig.addShortcode("youtube", (id) => `<iframe src="${id}"></iframe>`);
  return {
    dir: DIRECTORIES,
    markdownTemplateEngine: "njk",
    pathPrefix: "/journal/",
  };
};
"""

METADATA = """\
module.exports = {
  title: "Café Eleventy",
  url: "https://example.net/",
  language: "fr",
  description: "Notes written with Eleventy",
  feed: {
    subtitle: "Notes written with Eleventy",
    filename: "feed.xml",
    path: "/feed/feed.xml",
    id: "https://example.net/",
  },
  author: {
    name: "Zoé Martin",
    email: "zoe@example.net",
    url: "https://example.net/about/",
  },
  buildTime: new Date(),
};
"""

POSTS_DATA = """\
module.exports = {
  tags: ["posts"],
  layout: "layouts/post.njk",
  eleventyComputed: {
    ogTitle: (data) => `${data.title} | Café Eleventy`,
  },
};
"""

LATE_NIGHT = """\
---
title: Late night in Montréal
date: 2021-03-14T23:30:00-05:00
tags: [travel, posts, all]
permalink: "/{{ page.date | date('yyyy/LL/dd') }}/{{ page.fileSlug }}/"
image: /img/photo.png
image_alt: A blue photo
description: A night walk, {{ metadata.title }}.
---
The opening, on {{ metadata.title }}.

A photo: ![The view](/img/photo.png), and through eleventy-img:

{% image "./src/img/photo.png", "An eleventy image" %}

{% highlight "js" %}
const greeting = "{{ not a variable }}";
{% endhighlight %}

```njk
{% raw %}{{ page.title }} and {% if x %}{% endraw %}
```

{# A note to myself #}
Read [about]({{ "/about/" | url }}).

{% youtube "dQw4w9WgXcQ" %}
"""

CAFE = """\
---
title: Café crème
date: 2020-06-01
permalink: "/{{ title | slugify }}/"
description: Coffee in Lisbon.
tags: coffee
---
Coffee in Lisbon.
"""

NEW_YEAR = """\
---
title: New year
---
Written on the last day of the year.
"""

FIRST_NOTE = """\
---
title: Первая заметка
date: 2022-01-02 10:00
author: Ivan Petrov
---
Заметка.
"""

TAGS_PAGE = """\
---
pagination:
  data: collections
  size: 1
  alias: tag
  filter: [all, post, posts, tagList]
permalink: /tags/{{ tag | slugify }}/
layout: layouts/home.njk
eleventyComputed:
  title: Tagged “{{ tag }}”
---
<h1>Tagged “{{ tag }}”</h1>
"""


def site(root: Path) -> list[str]:
    """Write the site; return every address its Eleventy build served."""
    write(root, "eleventy.config.js", CONFIG)
    write(root, "package.json", '{"devDependencies": {"@11ty/eleventy": "^2.0.1"}}\n')
    write(root, "README.md", "# The repository of the blog\n")
    write(root, "src/_data/metadata.js", METADATA)
    write(root, "src/_includes/layouts/post.njk", "{{ content | safe }}\n")
    write(root, "src/img/photo.png", png())
    write(root, "src/posts/posts.11tydata.js", POSTS_DATA)
    write(root, "src/posts/2021-03-14-late-night.md", LATE_NIGHT)
    write(root, "src/posts/café-crème.md", CAFE)
    write(root, "src/posts/2019-12-31-new-year.md", NEW_YEAR)
    write(
        root,
        "src/posts/work-in-progress.md",
        "---\ntitle: Work in progress\ndraft: true\n---\nHalf.\n",
    )
    write(root, "src/posts/never-built.md", "---\ntitle: Never built\npermalink: false\n---\nNo.\n")
    write(
        root,
        "src/posts/not-listed.md",
        "---\ntitle: Not listed\neleventyExcludeFromCollections: true\n---\nHidden.\n",
    )
    write(root, "src/notes/notes.json", '{"tags": "post", "layout": "layouts/note.njk"}\n')
    write(root, "src/notes/first-note.md", FIRST_NOTE)
    write(root, "src/about.md", "---\ntitle: About\n---\nAbout {{ metadata.title }}.\n")
    write(root, "src/projects/index.md", "---\ntitle: Projects\n---\nThe projects.\n")
    write(root, "src/contact/contact.md", "---\ntitle: Contact\n---\nWrite to me.\n")
    write(root, "src/secret.md", "---\ntitle: Secret\npermalink: false\n---\nNever written.\n")
    write(root, "src/index.njk", "---\nlayout: layouts/home.njk\n---\n")
    write(root, "src/tags.njk", TAGS_PAGE)
    write(root, ".eleventyignore", "# not content\nsrc/scratch/\n")
    write(root, "src/scratch/notes-to-self.md", "---\ntitle: Scratch\n---\nIgnored.\n")
    served = [
        "/2021/03/15/late-night/",  # 23:30 at -05:00 on the 14th: the 15th in Berlin
        "/cafe-creme/",
        "/posts/2019-12-31-new-year/",
        "/notes/first-note/",
        "/about/",
        "/projects/",
        "/contact/",
        "/feed/feed.xml",
        "/feed.xml",
        "/img/photo.png",
        "/tags/travel/",
        "/tags/coffee/",
    ]
    return [prefix + path for prefix in ("", "/journal") for path in served] + ["/journal/"]


#: The drafts: never served, so never answering.
DRAFT_SLUGS = ("work-in-progress", "never-built", "not-listed")
