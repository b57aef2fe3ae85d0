"""Fuzz the importer with a large generated hostile site; no file may crash the run.

    python bench/fuzz_import.py --files 10000 [--seed 1] [--workers N]

Writes a site of hostile post files (garbage and binary bytes, invalid UTF-8, YAML tags
and alias bombs, deep nesting, XSS payloads, hostile paths and symlinks pointing out of
the root, oversized files...) into a temporary folder, imports it into a throwaway
SQLite database, and checks that import_site returned with one report per file, that
every error names a reason, and that the secret placed beside the site root reached
neither the database nor media storage. Prints the files, seconds and outcome counts;
exits non-zero on any failure.
"""

import argparse
import os
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SECRET = "FUZZ-SECRET-6a1c"
PATHS = [
    "../secret.md", "../../../../etc/passwd", "/etc/passwd", "../secret.png", "link-out.png",
    "images/../../../secret.png", "%2e%2e/secret.png", "C:\\boot.ini", "a\\u0000b", "x" * 4000,
    "src/data/authors/../../../secret.md", "images/ok.png", "ünï/çødé/🙂.jpg", "~root/x",
    "file:///etc/passwd", "http://169.254.169.254/latest/meta-data/", "",
]  # fmt: skip
TAGS = [
    "!!python/object/apply:os.system ['echo pwned']",
    "!!python/object/new:subprocess.Popen [['id']]",
    "!!python/name:builtins.eval",
    "!!binary AAAA",
    "!local {a: 1}",
]
KEYS = ["title", "subtitle", "date", "author", "image", "thumb_image", "tags", "categories"]
KEYS += ["draft", "published", "template", "excerpt", "x-extra", "seo"]


def random_text(rng, n):
    alphabet = "abc <>&\"'`:;/\\{}[]()*#!|-\n\t\u00a0\u202e\U0001f600é日"
    return "".join(rng.choice(alphabet) for _ in range(rng.randint(0, n)))


def yaml_value(rng, depth=0):
    from tests.xss_payloads import PAYLOADS

    choice = rng.randrange(12)
    if depth > 3 or choice < 3:
        return repr(random_text(rng, 30))
    if choice == 3:
        return rng.choice(PATHS).encode("unicode_escape").decode().join('""')
    if choice == 4:
        return rng.choice(TAGS)
    if choice == 5:
        return rng.choice(["2021-02-30", "2021-03-19", "1e999", ".nan", "-.inf", "0x1F", "~"])
    if choice == 6:
        return "[" + ", ".join(yaml_value(rng, depth + 1) for _ in range(rng.randint(0, 4))) + "]"
    if choice == 7:
        inner = ", ".join(f"k{i}: {yaml_value(rng, depth + 1)}" for i in range(rng.randint(0, 3)))
        return "{" + inner + "}"
    if choice == 8:
        return "'" + rng.choice(PAYLOADS)[1].replace("'", "''").replace("\n", " ") + "'"
    if choice == 9:
        return str(rng.randint(-(10**30), 10**30))
    if choice == 10:
        return rng.choice(["true", "no", "null", "yes", "on"])
    return "|\n  " + random_text(rng, 80).replace("\n", "\n  ")


def hostile_file(rng, n) -> bytes:
    kind = rng.randrange(14)
    if kind == 0:
        return bytes(rng.randrange(256) for _ in range(rng.randint(0, 400)))
    if kind == 1:
        return b"---\ntitle: \xff\xfe bad utf-8\ndate: 2021-01-01\n---\n"
    if kind == 2:  # a billion-laughs alias bomb
        lines = ['a: &a ["x","x","x","x","x","x","x","x","x"]']
        lines += [
            f"{chr(98 + i)}: &{chr(98 + i)} [{','.join(['*' + chr(97 + i)] * 9)}]" for i in range(8)
        ]  # noqa: E501
        return ("---\n" + "\n".join(lines) + "\ntitle: bomb\ndate: 2021-01-01\n---\n").encode()
    if kind == 3:
        return (
            "---\ntitle: deep\ndate: 2021-01-01\nx: " + "[" * 500 + "]" * 500 + "\n---\n"
        ).encode()  # noqa: E501
    if kind == 4:
        return random_text(rng, 300).encode()
    if kind == 5:
        return b"---\ntitle: never closed\ndate: 2021-01-01\n" + random_text(rng, 200).encode()
    if kind == 6:
        return b'---\ntitle: "NUL\\0 inside"\ndate: 2021-01-01\n---\nbody\n'
    # A post-shaped file with hostile values in random keys.
    lines = [f"title: {yaml_value(rng)}" if rng.random() < 0.8 else ""]
    lines.append("date: 2021-03-19" if rng.random() < 0.8 else f"date: {yaml_value(rng)}")
    for _ in range(rng.randint(0, 6)):
        lines.append(f"{rng.choice(KEYS)}: {yaml_value(rng)}")
    body = random_text(rng, 300)
    body += "".join(f"\n![i]({rng.choice(PATHS)})\n[r{n}]: {rng.choice(PATHS)}" for _ in range(2))
    return ("---\n" + "\n".join(lines) + "\n---\n" + body).encode("utf-8", "surrogatepass")


