"""``import_posts SITE --inspect``: what Folio finds in a site, before anything is written.

Which layout, where posts, authors, data, images and the site's rules live, and for
every key the posts' front matter holds, how many files use it and what it becomes.
It reads the files as an import would (inside the root, within the size limit, the
safe YAML loader) and writes nothing.
"""

from collections import Counter
from pathlib import Path

from . import addresses, frontmatter
from .errors import ImportFileError
from .paths import Site
from .prepare import IMAGE_SUFFIXES

_DATA_SUFFIXES = {".yaml", ".yml", ".json", ".js", ".cjs", ".mjs"}
_SHOWN_ERRORS = 5


def inspect_site(site: Site, posts_dir_given: bool) -> list[str]:
    """The lines ``--inspect`` prints."""
    dialect = site.dialect
    posts = [p for p in dialect.post_files(site) if p.suffix.lower() in dialect.post_suffixes]
    why = f" ({dialect.reason})" if dialect.reason else " (nothing recognised; the default)"
    lines = [
        f"Site: {site.root}",
        f"Dialect: {dialect.name}{why}",
        f"Layout: {dialect.layout(site, posts_dir_given)}",
        "Where things are:",
    ]
    data_dir = dialect.data_folder(site)
    found = [
        ("posts", site.posts_dir, f"{len(posts)} markdown files"),
        ("pages", site.pages_dir, f"{len(dialect.page_files(site))} files"),
        ("authors", site.authors_dir, f"{len(_files(site.authors_dir, _DATA_SUFFIXES))} files"),
        ("data", data_dir, f"{len(_files(data_dir, _DATA_SUFFIXES))} files"),
        ("images", site.static_dir, f"{len(_files(site.static_dir, IMAGE_SUFFIXES))} images"),
    ]
    for what, folder, count in found:
        where = f"{site.relative(folder)}/ ({count})" if folder.is_dir() else "not found"
        lines.append(f"  {what:<10} {where}")
    for what, names in (("redirects", addresses.REDIRECT_FILES), ("config", dialect.config_files)):
        present = [name for name in names if (site.root / name).is_file()]
        lines.append(f"  {what:<10} {', '.join(present) or 'none'}")
    lines += dialect.describe(site)

    keys, kinds, errors = Counter(), Counter(), []
    for path in posts:
        source = site.relative(path)
        try:
            data = site.read_bytes(source)
            meta, _ = frontmatter.read(frontmatter.decode(data))
        except ImportFileError as exc:
            errors.append(f"{source}: {exc}")
            continue
        is_post, reason = dialect.is_post(meta)
        if is_post:
            try:
                skip = dialect.read_post(site, source, dict(meta), "").skip
            except ImportFileError as exc:
                errors.append(f"{source}: {exc}")
                continue
            is_post, reason = not skip, skip or reason
        kinds["post" if is_post else reason] += 1
        if is_post:
            keys.update(str(key) for key in meta)
    lines.append(f"Files in the posts folder: {kinds['post']} posts")
    for reason, count in sorted(kinds.items()):
        if reason != "post":
            lines.append(f"  {count} skipped: {reason}")
    for error in errors[:_SHOWN_ERRORS]:
        lines.append(f"  cannot be read: {error}")
    if len(errors) > _SHOWN_ERRORS:
        lines.append(f"  … and {len(errors) - _SHOWN_ERRORS} more that cannot be read")
    if keys:
        lines.append("Front-matter keys of the posts (files using it → what it becomes):")
        width = max(len(key) for key in keys)
        for key, count in sorted(keys.items(), key=lambda item: (-item[1], item[0])):
            meaning = dialect.key_meanings.get(key, "kept in extra")
            lines.append(f"  {key:<{width}}  {count:>5} → {meaning}")
    return lines


def _files(folder: Path, suffixes) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(
        p for p in folder.rglob("*") if p.suffix.lower() in suffixes and not p.is_symlink()
    )
