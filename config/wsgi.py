"""WSGI entry point (gunicorn config.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")

application = get_wsgi_application()

# Needs the settings loaded, hence below.
from folio.pagecache import serve_cached  # noqa: E402
from folio.security import last_resort  # noqa: E402

# Pages a worker already holds are answered in front of Django (folio/pagecache.py);
# outermost, whatever escapes both is a 500 page with the site's security headers,
# never the bare one of the WSGI server (folio/security.py).
application = last_resort(serve_cached(application))
