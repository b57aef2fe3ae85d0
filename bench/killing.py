"""An import killed with SIGKILL at random moments: what must hold after each kill, and
after the next run.

Shared by ``bench/faults.py --case kill`` (20 kills on 120 posts, production-like) and
``tests/test_import_kill.py`` (a few kills on a small site, in the test suite).

After every kill, each post is exactly one version of its file (title, body and tags
say the same version, and its latest revision holds that title and body); after the
next, uninterrupted, run, the search index, post links and renditions are whole and
no run is left unfinished.
"""

import json
import os
import random
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable


def manage(env, *args, check=True, capture=True, timeout=600):
    return subprocess.run(
        [PYTHON, "manage.py", *map(str, args)],
        cwd=ROOT,
        env=env,
        check=check,
        capture_output=capture,
        text=True,
        timeout=timeout,
    )


def django_shell(env, script):
    """Run ``script`` in ``manage.py shell``; the JSON it prints last."""
    out = manage(env, "shell", "-c", script).stdout
    return json.loads(out.strip().splitlines()[-1])


def generate(site, posts, images=20):
    subprocess.run(
        [PYTHON, ROOT / "bench" / "generate_site.py", site, "--posts", str(posts), "--force"]
        + ["--images", str(images), "--jobs", "1"],
        check=True,
        stdout=subprocess.DEVNULL,
    )


def mutate(site, rng, version, share=0.3):
    """Give a share of the posts a new version: title, body and tags all say ``version``."""
    import yaml

    posts = sorted((site / "src/pages/blog").glob("post-*.md"))
    for path in rng.sample(posts, int(len(posts) * share)):
        front, _, body = path.read_text()[4:].partition("\n---\n")
        title = re.sub(r" v\d+$", "", yaml.safe_load(front)["title"])
        kept = re.sub(r"^(?:title|tags):.*(?:\n[ \t]+.*)*\n?", "", front, flags=re.M)
        title_line = f"title: {json.dumps(f'{title} v{version}')}"
        front = f"{title_line}\n{kept.rstrip()}\ntags:\n  - version-{version}"
        body = re.sub(r"\n\nVersion \d+ of this post\.\n$", "", body)
        path.write_text(f"---\n{front}\n---\n{body}\n\nVersion {version} of this post.\n")


CONSISTENCY = """
import json, re
from blog.models import Post
bad = []
for post in Post.objects.prefetch_related("tags", "revisions"):
    title = re.search(r" v(\\d+)$", post.title)
    body = re.search(r"Version (\\d+) of this post\\.\\s*$", post.body)
    tags = sorted(t.name for t in post.tags.all() if t.name.startswith("version-"))
    versions = {
        "title": title.group(1) if title else None,
        "body": body.group(1) if body else None,
        "tags": tags[0].removeprefix("version-") if tags else None,
    }
    if len(set(versions.values())) != 1 or len(tags) > 1:
        bad.append((post.source_path, versions))
    latest = post.revisions.all()[0] if post.revisions.all() else None
    if latest is None or latest.title != post.title or latest.body != post.body:
        bad.append((post.source_path, "latest revision differs"))
    if not post.body_html:
        bad.append((post.source_path, "not rendered"))
print(json.dumps({"posts": Post.objects.count(), "bad": bad[:5], "bad_count": len(bad)}))
"""

DERIVED = """
import json
from django.core.files.storage import default_storage
from blog.models import ImportRun, Post
from search.backends import get_backend
posts = list(Post.objects.prefetch_related("tags"))
index = get_backend()
stale_in_index = 0
for post in posts:
    names = index.indexed_names(post.pk)
    tags = " ".join(sorted(t.name for t in post.tags.all()))
    if names is None or sorted(names[1].split()) != sorted(tags.split()):
        stale_in_index += 1
missing = []
for post in posts:
    for renditions in (post.hero, post.thumb):
        if renditions:
            for width, suffix in renditions.renditions.specs:
                name = renditions.url(width, suffix).removeprefix("/media/")
                if not default_storage.exists(name):
                    missing.append(name)
print(json.dumps({
    "posts": len(posts),
    "stale_in_index": stale_in_index,
    "without_links": sum(1 for p in posts if not p.links),
    "missing_renditions": len(set(missing)),
    "unfinished_runs": ImportRun.objects.count(),
}))
"""


def kill_imports(site, env, kills, longest, seed=1, earliest=0.3, force=True, watch=None):
    """``kills`` runs of ``import_posts --force`` (``force=False``: of a plain import,
    which writes what earlier runs left unwritten, and the site is left as it is), the
    site changed before each but the first, each killed (the whole process group:
    workers too) at a random moment between ``earliest`` and ``longest`` seconds, then
    checked.

    ``watch()``, if given, is called over and over while a run goes on and returns
    what is wrong with the database as it stands (every state a run commits is one a
    kill may leave behind), or nothing.

    Returns (killed_at: the delays of the runs that were still going, failures:
    [(run, CONSISTENCY's answer or what watch() found)] of the checks that found a post
    that is not one whole version of its file).
    """
    rng = random.Random(seed)
    failures, killed_at = [], []
    for version in range(1, kills + 1):
        if version > 1 and force:
            mutate(site, rng, version)
        command = [PYTHON, "manage.py", "import_posts", str(site), "-v0"]
        command += ["--force"] if force else []
        process = subprocess.Popen(
            command, cwd=ROOT, env=env, start_new_session=True,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        delay = rng.uniform(earliest, longest)
        deadline = time.monotonic() + delay
        while time.monotonic() < deadline:
            if watch and (problem := watch()):
                failures.append((version, problem))
            time.sleep(0.01)
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            killed_at.append(round(delay, 2))
        process.wait()
        state = django_shell(env, CONSISTENCY)
        if state["bad_count"]:
            failures.append((version, state))
    return killed_at, failures


def finish(env, site):
    """The next, uninterrupted, run: (its exit status, its summary line, CONSISTENCY's
    answer, DERIVED's answer)."""
    done = manage(env, "import_posts", site, "-v1", check=False)
    lines = (done.stdout.strip() or done.stderr.strip() or "(no output)").splitlines()
    return done.returncode, lines[-1], django_shell(env, CONSISTENCY), django_shell(env, DERIVED)


def whole(derived):
    """Whether everything derived from the posts is whole after a completed run."""
    return (
        derived["stale_in_index"] == 0
        and derived["without_links"] == 0
        and derived["missing_renditions"] == 0
        and derived["unfinished_runs"] == 0
    )
