#!/usr/bin/env python3
"""HTTP benchmark: Folio under gunicorn, uncached and cached, against nginx serving a file.

One command::

    .venv/bin/python bench/http_bench.py [--posts 10000] [--duration 10] [--connections 32]

1. generates a site of N posts (bench/generate_site.py) and imports it with
   ``manage.py import_posts`` into a throwaway SQLite database (or --database-url),
   then runs ``collectstatic``;
2. starts gunicorn (config/gunicorn.conf.py, 2 workers, production settings with
   throwaway secrets) on 127.0.0.1 twice: with the page cache off and on;
3. starts nginx on 127.0.0.1 serving the post page saved as a static HTML file, and
   the recommended deployment: nginx with proxy_cache in front of the cached gunicorn
   (deploy/nginx/folio-proxy.conf, the same file docs/deploy.md uses); and, as the
   floor of any Python page on this machine, gunicorn serving the same bytes from a
   bare WSGI app (bench/floor_app.py), without and with one Redis GET;
4. loads home, a post page, a tag page and the RSS feed (when the project has one)
   with ``wrk`` for a bounded time and prints req/s, p50, p99 and the ratio to nginx.

Every process it starts is stopped on exit, including Ctrl-C. Needs ``wrk`` and
``nginx`` (Debian packages) and a Redis server (REDIS_URL, default 127.0.0.1:6379/14;
keys use a throwaway prefix and are deleted afterwards).
"""

import argparse
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PROXY_SNIPPET = ROOT / "deploy" / "nginx" / "folio-proxy.conf"
# Tried in order; the first that reverses is the RSS feed.
FEED_ROUTE_NAMES = ["blog:feed", "blog:rss", "blog:post-feed", "feed", "rss"]

TARGETS = """\
Targets: uncached post >= 600 req/s with p99 < 100 ms; cached page >= 3,000 req/s;
nginx proxy cache >= 50% of nginx static for cached pages."""


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--posts", type=int, default=10_000)
    parser.add_argument("--duration", type=int, default=10, help="seconds per wrk run")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--port", type=int, default=8201, help="first of 6 ports to use")
    parser.add_argument("--database-url", help="default: a throwaway SQLite file")
    parser.add_argument(
        "--redis-url", default=os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/14")
    )
    parser.add_argument(
        "--workdir",
        type=Path,
        help="keep the site and database here; re-used (no re-import) when it has one",
    )
    args = parser.parse_args(argv)
    for tool in ("wrk", "nginx"):
        if not find_tool(tool):
            parser.error(f"{tool} is not installed (apt-get install {tool})")

    processes = Processes()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="folio-http-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    workdir.chmod(0o755)  # nginx workers may run as another user
    env = django_env(workdir, args)
    try:
        prepare_site(workdir, env, args.posts)
        pages = page_urls(env)
        ports = range(args.port, args.port + 6)
        uncached_port, cached_port, static_port, proxy_port, bare_port, bare_redis_port = ports
        for port, cache in ((uncached_port, "false"), (cached_port, "true")):
            processes.start(
                "gunicorn",
                [BIN / "gunicorn", "-c", ROOT / "config" / "gunicorn.conf.py", "config.wsgi"],
                env={
                    **env,
                    "FOLIO_PAGE_CACHE": cache,
                    "WEB_CONCURRENCY": str(args.workers),
                    "GUNICORN_BIND": f"127.0.0.1:{port}",
                    "GUNICORN_ACCESS_LOG": "",
                    "GUNICORN_LOG_LEVEL": "warning",
                },
                log=workdir / f"gunicorn-{port}.log",
            )
        for port in (uncached_port, cached_port):
            wait_for(f"http://127.0.0.1:{port}/")
        static_root = workdir / "static-site"
        static_root.mkdir(exist_ok=True)
        post_html = fetch(f"http://127.0.0.1:{uncached_port}{pages['post']}")
        (static_root / "post.html").write_bytes(post_html)
        nginx_conf = write_nginx_conf(workdir, static_root, static_port, proxy_port, cached_port)
        processes.start(
            "nginx",
            [find_tool("nginx"), "-p", workdir, "-c", nginx_conf, "-g", "daemon off;"],
            log=workdir / "nginx.log",
        )
        wait_for(f"http://127.0.0.1:{static_port}/post.html")
        # The floor: the same bytes from a bare WSGI app under the same gunicorn.
        floors = {}
        for port, label, extra in (
            (bare_port, "gunicorn, bare WSGI app (same bytes)", {}),
            (
                bare_redis_port,
                "gunicorn, bare WSGI app + one Redis GET",
                {"FLOOR_REDIS_URL": args.redis_url},
            ),
        ):
            processes.start(
                "gunicorn",
                [
                    BIN / "gunicorn",
                    "-w",
                    str(args.workers),
                    "-b",
                    f"127.0.0.1:{port}",
                    "--log-level",
                    "warning",
                    "bench.floor_app:application",
                ],
                env={**env, "FLOOR_BODY": str(static_root / "post.html"), **extra},
                log=workdir / f"gunicorn-{port}.log",
            )
            floors[label] = port
        for port in floors.values():
            wait_for(f"http://127.0.0.1:{port}/")

        load = ", ".join(f"{n:.2f}" for n in os.getloadavg())
        print(f"\n{TARGETS}\nLoad average before the runs: {load} (other work on the box)")
        print(f"CPU check: {cpu_check():.2f} s for 10 million steps of a Python loop\n")
        static = run_wrk("nginx static file (post page)", static_port, "/post.html", args)
        rows = [static]
        for label, port in floors.items():
            rows.append(run_wrk(label, port, "/", args, static))
        for label, port in (
            ("gunicorn, page cache off", uncached_port),
            ("gunicorn, page cache on", cached_port),
            ("nginx proxy_cache -> gunicorn (recommended)", proxy_port),
        ):
            print(f"-- {label}")
            for name, path in pages.items():
                fetch(f"http://127.0.0.1:{port}{path}")  # fill the caches first
                rows.append(run_wrk(f"{label}: {name}", port, path, args, static))
        print_table(rows, static, args)
    finally:
        processes.stop_all()
        delete_cache_keys(args.redis_url, env["CACHE_KEY_PREFIX"])
        if not args.workdir:
            shutil.rmtree(workdir, ignore_errors=True)


