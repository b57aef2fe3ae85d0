"""Back up, wipe, restore, and prove nothing was lost (docs/backup.md).

    python bench/backup_restore_check.py [--posts 300] [--database-url postgres://...]

Imports a generated site into a throwaway database (SQLite in a temporary folder, or the
PostgreSQL database given, which is wiped), edits some posts so they have revisions and
redirects, then runs the documented procedure: the database's own backup (SQLite's online
backup API, or ``pg_dump``) plus a tar of MEDIA_ROOT; ``flush`` and delete the media;
restore (the SQLite copy, or ``pg_restore``) and untar. Every post, author,
tag, revision, redirect and group, field by field, and every media file, byte for byte,
must be as before. Exits non-zero on any difference.

tests/test_backup.py runs the portable round trip (``dumpdata`` / ``loaddata``, any
database to any other) on a small data set in CI.
"""

import argparse
import hashlib
import os
import shutil
import sqlite3
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# The portable backup (any database to any database): the content and the accounts.
# Content types and permissions are recreated by migrate (natural keys tie the rest to
# them); sessions, the admin log and login-attempt records (axes) are transient.
# Django's JSON encoder rounds datetimes to the millisecond, so this format is exact
# except for sub-millisecond timestamps; the native backups below are exact.
DUMPDATA_ARGS = [
    "--natural-foreign",
    "--natural-primary",
    "--exclude=contenttypes",
    "--exclude=auth.permission",
    "--exclude=sessions",
    "--exclude=admin.logentry",
    "--exclude=axes",
    "--exclude=search",  # derived: `manage.py rebuild_search_index` after loaddata
]


def snapshot(media_root: Path) -> dict:
    """Every row that matters, as plain data, and the SHA-256 of every media file."""
    from django.contrib.auth.models import Group, User
    from django.core import serializers

    from authors.models import Author
    from blog.models import Post, PostRevision, Redirect, Tag

    rows = {}
    for model in (Post, Author, Tag, PostRevision, Redirect, Group, User):
        # The "python" serializer keeps real values (datetimes to the microsecond).
        # Natural keys, as the portable backup uses: a group or user is its name, not
        # the number a restore happens to give it.
        data = serializers.serialize(
            "python",
            model.objects.all(),
            use_natural_foreign_keys=True,
            use_natural_primary_keys=True,
        )
        for row in data:  # many-to-many values: a set, whatever order they come back in
            for name, value in row["fields"].items():
                if isinstance(value, list) and model._meta.get_field(name).many_to_many:
                    row["fields"][name] = sorted(value)
        rows[model._meta.label] = sorted(data, key=lambda row: (row.get("pk") or 0, repr(row)))
    media = {}
    if media_root.exists():
        for path in sorted(media_root.rglob("*")):
            if path.is_file():
                digest = hashlib.sha256(path.read_bytes()).hexdigest()
                media[path.relative_to(media_root).as_posix()] = digest
    return {"rows": rows, "media": media}


def back_up(backup_dir: Path, media_root: Path) -> None:
    """The database with its own tool (exact, consistent while the site runs), plus media."""
    from django.db import connection

    backup_dir.mkdir(parents=True, exist_ok=True)
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        # SQLite's online backup API: a consistent copy even while writers commit (WAL).
        with (
            sqlite3.connect(settings["NAME"]) as source,
            sqlite3.connect(backup_dir / "db.sqlite3") as copy,
        ):  # noqa: E501
            source.backup(copy)
    else:
        subprocess.run(
            ["pg_dump", "--format=custom", f"--file={backup_dir / 'db.dump'}", _pg_url(settings)],
            check=True,
        )  # noqa: E501
    with tarfile.open(backup_dir / "media.tar", "w") as archive:
        archive.add(media_root, arcname="media")


def wipe(media_root: Path) -> None:
    from django.core.management import call_command

    call_command("flush", interactive=False, verbosity=0)
    shutil.rmtree(media_root, ignore_errors=True)


