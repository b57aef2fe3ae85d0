"""Turning one source file into a plain record: what a post, author or tag *says*.

Nothing here touches the database or media storage; the planner and the writer do.
Every problem raises ImportFileError with a message naming the field and the reason.
"""

import datetime
import re
import unicodedata
import zoneinfo
from dataclasses import dataclass, field
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.utils.text import slugify

from folio.slugs import slug_error, slug_warning
from pages import addresses

from . import frontmatter
from .errors import ImportFileError
from .paths import CATEGORIES_DIR, TAGS_DIR, Site

# Front-matter keys that map onto model fields; every other key is kept in `extra`.
EXCERPT_KEYS = ("excerpt", "description", "summary")
POST_KEYS = {"title", "subtitle", "date", "author", "tags", "categories", "published", "draft"}
#: The unpublish date, in the vocabulary dialects hand records (Hugo's ``expiryDate``).
POST_KEYS |= {"expire_at"}
#: Where each Stackbit generation keeps a post's images, first found wins: the 2020
#: themes' ``image`` and ``thumb_image``; the 2019 themes' ``content_img_path`` (the
#: post page's image), ``img_path`` and ``thumb_img_path``. The key whose file is
#: imported is mapped; any other (an external URL, a missing file) stays in ``extra``
#: as it was written.
HERO_IMAGE_KEYS = ("image", "content_img_path", "img_path")
THUMB_IMAGE_KEYS = ("thumb_image", "thumb_img_path")
#: The image a post shares on social sites: ``social_image`` (a path, or ``{src, alt}``)
#: or the ``seo.extra`` entries of the 2020 themes named here. The card image of a post
#: that has no other.
SEO_IMAGE_NAMES = ("og:image", "twitter:image")


def alt_key_of(key):
    """The key of an image key's alt text: ``img_path`` → ``img_alt``, ``image`` →
    ``image_alt``."""
    return key.removesuffix("_path") + "_alt"


_SITE_IMAGE = "when it names an image of the site (else kept in extra)"
#: What each key of a post's front matter becomes, as ``import_posts --inspect`` says;
#: any other key is kept in ``extra``.
POST_KEY_MEANINGS = {
    "title": "the title",
    "subtitle": "the subtitle",
    "date": "the publish date (in TIME_ZONE when it has no offset)",
    "expire_at": "the unpublish date (readers stop seeing the post then)",
    "author": "the author (its data file)",
    "tags": "tags",
    "categories": "categories",
    "published": "the status (false: a draft)",
    "draft": "the status (true: a draft)",
    **{key: "the excerpt (the first of excerpt, description, summary)" for key in EXCERPT_KEYS},
    **{key: f"the hero image, {_SITE_IMAGE}" for key in HERO_IMAGE_KEYS},
    **{alt_key_of(key): "the hero image's alt text, with its image" for key in HERO_IMAGE_KEYS},
    **{key: f"the thumbnail, {_SITE_IMAGE}" for key in THUMB_IMAGE_KEYS},
    "seo": "kept in extra; its og:image is the card image of a post with no other",
    "social_image": "kept in extra; the card image of a post with no other",
    "stackbit_url_path": "kept in extra; the old address, redirected to the post",
    "permalink": "kept in extra; the old address, redirected to the post",
    "template": "kept in extra; says whether the file is a post (post, posts or none)",
}
AUTHOR_KEYS = {"first_name", "last_name", "name", "bio", "photo", "url", "website"}
POST_TEMPLATES = {None, "", "post", "posts"}
# Listing pages of the blog (the theme renders posts there): neither a post nor a page.
LISTING_TEMPLATES = {"blog"}
# Front-matter keys of a page that map onto its fields; every other key (a landing
# page's `sections`, `template`, `seo` whole) is kept in `extra`.
PAGE_KEYS = {"title", "subtitle", "image", "published", "draft", "stackbit_url_path"}
PAGE_KEYS |= {"meta_title", "meta_description", "description", "excerpt"}
MAX_TITLE = 300
# Publish dates a page can show and an archive can list (blog.urls.YearConverter).
MIN_YEAR, MAX_YEAR = 2, 9998
# A slug becomes one path segment of /blog/<slug>/ (folio.slugs refuses the characters
# that cannot be seen, controls included).
UNSAFE_SLUG = re.compile(r"[/\\?#%]")


@dataclass
class TagRef:
    kind: str  # "tag" or "category"
    slug: str
    name: str
    source: str = ""  # site-relative path of its data file, when it has one
    description: str = ""


