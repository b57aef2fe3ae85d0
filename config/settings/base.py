"""Settings shared by every environment.

Environment-specific modules (local, test, production) import everything from here
and override what differs. Anything secret or host-specific is read from the
environment in production.py, never hard-coded here.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env_list(name, default=""):
    """A comma-separated environment variable as a list, empty items dropped."""
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


# The site's identity lives in the database (sitesettings.SiteSettings, edited in the
# admin, filled by import_posts); these are only the defaults of a brand-new site.
SITE_TITLE = os.environ.get("FOLIO_SITE_TITLE", "Folio")
SITE_DESCRIPTION = os.environ.get(
    "FOLIO_SITE_DESCRIPTION", "Essays, notes and stories, freshly published."
)
SITE_URL = os.environ.get("FOLIO_SITE_URL", "").rstrip("/")

INSTALLED_APPS = [
    # Django's admin with Folio's site: "View on site" only for what the user may see.
    "folio.apps.FolioAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    # Before staticfiles so runserver serves static files the way production does.
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "markdownx",
    "imagekit",
    "axes",
    "folio",  # the shared building blocks (folio/__init__.py)
    "authors",
    "blog",
    "pages",  # after blog: its catch-all route and models build on blog's
    "search",
    "sitesettings",
    "linkcheck",  # reads every app's content: last
]

MIDDLEWARE = [
    # First: a cached page is answered before anything else runs. It is stored with the
    # headers the middleware below gave it (CSP, security headers); static files and
    # uploads pass straight through.
    "folio.pagecache.PageCacheMiddleware",
    # So even SecurityMiddleware's HTTPS redirects and whitenoise's static files carry
    # the Content-Security-Policy (see CONTENT_SECURITY_POLICY below).
    "csp.middleware.CSPMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # A post's old addresses answer with a 301, consulted only on a 404 (docs/editors.md).
    "blog.middleware.RedirectFallbackMiddleware",
    # Counts failed logins (rate limiting, AXES_* below); last, as axes requires.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        # Readers' pages: Jinja2, from templates/ (folio/templating.py says why).
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [BASE_DIR / "templates"],
        "OPTIONS": {
            "environment": "folio.templating.environment",
            "context_processors": ["sitesettings.context_processors.site"],
        },
    },
    {
        # The admin, its overrides (blog/templates/admin/) and the libraries' own.
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        # Folio's overrides of the admin's own templates (admin/base_site.html): the
        # admin app comes first among the apps, so its copies would win there.
        "DIRS": [BASE_DIR / "folio" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]


def database_from_env(default_sqlite_path):
    """DATABASE_URL when set (PostgreSQL at scale), else the embedded SQLite file."""
    url = os.environ.get("DATABASE_URL")
    if url and not url.startswith("sqlite:"):
        # Persistent connections with health checks: no reconnect per request,
        # and a dropped connection is noticed before a request uses it.
        return dj_database_url.parse(url, conn_max_age=600, conn_health_checks=True)
    # sqlite:///path (production on one machine) gets the same tuning as the default file.
    path = dj_database_url.parse(url)["NAME"] if url else default_sqlite_path
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": path,
        # One connection per worker thread for its lifetime: opening the file and
        # running the PRAGMAs below cost about as much as a page's queries.
        "CONN_MAX_AGE": None,
        "OPTIONS": {
            # WAL lets readers proceed while a writer (an import, an admin save)
            # commits; synchronous=NORMAL is durable across app crashes in WAL mode
            # and avoids an fsync per transaction. IMMEDIATE transactions plus a busy
            # timeout turn concurrent writers into waits instead of "database is locked".
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
            ),
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        },
    }


DATABASES = {"default": database_from_env(os.environ.get("SQLITE_PATH", BASE_DIR / "db.sqlite3"))}


def cache_from_env():
    """Redis when REDIS_URL is set, else an in-process cache."""
    url = os.environ.get("REDIS_URL")
    if url:
        return {
            "BACKEND": "folio.cache.RedisCache",  # Django's, one client per pool
            "LOCATION": url,
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "folio"),
            # A Redis that stops answering (a network partition drops packets rather
            # than refusing them) must cost a request half a second, after which the
            # page is rendered uncached, not hang every worker until gunicorn kills it.
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "folio"}


CACHES = {"default": cache_from_env()}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
# Dates in imported front matter that carry no time zone are read in this zone.
TIME_ZONE = os.environ.get("FOLIO_TIME_ZONE", "UTC")
USE_I18N = False
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))

STORAGES = {
    # Files appear whole or not at all (a killed import or a full disk leaves no
    # truncated image behind a real name): folio/storage.py.
    "default": {"BACKEND": "folio.storage.AtomicFileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# The admin preview renders through the same pipeline as the public pages.
MARKDOWNX_MARKDOWNIFY_FUNCTION = "folio.rendering.render_markdown"
# Where editor uploads go (blog/uploads.py; limits: FOLIO_IMAGE_MAX_* below).
MARKDOWNX_MEDIA_PATH = "markdownx/%Y/%m/"
# What one writer can make the editor's endpoints do (blog/views.py, folio/throttle.py;
# docs/editors.md). A preview's request body is capped (its render time grows with
# it, linearly); previews and uploads are counted per user, (calls, seconds). The
# editor asks for a preview once typing pauses for half a second, so 120 a minute
# is more than a writer reaches.
FOLIO_PREVIEW_MAX_BYTES = int(os.environ.get("FOLIO_PREVIEW_MAX_BYTES", 256 * 1024))
FOLIO_PREVIEW_RATE = (int(os.environ.get("FOLIO_PREVIEWS_PER_MINUTE", 120)), 60)
FOLIO_UPLOAD_RATE = (int(os.environ.get("FOLIO_UPLOADS_PER_MINUTE", 30)), 60)

FOLIO_POSTS_PER_PAGE = 10

# Contact-form sections of landing pages (pages/contact.py; docs/editors.md). Each
# client address may send this many forms per window (calls, seconds): enough for a
# person who mistypes, too few for a script. Every submission is stored; when
# FOLIO_FORM_NOTIFY_EMAIL names addresses (comma-separated), each one is also
# e-mailed to them through Django's e-mail backend (EMAIL_* settings).
FOLIO_FORM_RATE = (int(os.environ.get("FOLIO_FORMS_PER_HOUR", 10)), 60 * 60)
FOLIO_FORM_NOTIFY_EMAIL = [
    address.strip()
    for address in os.environ.get("FOLIO_FORM_NOTIFY_EMAIL", "").split(",")
    if address.strip()
]
DEFAULT_FROM_EMAIL = os.environ.get("FOLIO_FROM_EMAIL", "folio@localhost")
# The SMTP server notifications go through (Django's SMTP backend).
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", 25))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = os.environ.get("EMAIL_USE_TLS", "false").lower() == "true"
EMAIL_TIMEOUT = 10  # a mail server that hangs must not hold a visitor's request for long

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# The admin can live somewhere less guessable than /admin/.
ADMIN_URL = os.environ.get("DJANGO_ADMIN_URL", "admin/").strip("/") + "/"
# Serve uploaded media from Django itself (fine for one machine; see docs/deploy.md).
SERVE_MEDIA = os.environ.get("FOLIO_SERVE_MEDIA", "true").lower() == "true"

# Image renditions (folio/images.py): made once, when their source image is saved, and
# assumed to exist afterwards: pages never check for them (no query or file-system call
# per image).
IMAGEKIT_DEFAULT_CACHEFILE_STRATEGY = "folio.images.RenditionsGeneratedOnSave"
IMAGEKIT_CACHEFILE_DIR = "renditions"
# Names renditions from the source's path and the spec's size (no per-save hashing).
IMAGEKIT_SPEC_CACHEFILE_NAMER = "folio.renditions.rendition_name"
# The page cache (folio/pagecache.py). Invalidation is exact (every write replaces the
# generations of the pages it affects), so pages may stay in our cache for long; what
# proxies and browsers keep cannot be invalidated, so their lifetimes stay short.
FOLIO_PAGE_CACHE = os.environ.get("FOLIO_PAGE_CACHE", "true").lower() == "true"
FOLIO_PAGE_CACHE_SECONDS = int(os.environ.get("FOLIO_PAGE_CACHE_SECONDS", 60 * 60 * 24))
FOLIO_PAGE_MAX_AGE = int(os.environ.get("FOLIO_PAGE_MAX_AGE", 60))
FOLIO_PAGE_SHARED_MAX_AGE = int(os.environ.get("FOLIO_PAGE_SHARED_MAX_AGE", 30))
# No cached lifetime reaches past the next scheduled publish time this returns.
FOLIO_PAGE_CACHE_HORIZON = "blog.caching.next_scheduled_publish"
# After a cache error, each process leaves the cache alone this long (folio/breaker.py):
# a Redis that stops answering costs one request a timeout, not every request.
FOLIO_CACHE_RETRY_SECONDS = float(os.environ.get("FOLIO_CACHE_RETRY_SECONDS", 5))

# Imported and uploaded images: byte and pixel limits (larger pixel counts are
# refused as possible decompression bombs before any pixel is decoded).
FOLIO_IMAGE_MAX_BYTES = 20 * 1024 * 1024
FOLIO_IMAGE_MAX_PIXELS = 40_000_000
# Source files larger than this are refused by the importer with a size message.
FOLIO_IMPORT_MAX_FILE_BYTES = 8 * 1024 * 1024
# Where the admin's "Export site" writes its .zip files: private, never under
# MEDIA_ROOT (which nginx serves to anyone). With FOLIO_EXPORT_ACCEL_REDIRECT (the
# internal nginx location that serves this folder, docs/deploy.md) nginx sends the
# file, so a long download never holds a gunicorn worker past its timeout.
FOLIO_EXPORT_ROOT = Path(os.environ.get("FOLIO_EXPORT_ROOT", BASE_DIR / "exports"))
FOLIO_EXPORT_ACCEL_REDIRECT = os.environ.get("FOLIO_EXPORT_ACCEL_REDIRECT", "")
#: Finished exports kept in FOLIO_EXPORT_ROOT; older ones are deleted as new ones start.
FOLIO_EXPORTS_KEPT = 3

# E-mail the editors when a writer's change to a live post awaits review (blog/review.py).
# Off by default: the admin's counts tell editors anyway. Sent through Django's e-mail
# backend (EMAIL_BACKEND; the console in local settings, SMTP from EMAIL_* in production).
FOLIO_REVIEW_EMAILS = os.environ.get("FOLIO_REVIEW_EMAILS", "false").lower() == "true"

# Security (docs/security.md) --------------------------------------------------------
# Content-Security-Policy on every response. No inline script anywhere: every script is
# a file (the admin's, markdownx's, and KaTeX's on readers' pages with math), and
# content can never frame, post or set a base elsewhere. style-src needs no
# 'unsafe-inline' either: the admin and KaTeX set styles through the DOM (CSSOM), which
# CSP allows, and the editor's preview links site.css (tests/test_browser_editor.py).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:", "https:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    },
}

# Login rate limiting (django-axes): after AXES_FAILURE_LIMIT failed logins for one
# username from one address, that pair is refused (HTTP 429) until the cool-off ends.
# Per (username, address), so an attacker cannot lock a real user out from elsewhere.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("FOLIO_LOGIN_FAILURE_LIMIT", 5))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("FOLIO_LOGIN_COOLOFF_MINUTES", 15)))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "folio.security.client_ip"


def trusted_proxy_count(required=False):
    """How many reverse proxies in front of the app append to X-Forwarded-For
    (FOLIO_TRUSTED_PROXY_COUNT). 0: the header is ignored, since any client can send
    one; with nginx in front, 1, and the address nginx saw is used. Production must say
    (``required``): behind nginx, 0 would make every reader 127.0.0.1 to the lockout."""
    raw = os.environ.get("FOLIO_TRUSTED_PROXY_COUNT", "").strip()
    if not raw and required:
        raise ImproperlyConfigured(
            "Set the FOLIO_TRUSTED_PROXY_COUNT environment variable (production settings). "
            "It is how many reverse proxies append to X-Forwarded-For: 1 behind nginx "
            "(docs/deploy.md), 0 if clients connect to gunicorn directly. Unset, every "
            "client behind a proxy has the proxy's address, and five wrong passwords from "
            "anyone lock an account for everyone."
        )
    if not raw:
        return 0
    if not raw.isdigit():
        raise ImproperlyConfigured(
            f"FOLIO_TRUSTED_PROXY_COUNT must be a whole number of proxies (0 or more), not "
            f"{raw!r}: 1 behind nginx (docs/deploy.md), 0 if clients connect to gunicorn "
            "directly."
        )
    return int(raw)


FOLIO_TRUSTED_PROXY_COUNT = trusted_proxy_count()
