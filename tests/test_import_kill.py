"""An import killed with SIGKILL at any moment leaves no half-written post, and the next
run completes it (search index, post links, renditions, the unfinished-run record).

Real processes on a real SQLite file: ``manage.py import_posts`` in a subprocess (with
its worker processes), killed as a group at random moments of a ``--force`` re-run of
a small generated site whose files change between runs. The checks are those of
``bench/faults.py --case kill`` (bench/killing.py).
"""

import os
import sqlite3
import time

import pytest

from bench import killing

POSTS = 140  # more than one of the importer's write batches (importer.WRITE_BATCH)


def watcher(database):
    """What is wrong, as committed now, with the posts in this SQLite file: a post
    without its revision, without its search document, or without its tags."""

    def problems():
        try:
            with sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=5) as db:
                return db.execute(WHOLE).fetchone()[0]
        except sqlite3.OperationalError:  # not migrated yet, or busy: not a state
            return None

    return problems


# Posts that a kill would leave half-written (every generated post has tags).
WHOLE = """
SELECT group_concat(source_path) FROM blog_post p
WHERE NOT EXISTS (SELECT 1 FROM blog_postrevision r WHERE r.post_id = p.id)
   OR NOT EXISTS (SELECT 1 FROM search_post_fts f WHERE f.rowid = p.id)
   OR NOT EXISTS (SELECT 1 FROM blog_post_tags t WHERE t.post_id = p.id)
"""


@pytest.fixture
def environment(tmp_path):
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")},
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "DJANGO_DEBUG": "false",
        "SQLITE_PATH": str(tmp_path / "db.sqlite3"),
        "MEDIA_ROOT": str(tmp_path / "media"),
    }
    env.pop("DATABASE_URL", None)
    env.pop("REDIS_URL", None)
    killing.manage(env, "migrate", "--noinput")
    return env


def test_a_killed_import_leaves_whole_posts_and_the_next_run_completes(tmp_path, environment):
    from blog.importing import importer

    assert POSTS > importer.WRITE_BATCH
    site = tmp_path / "site"
    killing.generate(site, POSTS, images=3)
    # How long a first import takes, into a scratch database.
    scratch = {**environment, "SQLITE_PATH": str(tmp_path / "scratch.sqlite3")}
    scratch["MEDIA_ROOT"] = str(tmp_path / "scratch-media")
    killing.manage(scratch, "migrate", "--noinput")
    started = time.monotonic()
    killing.manage(scratch, "import_posts", site)
    first = time.monotonic() - started

    # First imports killed (new posts, written in bulk), then --force re-runs of a site
    # whose files change (posts saved one by one), each killed between its start and
    # (about) its end.
    watch = watcher(environment["SQLITE_PATH"])
    killed_at, failures = killing.kill_imports(
        site, environment, kills=2, longest=first, seed=5, earliest=0.2, force=False, watch=watch
    )
    assert not failures, failures
    more, failures = killing.kill_imports(
        site, environment, kills=3, longest=first, seed=17, earliest=0.2, watch=watch
    )
    assert not failures, failures
    assert killed_at + more, "no run was killed: the runs ended before the kill"

    returncode, summary, state, derived = killing.finish(environment, site)
    assert returncode == 0, summary
    assert state["posts"] == POSTS and not state["bad_count"], state
    assert killing.whole(derived), derived
