"""The one place that turns a path written in site content into a file on disk.

Every path the importer follows goes through :meth:`Site.resolve`, which refuses
absolute paths, ``..`` escapes and symlinks that lead out of the site root, so a
hostile site cannot make the importer read ``/etc/passwd``; and every file it reads,
through :meth:`Site.read_bytes`, which also refuses hard links (see there).
"""

import os
import stat
from dataclasses import dataclass, field, replace
from pathlib import Path

from django.conf import settings

from .errors import ImportFileError

MARKDOWN_SUFFIXES = {".md", ".markdown"}
# The Stackbit family's folders (blog/importing/dialects/stackbit.py), kept here for
# the code that names them.
DEFAULT_POSTS_DIR = "src/pages/blog"
POSTS_DIRS = (DEFAULT_POSTS_DIR, "src/pages/posts")
DEFAULT_PAGES_DIR = "src/pages"
DEFAULT_AUTHORS_DIR = "src/data/authors"
DEFAULT_STATIC_DIR = "static"
TAGS_DIR = "src/data/tags"
CATEGORIES_DIR = "src/data/categories"


@dataclass(frozen=True)
class Site:
    root: Path
    posts_dir: Path
    authors_dir: Path
    static_dir: Path
    pages_dir: Path = None
    #: Read files whose inode has other names too (see :meth:`read_bytes`).
    allow_hard_links: bool = False
    #: The generator's rules (blog/importing/dialects), bound to this site.
    dialect: object = None
    #: {folder as written: its real path} (:meth:`_realpath`), for the site's lifetime.
    _folders: dict = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def at(
        cls,
        root,
        posts_dir=None,
        authors_dir=None,
        static_dir=None,
        allow_hard_links=False,
        pages_dir=None,
        *,
        require_posts=True,
        dialect=None,
    ) -> "Site":
        """The layout of a site: the dialect named (``--dialect``) or detected from its
        files (blog/importing/dialects), with that dialect's folders where none are
        given, and the dialect bound to the site (its configuration read).

        Raises ImportFileError when the root is not a folder, the dialect is unknown, a
        folder lies outside the root, or (``require_posts``) it has nothing to import.
        """
        from . import dialects  # (the dialects read files through this module)

        root = Path(root).resolve()
        if not root.is_dir():
            raise ImportFileError(f"{root} is not a folder")
        if dialect:
            try:
                kind, reason = dialects.named(dialect), f"--dialect {dialect}"
            except ValueError as exc:
                raise ImportFileError(str(exc)) from None
        else:
            kind, reason = dialects.detect(root)
        probe = cls(root, root, root, root)
        folders = kind.folders()
        moved = kind.site_folders(root)
        flag = "--posts-dir"
        if posts_dir is None:
            flag, posts_dir = None, kind.posts_folder(root) or folders.posts
        site = cls(
            root=root,
            posts_dir=probe.resolve_folder(posts_dir, flag),
            authors_dir=probe.resolve_folder(
                authors_dir or moved.get("authors") or folders.authors, None
            ),
            static_dir=probe.resolve_folder(
                static_dir or moved.get("static") or kind.static_folder(root) or folders.static,
                None,
            ),
            pages_dir=probe.resolve_folder(
                pages_dir or moved.get("pages") or folders.pages,
                "--pages-dir" if pages_dir else None,
            ),
            allow_hard_links=allow_hard_links,
        )
        if require_posts and flag is None and (problem := kind().missing(site)):
            raise ImportFileError(problem)
        bound = kind().configure(site, reason)
        return replace(site, dialect=bound)

    def resolve_folder(self, relative, flag):
        path = self.resolve(relative, base=self.root, what="folder", must_exist=False)
        if flag and not path.is_dir():
            raise ImportFileError(f"{flag} {relative}: no such folder inside {self.root}")
        return path

    def resolve(self, written, *, base=None, what="file", must_exist=True) -> Path:
        """Resolve a path as written in the content, relative to ``base`` (default: root).

        Refuses absolute paths and anything that, after following ``..`` and symlinks,
        is not inside the site root. The file is never opened here.
        """
        return Path(self._resolved(written, base, what, must_exist))

    def _resolved(self, written, base, what, must_exist) -> str:
        """:meth:`resolve`, as a string (what :meth:`read_bytes` opens)."""
        written = str(written)
        if "\x00" in written:
            raise ImportFileError(f"{what} path {written!r} contains a NUL byte")
        if written.startswith(("/", "\\")) or (len(written) > 1 and written[1] == ":"):
            raise ImportFileError(f"{what} path {written!r} is absolute; it must be relative")
        candidate = os.path.join(base or self.root, written)
        try:
            resolved = self._realpath(candidate, must_exist)
        except FileNotFoundError:
            raise ImportFileError(f"{what} {written!r} does not exist") from None
        except (OSError, RuntimeError) as exc:  # symlink loops, overlong names
            raise ImportFileError(f"{what} {written!r} cannot be resolved: {exc}") from None
        root = str(self.root)
        if resolved != root and not resolved.startswith(root.rstrip(os.sep) + os.sep):
            raise ImportFileError(f"{what} {written!r} points outside the site root; not read")
        return resolved

    def _realpath(self, candidate: str, strict: bool) -> str:
        """``os.path.realpath(candidate, strict=strict)``, with the folder part of an
        existing file's path resolved once per folder (a site's posts share one): the
        file's own name is then looked at alone, and resolved in full if it is a
        symlink. Each name of a path costs an ``lstat``, and a re-run reads every file.
        """
        folder, name = os.path.split(candidate)
        if not strict or name in ("", ".", ".."):
            return os.path.realpath(candidate, strict=strict)
        real_folder = self._folders.get(folder)
        if real_folder is None:
            real_folder = self._folders[folder] = os.path.realpath(folder, strict=True)
        path = os.path.join(real_folder, name)
        if stat.S_ISLNK(os.lstat(path).st_mode):  # (FileNotFoundError when it is not there)
            return os.path.realpath(path, strict=True)
        return path

    def read_bytes(
        self, written, *, base=None, what="file", limit: int | None = None, limit_name=""
    ) -> bytes:
        """The bytes of the file a path written in the content names (see resolve),
        at most ``limit`` of them (the setting ``limit_name``, named in the error; by
        default ``FOLIO_IMPORT_MAX_FILE_BYTES``, the limit of every site file).

        A regular file whose inode has other links is refused unless the site allows
        hard links: a hard link cannot be told apart from the file it shares, which
        may live anywhere on the same file system (a copy of ``/etc/shadow`` made by
        ``ln``), and nothing in the site says which name is the original. Git never
        writes hard links into a checkout, so a real site has none.
        """
        if limit is None:
            limit, limit_name = settings.FOLIO_IMPORT_MAX_FILE_BYTES, "FOLIO_IMPORT_MAX_FILE_BYTES"
        path = self._resolved(written, base, what, True)
        try:
            # O_NOFOLLOW: the last component is the resolved path; were it swapped for
            # a symlink since, the open fails instead of following it.
            fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
        except OSError as exc:
            raise ImportFileError(
                f"{what} {self.relative(path)} cannot be read: {exc.strerror}"
            ) from None
        with open(fd, "rb") as file:
            info = os.fstat(file.fileno())
            if not stat.S_ISREG(info.st_mode):
                raise ImportFileError(f"{what} {self.relative(path)} is not a regular file")
            if info.st_nlink > 1 and not self.allow_hard_links:
                raise ImportFileError(
                    f"{what} {self.relative(path)} is a hard link ({info.st_nlink} names for "
                    "one file), so its content may come from outside the site; not read. "
                    "Copy it into place, or import with --allow-hard-links"
                )
            size = info.st_size
            data = file.read(limit + 1) if size <= limit else b""
        if size > limit or len(data) > limit:  # (or it grew while we read it)
            setting = f" ({limit_name})" if limit_name else ""
            raise ImportFileError(
                f"{max(size, len(data)):,} bytes is over the {limit:,}-byte limit for one "
                f"file{setting}"
            )
        return data

    def relative(self, path: Path) -> str:
        """The site-relative, POSIX-style name used in reports and as a source key."""
        text, root = os.fspath(path), str(self.root)
        if text.startswith(root + os.sep):  # (most: a string's slice, not a Path's parts)
            return text[len(root) + 1 :].replace(os.sep, "/")
        return Path(path).relative_to(self.root).as_posix()
