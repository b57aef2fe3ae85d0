"""Settings for the test suite: fast, isolated, and as close to production as is useful."""

import os

from .base import *  # noqa: F403
from .base import BASE_DIR, CACHES, DATABASES

DEBUG = False
SECRET_KEY = "django-insecure-test-key"
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]

# Fast hashing: tests create users, and the default hasher is slow by design.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["NAME"] = BASE_DIR / "test-db.sqlite3"
    DATABASES["default"]["TEST"] = {"NAME": ":memory:"}
else:
    # One test database per run, so two suites on one server never trip over each other.
    DATABASES["default"]["TEST"] = {"NAME": f"test_folio_{os.getpid()}"}
    # No persistent connections: the live server's request threads would otherwise
    # keep theirs open, and the test database could not be dropped at the end.
    DATABASES["default"]["CONN_MAX_AGE"] = 0

# Static files need no collectstatic run in tests.
STORAGES = {
    "default": {"BACKEND": "folio.storage.AtomicFileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Serve static files from the finders: tests never run collectstatic.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

# Tests that exercise the page cache turn it on (tests/test_caching.py); the rest see
# every write on the next request without having to run on-commit callbacks.
FOLIO_PAGE_CACHE = False
# Runs of the suite sharing one Redis database must not see each other's pages.
CACHES["default"]["KEY_PREFIX"] = f"folio-test-{os.getpid()}"
# django-axes logs every login at INFO; in tests that is noise around real failures.
LOGGING["loggers"]["axes"] = {"level": "WARNING"}  # noqa: F405
