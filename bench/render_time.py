#!/usr/bin/env python3
"""CPU time of one full render, alone on the machine and with every core rendering.

    .venv/bin/python bench/render_time.py --workdir /tmp/httpbench [--page post] [--requests 1000]

Runs the WSGI application in-process (production settings, page cache off, the site
imported by ``bench/http_bench.py --workdir``, made there if missing): first one
process, then one per CPU at once. A figure that grows when the other cores are busy
says the cores share what a render needs (hyperthreads of one physical core, a shared
cache), and so what two gunicorn workers can give at most: CPUs / time per render.
"""

import argparse
import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.http_bench import django_env, page_urls, prepare_site  # noqa: E402
from bench.page_cost import wsgi_get  # noqa: E402

WARM_UP = 50


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workdir", type=Path, required=True)
    parser.add_argument("--posts", type=int, default=10_000, help="when the site is made")
    parser.add_argument("--page", choices=["home", "post", "tag", "feed"], default="post")
    parser.add_argument("--requests", type=int, default=1000, help="renders per process")
    parser.add_argument(
        "--redis-url", default=os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/14")
    )
    args = parser.parse_args(argv)
    args.workdir.mkdir(parents=True, exist_ok=True)
    env = django_env(args.workdir, argparse.Namespace(database_url=None, **vars(args)))
    prepare_site(args.workdir, env, args.posts)
    env["FOLIO_PAGE_CACHE"] = "false"
    url = page_urls(env)[args.page]
    cpus = os.cpu_count()
    print(f"{args.page} ({url}), {args.requests} renders per process after {WARM_UP}")
    for processes in (1, cpus):
        with ProcessPoolExecutor(processes) as pool:
            jobs = [pool.submit(render_loop, env, url, args.requests) for _ in range(processes)]
            times = [job.result() for job in jobs]
        per_render = ", ".join(f"{ms:.2f}" for ms in times)
        print(f"  {processes} process(es) at once: {per_render} ms CPU per render")
    print(
        f"  at most {cpus / max(times) * 1000:,.0f} renders/s on {cpus} CPUs, nothing else running"
    )


def render_loop(env, url, requests):
    """Milliseconds of CPU per render of ``url``, in a fresh process."""
    os.environ.update(env)
    os.chdir(ROOT)
    from config.wsgi import application

    def render():
        status = wsgi_get(application, url)
        if not status.startswith("200"):
            raise SystemExit(f"{url} answered {status}")

    for _ in range(WARM_UP):
        render()
    started = time.process_time()
    for _ in range(requests):
        render()
    return (time.process_time() - started) / requests * 1000


if __name__ == "__main__":
    main()
