"""``manage.py export_site OUT``: write the site back as the files of its generator.

Parses arguments, calls :func:`blog.exporting.export_site`, prints what happened:
each file that is not the imported bytes says why (docs/importing.md, "Exporting a
site").
"""

import sys
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from blog.exporting import AS_IMPORTED, PARTS, Folder, ZipOutput, export_site, jobs
from blog.importing.dialects import DIALECTS


class Command(BaseCommand):
    help = (
        "Export the site -- posts, pages, authors, tags and categories, site settings and "
        "menus, redirects, the original images -- as files in the layout it was imported "
        "from (a site made in Folio: Stackbit's Azimuth layout). Unedited content is "
        "written as the bytes it was imported from. OUT is a folder, or a path ending in .zip."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "out", nargs="?", help="A new or empty folder, or a .zip file to write."
        )
        parser.add_argument(
            "--dialect",
            choices=list(DIALECTS),
            help="Write for this generator (default: the one the site was imported from).",
        )
        parser.add_argument(
            "--only",
            default="",
            help=f"Comma-separated parts to write: {', '.join(PARTS)} (default: all).",
        )
        parser.add_argument(
            "--job",
            type=int,
            help="Write the admin's export with this id into FOLIO_EXPORT_ROOT (what the "
            "admin's Export site starts in the background).",
        )

    def handle(self, *args, out, dialect, only, job, **options):
        if job is not None:
            export = jobs.run(job)
            self.stdout.write(export.report)
            if export.state != export.State.DONE:
                raise CommandError(f"export {job} failed")
            return
        if not out:
            raise CommandError("give OUT: a new or empty folder, or a .zip file")
        only = [part.strip() for part in only.split(",") if part.strip()] or None
        if only and (unknown := set(only) - set(PARTS)):
            raise CommandError(
                f"--only {', '.join(sorted(unknown))}: choose from {', '.join(PARTS)}"
            )
        target = Path(out)
        if target.suffix.lower() == ".zip":
            if target.exists():
                raise CommandError(f"{target} exists; give a new file")
        elif target.exists() and (not target.is_dir() or any(target.iterdir())):
            raise CommandError(f"{target} is not an empty folder; give a new or empty one")
        verbosity = options["verbosity"]
        show_progress = verbosity >= 1 and sys.stderr.isatty()
        started = time.monotonic()

        def progress(done, total):
            if done == total or done % 100 == 0:
                filled = 30 * done // max(total, 1)
                bar = "#" * filled + "." * (30 - filled)
                self.stderr.write(f"\r[{bar}] {done}/{total} posts and pages", ending="")
                self.stderr.flush()

        try:
            output = ZipOutput(target) if target.suffix.lower() == ".zip" else Folder(target)
            result = export_site(
                output, dialect=dialect, only=only, progress=progress if show_progress else None
            )
        except OSError as exc:  # a full disk, a folder it may not write
            raise CommandError(f"could not write {target}: {exc.strerror or exc}") from None
        except ValueError as exc:  # the dialect the site was recorded with is unknown
            raise CommandError(str(exc)) from None
        if show_progress:
            self.stderr.write("")
        for note in result.files:
            if note.how == AS_IMPORTED and not note.detail and verbosity < 2:
                continue
            line = f"{note.how:<11} {note.kind:<13} {note.path}"
            if note.detail:
                line += f": {note.detail}"
            style = self.style.WARNING if note.detail else self.style.SUCCESS
            self.stdout.write(style(line))
        for problem in result.problems:
            self.stderr.write(self.style.ERROR(problem))
        counts = ", ".join(f"{n} {how}" for how, n in result.counts().items())
        self.stdout.write(
            f"Exported for {result.dialect} into {target} in {time.monotonic() - started:.1f}s: "
            f"{counts}."
        )
        if result.failed:
            raise CommandError(f"{len(result.problems)} objects could not be exported (above)")
