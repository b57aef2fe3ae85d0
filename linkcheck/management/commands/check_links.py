"""``manage.py check_links``: list every broken link and image of the site, by page.

Internal links (paths, relative links, full URLs on the site's own host, uploads and
static files) are always checked, without any HTTP request; links to other sites only
with ``--external``. What it finds is kept for the admin's Site health page.
"""

import sys
from itertools import groupby

from django.core.management.base import BaseCommand, CommandError

from linkcheck import checking
from linkcheck.external import ExternalChecker
from linkcheck.models import Scope


class Command(BaseCommand):
    help = (
        "Check every link and image in posts, pages, sections, menus, author bios, tag "
        "descriptions and the footer against this site's addresses, its redirects and "
        "media storage (and, with --external, other sites), and list the broken ones."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--external",
            action="store_true",
            help="Also check links to other sites (HTTP requests; answers are kept a day).",
        )
        parser.add_argument(
            "--workers", type=int, default=8, help="External requests at once (default 8)."
        )
        parser.add_argument(
            "--timeout", type=float, default=10.0, help="Seconds to wait for an answer (10)."
        )
        parser.add_argument(
            "--delay",
            type=float,
            default=1.0,
            help="Seconds between two requests to the same host (default 1).",
        )
        parser.add_argument(
            "--allow-private",
            action="store_true",
            help="Also request links to loopback, private and link-local addresses (an "
            "intranet site); by default they are reported broken without a request.",
        )
        parser.add_argument(
            "--fail",
            action="store_true",
            help="Exit with an error when a link is broken (for CI and cron).",
        )

    def handle(self, *args, **options):
        for name in ("workers", "timeout", "delay"):
            if options[name] < 0 or (name != "delay" and not options[name]):
                raise CommandError(f"--{name} must be positive.")
        self.verbosity = options["verbosity"]
        external = None
        if options["external"]:
            external = ExternalChecker(
                workers=options["workers"],
                timeout=options["timeout"],
                delay=options["delay"],
                allow_private=options["allow_private"],
            )
        show_progress = external is not None and self.verbosity >= 1 and sys.stderr.isatty()
        report = checking.check(
            checking.sources(),
            external=external,
            progress=self._progress if show_progress else None,
        )
        if show_progress:
            self.stderr.write("")
        checking.store(report, "manage.py check_links")
        self._print(report)
        if options["fail"] and report.broken:
            raise CommandError(f"{len(report.broken)} broken link(s).")

    def _progress(self, done, total):
        if total and (done == total or done % 10 == 0):
            self.stderr.write(f"\rexternal links: {done}/{total}", ending="")
            self.stderr.flush()

    def _print(self, report):
        if self.verbosity >= 1:
            key = lambda item: (item.source.kind, item.source.pk, item.source.title)  # noqa: E731
            for (kind, _, title), items in groupby(sorted(report.broken, key=key), key):
                items = list(items)
                url = items[0].source.url if kind not in {"menu", "settings"} else ""
                heading = f"{checking.KINDS[kind][0].capitalize()}: {title}"
                if kind == "settings":
                    heading = "Site settings"
                self.stdout.write(self.style.MIGRATE_HEADING(heading + (f"  {url}" if url else "")))
                for item in items:
                    what = "image" if item.link.image else "link"
                    text = f"“{item.link.text}”" if item.link.text else "(no text)"
                    self.stdout.write(f"  {what} {text} → {item.link.url}")
                    self.stdout.write(self.style.WARNING(f"      {item.reason}"))
        lines = [checking.summary(report, Scope.INTERNAL)]
        if report.external_checked:
            lines.append(checking.summary(report, Scope.EXTERNAL))
        else:
            lines.append("Links to other sites were not checked (--external checks them).")
        if report.redirected and self.verbosity >= 1:
            lines.append(
                f"{report.redirected:,} link(s) answer through a redirect; they work, "
                "with one more request for the reader."
            )
        lines.append(
            f"{report.sources:,} posts, pages, bios, menus… read; "
            f"{report.targets + report.external_targets:,} distinct addresses checked in "
            f"{report.seconds:.1f}s."
        )
        for line in lines:
            style = self.style.ERROR if "broken" in line and not line.startswith("No") else None
            self.stdout.write(style(line) if style else line)
