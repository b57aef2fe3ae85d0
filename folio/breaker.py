"""The page cache's circuit breaker: after a cache error, leave the cache alone a while.

A Redis that stops answering (frozen, or cut off by a network partition that drops
packets) costs every call its socket timeout (``CACHES`` in config/settings/base.py),
and a page makes several calls: readers waited seconds (p99 4 s in bench/faults.py)
for pages Django renders in milliseconds. After one error this process skips the
cache for ``FOLIO_CACHE_RETRY_SECONDS``: pages are rendered uncached, and writes are
kept in the database for later (``folio.pagecache.invalidate_now``). Then one request
tries the cache again. One warning when it stops answering, one when it is back.

The state is per process, like the cache's connection pool: each worker finds out
for itself, at the cost of one timeout.
"""

import logging

from django.conf import settings

logger = logging.getLogger("folio.pagecache")

_state = {"retry_at": 0.0, "down": False}


def cache_usable(now):
    """May this process call the cache at ``now`` (``time.time()``)?"""
    return now >= _state["retry_at"]


def cache_failed(error, now):
    """A cache call raised ``error``: leave the cache alone for a while."""
    seconds = settings.FOLIO_CACHE_RETRY_SECONDS
    if not _state["down"]:
        logger.warning(
            "Page cache did not answer (%s: %s); pages are rendered uncached, "
            "and the cache is tried again every %s s",
            type(error).__name__,
            error,
            seconds,
        )
    _state.update(down=True, retry_at=now + seconds)


def cache_answered():
    """A cache call succeeded."""
    if _state["down"]:
        _state["down"] = False
        logger.warning("Page cache answers again")


def reset():
    """Forget past failures (a new process starts this way; tests stand for one)."""
    _state.update(retry_at=0.0, down=False)
