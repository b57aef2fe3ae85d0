"""An import killed with SIGKILL at any moment leaves no half-written post, and the next
run completes it (search index, post links, renditions, the unfinished-run record).

Real processes on a real SQLite file: ``manage.py import_posts`` in a subprocess (with
its worker processes), killed as a group at random moments of a ``--force`` re-run of
a small generated site whose files change between runs. The checks are those of
``bench/faults.py --case kill`` (bench/killing.py).
"""

import os
import time

import pytest

from bench import killing

POSTS = 140  # more than one of the importer's write batches (importer.WRITE_BATCH)


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
    started = time.monotonic()
    killing.manage(environment, "import_posts", site)
    first = time.monotonic() - started

    # Each --force re-run killed somewhere between its start and (about) its end.
    killed_at, failures = killing.kill_imports(
        site, environment, kills=4, longest=max(1.0, first), seed=17, earliest=0.2
    )
    assert killed_at, "no run was killed: the runs ended before the kill"
    assert not failures, failures

    returncode, summary, state, derived = killing.finish(environment, site)
    assert returncode == 0, summary
    assert state["posts"] == POSTS and not state["bad_count"], state
    assert killing.whole(derived), derived
