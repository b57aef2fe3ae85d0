"""WSGI entry point (gunicorn config.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")

application = get_wsgi_application()

# Pages a worker already holds are answered in front of Django (folio/pagecache.py).
from folio.pagecache import serve_cached  # noqa: E402  (needs the settings loaded)

application = serve_cached(application)