def restore(backup_dir: Path, media_root: Path) -> None:
    from django.db import connection, connections

    settings = connection.settings_dict
    connections.close_all()
    if connection.vendor == "sqlite":
        with (
            sqlite3.connect(backup_dir / "db.sqlite3") as copy,
            sqlite3.connect(settings["NAME"]) as target,
        ):  # noqa: E501
            copy.backup(target)
    else:
        subprocess.run(
            [
                "pg_restore",
                "--clean",
                "--if-exists",
                "--no-owner",
                f"--dbname={_pg_url(settings)}",
                str(backup_dir / "db.dump"),
            ],
            check=True,
        )  # noqa: E501
    with tarfile.open(backup_dir / "media.tar") as archive:
        archive.extractall(media_root.parent, filter="data")
        extracted = media_root.parent / "media"
        if extracted != media_root:
            extracted.rename(media_root)
    for partial in media_root.rglob(".*.partial"):  # left by killed writes (docs/backup.md)
        partial.unlink()
    from django.core.management import call_command

    call_command("invalidate_pages", verbosity=0)  # docs/backup.md: after any restore


def _pg_url(settings):
    user, host, port = settings["USER"], settings["HOST"] or "127.0.0.1", settings["PORT"] or 5432
    password = f":{settings['PASSWORD']}" if settings["PASSWORD"] else ""
    return f"postgresql://{user}{password}@{host}:{port}/{settings['NAME']}"


def differences(before: dict, after: dict) -> list[str]:
    found = []
    for label, rows in before["rows"].items():
        restored = after["rows"].get(label, [])
        if len(rows) != len(restored):
            found.append(f"{label}: {len(rows)} rows before, {len(restored)} after")
        changed = [(a, b) for a, b in zip(rows, restored, strict=False) if a != b]
        for a, _ in changed[:3]:
            found.append(f"{label} {a.get('pk') or a['fields']} changed")
    missing = before["media"].keys() - after["media"].keys()
    changed = [
        n
        for n in before["media"]
        if after["media"].get(n, before["media"][n]) != before["media"][n]
    ]  # noqa: E501
    found += [f"media file missing: {name}" for name in sorted(missing)]
    found += [f"media file changed: {name}" for name in changed]
    return found


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--posts", type=int, default=300)
    parser.add_argument("--database-url", help="a PostgreSQL database to use (it is wiped)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="folio-backup-") as tmp:
        base = Path(tmp)
        media_root = base / "media"
        os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.local"
        os.environ["MEDIA_ROOT"] = str(media_root)
        os.environ["LOG_LEVEL"] = "WARNING"
        if args.database_url:
            os.environ["DATABASE_URL"] = args.database_url
        else:
            os.environ.pop("DATABASE_URL", None)
            os.environ["SQLITE_PATH"] = str(base / "db.sqlite3")
        import django

        django.setup()
        from django.contrib.auth.models import Group, User
        from django.core.management import call_command

        from bench.generate_site import generate_site
        from blog.importing import ImportOptions, import_site
        from blog.models import Post

        call_command("migrate", verbosity=0)
        if args.database_url:  # start from an empty database (the migrations' groups go too)
            call_command("flush", interactive=False, verbosity=0)
        generate_site(base / "site", posts=args.posts, authors=20, images=20, seed=3)
        result = import_site(base / "site", ImportOptions(workers=1))
        editor = User.objects.create_user("eddie", password="pw", is_staff=True)
        editor.groups.set(Group.objects.filter(name="Editors"))
        for post in Post.objects.order_by("pk")[:50]:
            post.edited_by = editor
            post.body += "\n\nEdited after the import."
            post.slug += "-moved"  # leaves a redirect behind
            post.save()

        before = snapshot(media_root)
        started = time.perf_counter()
        back_up(base / "backup", media_root)
        wipe(media_root)
        assert Post.objects.count() == 0 and not media_root.exists()
        restore(base / "backup", media_root)
        seconds = time.perf_counter() - started
        after = snapshot(media_root)

        rows = {label: len(r) for label, r in before["rows"].items()}
        print(f"imported: {result.counts()}")
        print(f"rows: {rows}; media files: {len(before['media'])}")
        print(f"backup, wipe and restore in {seconds:.1f} s")
        found = differences(before, after)
        if found:
            print("FAILED:\n  " + "\n  ".join(found[:50]))
            sys.exit(1)
        print("OK: every row and every media file restored exactly")


if __name__ == "__main__":
    main()
