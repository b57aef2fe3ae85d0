"""Small Astro and Gatsby starter blogs written by the tests, with the hard cases of
their dialects (blog/importing/dialects/astro.py, gatsby.py, cms.py), and the addresses
the old sites served, as ``astro build`` and ``gatsby build`` would have written them.

Used by tests/test_astro.py and tests/test_node_properties.py.
"""

from pathlib import Path

from tests.jekyll_sites import png, write

# -- Astro ---------------------------------------------------------------------------

ASTRO_CONFIG = """\
// @ts-check
import { defineConfig } from 'astro/config';
import mdx from '@astrojs/mdx';
import sitemap from '@astrojs/sitemap';

// https://astro.build/config
export default defineConfig({
  site: 'https://example.com',
  base: '/notes',
  integrations: [mdx(), sitemap()],
  server: { port: process.env.PORT || 4321 },
});
"""

CONSTS = """\
// Place any global data in this file.
export const SITE_TITLE = 'Carnet d’Astro';
export const SITE_DESCRIPTION = "Notes écrites à la main — 手書き";
"""

FIRST = """\
---
title: 'First post'
description: 'Lorem ipsum dolor sit amet'
pubDate: 'Jul 08 2022'
heroImage: '../../assets/blog-placeholder-3.jpg'
tags: [astro, café]
---
The first post, with an image in public/: ![Logo](/images/logo.png)
and one beside the assets: ![Hero again](../../assets/blog-placeholder-3.jpg).
"""

MDX = """\
---
title: 'Using MDX'
description: 'Components in markdown'
pubDate: 2022-06-01T09:00:00+02:00
updatedDate: 2022-06-02
heroImage: ~/assets/blog-placeholder-3.jpg
---
import HeaderLink from '../../components/HeaderLink.astro';
import {
  Chart,
  Table,
} from '../../components/widgets';
export const year = 2022;

## Why MDX?

This paragraph has <HeaderLink href="/about">a component</HeaderLink> and {year} in it.

<YouTube id="dQw4w9WgXcQ" />

```js
import keep from 'code';
<Kept />
```
"""

OVERRIDE = """\
---
title: Слово о переезде
description: A slug given by front matter.
pubDate: 2023-01-02
slug: moved/here
---
Where the id comes from front matter.
"""

NESTED = """\
---
title: Nested Entry
description: An entry in a folder.
pubDate: 2023-03-04
---
In a folder, with capitals in its path.
"""

DRAFT = """\
---
title: Not yet
description: A draft.
pubDate: 2024-01-01
draft: true
---
Unfinished.
"""

ABOUT = """\
---
title: About
layout: ../layouts/About.astro
---
About the carnet.
"""

ASTRO_PAGES = "src/pages"


def astro_site(root: Path) -> list[str]:
    """Write the Astro blog at ``root``; the addresses its build served."""
    write(root, "astro.config.mjs", ASTRO_CONFIG)
    write(root, "package.json", '{"dependencies": {"astro": "^5.0.0"}}\n')
    write(root, "src/consts.ts", CONSTS)
    write(root, "src/assets/blog-placeholder-3.jpg", png(color=(200, 90, 30)))
    write(root, "public/images/logo.png", png(size=(64, 64)))
    write(root, "src/content/blog/first-post.md", FIRST)
    write(root, "src/content/blog/using-mdx.mdx", MDX)
    write(root, "src/content/blog/override.md", OVERRIDE)
    write(root, "src/content/blog/Travel Notes/Nested Entry.md", NESTED)
    write(root, "src/content/blog/draft-post.md", DRAFT)
    write(root, f"{ASTRO_PAGES}/about.md", ABOUT)
    write(root, f"{ASTRO_PAGES}/index.astro", "---\nimport Layout from '../x';\n---\n<Layout/>\n")
    write(root, f"{ASTRO_PAGES}/posts/[...slug].astro", "---\nconst { post } = Astro.props;\n---\n")
    write(root, f"{ASTRO_PAGES}/rss.xml.js", "export async function GET() {}\n")
    served = [
        "/posts/first-post/",
        "/posts/using-mdx/",
        "/posts/moved/here/",
        "/posts/travel-notes/nested-entry/",
        "/about/",
        "/rss.xml",
        "/images/logo.png",
    ]
    return served + ["/notes" + path for path in served] + ["/notes/"]


ASTRO_DRAFTS = ("draft-post",)


# -- the Gatsby starter blog ----------------------------------------------------------

GATSBY_CONFIG = """\
/**
 * Configure your Gatsby site with this file.
 */
module.exports = {
  siteMetadata: {
    title: `Gatsby Starter Blög`,
    author: {
      name: `Kyle Mathews`,
      summary: `who lives and works in San Francisco building useful things.`,
    },
    description: `A starter blog demonstrating what Gatsby can do.`,
    siteUrl: `https://gatsbystarterblogsource.gatsbyjs.io/`,
    social: {
      twitter: `kylemathews`,
    },
  },
  plugins: [
    `gatsby-plugin-image`,
    {
      resolve: `gatsby-source-filesystem`,
      options: { path: `${__dirname}/content/articles`, name: `blog` },
    },
    {
      resolve: `gatsby-plugin-feed`,
      options: { query: `{ site { siteMetadata { title } } }`, feeds: [] },
    },
  ],
}
"""

#: Decap CMS moves the posts from content/blog to content/articles, and names its
#: date field ``published_on``.
DECAP = """\
backend:
  name: git-gateway
media_folder: static/img
collections:
  - name: settings
    label: Settings
    files:
      - {name: general, file: content/settings.yml, fields: []}
  - name: articles
    label: Articles
    folder: content/articles
    create: true
    slug: "{{slug}}/index"
    fields:
      - {label: Title, name: title, widget: string}
      - {label: Published, name: published_on, widget: datetime}
      - {label: Picture, name: picture, widget: image}
      - {label: Keywords, name: keywords, widget: list}
      - {label: Body, name: body, widget: markdown}
"""

HELLO = """\
---
title: Hello World
published_on: "2015-05-01T22:12:03.284Z"
description: "Hello World"
keywords: [gatsby, ünïcode]
---
This is my first post on my new fake blog! How exciting!

![Chinese Salty Egg](./salty_egg.jpg)
"""

HOLIDAYS = """\
---
title: My Second Post!
published_on: "2015-05-06T23:46:37.121Z"
---
Wow! I love blogging so much already. A photo: ![Beach](beach.png)
"""

GATSBY_DRAFT = """\
---
title: Unpublished thoughts
published_on: "2021-01-01T00:00:00Z"
draft: true
---
Not yet.
"""


def gatsby_site(root: Path) -> list[str]:
    """Write the Gatsby starter blog (moved by its Decap config) at ``root``."""
    write(root, "gatsby-config.js", GATSBY_CONFIG)
    write(root, "package.json", '{"name": "gatsby-starter-blog"}\n')
    write(root, "static/admin/config.yml", DECAP)
    write(root, "static/favicon.png", png(size=(32, 32)))
    write(root, "content/articles/hello-world/index.md", HELLO)
    write(root, "content/articles/hello-world/salty_egg.jpg", png(color=(240, 200, 40)))
    write(root, "content/articles/my-second-post/index.md", HOLIDAYS)
    write(root, "content/articles/my-second-post/beach.png", png(color=(40, 140, 220)))
    write(root, "content/articles/unpublished/index.md", GATSBY_DRAFT)
    write(root, "src/pages/index.js", "export default function BlogIndex() {}\n")
    return ["/hello-world/", "/my-second-post/", "/rss.xml"]


GATSBY_DRAFTS = ("unpublished",)
