#!/usr/bin/env python3
"""Thin images: the time and peak memory of making their renditions.

    .venv/bin/python bench/image_sizes.py

Two cases from issue 18, each in a fresh process on a temporary SQLite database and
media folder (figures: wall seconds and the process's peak RSS from getrusage):

``hero upload``  a 5000x10 PNG (a few hundred bytes) set as a post's hero image the way
                 the admin does it: the field's validators (``full_clean``), then
                 ``save()``, which makes the renditions.
``import``       ``import_site`` of a one-post site whose hero is a 10799x10 PNG.

Then the same at the 20:1 limit, which is accepted (4000x200, 8000x400). Before the
fix the thin ones were upscaled to fill 16:9 boxes (3.3 GB and 6.9 GB); now a thin
image is refused as too thin, and a merely wide one is fitted down, never enlarged.
"""

import io
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def png(width, height):
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (20, 120, 200)).save(buffer, "PNG", optimize=True)
    return buffer.getvalue()


def case_hero_upload(work, width, height):
    from django.core.exceptions import ValidationError
    from django.core.files.uploadedfile import SimpleUploadedFile

    from blog.models import Post

    post = Post.objects.create(title="Thin", slug="thin", body="x")
    data = png(width, height)
    post.image = SimpleUploadedFile("thin.png", data, content_type="image/png")
    try:
        post.full_clean()
    except ValidationError as error:
        return f"{len(data)} bytes; refused: {'; '.join(error.messages)}"
    post.save()
    post.refresh_from_db()
    return f"{len(data)} bytes; stored {post.image_width}x{post.image_height}"


def case_import(work, width, height):
    from blog.importing import ImportOptions, import_site

    site = work / "site"
    (site / "src/pages/blog").mkdir(parents=True)
    (site / "static/images").mkdir(parents=True)
    (site / "static/images/thin.png").write_bytes(png(width, height))
    (site / "src/pages/blog/thin.md").write_text(
        "---\ntitle: Thin\ndate: '2021-01-01'\nimage: images/thin.png\n---\nBody.\n"
    )
    result = import_site(site, ImportOptions())
    counts = {action: n for action, n in result.counts().items() if n}
    lines = [w for report in result.reports for w in [report.detail, *report.warnings] if w]
    return f"{counts}; " + " | ".join([*lines, *result.problems])


def child(name, width, height):
    import django

    django.setup()
    work = Path(os.environ["MEDIA_ROOT"]).parent
    started = time.perf_counter()
    outcome = CASES[name](work, width, height)
    seconds = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": seconds, "peak_mb": peak_mb, "outcome": outcome}))


CASES = {"hero upload": case_hero_upload, "import": case_import}


def main():
    rows = []
    cases = [
        ("hero upload", (5000, 10)),
        ("import", (10799, 10)),
        # At the 20:1 limit, accepted: fitted down, never enlarged.
        ("hero upload", (4000, 200)),
        ("import", (8000, 400)),
    ]
    for name, (width, height) in cases:
        with tempfile.TemporaryDirectory(prefix="folio-image-bench-") as work:
            env = {
                **os.environ,
                "DJANGO_SETTINGS_MODULE": "config.settings.local",
                "DJANGO_DEBUG": "false",
                "SQLITE_PATH": f"{work}/bench.sqlite3",
                "MEDIA_ROOT": f"{work}/media",
                "LOG_LEVEL": "ERROR",
            }
            env.pop("DATABASE_URL", None)
            python = sys.executable
            subprocess.run([python, "manage.py", "migrate", "-v0"], env=env, cwd=ROOT, check=True)
            code = f"from bench.image_sizes import child; child({name!r}, {width}, {height})"
            out = subprocess.run(
                [python, "-c", code], env=env, cwd=ROOT, check=True, capture_output=True, text=True
            )
            figures = json.loads(out.stdout.strip().splitlines()[-1])
            rows.append((f"{name} {width}x{height}", figures))
    print(f"{'case':<26} {'wall s':>8} {'peak MB':>9}  outcome")
    for label, figures in rows:
        print(
            f"{label:<26} {figures['seconds']:>8.2f} {figures['peak_mb']:>9.0f}  "
            f"{figures['outcome']}"
        )


if __name__ == "__main__":
    main()
