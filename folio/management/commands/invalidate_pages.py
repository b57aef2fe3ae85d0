from django.core.management.base import BaseCommand

from folio import pagecache


class Command(BaseCommand):
    help = (
        "Mark every cached page stale, so the next request renders it anew: after a "
        "deploy that changes templates, or after a write the page cache missed."
    )

    def handle(self, *args, **options):
        if pagecache.invalidate_now(pagecache.SITE):
            if options["verbosity"] >= 1:
                self.stdout.write(self.style.SUCCESS("Every cached page is stale now."))
            return
        self.stderr.write(
            self.style.WARNING(
                "The page cache did not answer. The request is kept in the database: the "
                "app servers render every page themselves until the cache answers, then "
                "mark every page stale."
            )
        )
