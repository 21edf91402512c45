"""Health checks for the load balancer, systemd and monitoring (docs/deploy.md, "Health checks").

- `/healthz` (liveness): the process answers and the database does a round trip. Restart the
  process when it fails.
- `/readyz` (readiness): the database, the cache (a set/get round trip) and the Celery broker
  (one connection attempt with a short timeout; "eager" when jobs run in the request) each
  reported. 503 only when the database fails: without it no page works. A failing cache or
  broker answers 200 with status "degraded" and names them: Redis is shared by every instance,
  so taking an instance out of rotation for it would take them all out, while the site keeps
  working without it (ResilientRedisCache, the job outbox: docs/faults.md). Monitoring alerts
  on "degraded"; the load balancer takes the instance out only on a 503.

Both answer without sign-in (the OTP and password-change middleware exempt them), are never
cached, and say nothing but "ok" / "error" per check: no host names, URLs, versions or counts
(the URLs carry passwords; the error itself goes to the log). nginx lets only the probes reach
/readyz (deploy/nginx.conf).

The log says when a check starts failing (one WARNING with the error) and when it answers again
(one INFO), not on every probe: a load balancer probes every few seconds.
"""

import logging
import uuid

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from gonghui.core.logging import LoggedOnce

logger = logging.getLogger(__name__)

OK, ERROR, EAGER, DEGRADED = "ok", "error", "eager", "degraded"
BROKER_TIMEOUT_SECONDS = 2.0  # READYZ_BROKER_TIMEOUT overrides; a probe must never hang
# Without the database nothing works: the only check whose failure makes an instance unready.
REQUIRED_CHECKS = ("database",)


class CheckState(LoggedOnce):
    """Whether one check passed at its last run in this process: only a change is logged. Unlike
    core.cache.RedisOutage it never stops asking for a while after a failure: a probe must ask."""

    def __init__(self, name: str):
        super().__init__(logger)
        self.name = name

    def failed(self, problem: str, *args) -> None:
        super().failed("health check: " + problem + " (logged once, until it answers again)", *args)

    def passed(self) -> None:
        super().passed("health check: the %s answers again", self.name)

    def reset(self) -> None:
        with self._lock:
            self._failing = False


DATABASE_STATE, CACHE_STATE, BROKER_STATE = CheckState("database"), CheckState("cache"), CheckState("broker")


def _failed(state: CheckState, error: Exception) -> str:
    # The error's class and text, no traceback: the reason, once, without flooding the log.
    state.failed("the %s does not answer (%s: %s)", state.name, type(error).__name__, error)
    return ERROR


def _passed(state: CheckState) -> str:
    state.passed()
    return OK


def check_database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as error:  # noqa: BLE001 — any failure of the database means "not healthy"
        return _failed(DATABASE_STATE, error)
    return _passed(DATABASE_STATE)


def check_cache() -> str:
    """A set/get round trip with a value of its own: a cache that drops writes (the resilient
    Redis cache while Redis is down) reads back a miss and fails here, as it should."""
    key, value = f"readyz:{uuid.uuid4().hex}", uuid.uuid4().hex
    try:
        cache.set(key, value, timeout=10)
        answered = cache.get(key)
        cache.delete(key)
    except Exception as error:  # noqa: BLE001 — a cache backend without resilience raises when down
        return _failed(CACHE_STATE, error)
    if answered != value:
        CACHE_STATE.failed("the cache did not keep a value (down or dropping writes)")
        return ERROR
    return _passed(CACHE_STATE)


def check_broker() -> str:
    """One attempt to connect to the Celery broker (max_retries=0: no retry), within
    READYZ_BROKER_TIMEOUT."""
    if getattr(settings, "CELERY_TASK_ALWAYS_EAGER", False):
        return EAGER
    from kombu import Connection

    seconds = float(getattr(settings, "READYZ_BROKER_TIMEOUT", BROKER_TIMEOUT_SECONDS))
    options = {"socket_connect_timeout": seconds, "socket_timeout": seconds, "max_retries": 0}
    try:
        with Connection(settings.CELERY_BROKER_URL, connect_timeout=seconds, transport_options=options) as conn:
            conn.ensure_connection(max_retries=0, interval_start=0, interval_step=0, timeout=seconds)
    except Exception as error:  # noqa: BLE001 — refused, timed out, bad credentials: all "not answering"
        return _failed(BROKER_STATE, error)
    return _passed(BROKER_STATE)


def _overall_status(failed: list[str]) -> str:
    if any(name in REQUIRED_CHECKS for name in failed):
        return ERROR
    return DEGRADED if failed else OK


def _failure_message(status: str, failed: list[str]) -> str:
    checks = ", ".join(failed)
    if status == DEGRADED:
        return _("Degraded: %(checks)s did not answer; pages are still served. The application log says why.") % {
            "checks": checks}
    return _("Not ready: %(checks)s did not answer. The application log says why.") % {"checks": checks}


def _health_response(checks: dict) -> JsonResponse:
    """Status "ok" (200); "degraded" (200) when only checks the site can serve without failed;
    "error" (503) when a required one failed. `failed` and `message` name what failed."""
    failed = [name for name, state in checks.items() if state == ERROR]
    status = _overall_status(failed)
    body = {"status": status, **checks}
    if failed:
        body["failed"] = failed
        body["message"] = _failure_message(status, failed)
    return JsonResponse(body, status=503 if status == ERROR else 200, json_dumps_params={"ensure_ascii": False})


@never_cache
@require_safe
def healthz(request):
    """Liveness plus a database round trip; 503 when the database does not answer."""
    return _health_response({"database": check_database()})


@never_cache
@require_safe
def readyz(request):
    """Readiness: database, cache and broker; 503 only when the database fails, "degraded" (200)
    naming the cache or the broker when they fail."""
    return _health_response({"database": check_database(), "cache": check_cache(), "broker": check_broker()})
