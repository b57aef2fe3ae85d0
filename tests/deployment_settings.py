"""config.settings.production with an in-process cache, for tests/test_deployment.py on a
machine without Redis: every check of the production settings still runs (they are
imported whole), and one gunicorn worker keeps the cache consistent."""

from config.settings.production import *  # noqa: F403

CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
