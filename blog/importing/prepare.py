"""The database-free half of importing a post: parse, resolve, rewrite, render.

:func:`prepare_batch` turns raw file bytes into :class:`PreparedPost` objects and
touches neither the database nor media storage, so the importer can run it in
worker processes on every core while the main process writes to the database.
"""

import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from django.core.files.storage import default_storage
from django.test.utils import override_settings

from blog.models import Post
from folio.rendering import html_to_text

from . import frontmatter, images, records
from .errors import ImportFileError
from .paths import Site

# Link and image destinations in markdown (inline and reference definitions) and
# src/href attributes in raw HTML: the places a body can point at a site file.
_URL_PATTERNS = [
    re.compile(r"(?P<lead>\]\(\s*<?)(?P<url>[^)\s>]+)"),
    re.compile(r"(?m)(?P<lead>^ {0,3}\[[^\]\n]+\]:\s*<?)(?P<url>[^\s>]+)"),
    re.compile(
        r"(?i)(?P<lead><(?:img|a|source)\b[^>]*?\b(?:src|href)\s*=\s*[\"']?)(?P<url>[^\"'\s>]+)"
    ),
]
IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".gif", ".webp", ".svg", ".avif", ".bmp", ".tif")


@dataclass
class PreparedPost:
    record: records.PostRecord  # with the body's links already rewritten
    rendering: tuple  # Post.rendering() of the rewritten body and the excerpt
    hero: images.CheckedImage | None
    thumb: images.CheckedImage | None
    images: set = field(default_factory=set)  # every CheckedImage the post uses
    #: (excerpt, body) as plain text, for the search index (search.indexing.document).
    text: tuple = ("", "")


@dataclass
class Skipped:
    reason: str
    #: A file whose old addresses redirect elsewhere (``redirect_to``): the target,
    #: and [(old address, origin)].
    redirect_to: str | None = None
    addresses: list = field(default_factory=list)


class ContentReader:
    """Reads what site files say; remembers each image it has checked."""

    def __init__(self, site: Site, site_host: str = ""):
        self.site = site
        self.site_host = site_host
        self._images = {}  # site-relative source -> CheckedImage, or a problem message

    def image(self, source, what, warnings):
        """The checked image at site-relative ``source``, or None with a warning."""
        if source not in self._images:
            try:
                self._images[source] = images.check(self.site, source)
            except (images.ImageProblem, ImportFileError, OSError) as exc:
                self._images[source] = str(exc)
        checked = self._images[source]
        if isinstance(checked, str):
            warnings.append(f"{what} {source}: {checked}; imported without it")
            return None
        return checked

    def image_at(self, written, what, warnings, base=None):
        """The checked image a path or URL written in content refers to, if any
        (a relative path read from ``base`` first: records.static_path)."""
        source = records.static_path(self.site, written, what, warnings, self.site_host, base)
        return self.image(source, what, warnings) if source else None

    def rewrite_body(self, body, warnings, used, base=None):
        """Point links and images at site-local image files to their stored copies;
        relative paths are read from ``base`` first (the dialect's
        ``image_base``: a page bundle's folder)."""

        def replace(match):
            url = match.group("url")
            try:
                parts = urlsplit(url)
            except ValueError:  # not a URL at all; the sanitizer deals with the link
                return match.group(0)
            # A full URL is the site's own file when it is on the site's host or a copy
            # of its repository (records.static_path); any other stays as it was.
            if not parts.path.lower().endswith(IMAGE_SUFFIXES):
                return match.group(0)
            problems = []
            checked = self.image_at(url, "body image", problems, base)
            warnings.extend(problems)
            if checked is None:
                return match.group(0)
            used.add(checked)
            return match.group("lead") + default_storage.url(checked.storage_name)

        for pattern in _URL_PATTERNS:
            body = pattern.sub(replace, body)
        return body

    def prepare_post(self, source: str, data: bytes):
        """A PreparedPost, or Skipped; ImportFileError says what is wrong with the file."""
        meta, found = frontmatter.read(frontmatter.decode(data))
        body, first_line = found.body, found.first_line
        dialect = self.site.dialect
        post_like, reason = dialect.is_post(meta)
        if not post_like:
            return Skipped(reason)
        body_line = first_line + found.text.count("\n") + 1
        read = dialect.read_post(self.site, source, meta, body, body_line)
        if read.skip:
            return Skipped(read.skip)
        if read.redirect_to:
            return Skipped("", read.redirect_to, read.addresses)
        base = dialect.image_base(self.site, source)
        record = records.parse_post(
            self.site,
            Path(source),
            read.meta,
            read.body,
            self.site_host,
            slug=read.slug,
            image_base=base,
        )
        record.warnings[:0] = read.warnings
        record.addresses = dialect.post_addresses(source, record, read)
        used = set()
        record.body = self.rewrite_body(record.body, record.warnings, used, base)
        hero = record.image and self.image(record.image, "image", record.warnings)
        thumb = record.thumb_image and self.image(
            record.thumb_image, "thumb_image", record.warnings
        )
        used |= {checked for checked in (hero, thumb) if checked}
        post = Post(body=record.body, excerpt=record.excerpt)
        rendering = post.rendering()
        text = (html_to_text(post.excerpt_html), post.body_text)
        return PreparedPost(record, rendering, hero or None, thumb or None, used, text)


# -- running in worker processes ----------------------------------------------------


def run_batch(reader: ContentReader, batch):
    """[(source, outcome)] for [(source, bytes)]; outcome is a PreparedPost, Skipped,
    or the message of what is wrong with the file."""
    results = []
    for source, data in batch:
        try:
            results.append((source, reader.prepare_post(source, data)))
        except ImportFileError as exc:
            results.append((source, str(exc)))
        except Exception as exc:  # a safety net: one file must never stop the others
            results.append((source, f"unexpected {type(exc).__name__}: {exc}"))
    return results


_worker_reader = None


def prepare_batch_in_worker(context, batch):
    """run_batch in a worker process; ``context`` is (site, site_host, settings).

    A worker process does not see settings overridden in the parent (tests do that),
    so the ones that matter travel with each batch.
    """
    global _worker_reader
    site, site_host, overrides = context
    if _worker_reader is None:  # one per process, and a pool lives for one import
        _worker_reader = ContentReader(site, site_host)
    with override_settings(**overrides):
        return run_batch(_worker_reader, batch)
