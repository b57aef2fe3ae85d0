#!/usr/bin/env python3
"""Faults, on purpose: the site keeps answering, and nothing is lost or half-written.

    .venv/bin/python bench/faults.py [--case redis|postgres|kill|disk|all] [--workdir DIR]

Loopback only; every server it needs is its own (a Redis and a PostgreSQL cluster on
ports of their own, in a temporary folder), so the machine's services are never
touched. Each case is bounded (under a minute) and prints its figures:

``redis``     gunicorn (2 workers, page cache on) under load from 8 client threads. Redis
              is frozen (SIGSTOP: it stops answering, as in a network partition) for 8 s,
              then stopped outright and restarted empty. A post is edited during each
              outage. Figures: requests and non-200 answers in each phase, p99 latency,
              and stale answers -- the edited post's old title served after the edit.
``postgres``  the same load with the page cache off, so every request queries the
              database; PostgreSQL is restarted (``pg_ctl restart -m fast``), then
              stopped for 5 s and started. Figures: failed requests and the window in
              which they fell, and whether gunicorn's workers are the same processes
              before and after (no restart needed).
``kill``      ``manage.py import_posts`` is killed with SIGKILL at a random moment, 20
              times, on a site whose files change between runs. After each kill, every
              post must be exactly one version of its file (title, body, tags and the
              stored hash agree); then a last run must complete and leave the search
              index, post links and renditions whole.
``disk``      the import writes its media to a 3 MB tmpfs that fills up halfway (needs
              root for ``mount``; skipped with a notice otherwise). Every file that
              could not be stored gets an error line naming it and the reason, no
              traceback, and no database row points at a missing or truncated file.
              On the full disk, an editor upload and an admin photo upload are
              refused with a message and save nothing. With room again, the next
              run completes.

Exit status 1 if any case fails a check.
"""

import argparse
import contextlib
import json
import os
import random
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.http_bench import Processes, find_tool, wait_for  # noqa: E402
from bench.killing import (  # noqa: E402
    DERIVED,
    django_shell,
    finish,
    generate,
    kill_imports,
    manage,
    whole,
)

PYTHON = sys.executable
BIN = Path(sys.executable).parent
PG_BIN = next(iter(sorted(Path("/usr/lib/postgresql").glob("*/bin"))), None)


# -- What every case shares ----------------------------------------------------------------


def django_env(workdir, database_url, redis_url, **extra):
    """Production settings with throwaway secrets, on loopback."""
    return {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "FOLIO_"))},
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "FOLIO_TRUSTED_PROXY_COUNT": "0",  # clients connect directly
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "CACHE_KEY_PREFIX": f"folio-faults-{secrets.token_hex(4)}",
        "MEDIA_ROOT": str(workdir / "media"),
        "STATIC_ROOT": str(workdir / "static"),
        "LOG_LEVEL": "ERROR",
        **extra,
    }


def free_port():
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Redis:
    """A Redis server of our own."""

    def __init__(self, processes, workdir):
        self.processes, self.workdir, self.port = processes, workdir, free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = None

    def start(self):
        self.process = self.processes.start(
            "redis",
            [find_tool("redis-server"), "--port", self.port, "--bind", "127.0.0.1"]
            + ["--save", "", "--appendonly", "no", "--dir", self.workdir],
            log=self.workdir / "redis.log",
        )
        deadline = time.monotonic() + 10
        while not self.ping():
            if time.monotonic() > deadline:
                raise RuntimeError("redis-server did not start")
            time.sleep(0.05)

    def ping(self):
        import redis

        try:
            return redis.Redis(port=self.port, socket_timeout=0.5).ping()
        except redis.RedisError:
            return False

    def signal(self, number):
        os.kill(self.process.pid, number)

    def stop(self):
        self.process.terminate()
        self.process.wait(10)


