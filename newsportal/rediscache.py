"""Django's Redis cache backend, made cheaper and made to degrade.

One redis-py client per connection pool instead of one per operation: Django builds a new
`redis.Redis` for every cache call, and redis-py 7 fills a table of some 160 response callbacks
each time (145 µs, three quarters of what a cached page costs with Redis, measured with cProfile).
A client over a pool is safe to share between threads, as redis-py documents.

What is stored is signed. Django keeps values in Redis as pickles, and unpickling runs code: anyone
who could write one entry to Redis would run code in every app worker. Here each value carries
an HMAC made with the site's SECRET_KEY, checked before it is unpickled; an entry this site did
not sign reads as a miss (and is reported). Integers stay plain, as Django stores them, for INCR.

A slow Redis does not make pages slow: after one call fails or times out, Redis is skipped for
CACHE_BREAKER_SECONDS (a circuit breaker), so a page pays one timeout, not one per cache call.
When Redis answers again, `cache_recovered` is sent: purges written meanwhile were missed, and
newsportal/invalidation.py writes them again before the old pages can be trusted.

A Redis outage is not a site outage: every call that cannot reach Redis answers as a cache miss
would (nothing found, nothing stored), so pages are rendered uncached, rate limits let requests
through (the admin's login lockout lives in PostgreSQL and still holds), and one line a minute
says so in the log instead of a traceback per request.
"""

import hmac
import logging
import pickle
import time

from django.conf import settings
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient as DjangoRedisCacheClient
from django.core.cache.backends.redis import RedisSerializer
from django.dispatch import Signal
from django.utils.crypto import salted_hmac
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import ResponseError
from redis.exceptions import TimeoutError as RedisTimeoutError

from newsportal import metrics

logger = logging.getLogger(__name__)
UNREACHABLE = (RedisConnectionError, RedisTimeoutError, OSError)
_last_report = [0.0]
# This process's view of Redis: skipped until `open_until` after a failure; `failed` until it
# answers again. `counts` are for the metrics: failed calls, calls skipped, unsigned entries.
breaker = {"open_until": 0.0, "failed": False}
counts = {"errors": 0, "skipped": 0, "unsigned": 0}
cache_recovered = Signal()  # Redis answers again after this process saw it fail


def report(error) -> None:
    if time.monotonic() - _last_report[0] > 60:
        _last_report[0] = time.monotonic()
        logger.error("cache: Redis unreachable (%s); serving uncached until it is back", error)


SALT = "newsportal.rediscache"
MAC_SIZE = 32  # SHA-256


class Unsigned(Exception):
    """A value in Redis that this site did not sign."""


class SignedSerializer(RedisSerializer):
    def dumps(self, obj):
        if type(obj) is int:
            return obj
        data = pickle.dumps(obj, self.protocol)
        return salted_hmac(SALT, data, algorithm="sha256").digest() + data

    def loads(self, data):
        try:
            return int(data)
        except ValueError:
            pass
        mac, payload = data[:MAC_SIZE], data[MAC_SIZE:]
        if not hmac.compare_digest(mac, salted_hmac(SALT, payload, algorithm="sha256").digest()):
            raise Unsigned
        return pickle.loads(payload)


_last_forgery_report = [0.0]


def report_unsigned() -> None:
    if time.monotonic() - _last_forgery_report[0] > 60:
        _last_forgery_report[0] = time.monotonic()
        logger.error(
            "cache: an entry in Redis was not signed by this site and was ignored: something "
            "other than the portal writes to this Redis (check its password and network)"
        )


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
        self._options.setdefault("serializer", SignedSerializer)

    def _degrade(self, call, fallback, *args, **kwargs):
        if time.monotonic() < breaker["open_until"]:
            counts["skipped"] += 1
            return fallback
        try:
            result = call(*args, **kwargs)
        except UNREACHABLE as error:
            self._failed(error)
            return fallback
        except Unsigned:
            counts["unsigned"] += 1
            report_unsigned()
            return fallback
        if breaker["failed"]:
            breaker["failed"] = False
            cache_recovered.send(sender=type(self))
        return result

    @staticmethod
    def _failed(error) -> None:
        counts["errors"] += 1
        metrics.BACKEND_ERRORS.labels("redis").inc()
        breaker["failed"] = True
        breaker["open_until"] = time.monotonic() + settings.CACHE_BREAKER_SECONDS
        report(error)

    def get(self, key, default=None, version=None):
        return self._degrade(super().get, default, key, default, version)

    def get_many(self, keys, version=None):
        return self._degrade(super().get_many, {}, keys, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._degrade(super().set, None, key, value, timeout, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._degrade(super().set_many, list(data), data, timeout, version)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._degrade(super().add, False, key, value, timeout, version)

    def delete(self, key, version=None):
        return self._degrade(super().delete, False, key, version)

    def incr(self, key, delta=1, version=None):
        unreachable = ValueError("the cache is unreachable")  # as if the key were evicted
        if time.monotonic() < breaker["open_until"]:
            counts["skipped"] += 1
            raise unreachable
        try:
            return super().incr(key, delta, version)
        except UNREACHABLE as error:
            self._failed(error)
            raise unreachable from error
        except ResponseError as error:  # not a number there: not something this site wrote
            counts["unsigned"] += 1
            report_unsigned()
            raise ValueError("not a count") from error
