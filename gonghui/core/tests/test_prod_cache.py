"""ResilientRedisCache: reads miss and writes are dropped while Redis is down (one warning), and it
works as Django's RedisCache when Redis answers."""

import logging
import uuid

import pytest
import redis

from gonghui.core.cache import ResilientRedisCache

LIVE_REDIS = "redis://127.0.0.1:6379/1"


def dead_cache(**options):
    # Nothing listens on port 1: connections are refused at once.
    return ResilientRedisCache("redis://127.0.0.1:1/0", {
        "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5, "RETRY_AFTER": 0, **options}})


def live_cache():
    try:
        redis.Redis.from_url(LIVE_REDIS, socket_connect_timeout=0.5).ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("no Redis at 127.0.0.1:6379")
    return ResilientRedisCache(LIVE_REDIS, {"KEY_PREFIX": f"h1test-{uuid.uuid4().hex}",
                                            "OPTIONS": {"socket_connect_timeout": 0.5, "RETRY_AFTER": 0}})


def test_reads_miss_and_writes_are_dropped_while_redis_is_down():
    cache = dead_cache()
    cache.set("a", 1)
    cache.set_many({"b": 2})
    assert cache.get("a") is None
    assert cache.get("a", "fallback") == "fallback"
    assert cache.get_many(["a", "b"]) == {}
    assert cache.has_key("a") is False
    assert cache.add("a", 1) is True  # the key was missing, as a read says
    assert cache.get_or_set("c", 3) == 3
    assert cache.delete("a") is False
    cache.delete_many(["a", "b"])
    with pytest.raises(ValueError):  # Django's "no such key": every caller counts from zero again
        cache.incr("counter")


def test_an_outage_is_logged_once_not_per_call(caplog):
    cache = dead_cache()
    with caplog.at_level(logging.INFO, logger="gonghui.core.cache"):
        for _ in range(5):
            cache.get("a")
            cache.set("a", 1)
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1
    assert "Redis cache unavailable" in warnings[0].getMessage()


def test_after_a_failure_redis_is_not_asked_again_during_the_quiet_period(monkeypatch):
    cache = dead_cache(RETRY_AFTER=3600)
    cache.get("a")
    assert cache.outage.is_down
    calls = []
    monkeypatch.setattr("django.core.cache.backends.redis.RedisCache.get",
                        lambda *args, **kwargs: calls.append(args))
    assert cache.get("a", "miss") == "miss"
    assert calls == []


def test_with_redis_up_it_is_a_redis_cache_and_says_when_redis_is_back(caplog):
    cache = live_cache()
    cache.set("k", {"v": 1}, timeout=30)
    assert cache.get("k") == {"v": 1}
    assert cache.add("k", 2) is False
    cache.set("n", 1)
    assert cache.incr("n") == 2
    cache.outage.failed(ConnectionError("simulated"))  # as if the last call had failed
    with caplog.at_level(logging.INFO, logger="gonghui.core.cache"):
        assert cache.get("k") == {"v": 1}
    assert not cache.outage.is_down
    assert any("answers again" in r.getMessage() for r in caplog.records)
    cache.delete_many(["k", "n"])
