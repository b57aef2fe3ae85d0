"""Per-user rate limits for the endpoints where one writer can spend the server's CPU.

The editor's live preview renders markdown and its upload decodes images: each is
cheap alone, bounded in size, but a script can call them in a loop. Each user has a
counter per endpoint in Django's cache (one fixed window: ``limit`` calls per
``window`` seconds), so the limit holds across every worker when the cache is Redis,
and per process on the in-process cache. Over the limit the view answers 429 with
``Retry-After``.

A cache that does not answer lets the request through: the limits protect the
server's time, and refusing every writer while Redis restarts would cost more.
"""

import logging
import math
import time
from functools import wraps

from django.conf import settings
from django.core.cache import cache

logger = logging.getLogger(__name__)


def over_limit(scope: str, user_id, limit: int, window: int) -> int:
    """Count one call; the seconds until the next is allowed when over the limit, else 0."""
    now = time.time()
    window_start = math.floor(now / window) * window
    key = f"folio:throttle:{scope}:{user_id}:{window_start}"
    try:
        # add() sets the counter only if absent: every worker counts in the same one.
        cache.add(key, 0, timeout=window + 1)
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add() and incr()
            cache.add(key, 1, timeout=window + 1)
            count = 1
    except Exception:  # any cache failure: see the module docstring
        logger.warning("rate limit %s not checked: the cache did not answer", scope, exc_info=True)
        return 0
    if count <= limit:
        return 0
    return max(1, math.ceil(window_start + window - now))


def rate_limited(scope: str, setting: str, refuse):
    """Limit a view per user to ``settings.<setting>`` = (calls, seconds).

    ``refuse(request, retry_after)`` builds the answer in the shape the endpoint's
    client understands; this adds ``Retry-After``. Anonymous requests are not counted
    (the views refuse them before doing any work).
    """

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if request.user.is_authenticated:
                limit, window = getattr(settings, setting)
                retry_after = over_limit(scope, request.user.pk, limit, window)
                if retry_after:
                    response = refuse(request, retry_after)
                    response["Retry-After"] = str(retry_after)
                    return response
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
