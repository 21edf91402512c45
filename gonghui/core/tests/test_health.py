"""/healthz and /readyz: what each reports, 503 only when the database fails ("degraded" with a
200 when the cache or the broker does), a log line per change not per probe, no sign-in, no
secrets, no cache."""

import logging

import pytest
from django.core.cache import cache
from django.db import OperationalError
from django.test import Client

from gonghui.core import views_health


@pytest.fixture(autouse=True)
def checks_start_passing():
    for state in (views_health.DATABASE_STATE, views_health.CACHE_STATE, views_health.BROKER_STATE):
        state.reset()


class DatabaseDown:
    """Stands in for django.db.connection while the database does not answer."""

    def cursor(self):
        raise OperationalError("connection refused")


def test_readyz_reports_each_check_and_answers_200_when_all_pass(db, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    response = Client().get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "cache": "ok", "broker": "eager"}
    assert "no-cache" in response["Cache-Control"]


def test_readyz_stays_ready_but_degraded_with_a_cache_that_drops_writes(db, monkeypatch):
    # Redis is shared by every instance: a 503 here would take all of them out of rotation at once.
    monkeypatch.setattr(cache, "get", lambda *args, **kwargs: None)  # what the resilient cache does when Redis is down
    response = Client().get("/readyz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "degraded"
    assert body["cache"] == "error" and body["failed"] == ["cache"] and body["database"] == "ok"
    assert "cache" in body["message"]


def test_readyz_stays_ready_but_names_a_dead_broker_quickly_without_showing_its_url(db, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = "redis://:broker-secret@127.0.0.1:1/0"  # nothing listens on port 1
    settings.READYZ_BROKER_TIMEOUT = 1
    response = Client().get("/readyz")
    assert response.status_code == 200
    assert response.json()["status"] == "degraded" and response.json()["failed"] == ["broker"]
    assert b"broker-secret" not in response.content and b"127.0.0.1" not in response.content


def test_readyz_and_healthz_answer_503_when_the_database_fails(db, monkeypatch):
    monkeypatch.setattr(cache, "get", lambda *args, **kwargs: None)
    monkeypatch.setattr(views_health, "connection", DatabaseDown())
    response = Client().get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "error" and body["database"] == "error" and body["failed"] == ["database", "cache"]
    assert Client().get("/healthz").status_code == 503


def test_a_failing_check_is_logged_when_it_fails_and_when_it_answers_again_not_on_every_probe(db, monkeypatch,
                                                                                                caplog):
    caplog.set_level(logging.INFO, logger=views_health.logger.name)
    with monkeypatch.context() as down:
        down.setattr(views_health, "connection", DatabaseDown())
        for _probe in range(3):
            assert views_health.check_database() == "error"
    assert views_health.check_database() == "ok"
    assert views_health.check_database() == "ok"
    lines = [(r.levelno, r.getMessage(), r.exc_info) for r in caplog.records if r.name == views_health.logger.name]
    assert lines == [
        (logging.WARNING, "health check: the database does not answer (OperationalError: connection refused) "
                          "(logged once, until it answers again)", None),
        (logging.INFO, "health check: the database answers again", None),
    ]


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
