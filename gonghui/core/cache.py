"""A Redis cache that degrades instead of failing: when Redis does not answer, reads answer a
miss and writes are dropped, so every page keeps working (slower: figures are counted again,
rate limits start from zero) until Redis is back.

The cache is an accelerator in this project, never the truth: sessions are in the database
(production's `db` engine), export jobs are rows of `core.ExportJob`, figures are counted again.
So an outage of Redis must not become an outage of the site. The one thing the cache guards is
the API's Idempotency-Key, which refuses (503) while `outage.is_down` (core.api_support).

- One WARNING is logged when Redis stops answering and one INFO when it answers again, not one
  per call (a busy site would flood the logs).
- After a failure Redis is not asked again for `RETRY_AFTER` seconds (OPTIONS, default 5): a
  host that drops packets would otherwise cost every cache call its connect timeout.
- `add` answers True (the key was missing, as a read would say) and `incr` raises ValueError
  (Django's "no such key"): every caller already handles both (they count from zero again).

Set short socket timeouts in OPTIONS (prod.py does) so a dead Redis is noticed within a fraction
of a second rather than the operating system's TCP timeout.
"""

import logging
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from gonghui.core.logging import LoggedOnce

logger = logging.getLogger(__name__)

# What "Redis is down" looks like through redis-py (refused, reset, timed out, DNS failure).
REDIS_DOWN_ERRORS = (RedisConnectionError, RedisTimeoutError, OSError)
DEFAULT_RETRY_AFTER = 5.0


class RedisOutage:
    """Whether Redis is considered down, shared by the threads of one process."""

    def __init__(self, retry_after: float):
        self.retry_after = retry_after
        self._down_since: float | None = None
        self._log = LoggedOnce(logger)

    def should_skip(self) -> bool:
        """True while inside the quiet period after a failure (Redis is not asked at all)."""
        down_since = self._down_since
        return down_since is not None and time.monotonic() - down_since < self.retry_after

    def failed(self, error: Exception) -> None:
        self._down_since = time.monotonic()
        self._log.failed("Redis cache unavailable (%s): reads miss and writes are dropped until it answers again",
                         type(error).__name__)

    def succeeded(self) -> None:
        if self._down_since is None:
            return
        self._down_since = None
        self._log.passed("Redis cache answers again")

    @property
    def is_down(self) -> bool:
        return self._down_since is not None


class ResilientRedisCache(RedisCache):
    """Django's RedisCache that answers a miss / drops the write when Redis is down."""

    def __init__(self, server, params):
        options = dict(params.get("OPTIONS") or {})
        retry_after = float(options.pop("RETRY_AFTER", DEFAULT_RETRY_AFTER))
        super().__init__(server, {**params, "OPTIONS": options})
        self.outage = RedisOutage(retry_after)

    def _call(self, method, fallback, *args, **kwargs):
        """Run RedisCache.`method`; `fallback()` when Redis is down or was down a moment ago."""
        if self.outage.should_skip():
            return fallback()
        try:
            result = getattr(super(), method)(*args, **kwargs)
        except REDIS_DOWN_ERRORS as error:
            self.outage.failed(error)
            return fallback()
        self.outage.succeeded()
        return result

    # --- reads: a miss ---------------------------------------------------------------------
    def get(self, key, default=None, version=None):
        return self._call("get", lambda: default, key, default=default, version=version)

    def get_many(self, keys, version=None):
        return self._call("get_many", dict, keys, version=version)

    def has_key(self, key, version=None):
        return self._call("has_key", lambda: False, key, version=version)

    # --- writes: dropped ---------------------------------------------------------------------
    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        self._call("set", lambda: None, key, value, timeout=timeout, version=version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        # Django's contract: the keys that could not be stored.
        return self._call("set_many", lambda: list(data), data, timeout=timeout, version=version)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        # The key was missing (a read would say so), so adding "succeeds"; the value is dropped.
        return self._call("add", lambda: True, key, value, timeout=timeout, version=version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("touch", lambda: False, key, timeout=timeout, version=version)

    def delete(self, key, version=None):
        return self._call("delete", lambda: False, key, version=version)

    def delete_many(self, keys, version=None):
        self._call("delete_many", lambda: None, keys, version=version)

    def clear(self):
        return self._call("clear", lambda: False)

    def incr(self, key, delta=1, version=None):
        def missing():
            raise ValueError(f"Key '{key}' not found (Redis cache unavailable).")

        return self._call("incr", missing, key, delta=delta, version=version)

    # decr, get_or_set, incr_version … are built on the methods above by BaseCache.
