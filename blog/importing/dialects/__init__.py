"""Static-site generators, one small declarative module each, feeding the one import
pipeline (blog/importing/importer.py): read → records → plan → apply.

A dialect holds a generator's rules and nothing about the database. It says:

- **where things live**: the default posts, pages, authors and static folders
  (:meth:`Dialect.folders`), which files are posts and pages
  (:meth:`Dialect.post_files`, :meth:`Dialect.page_files`), where its authors and
  site configuration are;
- **how each front-matter key maps**: :attr:`Dialect.key_meanings`, which
  ``--inspect`` prints, and :meth:`Dialect.read_post` / :meth:`Dialect.read_page`,
  which turn a file's front matter into the common vocabulary that
  ``records.parse_post`` and ``records.parse_page`` read (``title``, ``date`` as an
  aware ISO string, ``draft``, ``tags``, ``categories``, ``excerpt``, ``author``…);
- **the URL each file had** on the old site (:attr:`PostInput.addresses`,
  :meth:`Dialect.post_addresses`, :meth:`Dialect.static_addresses`), which the importer
  turns into rows of the one URL map;
- **how its body syntax converts** (inside ``read_post``/``read_page``: Liquid, for
  Jekyll), never executed, unknown syntax kept as visible text and reported;
- **where its site configuration is** (:meth:`Dialect.site_config`).

Everything shared -- safe reads inside the root (paths.Site), front-matter budgets,
image checks, the plan, per-file isolation, dry runs, conflicts -- stays in the
pipeline and is written once. A dialect is bound to one site by
:meth:`Dialect.configure` (which reads its configuration file through the safe
reader) and travels with :class:`blog.importing.paths.Site`, also to worker processes,
so it must stay picklable: plain data, no open files, no database rows.
"""

from .astro import Astro
from .base import Dialect, PageInput, PostInput
from .eleventy import Eleventy
from .gatsby import Gatsby
from .hugo import Hugo
from .jekyll import Jekyll
from .stackbit import Stackbit

#: Every dialect, in the order detection tries them: Astro and the Gatsby starter before
#: Stackbit, whose detection accepts any src/pages folder or gatsby-config.js (the
#: Gatsby starter's own detection refuses a site with a Stackbit marker).
DIALECTS = {dialect.name: dialect for dialect in (Jekyll, Hugo, Eleventy, Astro, Gatsby, Stackbit)}
DEFAULT = "stackbit"


def named(name: str) -> type[Dialect]:
    """The dialect called ``name`` (``--dialect``); ValueError naming the choices."""
    try:
        return DIALECTS[name.strip().lower()]
    except KeyError:
        raise ValueError(f"unknown dialect {name!r}: choose one of {', '.join(DIALECTS)}") from None


def detect(root) -> tuple[type[Dialect], str]:
    """(dialect, why) for the site at ``root``: the first whose files are there;
    Stackbit (the importer's historical layout, with its own message when nothing is
    found) otherwise."""
    for dialect in DIALECTS.values():
        if why := dialect.detect(root):
            return dialect, why
    return DIALECTS[DEFAULT], ""


__all__ = ["DIALECTS", "Dialect", "PageInput", "PostInput", "detect", "named"]
