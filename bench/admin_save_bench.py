"""An admin save of one post on a large site: the time of each save through the admin.

    .venv/bin/python bench/admin_save_bench.py [--posts 10000] [--saves 200]
        [--database-url postgres://postgres@127.0.0.1:5432/h_admin_bench]
        [--redis-url redis://127.0.0.1:6379/9] [--profile FILE]

Builds a site once and keeps it under ``bench/out/admin-save-<posts>[-pg]/``: a synthetic
Azimuth site (bench/generate_site.py) imported with ``manage.py import_posts``, so the
posts have what an imported site has (authors, tags, a revision each, stored links, the
search index, renditions). The PostgreSQL database named by ``--database-url`` is
wiped and imported into when it does not hold exactly ``--posts`` posts.

Then, in this process, with the full middleware stack and DEBUG off (production
settings with ``--redis-url``, whose page cache and sessions live in Redis; otherwise
the local settings with DEBUG off and the in-process cache), a superuser saves posts
through the admin's own change form, as a browser would: GET the form, POST back every
field it holds (CSRF enforced), with a body edit, a tag change, a title change or a
slug change (a move: a redirect) mixed over varied posts, published and drafts. Each
request's wall time is measured; the first few saves warm the process and are not
counted (a gunicorn worker serves many). Prints p50/p95/p99/max of the POST (the save)
and of the GET, and PASS or FAIL against 50 ms at p95; then checks that every save was
kept: a revision each, the new body searchable, every post's stored links as a full
recomputation gives them, and a redirect from each moved slug.
"""

import argparse
import logging
import os
import random
import re
import statistics
import subprocess
import sys
import time
from html.parser import HTMLParser
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TARGET_MS = 50
WARM_UP = 5
EDIT_MARK = re.compile(r"\n\nEdited through the admin, save [a-z]+\.\s*$")