# -- Preparing the site ------------------------------------------------------------


def django_env(workdir, args):
    return {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "FOLIO_"))},
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        # No certificates on a benchmark box: plain HTTP, not redirected to HTTPS.
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "DATABASE_URL": args.database_url or f"sqlite:///{workdir / 'db.sqlite3'}",
        "REDIS_URL": args.redis_url,
        "CACHE_KEY_PREFIX": f"folio-bench-{secrets.token_hex(4)}",
        "MEDIA_ROOT": str(workdir / "media"),
        "STATIC_ROOT": str(workdir / "static"),
        "LOG_LEVEL": "WARNING",
        # Requests come through the nginx of deploy/nginx/ (or straight to gunicorn when
        # nginx is measured off); the lockout is not what this measures.
        "FOLIO_TRUSTED_PROXY_COUNT": "1",
    }


def prepare_site(workdir, env, posts):
    if (workdir / "imported").exists():
        print(f"Re-using the site imported in {workdir}")
        # The code may have moved on since: bring the database up to its migrations.
        migrate = [sys.executable, "manage.py", "migrate", "--noinput", "-v0"]
        step("Migrating its database", migrate, env)
        return
    site = workdir / "site"
    python = [sys.executable]
    generate = [*python, ROOT / "bench" / "generate_site.py", site, "--posts", str(posts)]
    step(f"Generating a site of {posts:,} posts", [*generate, "--force"])
    step("Creating the database", [*python, "manage.py", "migrate", "--noinput", "-v0"], env)
    step("Importing it", [*python, "manage.py", "import_posts", site, "-v0"], env)
    collect = [*python, "manage.py", "collectstatic", "--noinput", "-v0"]
    step("Collecting static files", collect, env)
    (workdir / "imported").touch()


