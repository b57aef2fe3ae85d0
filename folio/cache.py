"""Django's Redis cache backend, minus two per-call costs that dominated a page-cache hit.

* Django builds a new ``redis.Redis`` client for every cache call; redis-py's constructor
  registers a callback per Redis command, which costs more than the round trip of a GET
  (0.3 ms of a 0.8 ms hit). A client is thread-safe and only wraps the connection pool,
  so one per pool serves every call.
* Every key is checked character by character for what memcached cannot store. Redis
  stores any key, and ours are short ASCII names (Django's docs show the same override
  for backends that accept wider keys).
"""

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient


class _Client(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}  # connection pool -> redis.Redis using it

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(pool)
        if client is None:
            client = self._clients[pool] = self._client(connection_pool=pool)
        return client


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = _Client

    def validate_key(self, key):
        pass
