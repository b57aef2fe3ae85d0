"""Read load, an import and admin saves at once; nothing may fail and nothing may be lost.

    python bench/load_test.py [--seconds 60] [--connections 64] [--port 8501]
                              [--database-url postgres://...]

On 127.0.0.1 only, with throwaway production settings (a temporary SQLite file in WAL
mode, or the PostgreSQL database given, which is wiped): gunicorn with 2 workers serves
the site while, at the same time,

- ``wrk`` holds --connections connections for --seconds against the home page, post
  pages and tag pages;
- ``manage.py import_posts`` imports a generated site of 1,000 posts, then re-imports
  it with ``--force`` (rewriting every post) again and again until the load ends;
- a logged-in editor saves posts through the admin, by real HTTP POSTs, in a loop.

Then it reports requests served, non-2xx/3xx responses and socket errors (both must be
0) and the p99 latency, and checks that every imported post is present and matches its
file and every admin save is in the database. Everything it started is stopped.
"""

import argparse
import http.client
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PYTHON = sys.executable

WRK_SCRIPT = """
paths = {%(paths)s}
counter = 0
request = function()
  counter = counter + 1
  return wrk.format("GET", paths[(counter %% #paths) + 1])
end
done = function(summary, latency, requests)
  io.write(string.format(
    "WRK {\\"requests\\": %%d, \\"connect\\": %%d, \\"read\\": %%d, \\"write\\": %%d, " ..
    "\\"status\\": %%d, \\"timeout\\": %%d, \\"p50_ms\\": %%.1f, \\"p99_ms\\": %%.1f, " ..
    "\\"max_ms\\": %%.1f, \\"seconds\\": %%.1f}\\n",
    summary.requests, summary.errors.connect, summary.errors.read, summary.errors.write,
    summary.errors.status, summary.errors.timeout, latency:percentile(50) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000, summary.duration / 1e6))
end
"""


class Admin:
    """An editor's browser session: cookies, CSRF token, form posts."""

    def __init__(self, port):
        self.port = port
        self.cookies = {}

    def request(self, method, path, body=None):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            body = urlencode(body, doseq=True)
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name] = rest.split(";", 1)[0]
        content = response.read().decode()
        connection.close()
        return response.status, content

    def csrf(self, html):
        return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)

    def log_in(self, admin_path, username, password):
        _, html = self.request("GET", f"{admin_path}login/")
        status, _ = self.request(
            "POST",
            f"{admin_path}login/?next={admin_path}",
            {"csrfmiddlewaretoken": self.csrf(html), "username": username, "password": password},
        )
        assert status == 302, f"admin login answered {status}"