@dataclass
class PostRecord:
    slug: str
    title: str
    subtitle: str
    publish_at: datetime.datetime
    draft: bool
    excerpt: str
    body: str
    author_source: str | None  # site-relative path of the author file
    image: str | None  # site-relative path of the image file (may not exist)
    thumb_image: str | None
    tags: list[TagRef]
    extra: dict
    warnings: list[str] = field(default_factory=list)
    image_alt: str = ""  # the hero image's alt text
    expire_at: datetime.datetime | None = None  # the unpublish date
    #: [(old address, origin)]: where the old site served it (the dialect says).
    addresses: list = field(default_factory=list)


@dataclass
class PageRecord:
    path: str  # the address the old site gave it, in the stored form (/about/)
    title: str
    subtitle: str
    draft: bool
    body: str
    image: str | None  # site-relative path of the hero image (may not exist)
    seo_title: str
    seo_description: str
    extra: dict
    warnings: list[str] = field(default_factory=list)


@dataclass
class AuthorRecord:
    slug: str
    first_name: str
    last_name: str
    bio: str
    photo: str | None
    website: str
    extra: dict


def is_post(meta: dict) -> tuple[bool, str]:
    """Whether front matter describes a post, and if not, why."""
    template = meta.get("template")
    if isinstance(template, str):
        template = template.strip().lower()
    elif template is not None:  # a list or mapping: no template we know (nor hashable)
        return False, f"template {template!r:.60} is not a post"
    if template in POST_TEMPLATES:
        return True, ""
    if template == "blog":
        return False, "the blog's listing page (template: blog), not a post"
    return False, f"template {template!r} is not a post"


def template_of(meta: dict):
    """The file's ``template`` (or ``layout``, as older themes call it), lower-cased;
    None when it has neither, or one that is not text."""
    template = meta.get("template", meta.get("layout"))
    return template.strip().lower() if isinstance(template, str) else None


def page_kind(meta: dict) -> tuple[bool, str]:
    """Whether front matter outside the posts folder describes a page, and if not, why."""
    template = template_of(meta)
    if template in LISTING_TEMPLATES:
        return False, f"the blog's listing page (template: {template}), not a page"
    if template in POST_TEMPLATES - {None, ""}:
        return False, (
            f"a post (template: {template}) outside the posts folder; import it with "
            "--posts-dir pointing at its folder"
        )
    return True, ""


def parse_page(
    site: Site, relative, meta: dict, body: str, address=None, image_base=None
) -> PageRecord:
    """A page; ``relative`` is the file's path inside the pages folder (``legal/terms.md``);
    ``address``, where the dialect says the old site served it; ``image_base``, the
    folder its relative image paths are read from first (a page bundle's)."""
    warnings = []
    written = address if address is not None else meta.get("stackbit_url_path")
    if written is not None and not isinstance(written, str):
        raise ImportFileError(f"stackbit_url_path must be text, not {_describe(written)}")
    if not written:
        # The file's place: index.md is its folder's address, about.md is /about/.
        parts = relative.with_suffix("").parts
        written = "/".join(parts[:-1] if parts[-1].lower() == "index" else parts)
    path = page_address(written)
    if warning := addresses.path_warning(path):
        warnings.append(f"in the address {path}, {warning}")
    title = _text(meta, "title", required=True, one_line=True)
    if len(title) > MAX_TITLE:
        raise ImportFileError(f"title is {len(title)} characters long; the limit is {MAX_TITLE}")
    seo = meta.get("seo") if isinstance(meta.get("seo"), dict) else {}
    seo_title = _text(seo, "title", one_line=True) or _text(meta, "meta_title", one_line=True)
    seo_description = next(
        (
            text
            for text in (
                _text(seo, "description"),
                _text(meta, "meta_description"),
                _text(meta, "description"),
                _text(meta, "excerpt"),
            )
            if text
        ),
        "",
    )
    return PageRecord(
        path=path,
        title=title,
        subtitle=_text(meta, "subtitle", one_line=True)[:MAX_TITLE],
        draft=meta.get("draft") is True or meta.get("published") is False,
        body=body,
        image=_image_field(site, meta, "image", warnings, base=image_base),
        seo_title=seo_title[:MAX_TITLE],
        seo_description=normalise_excerpt(seo_description),
        extra={key: value for key, value in meta.items() if key not in PAGE_KEYS},
        warnings=warnings,
    )


