"""The Stackbit family (Gatsby themes of 2019 and 2020: Azimuth, Exto, Libris,
Starter, Fresh): posts in ``src/pages/blog`` or ``src/pages/posts``, pages in
``src/pages``, authors in ``src/data/authors``, images in ``static/``, the site's
configuration in ``site-metadata.json``, ``stackbit.yaml`` and ``src/data/``.

The rules themselves live where they always did (records, addresses, siteconfig);
this module is their place behind the dialect interface.
"""

import json
from dataclasses import dataclass
from pathlib import Path

from .. import addresses, frontmatter, records, siteconfig
from ..errors import ImportFileError
from .base import Dialect, Folders

DEFAULT_POSTS_DIR = "src/pages/blog"
#: Where each Stackbit generation keeps its posts: the 2020 themes, then the 2019 ones.
POSTS_DIRS = (DEFAULT_POSTS_DIR, "src/pages/posts")
DEFAULT_PAGES_DIR = "src/pages"
#: Files that say a site is a Stackbit one even before its posts folder exists.
MARKERS = ("stackbit.yaml", "stackbit.yml", "site-metadata.json", "gatsby-config.js")


@dataclass(frozen=True, eq=False)
class Stackbit(Dialect):
    name = "stackbit"
    label = "Stackbit"
    config_files = ("site-metadata.json", "stackbit.yaml", "stackbit.yml")
    key_meanings = records.POST_KEY_MEANINGS

    @classmethod
    def detect(cls, root: Path) -> str:
        found = [d for d in POSTS_DIRS if (root / d).is_dir()]
        found += [name for name in MARKERS if (root / name).is_file()]
        if not found and (root / DEFAULT_PAGES_DIR).is_dir():
            found = [DEFAULT_PAGES_DIR]
        return f"detected: {', '.join(found)}" if found else ""

    @classmethod
    def folders(cls) -> Folders:
        return Folders(
            posts=DEFAULT_POSTS_DIR,
            pages=DEFAULT_PAGES_DIR,
            authors="src/data/authors",
            static="static",
            data="src/data",
        )

    @classmethod
    def posts_folder(cls, root: Path) -> str | None:
        """The posts folder of the generation the site is written for, if it has one."""
        return next((d for d in POSTS_DIRS if (root / d).is_dir()), None)

    def missing(self, site):
        if self.posts_folder(site.root) or (site.root / DEFAULT_PAGES_DIR).is_dir():
            return None
        return (
            f"nothing to import in {site.root}: no {', '.join(POSTS_DIRS)} or "
            f"{DEFAULT_PAGES_DIR} folder (give --posts-dir or --pages-dir, or see "
            "what is there with --inspect)"
        )

    def layout(self, site, posts_dir_given: bool) -> str:
        posts = site.relative(site.posts_dir)
        if posts_dir_given:
            return f"posts in {posts}/ (--posts-dir)"
        if posts == DEFAULT_POSTS_DIR and site.posts_dir.is_dir():
            return f"Stackbit, the 2020 themes (Azimuth, Exto, Libris, Starter, Fresh): {posts}/"
        if posts == POSTS_DIRS[1]:
            return f"Stackbit, the 2019 themes: {posts}/"
        return f"not recognised: no {' or '.join(POSTS_DIRS)} folder (give --posts-dir)"

    def post_addresses(self, source, record, post):
        found = [(addresses.file_address(source), "its place")]
        return found + addresses.front_matter_addresses(record.extra)

    def static_addresses(self, site, source):
        static = site.relative(site.static_dir)
        if source.startswith(f"{static}/"):
            return ["/" + source.removeprefix(f"{static}/")]
        return []

    def author_sources(self, site):
        suffixes = {".yaml", ".yml", ".json"}
        if not site.authors_dir.is_dir():
            return []
        return [
            site.relative(path)
            for path in sorted(site.authors_dir.iterdir())
            if (path.is_file() or path.is_symlink()) and path.suffix.lower() in suffixes
        ]

    def author_source(self, site, value):
        return records.author_path(site, value)

    def author_meta(self, source, data):
        text = frontmatter.decode(data)
        if source.endswith(".json"):
            meta = _load_json(text)
        else:
            meta = frontmatter.load_yaml(text, what="")
        return Path(source).stem, meta

    def new_site_config(self, site):
        """``site-metadata.json`` as the Azimuth theme writes it (siteconfig reads it)."""
        menus = site["menus"]

        def links(items):
            return [
                {"label": i["label"], "url": i["url"], "style": i["style"] or "link"} for i in items
            ]

        columns = {}
        for item in menus.get("footer", []):
            columns.setdefault(item["column"], []).append(item)
        header = {"title": site["title"], "tagline": site["tagline"]}
        if site["logo"]:
            header |= {"logo_img": site["logo"], "logo_img_alt": site["logo_alt"]}
        header |= {
            "has_nav": bool(menus.get("header")),
            "nav_links": links(menus.get("header", [])),
        }
        footer = {"content": site["footer_text"], "nav_links": links(columns.pop("", []))}
        footer["sections"] = [
            {"type": "footer_nav", "title": title, "nav_links": links(items)}
            for title, items in columns.items()
        ]
        footer["social_links"] = links(menus.get("social", []))
        config = {"title": site["title"], "header": header, "footer": footer}
        if site["base_url"]:
            config["domain"] = site["base_url"]
        if site["favicon"]:
            config["favicon"] = site["favicon"]
        return [(siteconfig.CONFIG_FILE, {**config, **site["extra"]})]

    def site_config(self, site, read):
        sources, problems = siteconfig.find_sources(site, read)
        record, parse_problems = siteconfig.parse(sources)
        return sources, record, [*problems, *parse_problems]


def _load_json(text):
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ImportFileError(f"JSON error at line {exc.lineno}: {exc.msg}") from None
    except RecursionError:
        raise ImportFileError("JSON nested too deeply") from None
    if not isinstance(value, dict):
        raise ImportFileError("author file must hold a JSON object")
    return frontmatter.to_plain(value, what="the file", source_length=len(text))
