"""Settings for running Folio on a developer's machine (the default for manage.py)."""

import os

from .base import *  # noqa: F403
from .base import env_list

# On by default here; benchmarks turn it off (DEBUG keeps every SQL query in memory).
DEBUG = os.environ.get("DJANGO_DEBUG", "true").lower() == "true"
# An obviously fake key: local sessions are worthless outside this machine.
SECRET_KEY = "django-insecure-local-development-key-not-for-production"
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
INTERNAL_IPS = ["127.0.0.1"]
# E-mails (review notices, contact forms) are printed, never sent, from a developer's machine.
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
