"""Rebuild the search index from the posts and pages: recovery after a restore or a bulk write
that reported nothing to blog.changes."""

from django.core.management.base import BaseCommand

from search.indexing import rebuild


class Command(BaseCommand):
    help = (
        "Index every post and page for search from scratch (drafts too; readers see "
        "published only)."
    )

    def handle(self, *args, **options):
        verbosity = options["verbosity"]

        def progress(done, total):
            if verbosity >= 1:
                self.stdout.write(f"  {done}/{total} posts and pages indexed")

        count = rebuild(progress=progress)
        self.stdout.write(self.style.SUCCESS(f"Indexed {count} posts and pages."))
