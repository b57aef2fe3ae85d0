"""Where the importer's main process spends its CPU, phase by phase.

    python bench/import_phases.py SITE [--workdir DIR] [--wall]

Imports SITE (e.g. one written by bench/import_bench.py, bench/out/site-2000) into a
fresh SQLite database (with ``DATABASE_URL`` set: into that database, which must be
empty), in this process, then checks its links as ``import_posts`` does after it, and
prints the main thread's CPU seconds in each phase, keeping the site's files for
export (``record``) and the link check (``check_site``) included (thread CPU: the
post and rendition worker processes are not counted, and a machine busy with other
work changes these figures less than wall time). ``--wall``: wall seconds instead,
which include the database server's work (PostgreSQL), and the renditions made at the
end of the import.
"""

import argparse
import collections
import functools
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def timed(totals, clock, owner, name, label=None):
    """Count the main thread's CPU time in ``owner.name`` under ``label`` (if the code
    measured has it: the script also measures earlier versions of the importer)."""
    original = getattr(owner, name, None)
    if original is None:
        return

    @functools.wraps(original)
    def wrapper(*args, **kwargs):
        key = label or name
        if name == "bulk_create":
            key = f"bulk_create({args[0].model.__name__})"
        started = clock()
        try:
            return original(*args, **kwargs)
        finally:
            totals[key] += clock() - started

    setattr(owner, name, wrapper)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("site", type=Path)
    parser.add_argument("--workdir", type=Path, help="default: a new temporary folder")
    parser.add_argument("--wall", action="store_true", help="Wall time, not thread CPU.")
    args = parser.parse_args()
    work = args.workdir or Path(tempfile.mkdtemp(prefix="folio-import-phases-"))
    os.environ.update(
        DJANGO_SETTINGS_MODULE="config.settings.local",
        DJANGO_DEBUG="false",
        SQLITE_PATH=str(work / "db.sqlite3"),
        MEDIA_ROOT=str(work / "media"),
    )
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db.models import QuerySet

    from blog import links
    from blog.importing import importer, sources
    from linkcheck import checking
    from search import indexing

    call_command("migrate", verbosity=0)
    totals = collections.Counter()
    clock = time.perf_counter if args.wall else time.thread_time
    for owner, name, *label in [
        (importer._Importer, "_read_post"),
        (importer._Importer, "_apply_post"),
        (importer._Importer, "_write_posts"),
        (importer._Importer, "_insert_posts"),
        (importer._Importer, "_pages"),
        (importer._Importer, "_write_post"),
        (QuerySet, "bulk_create"),
        (indexing, "index_documents"),
        (indexing, "index_posts"),
        (links, "_refresh"),
        (importer, "_refresh_planner_statistics"),
        (sources, "record"),
        (checking, "check_site", "check_site (the link check after it)"),
    ]:
        timed(totals, clock, owner, name, *label)
    started = clock()
    result = importer.import_site(args.site)
    if result.wrote:  # what import_posts does next (a run that wrote nothing: no check)
        checking.check_site("an import")
    total = clock() - started
    posts = sum(1 for report in result.reports if report.kind == "post")
    print(result.counts())
    what = "wall time" if args.wall else "main thread CPU"
    print(f"{what}: {total:.2f} s, {total / max(posts, 1) * 1000:.2f} ms per post file")
    for name, seconds in sorted(totals.items(), key=lambda item: -item[1]):
        print(f"  {name:<40} {seconds:6.2f} s")


if __name__ == "__main__":
    main()
