"""Benchmark ``export_site`` against ``import_posts`` of the same site.

    python bench/export_bench.py [--posts 10000] [--out bench/out] [--keep]

Generates the synthetic Azimuth site (bench/generate_site.py), imports it into a fresh
SQLite database and media folder, then, each in a fresh process: the export into a
folder, the export into a .zip, and the export after 10% of the posts were edited
(their files rewritten, not copied). Prints wall time and peak memory (max RSS of the
process tree) beside the import's, and checks that the unedited export gives back the
site's files byte for byte.
"""

import argparse
import filecmp
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.generate_site import generate_site  # noqa: E402
from bench.import_bench import django_env, measure  # noqa: E402

EDIT = """
from blog.models import Post
ids = list(Post.objects.order_by("pk").values_list("pk", flat=True))[::10]
for post in Post.objects.filter(pk__in=ids):
    post.title = post.title + " (edited)"
    post.save()
"""


def _differences(site, out):
    """Files of the site's posts folder that the export did not give back as they were."""
    posts = site / "src/pages/blog"
    compared = filecmp.dircmp(posts, out / "src/pages/blog")
    return compared.left_only + compared.diff_files


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=10_000)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out")
    parser.add_argument("--keep", action="store_true", help="Keep the database and exports.")
    args = parser.parse_args()

    site = args.out / f"site-{args.posts}"
    if not (site / "src/pages/blog").is_dir():
        print(f"generating {args.posts} posts into {site} ...", flush=True)
        generate_site(site, posts=args.posts, hugo=False, force=True)
    work = Path(tempfile.mkdtemp(prefix="folio-export-bench-"))
    env = django_env(work)
    python = sys.executable
    manage = [python, "manage.py"]
    subprocess.run([*manage, "migrate", "-v0"], env=env, cwd=ROOT, check=True)

    rows = [("import_posts, first run", measure([*manage, "import_posts", str(site)], env))]
    folder = work / "export"
    rows.append(("export_site into a folder", measure([*manage, "export_site", str(folder)], env)))
    different = _differences(site, folder)
    zipped = work / "export.zip"
    rows.append(("export_site into a .zip", measure([*manage, "export_site", str(zipped)], env)))
    subprocess.run([*manage, "shell", "-c", EDIT], env=env, cwd=ROOT, check=True)
    edited = work / "export-edited"
    label = "export_site, 10% of posts edited"
    rows.append((label, measure([*manage, "export_site", str(edited)], env)))

    print(f"\n{args.posts} posts, {os.cpu_count()} cores\n")
    print(f"{'what':<34} {'wall s':>8} {'peak MB':>8}")
    for label, run in rows:
        print(f"{label:<34} {run.seconds:8.1f} {run.peak_mb:8.0f}")
    for label, run in rows:
        print(f"  {label}: {run.stdout.strip().splitlines()[-1]}")
    print(f"  .zip: {zipped.stat().st_size / 1e6:.1f} MB")
    print(
        "  unedited export: "
        + ("every post file byte for byte" if not different else f"DIFFERS: {different[:5]}")
    )
    if not args.keep:
        shutil.rmtree(work)
    if different:
        sys.exit(1)


if __name__ == "__main__":
    main()
