"""What the link check costs on an imported site: the line that ends every import, the
admin's "Check now" and ``manage.py check_links`` (internal links; no HTTP).

    python bench/generate_site.py /tmp/lc-site --posts 10000
    export SQLITE_PATH=/tmp/lc.sqlite3 MEDIA_ROOT=/tmp/lc-media   # or DATABASE_URL=...
    .venv/bin/python manage.py migrate && .venv/bin/python manage.py import_posts /tmp/lc-site
    .venv/bin/python bench/link_check.py [--repeat 3]

Times, best of ``--repeat``: reading every source and pulling its links out of the
stored HTML; the whole check (reading, sorting, resolving every distinct address,
batched queries per route, the URL map, media storage); and keeping the findings
(``checking.store``). Prints the counts it worked on and the process's peak memory.
"""

import argparse
import os
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def best(repeat, work):
    """(wall seconds, CPU seconds, result) of the fastest of ``repeat`` runs. CPU time
    (this process, SQLite included) is the steadier figure on a shared machine."""
    runs, result = [], None
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        result = work()
        runs.append((time.perf_counter() - wall, time.process_time() - cpu))
    return *min(runs), result


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    import django

    django.setup()
    from django.db import connection

    from blog.models import Post
    from linkcheck import checking

    def read():
        return sum(len(source.links) + len(source.files) for source in checking.sources())

    read_wall, read_cpu, links = best(args.repeat, read)
    check_wall, check_cpu, report = best(args.repeat, lambda: checking.check(checking.sources()))
    store_wall, store_cpu, _ = best(
        args.repeat, lambda: checking.store(report, "bench/link_check.py")
    )
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"database: {connection.vendor}; {Post.objects.count():,} posts")
    print(
        f"sources read: {report.sources:,}; links and images: {links:,} ({report.links:,} checked)"
    )
    print(f"distinct addresses: {report.targets:,}; broken: {len(report.broken):,}")
    print("                        wall ms   CPU ms")
    print(f"read + extract links:  {read_wall * 1000:8.0f} {read_cpu * 1000:8.0f}")
    print(f"whole internal check:  {check_wall * 1000:8.0f} {check_cpu * 1000:8.0f}")
    print(f"keep the findings:     {store_wall * 1000:8.0f} {store_cpu * 1000:8.0f}")
    print(f"peak memory (process): {peak_mb:8.0f} MB")


if __name__ == "__main__":
    main()
