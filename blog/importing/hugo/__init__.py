"""Hugo's rules, as pure functions: nothing here touches the database or storage.

- :mod:`.config` -- the site's configuration (``hugo.toml``, ``config.*``,
  ``config/_default/``): title, base URL, time zone, permalinks, taxonomies, menus.
- :mod:`.urls` -- the address Hugo gave each page, term page and feed.
- :mod:`.content` -- what a content file is (post, page, list page) and what its
  front matter says (dates, drafts, excerpts, taxonomies, aliases, images).
- :mod:`.shortcodes` -- shortcodes in a body converted to markdown Folio renders.

Read from Hugo's own documentation (gohugo.io: front matter, URL management,
permalinks, page bundles, aliases, content summaries, embedded shortcodes, menus,
configuration directory); docs/importing.md has the table.
"""
