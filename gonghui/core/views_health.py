"""Health checks for the load balancer, systemd and monitoring (docs/deploy.md, "Health checks").

- `/healthz` (liveness): the process answers and the database does a round trip. Restart the
  process when it fails.
- `/readyz` (readiness): the database, the cache (a set/get round trip) and the Celery broker
  (a connection with a short timeout; "eager" when jobs run in the request) each reported; 200
  only when all are ok, 503 naming what failed. Take the instance out of rotation when it fails.

Both answer without sign-in (the OTP and password-change middleware exempt them), are never
cached, and say nothing but "ok" / "error" per check: no host names, URLs, versions or counts
(the URLs carry passwords; the error itself goes to the log).
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

logger = logging.getLogger(__name__)

OK, ERROR, EAGER = "ok", "error", "eager"
BROKER_TIMEOUT_SECONDS = 2.0  # READYZ_BROKER_TIMEOUT overrides; a probe must never hang


def check_database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # noqa: BLE001 — any failure of the database means "not healthy"
        logger.exception("health check: the database does not answer")
        return ERROR
    return OK


def check_cache() -> str:
    """A set/get round trip with a value of its own: a cache that drops writes (the resilient
    Redis cache while Redis is down) reads back a miss and fails here, as it should."""
    key, value = f"readyz:{uuid.uuid4().hex}", uuid.uuid4().hex
    try:
        cache.set(key, value, timeout=10)
        answered = cache.get(key)
        cache.delete(key)
    except Exception:  # noqa: BLE001 — a cache backend without resilience raises when down
        logger.exception("health check: the cache does not answer")
        return ERROR
    if answered != value:
        logger.warning("health check: the cache did not keep a value (down or dropping writes)")
        return ERROR
    return OK


def check_broker() -> str:
    """Connect to the Celery broker once, without retries, within READYZ_BROKER_TIMEOUT."""
    if getattr(settings, "CELERY_TASK_ALWAYS_EAGER", False):
        return EAGER
    from kombu import Connection

    seconds = float(getattr(settings, "READYZ_BROKER_TIMEOUT", BROKER_TIMEOUT_SECONDS))
    options = {"socket_connect_timeout": seconds, "socket_timeout": seconds, "max_retries": 0}
    try:
        with Connection(settings.CELERY_BROKER_URL, connect_timeout=seconds, transport_options=options) as conn:
            conn.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=seconds)
    except Exception:  # noqa: BLE001 — refused, timed out, bad credentials: all "not ready"
        logger.exception("health check: the Celery broker does not answer")
        return ERROR
    return OK


def _health_response(checks: dict) -> JsonResponse:
    failed = [name for name, state in checks.items() if state == ERROR]
    body = {"status": ERROR if failed else OK, **checks}
    if failed:
        body["failed"] = failed
        body["message"] = _("Not ready: %(checks)s did not answer. The application log says why.") % {
            "checks": ", ".join(failed)}
    response = JsonResponse(body, status=503 if failed else 200, json_dumps_params={"ensure_ascii": False})
    return response


@never_cache
@require_safe
def healthz(request):
    """Liveness plus a database round trip; 503 when the database does not answer."""
    return _health_response({"database": check_database()})


@never_cache
@require_safe
def readyz(request):
    """Readiness: database, cache and broker; 503 naming the checks that failed."""
    return _health_response({"database": check_database(), "cache": check_cache(), "broker": check_broker()})