def page_address(written: str) -> str:
    """The stored form of a page's address as the old site wrote it (/about/), checked.

    An address Folio answers itself is returned all the same: the importer reports it.
    """
    path = addresses.normalise(written)
    if addresses.reserved(path) is None and (error := addresses.path_error(path)):
        raise ImportFileError(f"address {path} {error}")
    return path


def parse_post(
    site: Site, path, meta: dict, body: str, site_host: str = "", slug=None, image_base=None
) -> PostRecord:
    """A post; ``slug`` when the dialect gives one (else the file's stem); ``image_base``,
    the folder its relative image paths are read from first (a page bundle's)."""
    warnings = []
    slug = path.stem if slug is None else slug
    if UNSAFE_SLUG.search(slug) or not slug.strip():
        raise ImportFileError(f"file name {path.name!r} cannot be a URL slug")
    if error := slug_error(slug):
        raise ImportFileError(f"file name {path.name!r} cannot be a URL slug: it {error}")
    if warning := slug_warning(slug):
        warnings.append(f"slug {slug!r} {warning}")
    title = _text(meta, "title", required=True, one_line=True)
    if len(title) > MAX_TITLE:
        raise ImportFileError(f"title is {len(title)} characters long; the limit is {MAX_TITLE}")
    subtitle = _text(meta, "subtitle", one_line=True)[:MAX_TITLE]
    excerpt_key = next((key for key in EXCERPT_KEYS if key in meta), None)
    excerpt = normalise_excerpt(_text(meta, excerpt_key)) if excerpt_key else ""
    draft = meta.get("draft") is True or meta.get("published") is False
    author_source = None
    if meta.get("author") not in (None, ""):
        author_source = (
            site.dialect.author_source(site, meta["author"])
            if site.dialect is not None
            else author_path(site, meta["author"])
        )
    image, image_key = _first_image(site, meta, HERO_IMAGE_KEYS, warnings, site_host, image_base)
    thumb, thumb_key = _first_image(site, meta, THUMB_IMAGE_KEYS, warnings, site_host, image_base)
    if not image and not thumb:
        thumb = _social_image(site, meta, warnings, site_host, image_base)
    alt_key = image_key and alt_key_of(image_key)
    image_alt = _text(meta, alt_key, one_line=True)[:MAX_TITLE] if alt_key in meta else ""
    mapped = POST_KEYS | {excerpt_key, image_key, thumb_key} | ({alt_key} if image_alt else set())
    extra = {key: value for key, value in meta.items() if key not in mapped}
    tags = _tag_refs(site, meta, "tags", "tag", warnings)
    tags += _tag_refs(site, meta, "categories", "category", warnings)
    return PostRecord(
        slug=slug,
        title=title,
        subtitle=subtitle,
        publish_at=parse_date(meta.get("date")),
        expire_at=parse_date(meta["expire_at"]) if meta.get("expire_at") else None,
        draft=draft,
        excerpt=excerpt,
        body=body,
        author_source=author_source,
        image=image,
        thumb_image=thumb,
        tags=tags,
        extra=extra,
        warnings=warnings,
        image_alt=image_alt,
    )


def parse_author(path, meta: dict) -> AuthorRecord:
    first = _text(meta, "first_name", one_line=True)
    last = _text(meta, "last_name", one_line=True)
    if not first and not last:
        name = _text(meta, "name", one_line=True)
        first, _, last = name.partition(" ")
    if not first and not last:
        raise ImportFileError("no first_name, last_name or name")
    website = _text(meta, "url") or _text(meta, "website")
    if website and not website.startswith(("http://", "https://")):
        website = ""
    extra = {key: value for key, value in meta.items() if key not in AUTHOR_KEYS}
    photo = _text(meta, "photo") or None
    return AuthorRecord(
        slug=path.stem,
        first_name=first[:100],
        last_name=last[:100],
        bio=_text(meta, "bio"),
        photo=photo,
        website=website[:200],
        extra=extra,
    )


def parse_date(value) -> datetime.datetime:
    """Plain dates, ISO datetimes ('Z' or offsets) and YAML date objects, made aware.

    Dates without a time zone are read in the site's TIME_ZONE.
    """
    if value is None or value == "":
        raise ImportFileError("date is missing")
    if isinstance(value, bool) or not isinstance(value, str | datetime.date):
        raise ImportFileError(f"date must be a date, not {_describe(value)}")
    if isinstance(value, datetime.datetime):
        parsed = value
    elif isinstance(value, datetime.date):
        parsed = datetime.datetime.combine(value, datetime.time())
    else:
        text = value.strip()
        try:
            parsed = datetime.datetime.fromisoformat(text)
        except ValueError:
            raise ImportFileError(
                f"date {text!r} is not a valid date (expected YYYY-MM-DD)"
            ) from None
    return storable(parsed, zoneinfo.ZoneInfo(settings.TIME_ZONE), f"date {value!s:.40}")


