#!/usr/bin/env python3
"""What one request costs, in CPU instructions: a figure that does not move with the load.

    .venv/bin/python bench/page_cost.py --workdir /tmp/httpbench [--requests 20]

Wall-clock benchmarks on a shared 2-core machine drift by 20-40% from one minute to the
next; an instruction count does not. For home, a post page, the busiest tag page and
the RSS feed -- page cache off (a full render) and on (a hit) -- this runs the WSGI
application in-process under valgrind's callgrind, once with a few warm-up requests
and once with ``--requests`` (renders) or ``--hits`` more, and prints the difference
per request. Production
settings, the site imported by ``bench/http_bench.py --workdir`` (made there if
missing), the Redis cache. Needs valgrind (Debian package) and Redis.

Instructions include the Python interpreter's work and SQLite's (in-process), not the
Redis server's or the kernel's; a cache hit's round trip to Redis costs wall time this
does not show.
"""

import argparse
import io
import os
import re
import secrets
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.http_bench import delete_cache_keys, django_env, page_urls, prepare_site  # noqa: E402

WARM_UP = 10
# Runs inside valgrind: REQUESTS requests of URL through the WSGI application.
DRIVER = """
import sys
from bench.page_cost import wsgi_get
from config.wsgi import application
url, count = sys.argv[1], int(sys.argv[2])
for _ in range(count):
    wsgi_get(application, url)
"""


def wsgi_get(application, url):
    """One GET of ``url`` through the WSGI ``application``, in this process; its status."""
    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": url,
        "QUERY_STRING": "",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8000",
        "HTTP_HOST": "127.0.0.1",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(),
        "wsgi.errors": sys.stderr,
    }
    statuses = []
    body = application(environ, lambda status, headers: statuses.append(status))
    b"".join(body)
    getattr(body, "close", lambda: None)()
    return statuses[0]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workdir", type=Path, required=True)
    parser.add_argument("--posts", type=int, default=10_000, help="when the site is made")
    parser.add_argument("--requests", type=int, default=10, help="full renders measured")
    parser.add_argument(
        "--hits", type=int, default=200, help="cache hits measured (each is small: more)"
    )
    parser.add_argument(
        "--redis-url", default=os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/14")
    )
    args = parser.parse_args(argv)
    if not shutil.which("valgrind"):
        parser.error("valgrind is not installed (apt-get install valgrind)")
    args.workdir.mkdir(parents=True, exist_ok=True)
    env = django_env(args.workdir, argparse.Namespace(database_url=None, **vars(args)))
    prepare_site(args.workdir, env, args.posts)
    pages = page_urls(env)

    print(
        f"\nM instructions per request ({args.requests} renders, {args.hits} hits, "
        f"after {WARM_UP} warm-up requests)\n"
    )
    print(f"| {'page':6} | {'page cache off':>14} | {'page cache on (hit)':>19} |")
    print(f"|{'-' * 8}|{'-' * 16}|{'-' * 21}|")
    for name, url in pages.items():
        off = per_request(url, {**env, "FOLIO_PAGE_CACHE": "false"}, args.requests, args)
        on = per_request(url, {**env, "FOLIO_PAGE_CACHE": "true"}, args.hits, args)
        print(f"| {name:6} | {off / 1e6:14.2f} | {on / 1e6:19.2f} |")


def per_request(url, env, requests, args):
    # A fresh key prefix each run: every run starts with an empty page cache.
    def run(count):
        command = [
            "valgrind",
            "--tool=callgrind",
            "--callgrind-out-file=/dev/null",
            sys.executable,
            "-c",
            DRIVER,
            url,
            str(count),
        ]
        prefix = f"folio-cost-{secrets.token_hex(4)}"
        try:
            out = subprocess.run(
                command,
                cwd=ROOT,
                env={**env, "CACHE_KEY_PREFIX": prefix, "PYTHONPATH": str(ROOT)},
                capture_output=True,
                text=True,
                check=True,
            ).stderr
        finally:
            delete_cache_keys(args.redis_url, prefix)
        return int(re.search(r"Collected : (\d+)", out).group(1))

    return (run(WARM_UP + requests) - run(WARM_UP)) / requests


if __name__ == "__main__":
    main()
