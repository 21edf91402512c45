"""Redis (the Celery broker) down: a job enqueued meanwhile is kept in the outbox and sent, once
and in order, when the broker is back (gonghui.core.jobs). The "back" half publishes to the real
Redis at 127.0.0.1:6379 (db 5, a queue of its own) and is skipped when no Redis answers there."""

import json

import pytest
import redis
from celery import Celery
from django.conf import settings

from config.celery import app as project_app
from gonghui.core.jobs import OutboxTask, flush_outbox
from gonghui.core.models import JobOutbox

DEAD_BROKER = "redis://127.0.0.1:1/5"
LIVE_BROKER = "redis://127.0.0.1:6379/5"
QUEUE = "faults-h5-outbox"

pytestmark = pytest.mark.django_db


def _live_redis():
    client = redis.Redis.from_url(LIVE_BROKER, socket_connect_timeout=1)
    try:
        client.ping()
    except redis.exceptions.ConnectionError:
        return None
    return client


def _app(broker):
    """A non-eager app with the project's task class, publish retry policy and one task."""
    # Not the current app: the project's shared tasks must keep resolving to the (eager) project app.
    app = Celery(f"faults-{broker}", broker=broker, task_cls="gonghui.core.jobs:OutboxTask", set_as_current=False)
    app.conf.update(task_always_eager=False, task_default_queue=QUEUE, broker_connection_timeout=2,
                    task_publish_retry_policy=settings.CELERY_TASK_PUBLISH_RETRY_POLICY)

    @app.task(name="faults.notify", ignore_result=True, shared=False)
    def notify(notification_id, channel="sms"):
        return notification_id

    @app.task(name="faults.refresh", ignore_result=True, shared=False)
    def refresh():
        return None

    return app


@pytest.fixture
def down_app():
    return _app(DEAD_BROKER)


@pytest.fixture
def live_queue():
    client = _live_redis()
    if client is None:
        pytest.skip("no Redis at 127.0.0.1:6379")
    client.delete(QUEUE)
    yield client
    client.delete(QUEUE, *client.keys(f"_kombu.binding*{QUEUE}"))


def _queued_ids(client):
    """Task ids in the Redis list, oldest first (kombu LPUSHes, workers take from the right)."""
    return [json.loads(raw)["headers"]["id"] for raw in reversed(client.lrange(QUEUE, 0, -1))]


def test_every_project_task_is_an_outbox_task():
    import gonghui.core.tasks  # noqa: F401  (the modules beat and the services enqueue from)
    import gonghui.members.tasks  # noqa: F401

    tasks = {name: task for name, task in project_app.tasks.items() if name.startswith("gonghui.")}
    assert tasks and all(isinstance(task, OutboxTask) for task in tasks.values())
    assert hasattr(tasks["gonghui.members.tasks.run_member_import_task"], "delay_on_commit")
    assert settings.CELERY_BEAT_SCHEDULE["flush-job-outbox"]["task"] in project_app.tasks


def test_eager_mode_runs_the_job_and_keeps_nothing():
    result = project_app.tasks["gonghui.core.jobs.flush_outbox_task"].delay()
    assert result.successful() and JobOutbox.objects.count() == 0


def test_job_enqueued_while_broker_down_is_kept(down_app):
    result = down_app.tasks["faults.notify"].apply_async((41,), {"channel": "email"}, countdown=30)

    row = JobOutbox.objects.get()
    assert (row.task_name, row.task_id, row.args, row.kwargs) == ("faults.notify", result.id, [41],
                                                                   {"channel": "email"})
    assert "eta" in row.options and "Connection refused" in row.error  # countdown counted from now