def storable(parsed: datetime.datetime, zone, what: str) -> datetime.datetime:
    """``parsed``, on ``zone`` when it was written without one; ImportFileError naming
    ``what`` when the database cannot store it. (The database stores UTC: a date at the
    edge of the calendar whose offset carries it past year 9999 or before year 1 cannot
    be stored at all, and pages show years MIN_YEAR to MAX_YEAR.)"""
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=zone)
    try:
        in_utc = parsed.astimezone(datetime.UTC)
    except (OverflowError, ValueError):
        in_utc = None
    if in_utc is None or not MIN_YEAR <= in_utc.year <= MAX_YEAR:
        raise ImportFileError(f"{what} is out of range (years {MIN_YEAR} to {MAX_YEAR})")
    return parsed


def normalise_excerpt(text: str) -> str:
    """No no-break spaces, no trailing blank lines."""
    return "\n".join(line.rstrip() for line in text.replace("\u00a0", " ").splitlines()).strip()


def author_path(site: Site, value) -> str:
    """The site-relative path of an author file given as a path or a bare slug."""
    if not isinstance(value, str):
        raise ImportFileError(f"author must be a path or a name, not {_describe(value)}")
    value = value.strip()
    if "/" in value or value.endswith((".yaml", ".yml", ".json")):
        try:
            return site.relative(site.resolve(value, what="author file"))
        except ImportFileError as exc:
            raise ImportFileError(f"author: {exc}") from None
    for suffix in (".yaml", ".yml", ".json"):
        try:
            found = site.resolve(value + suffix, base=site.authors_dir, what="author file")
        except ImportFileError:
            continue
        return site.relative(found)
    raise ImportFileError(
        f"author {value!r}: no {value}.yaml or {value}.json in {site.relative(site.authors_dir)}"
    )


def _first_image(site, meta, keys, warnings, site_host, base=None):
    """(site-relative path, key) of the first of ``keys`` naming one of the site's own
    image files; (None, None) if none does."""
    for key in keys:
        if (found := _image_field(site, meta, key, warnings, site_host, base)) is not None:
            return found, key
    return None, None


def _image_field(site, meta, key, warnings, site_host="", base=None):
    value = meta.get(key)
    if value in (None, ""):
        return None
    if not isinstance(value, str):
        warnings.append(f"{key}: expected an image path, got {_describe(value)}; ignored")
        return None
    return static_path(site, value, key, warnings, site_host, base)


def _social_image(site, meta, warnings, site_host, base=None):
    """The site's own image that the post shares on social sites (SEO_IMAGE_NAMES)."""
    social = meta.get("social_image")
    candidates = [("social_image", social.get("src") if isinstance(social, dict) else social)]
    seo = meta.get("seo")
    entries = seo.get("extra") if isinstance(seo, dict) else None
    for entry in entries if isinstance(entries, list) else []:
        if isinstance(entry, dict) and entry.get("name") in SEO_IMAGE_NAMES:
            candidates.append((f"seo {entry['name']}", entry.get("value")))
    for what, value in candidates:
        if isinstance(value, str) and value.strip():
            if found := static_path(site, value, what, warnings, site_host, base):
                return found
    return None


def static_path(
    site: Site, url: str, what: str, warnings: list, site_host: str = "", base=None
) -> str | None:
    """The site-relative path of the site's own file that a URL or path refers to.

    A relative path ('cat.jpg', not '/cat.jpg') is read from ``base`` first, when given:
    the folder of a page bundle, whose images sit beside its text.

    Accepts 'images/x.jpg' and '/images/x.jpg' (under static/), URL-encoded names, full
    URLs on the site's own host (with or without ``www.``), and full URLs of a copy of
    the site's repository elsewhere (a CDN or raw-file host) -- see
    :func:`_repository_copy`. Returns None for any other URL (an external image stays
    as it was), and None with a warning when a local file is missing or outside.
    """
    try:
        parts = urlsplit(url.strip())
    except ValueError as exc:  # e.g. "http://[" (an unclosed IPv6 host)
        warnings.append(f"{what}: {url[:80]!r} is not a valid URL ({exc})")
        return None
    if parts.scheme or parts.netloc:
        if parts.scheme not in {"http", "https"}:
            return None
        if not (site_host and _same_host(parts.hostname, site_host)):
            return _repository_copy(site, unquote(parts.path))
    relative = unquote(parts.path).lstrip("/")
    if not relative:
        return None
    if base is not None and not parts.path.startswith("/") and not parts.netloc:
        try:
            found = site.resolve(relative, base=base, what=what)
        except ImportFileError:
            found = None
        if found is not None and found.is_file():
            return site.relative(found)
    try:
        return site.relative(site.resolve(relative, base=site.static_dir, what=what))
    except ImportFileError as exc:
        warnings.append(f"{exc}; imported without it")
        return None