class Postgres:
    """A PostgreSQL cluster of our own, in the work folder (as user postgres when root)."""

    def __init__(self, workdir):
        self.dir = workdir / "pg"
        self.port = free_port()
        self.url = f"postgres://postgres@127.0.0.1:{self.port}/folio"
        self.as_user = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []

    def run(self, *args, check=True):
        return subprocess.run(
            [*self.as_user, *map(str, args)], check=check, capture_output=True, text=True
        )

    def init(self):
        self.dir.mkdir()
        if self.as_user:
            shutil.chown(self.dir, "postgres")
            shutil.chown(self.dir.parent, "postgres")
        self.run(PG_BIN / "initdb", "-D", self.dir, "-U", "postgres", "--auth=trust", "-E", "UTF8")
        self.start()
        self.run(PG_BIN / "createdb", "-h", "127.0.0.1", "-p", self.port, "-U", "postgres", "folio")

    def pg_ctl(self, *args):
        options = f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1"
        return self.run(
            PG_BIN / "pg_ctl", "-D", self.dir, "-l", self.dir / "log", "-o", options, "-w", *args
        )

    def start(self):
        self.pg_ctl("start")

    def stop(self):
        self.pg_ctl("stop", "-m", "fast")

    def restart(self):
        self.pg_ctl("restart", "-m", "fast")

    def destroy(self):
        with contextlib.suppress(Exception):
            self.pg_ctl("stop", "-m", "immediate")


class Load:
    """Client threads requesting pages in turn, recording when and what came back."""

    def __init__(self, port, paths, threads=8, watch=None):
        self.port, self.paths, self.threads = port, paths, threads
        self.watch = watch or {}  # path -> callable(body) -> label recorded with the answer
        self.records = []  # (started, seconds, path, status, label)
        self.stopping = threading.Event()

    def _worker(self, offset):
        n = offset
        while not self.stopping.is_set():
            path = self.paths[n % len(self.paths)]
            n += 1
            started = time.monotonic()
            status, label = self._get(path)
            self.records.append((started, time.monotonic() - started, path, status, label))

    def _get(self, path):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.port}{path}", timeout=30) as r:
                body = r.read()
                status = r.status
        except urllib.error.HTTPError as error:
            return error.code, None
        except OSError:
            return "socket error", None
        check = self.watch.get(path)
        return status, check(body) if check else None

    def __enter__(self):
        self.started = time.monotonic()
        self.workers = [
            threading.Thread(target=self._worker, args=(k,), daemon=True)
            for k in range(self.threads)
        ]
        for worker in self.workers:
            worker.start()
        return self

    def __exit__(self, *exc):
        self.stopping.set()
        for worker in self.workers:
            worker.join(60)

    def between(self, start, end):
        return [r for r in self.records if start <= r[0] < end]


