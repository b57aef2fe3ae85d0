from django.db import models


class SiteGeneration(models.Model):
    """How many content writes there have been: one row, counted by every write.

    Each page cache remembers the count it has taken (``folio.pagecache``). Every
    serving process compares the two every few seconds; a cache behind the count
    missed a write -- made while it did not answer, or in a process with another
    cache (a ``manage.py shell`` on the in-process cache, a command without
    ``REDIS_URL``) -- and has every page made stale, so no write goes unseen, whichever
    process made it and even if that process is gone. Kept in the database because it
    is the one thing every process that writes content shares.
    """

    value = models.BigIntegerField(default=0)

    def __str__(self):
        return f"{self.value} writes"
