"""Production settings: every secret and host comes from the environment.

Starting without DJANGO_SECRET_KEY, DJANGO_ALLOWED_HOSTS, DATABASE_URL, REDIS_URL or
FOLIO_TRUSTED_PROXY_COUNT is refused rather than silently falling back to development
values.
"""

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import FOLIO_EXPORT_ROOT, MEDIA_ROOT, STATIC_ROOT, env_list, trusted_proxy_count


def required_env(name):
    value = os.environ.get(name, "").strip()
    if not value:
        raise ImproperlyConfigured(f"Set the {name} environment variable (production settings).")
    return value


DEBUG = False
SECRET_KEY = required_env("DJANGO_SECRET_KEY")
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS") or required_env("DJANGO_ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")
required_env("DATABASE_URL")  # read by base.database_from_env(); refuse SQLite by accident


# Behind nginx the peer of every request is nginx: unset, the login lockout would see
# one address for every reader. No default suits every deployment, so none is assumed.
FOLIO_TRUSTED_PROXY_COUNT = trusted_proxy_count(required=True)

# TLS terminates at the proxy (nginx); it tells us the original scheme.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = os.environ.get("DJANGO_SECURE_SSL_REDIRECT", "true").lower() == "true"
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", 60 * 60 * 24 * 365))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
X_FRAME_OPTIONS = "DENY"

# Hashed, compressed static files served by whitenoise; far-future cache headers.
STORAGES = {
    "default": {"BACKEND": "folio.storage.AtomicFileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Mail (FOLIO_REVIEW_EMAILS) goes through Django's SMTP backend, to this server.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", 25))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = os.environ.get("EMAIL_USE_TLS", "false").lower() == "true"
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "webmaster@localhost")

# The page cache and sessions are shared by every gunicorn worker (and every app
# server), so production needs a real shared cache: an in-process cache would let
# one worker serve a page another worker's write has already invalidated.
required_env("REDIS_URL")  # read by base.cache_from_env()
# Sessions read from Redis and survive a Redis restart because they are also in the
# database; the cache is not the only copy of anyone's login.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

# Uploads and collected static files live outside the code checkout; base.py reads
# MEDIA_ROOT and STATIC_ROOT from the environment (docs/deploy.md says where).

# The admin's site exports hold every draft and the site's configuration: never in a
# folder nginx serves to anyone.
for _public in (MEDIA_ROOT, STATIC_ROOT):
    if FOLIO_EXPORT_ROOT.resolve().is_relative_to(_public.resolve()):
        raise ImproperlyConfigured(
            f"FOLIO_EXPORT_ROOT ({FOLIO_EXPORT_ROOT}) is inside {_public}, which is served "
            "to anyone: give the site exports a private folder (docs/deploy.md)."
        )

# Everything to stdout: systemd/journald (or the container runtime) collects it.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {
        "stdout": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": "plain",
        }
    },
    "root": {"handlers": ["stdout"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
