"""What the link check (linkcheck/checking.py) keeps between runs: the broken links
its last check of each scope found, when that check ran, and what each external URL
answered (kept a day).

Kept in the database rather than the cache: the results must outlive the process
that found them (the cache is a per-process memory in the embedded default), a Redis
flush or eviction must not lose a day of external requests, and the admin's Site
health page reads them back in one query however large the site.
"""

from django.db import models
from django.utils import timezone


class Scope(models.TextChoices):
    INTERNAL = "internal", "Links within the site"
    EXTERNAL = "external", "Links to other sites"


class CheckRun(models.Model):
    """The last check of one scope: when it ran, what ran it, what it covered."""

    scope = models.CharField(max_length=10, choices=Scope.choices, unique=True)
    finished = models.DateTimeField(default=timezone.now)
    by = models.CharField(max_length=200, help_text="What ran it: an import, a command, a user.")
    sources = models.PositiveIntegerField(default=0, help_text="Posts, pages, … read.")
    links = models.PositiveIntegerField(default=0, help_text="Links and images found.")
    targets = models.PositiveIntegerField(default=0, help_text="Distinct addresses checked.")
    seconds = models.FloatField(default=0)

    class Meta:
        ordering = ["scope"]

    def __str__(self):
        return f"{self.get_scope_display()}, {self.finished:%Y-%m-%d %H:%M}"


class BrokenLink(models.Model):
    """A link or image, in one post, page, bio, tag, menu or the footer, whose target
    does not answer (as the last check of its scope found it)."""

    scope = models.CharField(max_length=10, choices=Scope.choices)
    source_kind = models.CharField(max_length=20)
    source_id = models.PositiveBigIntegerField(null=True, blank=True)
    source_title = models.CharField(max_length=300)
    source_url = models.CharField(max_length=500, blank=True)
    text = models.CharField(max_length=300, blank=True)
    target = models.TextField()
    image = models.BooleanField(default=False)
    reason = models.CharField(max_length=300)

    class Meta:
        ordering = ["source_kind", "source_title", "source_id", "pk"]
        indexes = [
            models.Index(fields=["source_kind", "source_id"], name="linkcheck_broken_source"),
        ]

    def __str__(self):
        return f"{self.source_title}: {self.target} ({self.reason})"


class ExternalResult(models.Model):
    """What an external URL answered when last asked (linkcheck/external.py)."""

    # The URL's SHA-256: a URL may be longer than an index can hold.
    key = models.CharField(max_length=64, unique=True)
    url = models.TextField()
    status = models.PositiveSmallIntegerField(null=True, blank=True)
    ok = models.BooleanField()
    reason = models.CharField(max_length=300, blank=True)
    checked = models.DateTimeField(default=timezone.now, db_index=True)

    def __str__(self):
        return f"{self.url}: {self.status or self.reason}"
