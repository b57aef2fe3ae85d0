"""The fastest any Python page can be served here: a WSGI app that answers every request
with the same bytes (the file ``FLOOR_BODY``), optionally after one Redis GET
(``FLOOR_REDIS_URL``), as a page-cache hit makes. ``bench/http_bench.py`` runs it under
gunicorn beside Folio, so its figures say how much of a page's cost is Django's and how
much is gunicorn's, the kernel's and the load generator's on the same cores.
"""

import os
from pathlib import Path

import redis

BODY = Path(os.environ["FLOOR_BODY"]).read_bytes()
HEADERS = [("Content-Type", "text/html; charset=utf-8"), ("Content-Length", str(len(BODY)))]
REDIS_URL = os.environ.get("FLOOR_REDIS_URL")
REDIS = redis.Redis.from_url(REDIS_URL) if REDIS_URL else None


def application(environ, start_response):
    if REDIS is not None:
        REDIS.get("folio-floor:epoch")
    start_response("200 OK", HEADERS)
    return [BODY]
