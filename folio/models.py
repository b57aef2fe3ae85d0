from django.db import models


class PendingInvalidation(models.Model):
    """Page-cache names a write could not mark stale because the cache did not answer.

    Kept in the database, which every app server and command shares and which outlives
    any one process: every server checks for these rows every few seconds and sends
    them once the cache answers (``folio.pagecache``); until then it does not trust
    the cache and renders every page itself.
    """

    names = models.JSONField()
    created = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return ", ".join(self.names)
