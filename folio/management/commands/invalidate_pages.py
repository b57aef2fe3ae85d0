from django.core.management.base import BaseCommand, CommandError

from folio import pagecache


class Command(BaseCommand):
    help = (
        "Mark every cached page stale, so the next request renders it anew: after a "
        "deploy that changes templates, or after a write the page cache missed."
    )

    def handle(self, *args, **options):
        if not pagecache.invalidate_now(pagecache.SITE):
            raise CommandError(
                "The page cache (CACHES['default']) did not answer: nothing was marked "
                "stale. Run this again once it answers."
            )
        if options["verbosity"] >= 1:
            self.stdout.write(self.style.SUCCESS("Every cached page is stale now."))