def test_delay_on_commit_goes_through_the_outbox(down_app, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        down_app.tasks["faults.notify"].delay_on_commit(7)
    assert list(JobOutbox.objects.values_list("task_name", "args")) == [("faults.notify", [7])]


def test_a_scheduled_job_waits_once_however_many_ticks_fail(down_app):
    for _ in range(3):
        down_app.tasks["faults.refresh"].delay()
    down_app.tasks["faults.notify"].delay(1)
    down_app.tasks["faults.notify"].delay(1)  # calls with arguments are never merged
    assert JobOutbox.objects.filter(task_name="faults.refresh").count() == 1
    assert JobOutbox.objects.filter(task_name="faults.notify").count() == 2


def test_flush_while_broker_still_down_keeps_every_row(down_app):
    down_app.tasks["faults.notify"].delay(1)
    down_app.tasks["faults.notify"].delay(2)
    assert flush_outbox(down_app) == 0
    assert JobOutbox.objects.count() == 2


def test_flush_with_broker_back_sends_each_job_once_in_order(down_app, live_queue):
    ids = [down_app.tasks["faults.notify"].delay(n).id for n in (1, 2, 3)]
    assert live_queue.llen(QUEUE) == 0

    live_app = _app(LIVE_BROKER)
    assert flush_outbox(live_app) == 3
    assert flush_outbox(live_app) == 0  # a second flush sends nothing again

    assert live_queue.llen(QUEUE) == 3
    assert _queued_ids(live_queue) == ids
    assert JobOutbox.objects.count() == 0


class RecordingApp:
    """Stands in for a Celery app whose broker answers: records what was sent."""

    def __init__(self):
        self.sent = []

    def send_task(self, name, args=None, kwargs=None, task_id=None, **options):
        self.sent.append((name, args, task_id))


def test_one_row_that_cannot_be_sent_does_not_hold_back_the_others(caplog):
    def row(task_id, **options):
        return JobOutbox.objects.create(task_name="faults.notify", task_id=task_id, args=[task_id], kwargs={},
                                        options=options, error="refused")

    row("t1")
    bad = row("t2", eta="not a date")
    row("t3")
    app = RecordingApp()
    assert flush_outbox(app) == 2
    assert [task_id for _name, _args, task_id in app.sent] == ["t1", "t3"]
    assert list(JobOutbox.objects.values_list("pk", flat=True)) == [bad.pk]  # left for an operator
    assert any(f"outbox row {bad.pk} " in r.getMessage() for r in caplog.records)
    assert flush_outbox(app) == 0 and len(app.sent) == 2  # the next flush skips it again, sends nothing twice


# --- Redis down for the cache and the sessions (production's settings) -----------------------------

@pytest.fixture
def redis_down(settings):
    """prod.py's cache and session settings, with Redis at a port where nothing listens."""
    settings.CACHES = {"default": {
        "BACKEND": "gonghui.core.cache.ResilientRedisCache", "LOCATION": DEAD_BROKER,
        "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5, "RETRY_AFTER": 5}}}
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.db"
    settings.FIGURES_CACHE_SECONDS = 300  # the dashboards read and write the cache, as in production


def test_sign_in_and_pages_work_while_redis_is_down(client, tree, redis_down):
    from django.urls import reverse

    response = client.post(reverse("accounts:login"), {"username": "union1", "password": "test-pass-2026"})
    assert response.status_code == 302, "sign-in failed with Redis down"
    for name in ("core:home", "members:import_list", "core:notification_list"):
        assert client.get(reverse(name), follow=True).status_code == 200, name
    session_key = client.cookies[settings.SESSION_COOKIE_NAME].value

    from django.contrib.sessions.models import Session

    assert Session.objects.filter(session_key=session_key).exists()  # the database holds the session


def test_a_write_with_an_idempotency_key_is_refused_while_redis_is_down(tree, redis_down):
    """Without the cache the key could be neither found nor kept, so a retry would create twice:
    fail closed (503, nothing created). Without a key the write goes through as usual."""
    import random

    from gonghui.core.testing.api import api_as
    from gonghui.core.testing.identifiers import make_id_number
    from gonghui.members.models import Person

    body = {"union": tree.union1.pk, "name": "孙七", "id_number": make_id_number(random.Random(5), region="330181"),
            "joined_on": "2024-01-02"}
    client = api_as(tree.union1_chair)
    for _attempt in range(2):  # the first call finds Redis gone, the second is inside the quiet period
        refused = client.post("/members", body, **{"Idempotency-Key": "outage-1"})
        assert refused.status_code == 503
        assert refused.json()["code"] == "idempotency_unavailable"
        assert refused.json()["field"] == "Idempotency-Key"
    assert not Person.objects.filter(name="孙七").exists()
    assert client.post("/members", body).status_code == 201