def summarize(records):
    if not records:
        return {"requests": 0}
    latencies = sorted(r[1] for r in records)
    statuses = {}
    for record in records:
        statuses[str(record[3])] = statuses.get(str(record[3]), 0) + 1
    return {
        "requests": len(records),
        "non_200": sum(count for status, count in statuses.items() if status != "200"),
        "statuses": statuses,
        "p50_ms": round(latencies[len(latencies) // 2] * 1000, 1),
        "p99_ms": round(latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] * 1000, 1),
    }


def start_gunicorn(processes, env, workdir, name):
    port = free_port()
    processes.start(
        "gunicorn",
        [BIN / "gunicorn", "-c", ROOT / "config" / "gunicorn.conf.py", "config.wsgi"],
        env={
            **env,
            "WEB_CONCURRENCY": "2",
            "GUNICORN_BIND": f"127.0.0.1:{port}",
            "GUNICORN_ACCESS_LOG": "",
            "GUNICORN_LOG_LEVEL": "warning",
        },
        log=workdir / f"gunicorn-{name}.log",
    )
    wait_for(f"http://127.0.0.1:{port}/")
    return port


def gunicorn_workers(processes):
    master = next(p for name, p in processes.running if name == "gunicorn")
    out = subprocess.run(
        ["ps", "-o", "pid=", "--ppid", str(master.pid)], capture_output=True, text=True
    ).stdout
    return sorted(int(pid) for pid in out.split())


def serve_ready(workdir, env, posts=200):
    """A generated site imported and its static files collected; :func:`pages`."""
    site = workdir / "site"
    generate(site, posts)
    manage(env, "migrate", "--noinput")
    manage(env, "import_posts", site)
    manage(env, "collectstatic", "--noinput")
    return pages(env)


def pages(env):
    return django_shell(
        env,
        """
import json
from blog.models import Post, Tag
posts = list(Post.objects.published().order_by("pk")[:30])
tag = Tag.objects.filter(posts__isnull=False).first()
print(json.dumps({
    "paths": ["/", "/blog/", tag.get_absolute_url()] + [p.get_absolute_url() for p in posts],
    "edited": [{"pk": p.pk, "path": p.get_absolute_url(), "title": p.title} for p in posts[:2]],
}))
""",
    )


def edit_title(env, pk, title):
    """An editor's save, from another process (``manage.py shell``), as an admin save."""
    return django_shell(
        env,
        f"""
import json, time
from blog.models import Post
post = Post.objects.get(pk={pk})
post.title = {title!r}
post.save()
print(json.dumps(time.time()))
""",
    )


def check(results, name, ok, detail):
    results.append((name, ok, detail))
    print(f"   {'PASS' if ok else 'FAIL'}  {name}: {detail}")


# -- Redis -------------------------------------------------------------------------------------


def case_redis(workdir, processes, results):
    print("\n== Redis stops answering, then stops, while readers read")
    redis = Redis(processes, workdir)
    redis.start()
    env = django_env(workdir, f"sqlite:///{workdir / 'db.sqlite3'}", redis.url)
    info = serve_ready(workdir, env)
    port = start_gunicorn(processes, env, workdir, "redis")
    first, second = info["edited"]
    # Whether an answer shows the edit (the edited titles end with this).
    watch = {first["path"]: shows("(edited while"), second["path"]: shows("(edited while")}
    with Load(port, info["paths"], watch=watch) as load:
        time.sleep(5)  # warm: pages cached
        frozen_at = time.monotonic()
        redis.signal(signal.SIGSTOP)
        time.sleep(2)
        edited_first = edit_title(env, first["pk"], first["title"] + " (edited while frozen)")
        edited_first_at = time.monotonic()
        time.sleep(6)
        redis.signal(signal.SIGCONT)
        thawed_at = time.monotonic()
        time.sleep(8)
        stopped_at = time.monotonic()
        redis.stop()
        time.sleep(2)
        edit_title(env, second["pk"], second["title"] + " (edited while stopped)")
        edited_second_at = time.monotonic()
        time.sleep(6)
        redis.start()
        restarted_at = time.monotonic()
        time.sleep(8)
        ended_at = time.monotonic()
    del edited_first
    phases = {
        "warm": summarize(load.between(load.started, frozen_at)),
        "frozen (SIGSTOP)": summarize(load.between(frozen_at, thawed_at)),
        "after SIGCONT": summarize(load.between(thawed_at, stopped_at)),
        "stopped": summarize(load.between(stopped_at, restarted_at)),
        "restarted empty": summarize(load.between(restarted_at, ended_at)),
    }
    for phase, figures in phases.items():
        print(f"   {phase:18} {json.dumps(figures)}")
    non_200 = sum(figures.get("non_200", 0) for figures in phases.values())
    check(results, "redis: no failed request", non_200 == 0, f"{non_200} non-200 answers")
    stale = [
        r
        for r in load.records
        if (r[2] == first["path"] and r[0] > edited_first_at and not r[4])
        or (r[2] == second["path"] and r[0] > edited_second_at and not r[4])
    ]
    served = sum(
        1
        for r in load.records
        if (r[2] == first["path"] and r[0] > edited_first_at)
        or (r[2] == second["path"] and r[0] > edited_second_at)
    )
    check(
        results,
        "redis: no stale page",
        not stale,
        f"{len(stale)} of {served} requests for the edited posts, begun after the edit, "
        "showed the old title",
    )
    hits = redis_hits(redis.port)
    check(
        results,
        "redis: the page cache is used again",
        hits > 0,
        f"{hits} cache hits in Redis after its restart",
    )
    return {"phases": phases, "stale": len(stale)}


def shows(text):
    """A check that an answer's body holds ``text``."""
    return lambda body: text.encode() in body


def redis_hits(port):
    import redis

    return int(redis.Redis(port=port).info("stats")["keyspace_hits"])


# -- PostgreSQL --------------------------------------------------------------------------------


def case_postgres(workdir, processes, results):
    print("\n== PostgreSQL restarts, then stops for 5 s, while readers read (no page cache)")
    if PG_BIN is None:
        print("   SKIPPED: no PostgreSQL server binaries in /usr/lib/postgresql")
        return None
    pg = Postgres(workdir)
    redis = Redis(processes, workdir)
    redis.start()
    try:
        pg.init()
        env = django_env(workdir, pg.url, redis.url, FOLIO_PAGE_CACHE="false")
        info = serve_ready(workdir, env)
        port = start_gunicorn(processes, env, workdir, "postgres")
        workers_before = gunicorn_workers(processes)
        with Load(port, info["paths"]) as load:
            time.sleep(5)
            restart_at = time.monotonic()
            pg.restart()
            restarted_at = time.monotonic()
            time.sleep(5)
            stop_at = time.monotonic()
            pg.stop()
            time.sleep(5)
            pg.start()
            started_at = time.monotonic()
            time.sleep(6)
            ended_at = time.monotonic()
        workers_after = gunicorn_workers(processes)
    finally:
        pg.destroy()
    failed = [r for r in load.records if r[3] != 200]
    outages = [(restart_at, restarted_at), (stop_at, started_at)]
    grace = 1.0  # a request begun just before the server went away fails when it answers

    def in_outage(record):
        return any(start - grace <= record[0] <= end for start, end in outages)

    outside = [r for r in failed if not in_outage(r)]
    after = summarize(load.between(started_at + grace, ended_at))
    print(f"   before          {json.dumps(summarize(load.between(load.started, restart_at)))}")
    print(f"   restart         {json.dumps(summarize(load.between(restart_at, restarted_at)))}")
    print(f"   between         {json.dumps(summarize(load.between(restarted_at, stop_at)))}")
    print(f"   stopped 5 s     {json.dumps(summarize(load.between(stop_at, started_at)))}")
    print(f"   after           {json.dumps(after)}")
    window = (
        f"{min(r[0] for r in failed) - load.started:.1f}-"
        f"{max(r[0] for r in failed) - load.started:.1f} s"
        if failed
        else "none"
    )
    check(
        results,
        "postgres: failures only while it is down",
        not outside,
        f"{len(failed)} failed requests (window {window}; outages at "
        f"{restart_at - load.started:.1f}-{restarted_at - load.started:.1f} s and "
        f"{stop_at - load.started:.1f}-{started_at - load.started:.1f} s), "
        f"{len(outside)} outside them",
    )
    check(
        results,
        "postgres: workers recover without a restart",
        workers_before == workers_after and after.get("non_200") == 0 and after["requests"],
        f"workers {workers_before} -> {workers_after}; after the outage "
        f"{after['requests']} requests, {after.get('non_200')} failed",
    )
    return {"failed": len(failed), "outside_outages": len(outside)}


# -- SIGKILL during an import ------------------------------------------------------------------


def case_kill(workdir, processes, results, kills=20, seed=1):
    print(f"\n== The import is killed with SIGKILL at random moments, {kills} times")
    site = workdir / "site"
    generate(site, 120, images=12)
    env = django_env(workdir, f"sqlite:///{workdir / 'db.sqlite3'}", "redis://127.0.0.1:1/0")
    env.pop("REDIS_URL")
    env["DJANGO_SETTINGS_MODULE"] = "config.settings.local"  # no Redis needed to import
    env["SQLITE_PATH"] = str(workdir / "db.sqlite3")
    env["DJANGO_DEBUG"] = "false"
    manage(env, "migrate", "--noinput")
    # How long a full import takes, on a scratch copy of the database.
    scratch = {
        **env,
        "SQLITE_PATH": str(workdir / "scratch.sqlite3"),
        "MEDIA_ROOT": str(workdir / "scratch-media"),
    }
    manage(scratch, "migrate", "--noinput")
    started = time.monotonic()
    manage(scratch, "import_posts", site)
    full = time.monotonic() - started
    started = time.monotonic()
    manage(scratch, "import_posts", site, "--force")
    forced = time.monotonic() - started
    print(
        f"   a first import takes {full:.1f} s, a --force re-run {forced:.1f} s; each run "
        f"below is a --force re-run, killed within 0.3-{0.9 * forced:.1f} s"
    )
    # Within the run's measured length, so that (nearly) every run is killed.
    killed_at, failures = kill_imports(site, env, kills, 0.9 * forced, seed=seed)
    print(f"   killed {len(killed_at)} of {kills} runs, at {killed_at} s")
    check(
        results,
        "kill: no half-written post after any kill",
        not failures,
        f"{len(failures)} checks found a post that is not one whole version of its file"
        + (f": {failures[0]}" if failures else ""),
    )
    returncode, summary, state, derived = finish(env, site)
    partial = sum(1 for _ in (workdir / "media").rglob("*.partial"))
    print(f"   the next run: exit {returncode}; {summary}")
    print(f"   after it: {json.dumps(derived)}; {partial} temporary .partial files left")
    check(
        results,
        "kill: the next run completes and everything derived is whole",
        returncode == 0 and not state["bad_count"] and whole(derived),
        json.dumps(derived),
    )
    return {"killed": killed_at, "derived": derived, "partial_files": partial}


# -- A full disk -------------------------------------------------------------------------------

ROWS_POINT_AT_WHOLE_FILES = """
import json
from django.core.files.storage import default_storage
from PIL import Image
from authors.models import Author
from blog.models import Post
broken = []
names = [(p.source_path, f.name) for p in Post.objects.all() for f in (p.image, p.thumb_image) if f]
names += [(a.source_path, a.photo.name) for a in Author.objects.all() if a.photo]
for source, name in names:
    try:
        with default_storage.open(name) as file, Image.open(file) as image:
            image.load()
    except Exception as error:
        broken.append((source, name, str(error)))
print(json.dumps({"posts": Post.objects.count(), "files": len(names), "broken": broken[:5]}))
"""


UPLOADS_ON_A_FULL_DISK = """
import io, json
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image
from authors.models import Author
buffer = io.BytesIO()
Image.effect_noise((600, 400), 60).convert("RGB").save(buffer, "PNG")
png = buffer.getvalue()
user = get_user_model().objects.create_superuser("faults", "f@example.com", "pw")
client = Client(HTTP_HOST="127.0.0.1")
client.force_login(user)
editor = client.post("/markdownx/upload/", {"image": SimpleUploadedFile("drop.png", png)},
                     HTTP_X_REQUESTED_WITH="XMLHttpRequest")
admin = client.post("/admin/authors/author/add/", {
    "first_name": "Full", "last_name": "Disk", "slug": "full-disk", "bio": "",
    "website": "", "extra": "{}", "photo": SimpleUploadedFile("me.png", png)})
print(json.dumps({
    "editor_status": editor.status_code, "editor_error": editor.json().get("error", ""),
    "admin_status": admin.status_code,
    "admin_error_shown": "could not be stored" in admin.content.decode(),
    "rows": Author.objects.filter(slug="full-disk").count(),
}))
"""


def case_disk(workdir, processes, results, size_mb=3):
    print(f"\n== The media disk fills up during an import ({size_mb} MB tmpfs)")
    media = workdir / "media"
    media.mkdir(exist_ok=True)
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size_mb}m", "tmpfs", str(media)],
        capture_output=True,
        text=True,
    )
    if mounted.returncode != 0:
        print(f"   SKIPPED: cannot mount a tmpfs here ({mounted.stderr.strip()}); run as root")
        return None
    try:
        from PIL import Image

        site = workdir / "site"
        generate(site, 40, images=0)
        noise = random.Random(7)
        for n, path in enumerate(sorted((site / "src/pages/blog").glob("post-*.md"))):
            name = f"noise-{n}.jpg"
            pixels = bytes(noise.getrandbits(8) for _ in range(500 * 300 * 3))
            Image.frombytes("RGB", (500, 300), pixels).save(
                site / "static/images" / name, quality=90
            )
            text = re.sub(r"^(image|thumb_image): .*$", "", path.read_text(), flags=re.M)
            path.write_text(text.replace("---\n", f"---\nimage: images/{name}\n", 1))
        env = django_env(workdir, f"sqlite:///{workdir / 'db.sqlite3'}", "")
        env.pop("REDIS_URL")
        env.update(DJANGO_SETTINGS_MODULE="config.settings.local", DJANGO_DEBUG="false")
        env["SQLITE_PATH"] = str(workdir / "db.sqlite3")
        manage(env, "migrate", "--noinput")
        full = manage(env, "import_posts", site, check=False)
        out = full.stdout + full.stderr
        errors = [line for line in out.splitlines() if "No space left on device" in line]
        state = django_shell(env, ROWS_POINT_AT_WHOLE_FILES)
        print(f"   exit {full.returncode}; {len(errors)} lines name the full disk, e.g.:")
        for line in errors[:2]:
            print(f"      {line.strip()[:150]}")
        print(
            f"   {state['posts']} posts imported, {state['files']} image fields, "
            f"broken: {state['broken']}"
        )
        check(
            results,
            "disk: a clear error per file, no traceback, no row pointing at a missing file",
            full.returncode != 0 and errors and "Traceback" not in out and not state["broken"],
            f"{len(errors)} error lines; {len(state['broken'])} rows point at missing files",
        )
        uploads = django_shell(env, UPLOADS_ON_A_FULL_DISK)
        print(
            f"   uploads on the full disk: editor {uploads['editor_status']} "
            f"({uploads['editor_error'][:90]}…); admin photo {uploads['admin_status']}, "
            f"form error shown: {uploads['admin_error_shown']}, rows saved: {uploads['rows']}"
        )
        check(
            results,
            "disk: an upload on the full disk is refused with a message, no row saved",
            uploads["editor_status"] == 507
            and uploads["admin_status"] == 200
            and uploads["admin_error_shown"]
            and uploads["rows"] == 0,
            json.dumps(uploads)[:300],
        )
        subprocess.run(["mount", "-o", "remount,size=200m", str(media)], check=True)
        again = manage(env, "import_posts", site, check=False)
        state = django_shell(env, ROWS_POINT_AT_WHOLE_FILES)
        derived = django_shell(env, DERIVED)
        print(f"   with room again: exit {again.returncode}; {json.dumps(derived)}")
        check(
            results,
            "disk: with room again the next run completes",
            again.returncode == 0
            and state["posts"] == 40
            and not state["broken"]
            and derived["missing_renditions"] == 0
            and derived["unfinished_runs"] == 0,
            f"{state['posts']} posts, {derived['missing_renditions']} missing renditions",
        )
        return {"error_lines": len(errors), "after": derived}
    finally:
        subprocess.run(["umount", "-l", str(media)], capture_output=True)