def step(title, command, env=None):
    started = time.perf_counter()
    print(f"{title} ...", end=" ", flush=True)
    subprocess.run(command, cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
    print(f"{time.perf_counter() - started:.1f} s")


def page_urls(env):
    """Home, a typical post, the busiest tag and the feed, from the imported data."""
    script = f"""
import json
from django.db.models import Count
from django.urls import NoReverseMatch, reverse
from blog.models import Post, Tag
published = Post.objects.published()
post = published.order_by("pk")[published.count() // 2]
tag = Tag.objects.filter(kind="tag").annotate(n=Count("posts")).order_by("-n").first()
pages = {{"home": reverse("home"), "post": post.get_absolute_url(), "tag": tag.get_absolute_url()}}
for name in {FEED_ROUTE_NAMES!r}:
    try:
        pages["feed"] = reverse(name)
        break
    except NoReverseMatch:
        pass
print(json.dumps(pages))
"""
    out = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", script],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    pages = json.loads(out.strip().splitlines()[-1])
    if "feed" not in pages:
        print("NOTICE: this project has no RSS feed route yet; skipping the feed.")
    return pages


# -- nginx -------------------------------------------------------------------------


def write_nginx_conf(workdir, static_root, static_port, proxy_port, app_port):
    user = "" if os.geteuid() != 0 else f"user {os.environ.get('USER', 'root')};"
    conf = workdir / "nginx.conf"
    conf.write_text(f"""
{user}
worker_processes auto;
pid {workdir}/nginx.pid;
error_log {workdir}/nginx-error.log warn;
events {{ worker_connections 1024; }}
http {{
    include /etc/nginx/mime.types;
    access_log off;
    sendfile on;
    tcp_nopush on;
    keepalive_requests 100000;
    client_body_temp_path {workdir}/nginx-tmp/body;
    proxy_temp_path {workdir}/nginx-tmp/proxy;
    fastcgi_temp_path {workdir}/nginx-tmp/fastcgi;
    uwsgi_temp_path {workdir}/nginx-tmp/uwsgi;
    scgi_temp_path {workdir}/nginx-tmp/scgi;
    # As in docs/deploy.md, with the cache in the work directory.
    proxy_cache_path {workdir}/nginx-cache levels=1:2 keys_zone=folio:10m max_size=1g
                     inactive=10m use_temp_path=off;
    upstream folio_app {{ server 127.0.0.1:{app_port}; keepalive 32; }}

    server {{  # the same post page, as a file
        listen 127.0.0.1:{static_port};
        root {static_root};
    }}
    server {{  # the recommended deployment, minus TLS
        listen 127.0.0.1:{proxy_port};
        location / {{
            include {PROXY_SNIPPET};
        }}
    }}
}}
""")
    (workdir / "nginx-tmp").mkdir(exist_ok=True)
    return conf


# -- Load ----------------------------------------------------------------------------


def run_wrk(label, port, path, args, static=None):
    url = f"http://127.0.0.1:{port}{path}"
    command = ["wrk", f"-t{args.threads}", f"-c{args.connections}", f"-d{args.duration}s"]
    out = subprocess.run(
        [*command, "--latency", url], check=True, capture_output=True, text=True
    ).stdout
    row = {"label": label, "url": url, **parse_wrk(out)}
    ratio = f", {row['rps'] / static['rps']:.0%} of nginx static" if static else ""
    errors = f", {row['errors']} ERRORS" if row["errors"] else ""
    print(
        f"   {label:60} {row['rps']:9,.0f} req/s  p50 {row['p50']:7.2f} ms"
        f"  p99 {row['p99']:7.2f} ms{ratio}{errors}"
    )
    return row


def parse_wrk(out):
    def latency(percent):
        value, unit = re.search(rf"^\s+{percent}%\s+([\d.]+)(us|ms|s)\s*$", out, re.M).groups()
        return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]

    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    socket_errors = re.search(r"Socket errors: (.*)", out)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "p50": latency(50),
        "p99": latency(99),
        "errors": int(errors.group(1)) if errors else 0,
        "socket_errors": socket_errors.group(1) if socket_errors else "",
    }


def print_table(rows, static, args):
    print(
        f"\nwrk -t{args.threads} -c{args.connections} -d{args.duration}s, "
        f"gunicorn {args.workers} sync workers, {os.cpu_count()} CPUs, posts={args.posts:,}\n"
    )
    print(f"| {'page':60} | {'req/s':>8} | {'p50 ms':>7} | {'p99 ms':>7} | vs nginx |")
    print(f"|{'-' * 62}|{'-' * 10}|{'-' * 9}|{'-' * 9}|{'-' * 10}|")
    for row in rows:
        print(
            f"| {row['label']:60} | {row['rps']:8,.0f} | {row['p50']:7.2f} | {row['p99']:7.2f} "
            f"| {row['rps'] / static['rps']:7.0%}  |"
        )


# -- Processes -------------------------------------------------------------------------


class Processes:
    """Every process this script started, to be stopped whatever happens."""

    def __init__(self):
        self.running = []

    def start(self, name, command, env=None, log=None):
        with open(log or os.devnull, "ab") as out:
            process = subprocess.Popen(
                [str(part) for part in command],
                cwd=ROOT,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group: workers stop with it
            )
        self.running.append((name, process))
        return process

    def stop_all(self):
        for name, process in reversed(self.running):
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM if name != "nginx" else signal.SIGQUIT)
        for _name, process in self.running:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        self.running.clear()


def wait_for(url, timeout=60):
    deadline = time.monotonic() + timeout
    while True:
        try:
            fetch(url)
            return
        except (OSError, urllib.error.URLError):
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def fetch(url):
    with urllib.request.urlopen(url, timeout=30) as response:
        if response.status != 200:
            raise OSError(f"{url} answered {response.status}")
        return response.read()


def cpu_check():
    """Seconds this Python takes for a fixed loop: compares machines (and moments)."""
    loop = "import time\nt = time.perf_counter()\ns = 0\nfor i in range(10_000_000): s += i\n"
    loop += "print(time.perf_counter() - t)"
    return float(
        subprocess.run([sys.executable, "-c", loop], capture_output=True, text=True).stdout
    )


def find_tool(name):
    return shutil.which(name) or shutil.which(name, path="/usr/sbin:/sbin")


def delete_cache_keys(redis_url, prefix):
    import redis

    try:
        client = redis.Redis.from_url(redis_url)
        keys = list(client.scan_iter(f"{prefix}:*", count=1000))
        if keys:
            client.delete(*keys)
    except redis.RedisError as exc:
        print(f"NOTICE: could not remove the benchmark's cache keys: {exc}", file=sys.stderr)


if __name__ == "__main__":
    socket.setdefaulttimeout(30)
    main()
