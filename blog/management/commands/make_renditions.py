"""Make every image rendition that does not exist yet.

Renditions are made when their image is saved; this makes the ones that are missing:
after an upgrade that changed how they are sized or named (Folio 18: renditions are
fitted, never enlarged, and named by their real size), or after a rendition could not
be written (a full disk). Existing files are kept; GIFs have none (shown as they are).
"""

from django.core.management.base import BaseCommand, CommandError

from authors.models import Author
from blog.models import Post
from folio.images import bulk_image_writes, make_missing_renditions
from pages.models import Page


class Command(BaseCommand):
    help = "Make the image renditions (resized copies) that are missing from media storage."

    def add_arguments(self, parser):
        parser.add_argument("--workers", type=int, default=2, help="Threads resizing (2).")

    def handle(self, *args, workers, **options):
        with bulk_image_writes(workers) as bulk:
            make_missing_renditions(Post.objects.exclude(image="", thumb_image=""))
            make_missing_renditions(Author.objects.exclude(photo=""))
            make_missing_renditions(Page.objects.exclude(image=""))
        if bulk.failed:
            raise CommandError(
                f"{len(bulk.failed)} renditions could not be made (first: {bulk.failed[0]}; "
                "the log says why)."
            )
        if options["verbosity"] >= 1:
            self.stdout.write(self.style.SUCCESS("Every rendition exists."))