# -- Running them ------------------------------------------------------------------------------

CASES = {"redis": case_redis, "postgres": case_postgres, "kill": case_kill, "disk": case_disk}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--case", choices=[*CASES, "all"], default="all")
    parser.add_argument("--workdir", type=Path, help="default: a new temporary folder")
    parser.add_argument("--kills", type=int, default=20)
    args = parser.parse_args(argv)
    if not find_tool("redis-server"):
        parser.error("redis-server is not installed (apt-get install redis-server)")
    base = args.workdir or Path(tempfile.mkdtemp(prefix="folio-faults-"))
    base.mkdir(parents=True, exist_ok=True)
    base.chmod(0o755)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    results, figures = [], {}
    for name in CASES if args.case == "all" else [args.case]:
        workdir = base / name
        if workdir.exists():
            shutil.rmtree(workdir)
        workdir.mkdir()
        processes = Processes()
        started = time.monotonic()
        try:
            kwargs = {"kills": args.kills} if name == "kill" else {}
            figures[name] = CASES[name](workdir, processes, results, **kwargs)
        finally:
            processes.stop_all()
        print(f"   ({name}: {time.monotonic() - started:.0f} s)")
    failed = [name for name, ok, _ in results if not ok]
    print(
        f"\n{len(results) - len(failed)} of {len(results)} checks passed"
        + (f"; FAILED: {', '.join(failed)}" if failed else "")
    )
    (base / "figures.json").write_text(json.dumps(figures, indent=2, default=str))
    print(f"Figures: {base / 'figures.json'}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