class ChangeForm(HTMLParser):
    """The fields the admin's change form submits: what a browser would send."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.data = {}
        self._in_form = False
        self._textarea = None
        self._select = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and attrs.get("id", "").endswith("_form"):
            self._in_form = True
        if not self._in_form:
            return
        name = attrs.get("name")
        if tag == "input" and name:
            kind = attrs.get("type", "text")
            if kind in {"file", "submit", "button", "image", "reset"}:
                return
            if kind in {"checkbox", "radio"} and "checked" not in attrs:
                return
            default = "on" if kind in {"checkbox", "radio"} else ""
            self.data.setdefault(name, []).append(attrs.get("value") or default)
        elif tag == "textarea" and name:
            self._textarea = name
            self.data[name] = [""]
        elif tag == "select" and name:
            self._select = name
            self.data.setdefault(name, [])
        elif tag == "option" and self._select and "selected" in attrs:
            self.data[self._select].append(attrs.get("value", ""))

    def handle_data(self, data):
        if self._textarea:
            self.data[self._textarea][0] += data

    def handle_endtag(self, tag):
        if tag == "textarea" and self._textarea:
            # A browser drops the newline that follows <textarea>.
            value = self.data[self._textarea][0]
            self.data[self._textarea][0] = value[1:] if value.startswith("\n") else value
            self._textarea = None
        elif tag == "select":
            self._select = None
        elif tag == "form":
            self._in_form = False


def configure(args, work):
    """Environment for this process and the import: settings, database, cache."""
    env = {
        "DJANGO_SECRET_KEY": "throwaway-admin-save-bench-" + "k" * 40,
        "DJANGO_ALLOWED_HOSTS": "testserver,127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "false",  # plain HTTP through the test client
        "DATABASE_URL": args.database_url or f"sqlite:///{work / 'db.sqlite3'}",
        "MEDIA_ROOT": str(work / "media"),
        "STATIC_ROOT": str(work / "static"),
        "FOLIO_TRUSTED_PROXY_COUNT": "0",
        "LOG_LEVEL": "WARNING",
        "DJANGO_DEBUG": "false",
    }
    if args.redis_url:
        env["DJANGO_SETTINGS_MODULE"] = "config.settings.production"
        env["REDIS_URL"] = args.redis_url
        env["CACHE_KEY_PREFIX"] = f"folio-admin-bench-{os.getpid()}"
    else:
        env["DJANGO_SETTINGS_MODULE"] = "config.settings.local"
        os.environ.pop("REDIS_URL", None)
    os.environ.update(env)
    return {**os.environ, **env}


def build_site(args, work, env):
    """Import a generated site unless the database already holds it."""
    from django.core.management import call_command

    from blog.models import Post
    from sitesettings.models import SiteSettings  # noqa: F401  (apps loaded)

    call_command("migrate", verbosity=0)
    if args.redis_url and not (work / "static" / "staticfiles.json").exists():
        # Production settings serve hashed static files: the admin's pages name them.
        call_command("collectstatic", interactive=False, verbosity=0)
    if Post.objects.count() == args.posts:
        print(f"reusing the imported site ({args.posts} posts) in {work}", flush=True)
        return
    from bench.generate_site import generate_site

    site = args.out / f"site-{args.posts}"
    if not (site / "src/pages/blog").is_dir():
        print(f"generating {args.posts} posts into {site} ...", flush=True)
        generate_site(site, posts=args.posts, force=True)
    call_command("flush", interactive=False, verbosity=0)
    print(f"importing {args.posts} posts ...", flush=True)
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "manage.py", "import_posts", str(site), "-v", "0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    print(f"imported in {time.perf_counter() - started:.1f} s", flush=True)


def percentile(values, q):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def summary(label, values):
    return (
        f"{label}: n={len(values)} p50 {percentile(values, 50):.1f} ms, "
        f"p95 {percentile(values, 95):.1f} ms, p99 {percentile(values, 99):.1f} ms, "
        f"max {max(values):.1f} ms, mean {statistics.mean(values):.1f} ms"
    )


def plan_saves(args):
    """(post pk, kind of edit) for each save, over varied posts."""
    from blog.models import Post

    rng = random.Random(args.seed)
    published = list(Post.objects.filter(status="published").values_list("pk", flat=True))
    drafts = list(Post.objects.exclude(status="published").values_list("pk", flat=True))
    kinds = ["body"] * 11 + ["tags"] * 5 + ["title"] * 3 + ["slug"]
    plan = []
    for _ in range(args.saves + WARM_UP):
        pool = drafts if drafts and rng.random() < 0.1 else published
        plan.append((rng.choice(pool), rng.choice(kinds)))
    return plan, rng


def marker(run, number):
    """A word no generated post holds, naming one save (searchable once it is indexed)."""
    letters = ""
    for value in (run, number):
        while True:
            value, digit = divmod(value, 26)
            letters += chr(ord("a") + digit)
            if not value:
                break
        letters += "q"
    return f"zzsave{letters}"


def toggled_slug(slug):
    return slug.removesuffix("-moved") if slug.endswith("-moved") else f"{slug}-moved"


def edit(data, kind, rng, tag_ids, run, number):
    """Change the submitted form the way an editor would."""
    body = EDIT_MARK.sub("", data["body"][0])
    data["body"] = [f"{body}\n\nEdited through the admin, save {marker(run, number)}."]
    if kind == "tags":
        tags = set(data.get("tags", []))
        if tags and rng.random() < 0.5:
            tags.discard(rng.choice(sorted(tags)))
        tags.add(str(rng.choice(tag_ids)))
        data["tags"] = sorted(tags)
    elif kind == "title":
        title = data["title"][0]
        revised = " (revised)"
        data["title"] = [title[: -len(revised)] if title.endswith(revised) else title + revised]
    elif kind == "slug":
        data["slug"] = [toggled_slug(data["slug"][0])]
    return data


def run_saves(args, client, plan, rng, run):
    """Save through the admin; (GET ms, POST ms) lists and what each save must leave."""
    from django.urls import reverse

    from blog.models import Tag

    tag_ids = list(Tag.objects.values_list("pk", flat=True))
    gets, posts, cpus, expected = [], [], [], []
    profiler = None
    for number, (pk, kind) in enumerate(plan):
        url = reverse("admin:blog_post_change", args=[pk])
        started = time.perf_counter()
        response = client.get(url)
        get_ms = (time.perf_counter() - started) * 1000
        assert response.status_code == 200, f"GET {url}: {response.status_code}"
        form = ChangeForm()
        form.feed(response.content.decode())
        data = edit(form.data, kind, rng, tag_ids, run, number)
        data["_save"] = ["Save"]
        if args.profile and number == WARM_UP:
            import cProfile

            profiler = cProfile.Profile()
        if profiler:
            profiler.enable()
        started, cpu = time.perf_counter(), time.process_time()
        response = client.post(url, data)
        post_ms = (time.perf_counter() - started) * 1000
        cpu_ms = (time.process_time() - cpu) * 1000
        if profiler:
            profiler.disable()
        if response.status_code != 302:
            errors = re.findall(
                r'class="errorlist[^"]*"[^>]*>(.*?)</ul>', response.content.decode(), re.S
            )
            sys.exit(f"POST {url} ({kind}) answered {response.status_code}: {errors[:3]}")
        if number >= WARM_UP:
            gets.append(get_ms)
            posts.append(post_ms)
            cpus.append(cpu_ms)
        expected.append((pk, kind, data))
    if profiler:
        profiler.dump_stats(args.profile)
        print(f"profile of the counted POSTs in {args.profile}")
    return gets, posts, cpus, expected


def check(expected, run, revisions_before):
    """Every save kept: revisions, body and tags, search index, links, redirects."""
    from blog import links
    from blog.models import Post, PostRevision, Redirect
    from search.backends import get_backend
    from search.query import parse

    problems = []
    saved = PostRevision.objects.count() - revisions_before
    if saved != len(expected):
        problems.append(f"{saved} new revisions for {len(expected)} saves")
    last = {}
    for number, (pk, _, data) in enumerate(expected):
        last[pk] = (number, data)
    backend = get_backend()
    for pk, (number, data) in last.items():
        post = Post.objects.get(pk=pk)
        if post.body != data["body"][0].replace("\r\n", "\n"):
            problems.append(f"post {pk}: the body of its last save is not stored")
        if sorted(str(t) for t in post.tags.values_list("pk", flat=True)) != sorted(
            data.get("tags", [])
        ):
            problems.append(f"post {pk}: the tags of its last save are not stored")
        if post.is_published and not backend.count(parse(marker(run, number))):
            problems.append(f"post {pk}: its last save is not in the search index")
    for pk, (number, _) in last.items():
        kind = expected[number][1]
        post = Post.objects.get(pk=pk)
        if kind == "slug" and post.is_published:
            old = toggled_slug(post.slug)
            moved = {"old_path": Post.address_of(old), "new_path": post.get_absolute_url()}
            if not Redirect.objects.filter(**moved).exists():
                problems.append(f"post {pk}: moved from {old}, but no redirect")
    snapshot = links._Snapshot(Post)
    wrong = [
        pk for pk, stored in Post.objects.values_list("pk", "links") if snapshot.links(pk) != stored
    ]
    if wrong:
        problems.append(f"{len(wrong)} posts' stored links differ from a recomputation")
    return problems


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=10_000)
    parser.add_argument("--saves", type=int, default=200)
    parser.add_argument("--seed", type=int, default=17)
    parser.add_argument("--database-url", help="PostgreSQL (wiped when it holds another site)")
    parser.add_argument("--redis-url", help="Redis for the cache: production settings")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out")
    parser.add_argument("--profile", help="cProfile the counted POSTs into this file")
    args = parser.parse_args()

    work = args.out / f"admin-save-{args.posts}{'-pg' if args.database_url else ''}"
    work.mkdir(parents=True, exist_ok=True)
    env = configure(args, work)
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client

    from blog.models import Post, PostRevision

    build_site(args, work, env)
    if not args.redis_url:
        # Each save warns that an in-process cache is the process's own (a deployment's
        # servers would not see it): true, and beside the point here.
        logging.getLogger("folio.pagecache").setLevel(logging.ERROR)
    user_model = get_user_model()
    user = user_model.objects.filter(username="benchadmin").first()
    if user is None:
        user = user_model.objects.create_superuser("benchadmin", password="bench-password")
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)

    from bench.http_bench import cpu_check

    load = ", ".join(f"{n:.2f}" for n in os.getloadavg())
    print(f"load average {load}; CPU check {cpu_check():.2f} s", flush=True)
    plan, rng = plan_saves(args)
    revisions_before = PostRevision.objects.count()
    run = int(time.time())
    gets, posts, cpus, expected = run_saves(args, client, plan, rng, run)
    problems = check(expected, run, revisions_before)

    cache = settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1]
    print(
        f"\n{Post.objects.count()} posts; {connection.vendor}; cache {cache}; "
        f"settings {os.environ['DJANGO_SETTINGS_MODULE']}; DEBUG {settings.DEBUG}; "
        f"{len(posts)} saves after {WARM_UP} warm-up"
    )
    print(summary("POST (the save, to its redirect)", posts))
    print(summary("  its CPU time in this process    ", cpus))
    print(summary("GET  (the change form)          ", gets))
    for kind in ("body", "tags", "title", "slug"):
        timed = [ms for ms, (_, k, _) in zip(posts, expected[WARM_UP:], strict=True) if k == kind]
        if timed:
            print(summary(f"  POST, {kind + ' edits':<11}", timed))
    p95 = percentile(posts, 95)
    verdict = "PASS" if p95 < TARGET_MS else "FAIL"
    print(
        f"{verdict}: the save's p95 is {p95:.1f} ms, "
        f"{'under' if p95 < TARGET_MS else 'over'} the {TARGET_MS} ms target"
    )
    if problems:
        print("NOT KEPT:\n  " + "\n  ".join(problems[:20]))
        sys.exit(1)
    print("kept: a revision per save, bodies and tags stored, index and links right, redirects")
    if verdict == "FAIL":
        sys.exit(2)


if __name__ == "__main__":
    main()