def admin_saves(admin, admin_path, post_ids, stop, outcome):
    """Save posts through the admin until told to stop; record what each post must hold."""
    from django.utils import timezone

    from blog.models import Post

    saves = 0
    while not stop.is_set():
        for pk in post_ids:
            if stop.is_set():
                break
            post = Post.objects.prefetch_related("tags").get(pk=pk)
            change = f"{admin_path}blog/post/{pk}/change/"
            status, html = admin.request("GET", change)
            assert status == 200, f"GET {change}: {status}"
            saves += 1
            body = f"{post.body}\n\nSaved through the admin, save {saves}."
            publish_at = timezone.localtime(post.publish_at)
            data = {
                "csrfmiddlewaretoken": admin.csrf(html),
                "title": post.title, "subtitle": post.subtitle, "slug": post.slug,
                "author": post.author_id or "", "tags": [t.pk for t in post.tags.all()],
                "status": post.status, "publish_at_0": publish_at.strftime("%Y-%m-%d"),
                "publish_at_1": publish_at.strftime("%H:%M:%S"), "excerpt": post.excerpt,
                "body": body, "extra": json.dumps(post.extra),
                "version": post.updated.isoformat(),
            }  # fmt: skip
            status, html = admin.request("POST", change, data)
            if status != 302:
                outcome["failed"].append(f"POST {change}: {status}")
                continue
            outcome["expected"][pk] = body
            outcome["saves"] = saves


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--port", type=int, default=8501)
    parser.add_argument("--posts", type=int, default=1000, help="posts in the imported site")
    parser.add_argument("--database-url", help="a PostgreSQL database to use (it is wiped)")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is not installed (apt install wrk)")

    tmp = Path(tempfile.mkdtemp(prefix="folio-load-"))
    admin_path = "/backstage/"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_SECRET_KEY": "throwaway-load-test-" + "k" * 40,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "false",  # plain HTTP on 127.0.0.1
        "DATABASE_URL": args.database_url or f"sqlite:///{tmp / 'db.sqlite3'}",
        "STATIC_ROOT": str(tmp / "static"),
        "MEDIA_ROOT": str(tmp / "media"),
        "DJANGO_ADMIN_URL": admin_path,
        # Production caches pages in Redis (required); a database and prefix of its own.
        "REDIS_URL": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/14"),
        "CACHE_KEY_PREFIX": f"folio-load-{os.getpid()}",
        "LOG_LEVEL": "WARNING",
        "FOLIO_LOGIN_FAILURE_LIMIT": "1000",
        "FOLIO_TRUSTED_PROXY_COUNT": "0",  # wrk and the admin connect to gunicorn directly
    }
    os.environ.update(env)
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from bench.generate_site import generate_site
    from blog.models import Post, Tag
    from tests.factories import make_author, make_post, make_tag

    call_command("migrate", verbosity=0)
    if args.database_url:
        call_command("flush", interactive=False, verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    get_user_model().objects.create_superuser("loadadmin", password="load-test-password")
    author = make_author(first_name="Load")
    tags = [make_tag(f"Topic {n}", slug=f"topic-{n}") for n in range(5)]
    seeded = [make_post(author=author, tags=tags[n % 5 : n % 5 + 2]) for n in range(40)]
    generate_site(tmp / "site", posts=args.posts, authors=20, images=20, seed=11)

    paths = ["/", "/blog/"] + [p.get_absolute_url() for p in seeded[:30]]
    paths += [t.get_absolute_url() for t in tags]
    (tmp / "paths.lua").write_text(WRK_SCRIPT % {"paths": ", ".join(json.dumps(p) for p in paths)})

    processes = []
    try:
        server = subprocess.Popen(
            [PYTHON, "-m", "gunicorn", "config.wsgi", "--workers", "2",
             "--bind", f"127.0.0.1:{args.port}", "--log-level", "warning"],
            cwd=ROOT, env=env,
        )  # fmt: skip
        processes.append(server)
        for _ in range(100):
            try:
                http.client.HTTPConnection("127.0.0.1", args.port, timeout=1).request("GET", "/")
                break
            except OSError:
                time.sleep(0.1)
        admin = Admin(args.port)
        admin.log_in(admin_path, "loadadmin", "load-test-password")

        stop = threading.Event()
        outcome = {"expected": {}, "failed": [], "saves": 0}
        saved_ids = [p.pk for p in seeded[30:]]  # not the pages wrk reads: no stale forms
        saver = threading.Thread(
            target=admin_saves, args=(admin, admin_path, saved_ids, stop, outcome)
        )  # noqa: E501
        started = time.perf_counter()
        wrk = subprocess.Popen(
            ["wrk", "-t", "4", "-c", str(args.connections), "-d", f"{args.seconds}s",
             "--timeout", "10s", "-s", str(tmp / "paths.lua"), f"http://127.0.0.1:{args.port}"],
            stdout=subprocess.PIPE, text=True,
        )  # fmt: skip
        processes.append(wrk)
        saver.start()
        # The import, then forced re-imports (every post rewritten) until the load ends,
        # so writes go on for the whole run.
        import_runs = []
        while wrk.poll() is None or not import_runs:
            command = [PYTHON, "manage.py", "import_posts", str(tmp / "site"), "-v", "0"]
            importer = subprocess.run(
                command + (["--force"] if import_runs else []),
                cwd=ROOT, env=env, capture_output=True, text=True,
            )  # fmt: skip
            import_runs.append(time.perf_counter() - started - sum(import_runs))
            if importer.returncode != 0:
                break
        wrk_output, _ = wrk.communicate(timeout=args.seconds + 60)
        stop.set()
        saver.join(timeout=60)
    finally:
        for process in processes:
            if process.poll() is None:
                process.terminate()
                process.wait(timeout=30)

    figures = json.loads(wrk_output.split("WRK ", 1)[1])
    socket_errors = sum(figures[k] for k in ("connect", "read", "write", "timeout"))
    problems = []
    if importer.returncode != 0:
        problems.append(f"import_posts exited {importer.returncode}: {importer.stderr[-500:]}")
    imported = Post.objects.exclude(source_path="")
    if imported.count() != args.posts:
        problems.append(f"{imported.count()} imported posts in the database, not {args.posts}")
    from blog.importing.frontmatter import load_yaml, split

    for post in imported.only("title", "source_path", "body_html"):
        meta_text, _, _ = split((tmp / "site" / post.source_path).read_text("utf-8-sig"))
        title = " ".join(str(load_yaml(meta_text)["title"]).split())
        if post.title != title or not post.body_html:
            problems.append(f"{post.source_path}: not intact in the database")
    for pk, body in outcome["expected"].items():
        post = Post.objects.get(pk=pk)
        if post.body != body or post.revisions.count() < 2:
            problems.append(f"post {pk}: the last admin save is not in the database")
    problems += outcome["failed"]
    if figures["status"]:
        problems.append(f"{figures['status']} responses were not 2xx/3xx")
    if socket_errors:
        problems.append(f"{socket_errors} socket errors")

    database = "PostgreSQL" if args.database_url else "SQLite (WAL)"
    print(f"database: {database}; gunicorn 2 workers; wrk {args.connections} connections")
    print(
        f"requests: {figures['requests']:,} in {figures['seconds']:.0f} s "
        f"({figures['requests'] / figures['seconds']:,.0f}/s); non-2xx/3xx: {figures['status']}; "
        f"socket errors: {socket_errors}; p50 {figures['p50_ms']:.1f} ms, "
        f"p99 {figures['p99_ms']:.1f} ms, max {figures['max_ms']:.0f} ms"
    )
    print(
        f"import of {args.posts} posts: {import_runs[0]:.1f} s, then {len(import_runs) - 1} "
        f"forced re-imports of all of them; last exit {importer.returncode}; "
        f"admin saves: {outcome['saves']} ({len(outcome['failed'])} failed)"
    )
    print(f"tags: {Tag.objects.count()}; posts: {Post.objects.count()}")
    shutil.rmtree(tmp, ignore_errors=True)
    if problems:
        print("FAILED:\n  " + "\n  ".join(problems[:30]))
        sys.exit(1)
    print("OK: every request answered, every imported and saved post intact")


if __name__ == "__main__":
    main()
