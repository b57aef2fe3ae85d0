"""Make every image rendition that does not exist yet, on every core.

Renditions are made when their image is saved, and by an import right after its files;
this makes the ones that are missing: after an upgrade that changed how they are sized
or named (Folio 18: renditions are fitted, never enlarged, and named by their real
size), after a rendition could not be written (a full disk), or after an import was
stopped while it made them. Existing files are kept; GIFs have none (shown as they are).
"""

import sys

from django.core.management.base import BaseCommand, CommandError

from authors.models import Author
from blog.models import Post
from folio.images import bulk_image_writes, make_missing_renditions
from pages.models import Page, Section, SectionItem
from sitesettings.models import SiteSettings


class Command(BaseCommand):
    help = "Make the image renditions (resized copies) that are missing from media storage."

    def add_arguments(self, parser):
        parser.add_argument(
            "--workers", type=int, default=None, help="Processes resizing (one per core)."
        )

    def handle(self, *args, workers, **options):
        with bulk_image_writes() as bulk:
            make_missing_renditions(Post.objects.exclude(image="", thumb_image=""))
            make_missing_renditions(Author.objects.exclude(photo=""))
            make_missing_renditions(Page.objects.exclude(image=""))
            make_missing_renditions(Section.objects.exclude(image=""))
            make_missing_renditions(SectionItem.objects.exclude(image=""))
            make_missing_renditions(SiteSettings.objects.all())
        show_progress = options["verbosity"] >= 1 and sys.stderr.isatty()
        made = bulk.make(workers, self._progress if show_progress else None)
        if made.failed:
            raise CommandError(
                f"{len(made.failed)} renditions could not be made (first: {made.failed[0]}; "
                "the log says why)."
            )
        if options["verbosity"] >= 1:
            self.stdout.write(
                self.style.SUCCESS(f"Every rendition exists ({made.made} made just now).")
            )

    def _progress(self, done, total):
        filled = 30 * done // total
        self.stderr.write(
            f"\r[{'#' * filled}{'.' * (30 - filled)}] {done}/{total} images", ending=""
        )
        if done == total:
            self.stderr.write("")