def _same_host(host, site_host):
    return (host or "").removeprefix("www.") == site_host.removeprefix("www.")


def _repository_copy(site: Site, url_path: str) -> str | None:
    """The site file that a URL on another host copies, if its path ends with the
    file's path in the site's repository (two segments or more, longest first):
    ``https://raw.githubusercontent.com/me/blog/main/static/images/x.jpg`` or
    ``https://cdn.jsdelivr.net/gh/me/blog@main/static/images/x.jpg`` is the site's
    ``static/images/x.jpg``. A bare file name is not enough to claim a file."""
    segments = [segment for segment in url_path.split("/") if segment]
    for start in range(len(segments) - 1):
        try:
            found = site.resolve("/".join(segments[start:]), what="image")
        except ImportFileError:
            continue
        if found.is_file():
            return site.relative(found)
    return None


def _tag_refs(site, meta, key, kind, warnings):
    value = meta.get(key)
    if value in (None, ""):
        return []
    if isinstance(value, str):
        value = [part for part in value.split(",")]
    if not isinstance(value, list):
        warnings.append(f"{key}: expected a list, got {_describe(value)}; ignored")
        return []
    refs = []
    for item in value:
        if not isinstance(item, str | int | float) or isinstance(item, bool):
            warnings.append(f"{key}: {_describe(item)} is not a {kind} name; ignored")
            continue
        item = str(item).strip()
        if not item:
            continue
        if item.endswith((".yaml", ".yml", ".json")) and "/" in item:
            ref = tag_from_file(site, item, kind, warnings)
        else:
            ref = TagRef(kind=kind, slug=tag_slug(item), name=item[:100])
        if ref and ref.slug:
            refs.append(ref)
    return refs


def tag_from_file(site: Site, written: str, kind: str, warnings: list) -> TagRef | None:
    """A tag or category described by a data file (id, title, description)."""
    try:
        path = site.resolve(written, what=f"{kind} file")
        data = site.read_bytes(site.relative(path))
    except ImportFileError as exc:
        warnings.append(f"{kind}: {exc}")
        return None
    ref = TagRef(kind=kind, slug=tag_slug(path.stem), name=path.stem, source=site.relative(path))
    try:
        meta = frontmatter.load_yaml(frontmatter.decode(data), what="")
    except ImportFileError as exc:
        # Real sites hold tag files that are not valid YAML; the tag still exists.
        warnings.append(f"{kind} file {ref.source}: {exc}; using its file name as the name")
        return ref
    title = meta.get("title") or meta.get("id")
    if isinstance(title, str | int) and str(title).strip():
        ref.name = str(title).strip()[:100]
    if isinstance(meta.get("description"), str):
        ref.description = meta["description"]
    return ref


def tag_files(site: Site):
    """(kind, path) of every tag and category data file in the site."""
    for kind, folder in (("tag", TAGS_DIR), ("category", CATEGORIES_DIR)):
        directory = site.root / folder
        if directory.is_dir():
            for path in sorted(directory.iterdir()):
                if path.suffix in {".yaml", ".yml", ".json"}:
                    yield kind, site.relative(path)


def tag_slug(name: str) -> str:
    return slugify(unicodedata.normalize("NFKC", name), allow_unicode=True)[:120]


def _text(meta, key, *, required=False, one_line=False) -> str:
    value = meta.get(key)
    if value is None or value == "":
        if required:
            raise ImportFileError(f"{key} is missing")
        return ""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise ImportFileError(f"{key} must be text, not {_describe(value)}")
    text = str(value)
    if one_line:
        text = " ".join(text.split())
    return text


def _describe(value):
    if isinstance(value, list):
        return f"a list of {len(value)} items"
    if isinstance(value, dict):
        return "a mapping"
    return f"{type(value).__name__} {value!r}"[:80]
