"""Django's Redis cache backend, with one redis-py client per connection pool instead of one per
operation.

Django builds a new `redis.Redis` for every cache call, and redis-py 7 fills a table of some 160
response callbacks each time it does: 145 µs, three quarters of what a cached page costs with
Redis (measured with cProfile). A client over a pool is safe to share between threads, as
redis-py documents, so one per pool is kept.
"""

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient as DjangoRedisCacheClient


class RedisCacheClient(DjangoRedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            pool = self._get_connection_pool(write)
            client = self._clients[index] = self._client(connection_pool=pool)
        return client


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = RedisCacheClient
