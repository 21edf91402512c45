"""/healthz and /readyz: what each reports, 503 naming what failed, no sign-in, no secrets, no cache."""

import pytest
from django.core.cache import cache
from django.test import Client

from gonghui.core import views_health


def test_readyz_reports_each_check_and_answers_200_when_all_pass(db, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    response = Client().get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "cache": "ok", "broker": "eager"}
    assert "no-cache" in response["Cache-Control"]


def test_readyz_names_a_cache_that_drops_writes(db, monkeypatch):
    monkeypatch.setattr(cache, "get", lambda *args, **kwargs: None)  # what the resilient cache does when Redis is down
    response = Client().get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["cache"] == "error" and body["failed"] == ["cache"] and body["database"] == "ok"
    assert "cache" in body["message"]


def test_readyz_names_a_dead_broker_quickly_without_showing_its_url(db, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = "redis://:broker-secret@127.0.0.1:1/0"  # nothing listens on port 1
    settings.READYZ_BROKER_TIMEOUT = 1
    response = Client().get("/readyz")
    assert response.status_code == 503
    assert response.json()["failed"] == ["broker"]
    assert b"broker-secret" not in response.content and b"127.0.0.1" not in response.content


def test_readyz_reaches_a_live_broker(db, settings):
    import redis

    try:
        redis.Redis.from_url("redis://127.0.0.1:6379/1", socket_connect_timeout=0.5).ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("no Redis at 127.0.0.1:6379")
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:6379/1"
    assert views_health.check_broker() == "ok"


def test_healthz_and_readyz_need_no_sign_in_even_for_an_unverified_administrator(tree, settings):
    settings.REQUIRE_ADMIN_OTP = True
    client = Client()
    client.force_login(tree.district_staff)
    for path in ("/healthz", "/readyz"):
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code, response.get("Location"))
