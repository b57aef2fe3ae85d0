"""``manage.py import_posts SITE_ROOT``: bring a static site's posts, pages, authors, images
and site settings (name, logo, menus: blog/importing/siteconfig.py) in.

Parses arguments, calls :func:`blog.importing.import_site`, prints what happened.
"""

import logging
import sys
import time

from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from blog.importing import Action, ImportFileError, ImportOptions, import_site
from blog.importing.dialects import DIALECTS
from blog.importing.inspection import inspect_site
from blog.importing.paths import Site
from folio import pagecache
from folio.storage import AtomicFileSystemStorage
from linkcheck import checking as link_check

logger = logging.getLogger(__name__)

_STYLES = {
    Action.CREATED: "SUCCESS",
    Action.UPDATED: "SUCCESS",
    Action.UNCHANGED: "HTTP_NOT_MODIFIED",
    Action.CONFLICT: "WARNING",
    Action.SKIPPED: "NOTICE",
    Action.ERROR: "ERROR",
}


class Command(BaseCommand):
    help = (
        "Import a static site (Jekyll: _posts, _drafts, pages, _data/authors.yml, "
        "_config.yml; Stackbit layouts: posts in src/pages/blog or src/pages/posts, "
        "pages in src/pages, authors in src/data/authors, images in static/; the site's name, "
        "logo and menus from site-metadata.json, stackbit.yaml and src/data/) into Folio. "
        "Safe to re-run: unchanged files are left alone."
    )

    def add_arguments(self, parser):
        parser.add_argument("site_root", help="The root folder of the static-site repository.")
        parser.add_argument(
            "--dry-run", action="store_true", help="Report what would happen; write nothing."
        )
        parser.add_argument(
            "--inspect",
            action="store_true",
            help="Say what Folio finds in the site (layout, folders, every front-matter key "
            "and what it becomes); write nothing.",
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="Re-import every file, overwriting posts and site settings edited in the "
            "admin since.",
        )
        parser.add_argument(
            "--site-url",
            default="",
            help="The old site's address (https://www.example.com): full image URLs on it "
            "are treated as the site's own files.",
        )
        parser.add_argument("--posts-dir", help="Posts folder (default: src/pages/blog).")
        parser.add_argument(
            "--pages-dir",
            help="Pages folder (default: src/pages): every markdown file in it outside the "
            "posts folder is a page, unless it is the blog's listing page.",
        )
        parser.add_argument("--authors-dir", help="Authors folder (default: src/data/authors).")
        parser.add_argument("--static-dir", help="Static files folder (default: static).")
        parser.add_argument(
            "--dialect",
            choices=sorted(DIALECTS),
            help="The generator the site was written for (default: detected from its files: "
            "_config.yml and _posts/ are Jekyll; src/pages/ and Stackbit's files are Stackbit).",
        )
        parser.add_argument(
            "--workers",
            type=int,
            help="Processes that parse posts (large sites) and resize images (default: one "
            "per core).",
        )
        parser.add_argument(
            "--allow-hard-links",
            action="store_true",
            help="Read files that have other hard links (refused by default: their content "
            "may come from outside the site).",
        )

    def handle(self, *args, **options):
        if options["inspect"]:
            return self._inspect(options)
        if not options["dry_run"]:
            self._remove_abandoned_partials(options["verbosity"])
        import_options = ImportOptions(
            dry_run=options["dry_run"],
            force=options["force"],
            site_url=options["site_url"],
            posts_dir=options["posts_dir"],
            pages_dir=options["pages_dir"],
            authors_dir=options["authors_dir"],
            static_dir=options["static_dir"],
            allow_hard_links=options["allow_hard_links"],
            dialect=options["dialect"],
            workers=options["workers"],
        )
        self.verbosity = options["verbosity"]
        self.show_progress = self.verbosity >= 1 and sys.stderr.isatty()
        self.started = time.perf_counter()
        self.content_is_in = False
        try:
            result = import_site(
                options["site_root"],
                import_options,
                progress=self._progress if self.show_progress else None,
                content_done=self._content_done,
                rendition_progress=self._rendition_progress if self.show_progress else None,
            )
        except ImportFileError as exc:
            raise CommandError(str(exc)) from None
        except KeyboardInterrupt:
            if not self.content_is_in:
                raise
            raise CommandError(
                "Stopped while resizing images. Everything imported is kept and pages show "
                "the original images; the next import, or manage.py make_renditions, "
                "makes the rest."
            ) from None
        self._print_renditions(result)
        if not result.dry_run and pagecache.writes_waiting():
            self.stderr.write(
                self.style.WARNING(
                    "The page cache did not answer at the end of the import. Nothing is "
                    "lost: the app servers render every page themselves until it answers, "
                    "then mark every page stale."
                )
            )
        for problem in result.problems:
            self.stderr.write(self.style.ERROR(f"    error  {problem}"))
        if result.failed:
            errors = result.counts()["error"]
            raise CommandError(
                f"{errors} file(s) could not be imported."
                if errors
                else "The import did not finish cleanly (see above)."
            )

    def _inspect(self, options):
        try:
            site = Site.at(
                options["site_root"],
                options["posts_dir"],
                options["authors_dir"],
                options["static_dir"],
                allow_hard_links=options["allow_hard_links"],
                require_posts=False,
                dialect=options["dialect"],
            )
        except ImportFileError as exc:
            raise CommandError(str(exc)) from None
        for line in inspect_site(site, posts_dir_given=bool(options["posts_dir"])):
            self.stdout.write(line)

    def _content_done(self, result):
        """Every file is in: what happened, and how long it took, before the renditions."""
        self.content_is_in = True
        if self.show_progress:
            self.stderr.write("")
        self._print_reports(result)
        self._print_addresses(result)
        self._print_summary(result, time.perf_counter() - self.started)
        self._print_links(result)

    def _progress(self, done, total, what="posts"):
        if done == total or done % 50 == 0:
            width = 30
            filled = width * done // total
            bar = "#" * filled + "." * (width - filled)
            self.stderr.write(f"\r[{bar}] {done}/{total} {what}", ending="")
            self.stderr.flush()

    def _rendition_progress(self, done, total):
        self._progress(done, total, "images resized")
        if done == total:
            self.stderr.write("")

    def _print_renditions(self, result):
        made = result.renditions
        if self.verbosity < 1 or not made or not made.images:
            return
        self.stdout.write(
            f"Renditions: {made.made} resized copies of {made.images} image(s) made; "
            f"the last at {time.perf_counter() - self.started:.1f}s."
        )

    def _remove_abandoned_partials(self, verbosity):
        """An import is what a kill most often interrupts: tidy up after the last one."""
        if isinstance(default_storage, AtomicFileSystemStorage):  # (not object storage)
            removed = default_storage.remove_abandoned_partials()
            if removed and verbosity >= 1:
                self.stdout.write(
                    f"Removed {removed} unfinished media file(s) left by a stopped process."
                )

    def _print_reports(self, result):
        for report in result.reports:
            style = getattr(self.style, _STYLES[report.action])
            if report.action in {Action.ERROR, Action.CONFLICT, Action.SKIPPED} or (
                self.verbosity >= 2
            ):
                detail = f": {report.detail}" if report.detail else ""
                line = f"{report.action.value:>9}  {report.path}{detail}"
                out = self.stderr if report.action == Action.ERROR else self.stdout
                out.write(style(line))
            if self.verbosity >= 1:
                for warning in report.warnings:
                    self.stdout.write(self.style.WARNING(f"  warning  {report.path}: {warning}"))

    def _print_addresses(self, result):
        """The URL map: listed by a dry run (what it would create) and with -v 2."""
        if not result.addresses or not (result.dry_run or self.verbosity >= 2):
            return
        would = "would answer" if result.dry_run else "answer"
        self.stdout.write(f"Old addresses that {would} with a 301 ({len(result.addresses)}):")
        for address in result.addresses:
            self.stdout.write(f"  {address.old} → {address.new}   [{address.origin}]")

    def _print_links(self, result):
        """The import ends with what is broken now: the internal links of the whole
        site (no HTTP request; docs/performance.md: what it costs), kept for the
        admin's Site health page. A run that changed nothing says what the last check
        found instead (nothing it could have broken or mended has changed)."""
        if result.dry_run:
            return
        try:
            last = None if result.wrote else link_check.last_check()
            report = last[0] if last else link_check.check_site("an import")
        except Exception as exc:  # the import itself is done: never fail it here
            logger.exception("Import: the link check failed")
            self.stderr.write(
                self.style.WARNING(
                    f"The link check did not run ({type(exc).__name__}: {exc}); "
                    "run manage.py check_links."
                )
            )
            return
        if self.verbosity >= 1:
            line = link_check.summary(report)
            if last:
                when = timezone.localtime(last[1].finished)
                line = (
                    f"Nothing changed, so no new link check; the last one ({last[1].by}, "
                    f"{when:%Y-%m-%d %H:%M}) found: {line}"
                )
            self.stdout.write(self.style.WARNING(line) if report.broken else line)

    def _print_summary(self, result, seconds):
        if self.verbosity < 1:
            return
        counts = result.counts()
        parts = ", ".join(f"{count} {action}" for action, count in counts.items())
        prefix = "Dry run, nothing written: " if result.dry_run else ""
        warnings = result.warning_count
        line = f"{prefix}{parts}; {warnings} warning(s) in {seconds:.1f}s."
        self.stdout.write(self.style.ERROR(line) if result.failed else self.style.SUCCESS(line))