def build(base: Path, files: int, seed: int) -> Path:
    import io

    from PIL import Image

    rng = random.Random(seed)
    (base / "secret.md").write_text(f"---\ntitle: {SECRET}\ndate: 2020-01-01\n---\n{SECRET}\n")
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), (6, 6, 6)).save(buffer, "PNG")
    (base / "secret.png").write_bytes(buffer.getvalue())
    root = base / "site"
    for folder in ("src/pages/blog", "src/data/authors", "static/images"):
        (root / folder).mkdir(parents=True)
    Image.new("RGB", (4, 4), (9, 9, 9)).save(root / "static/images/ok.png")
    (root / "static/link-out.png").symlink_to(base / "secret.png")
    (root / "src/pages/blog/link-out.md").symlink_to(base / "secret.md")
    (root / "src/data/authors/evil.yaml").symlink_to(base / "secret.md")
    (root / "src/pages/blog/huge.md").write_bytes(b"---\ntitle: huge\n---\n" + b"x" * 9_000_000)
    written = 2  # link-out.md and huge.md
    while written < files:
        suffix = rng.choice([".md"] * 8 + [".markdown", ".txt"])
        (root / f"src/pages/blog/f{written}{suffix}").write_bytes(hostile_file(rng, written))
        written += 1
    return root


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--files", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workers", type=int, default=None)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="folio-fuzz-") as tmp:
        base = Path(tmp)
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
        os.environ["SQLITE_PATH"] = str(base / "db.sqlite3")
        os.environ["MEDIA_ROOT"] = str(base / "media")
        os.environ.pop("DATABASE_URL", None)
        os.environ["LOG_LEVEL"] = "WARNING"
        import django

        django.setup()
        from django.core import serializers
        from django.core.management import call_command

        from authors.models import Author
        from blog.importing import ImportOptions, import_site
        from blog.models import Post, Tag

        call_command("migrate", verbosity=0)
        root = build(base, args.files, args.seed)
        files = sum(1 for p in (root / "src/pages/blog").iterdir())
        started = time.perf_counter()
        result = import_site(root, ImportOptions(workers=args.workers))
        seconds = time.perf_counter() - started

        problems = []
        posts = [r for r in result.reports if r.kind == "post"]
        if len(posts) != files:
            problems.append(f"{len(posts)} post reports for {files} files")
        problems += [
            f"{r.path}: error without a reason"
            for r in result.reports
            if r.action == "error" and not r.detail
        ]  # noqa: E501
        unexpected = [r for r in result.reports if r.detail.startswith("unexpected ")]
        problems += [f"{r.path}: {r.detail}" for r in unexpected]
        dump = serializers.serialize(
            "json", [*Post.objects.all(), *Author.objects.all(), *Tag.objects.all()]
        )  # noqa: E501
        if SECRET in dump:
            problems.append("the secret beside the site root reached the database")
        secret_png = (base / "secret.png").read_bytes()
        media = base / "media"
        if media.exists() and any(
            p.is_file() and p.read_bytes() == secret_png for p in media.rglob("*")
        ):  # noqa: E501
            problems.append("the secret image beside the site root reached media storage")

        counts = ", ".join(f"{k} {v}" for k, v in result.counts().items() if v)
        print(f"{files} files in {seconds:.1f} s ({files / seconds:,.0f} files/s): {counts}")
        print(f"posts in the database: {Post.objects.count()}")
        if problems:
            print("FAILED:\n  " + "\n  ".join(problems[:50]))
            sys.exit(1)
        print("OK: no unhandled exception, one report per file, no secret read")


if __name__ == "__main__":
    main()
