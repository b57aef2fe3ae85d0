"""What images add to an import: the same site text-only and with a distinct photo per post.

    python bench/image_import_bench.py [--posts 1000] [--images-per-post 1] [--out bench/out]

Generates two synthetic sites of the same posts (bench/generate_site.py): one as
import_bench.py uses it, one with ``--images-per-post`` distinct 1200-2400 px JPEGs of
each post's own. Each is imported in a fresh process on a fresh SQLite database and
media folder, then imported again unchanged; hugo builds both when installed. Prints,
from the import's own output, when its files were in (the import time) and when its
last rendition was made, and the cost per distinct image: (import time with images -
text-only import time) / images, against issue 17's target of 10 ms.
"""

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.generate_site import generate_site  # noqa: E402
from bench.import_bench import measure  # noqa: E402

TARGET_MS = 10  # issue 17: at most the text-only time plus 10 ms per distinct image

# What import_posts prints: its summary, then when the last rendition was made.
SUMMARY = re.compile(r" in (\d+\.\d)s\.$", re.M)
RENDITIONS = re.compile(
    r"^Renditions: (\d+) resized copies of (\d+) image\(s\).*at (\d+\.\d)s\.$", re.M
)


def site_for(out, posts, images_per_post):
    site = (
        out / f"site-{posts}" if not images_per_post else out / f"site-{posts}-img{images_per_post}"
    )
    if not (site / "src/pages/blog").is_dir():
        print(f"generating {posts} posts ({images_per_post} image(s) each) into {site} ...")
        generate_site(site, posts=posts, hugo=True, force=True, images_per_post=images_per_post)
    return site


def import_twice(site, work):
    """[(label, wall s, peak MB, import s, renditions made, images, last rendition s)]."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "DJANGO_DEBUG": "false",
        "SQLITE_PATH": str(work / "bench.sqlite3"),
        "MEDIA_ROOT": str(work / "media"),
    }
    python = sys.executable
    subprocess.run([python, "manage.py", "migrate", "-v0"], env=env, cwd=ROOT, check=True)
    rows = []
    for label in ("first import", "unchanged re-run"):
        wall, peak, stdout = measure([python, "manage.py", "import_posts", str(site)], env)
        imported = float(SUMMARY.search(stdout)[1])
        renditions = RENDITIONS.search(stdout)
        made, images, last = (
            (int(renditions[1]), int(renditions[2]), float(renditions[3]))
            if renditions
            else (0, 0, imported)
        )
        rows.append((label, wall, peak, imported, made, images, last))
    return rows


def hugo_seconds(site, work):
    hugo = shutil.which("hugo")
    if not hugo:
        return None
    command = [hugo, "--quiet", "-s", str(site / "hugo"), "-d", str(work / "hugo-public")]
    return measure(command)[0]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=1000)
    parser.add_argument("--images-per-post", type=int, default=1)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out")
    args = parser.parse_args()

    results = {}
    for kind, per_post in (("text only", 0), ("with images", args.images_per_post)):
        site = site_for(args.out, args.posts, per_post)
        work = Path(tempfile.mkdtemp(prefix="folio-image-bench-"))
        try:
            results[kind] = (import_twice(site, work), hugo_seconds(site, work))
        finally:
            shutil.rmtree(work)

    print(f"\n{args.posts} posts, {os.cpu_count()} cores\n")
    header = f"{'site':<12} {'run':<17} {'wall s':>7} {'import s':>9} {'last rendition s':>17}"
    print(f"{header} {'made':>6} {'peak MB':>8} {'hugo s':>7}")
    for kind, (rows, hugo) in results.items():
        for label, wall, peak, imported, made, _, last in rows:
            hugo_figure = f"{hugo:7.1f}" if hugo is not None and label == "first import" else ""
            print(
                f"{kind:<12} {label:<17} {wall:7.1f} {imported:9.1f} {last:17.1f} {made:6d} "
                f"{peak:8.0f} {hugo_figure:>7}"
            )
    text_first = results["text only"][0][0]
    image_first, image_rerun = results["with images"][0]
    images = args.posts * args.images_per_post
    per_image_ms = (image_first[3] - text_first[3]) / images * 1000
    verdict = "PASS" if per_image_ms <= TARGET_MS else "FAIL"
    print(
        f"\nimport with {images} distinct images: {per_image_ms:+.1f} ms per image over the "
        f"text-only import (target <= {TARGET_MS} ms): {verdict}"
    )
    print(
        f"last rendition done {image_first[6]:.1f}s after the start "
        f"({image_first[6] - image_first[3]:.1f}s after the import's files were in; "
        f"{(image_first[6] - image_first[3]) / max(images, 1) * 1000:.0f} ms per image "
        f"on {os.cpu_count()} cores)"
    )
    hugo_text, hugo_images = results["text only"][1], results["with images"][1]
    if hugo_text and hugo_images:
        print(
            f"ratios to hugo: text-only import {text_first[3] / hugo_text:.1f}x, "
            f"import with images {image_first[3] / hugo_images:.1f}x, "
            f"to the last rendition {image_first[6] / hugo_images:.1f}x"
        )
    else:
        print("NOTICE: hugo is not installed (apt-get install hugo); no ratios.")
    print(f"unchanged re-run made {image_rerun[4]} renditions")


if __name__ == "__main__":
    main()
