"""Production: every secret from the environment, HTTPS only, PostgreSQL and Redis required.

What runs (docs/deploy.md): nginx (TLS) → gunicorn (deploy/gunicorn.conf.py) → Django; a Celery
worker and beat; PostgreSQL (data and sessions); Redis for the cache and the Celery broker.
deploy/env.example lists every environment variable read here and in base.py.
"""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import DATABASES, env

DEBUG = False

# --- Database: PostgreSQL only --------------------------------------------------------------
if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
    raise ImproperlyConfigured(
        "Production runs on PostgreSQL only, but DATABASE_URL is not set or is not a postgres:// URL "
        "(SQLite is for development and the demo). Set DATABASE_URL=postgres://USER:PASSWORD@HOST:5432/NAME "
        "(deploy/env.example, docs/deploy.md).")

# --- Redis: cache, Celery; sessions in the database --------------------------------------------
REDIS_URL = env("REDIS_URL")  # required: "Set the REDIS_URL environment variable" otherwise
# A dead Redis must be noticed within a second, not after the kernel's TCP timeout.
REDIS_TIMEOUT_SECONDS = env.float("REDIS_TIMEOUT_SECONDS", default=1.0)
CACHES = {
    "default": {
        # Reads miss and writes are dropped while Redis is down: pages keep working.
        "BACKEND": "gonghui.core.cache.ResilientRedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": env("CACHE_KEY_PREFIX", default="gonghui"),
        "OPTIONS": {
            "socket_connect_timeout": REDIS_TIMEOUT_SECONDS,
            "socket_timeout": REDIS_TIMEOUT_SECONDS,
            "RETRY_AFTER": env.float("REDIS_RETRY_AFTER_SECONDS", default=5.0),
        },
    }
}
# Sessions in the database only, not cached_db: a sign-out during a Redis outage deletes the row,
# but the cache's delete is dropped, and cached_db trusts a cache hit without asking the database,
# so once Redis answered again the stale cached session would sign the old cookie back in. One
# indexed query per request is what a cache miss costs anyway; a Redis restart signs nobody out.
SESSION_ENGINE = "django.contrib.sessions.backends.db"

CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=REDIS_URL)
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", default=REDIS_URL)
CELERY_TASK_ALWAYS_EAGER = False  # never: a job runs in the worker, not in the request
# A request that enqueues a job must not hang on a dead broker: connect within 2 s, read within
# 4 s, retry a refused publish briefly, then fail and keep the call in the outbox
# (gonghui.core.jobs). Worst case per enqueue: the 4 s socket timeout (base.py, docs/faults.md).
CELERY_BROKER_CONNECTION_TIMEOUT = env.float("CELERY_BROKER_CONNECTION_TIMEOUT", default=2.0)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True  # the worker waits for Redis at boot
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "socket_connect_timeout": CELERY_BROKER_CONNECTION_TIMEOUT,
    "socket_timeout": CELERY_BROKER_CONNECTION_TIMEOUT * 2,
    # A job not acknowledged this long after delivery (a worker died mid-job) runs again; longer
    # than the longest job (a district-wide export, about 2 minutes; docs/performance.md).
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600),
}
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.5}
CELERY_REDIS_SOCKET_CONNECT_TIMEOUT = CELERY_BROKER_CONNECTION_TIMEOUT
CELERY_REDIS_SOCKET_TIMEOUT = CELERY_BROKER_CONNECTION_TIMEOUT * 2
CELERY_RESULT_EXPIRES = 24 * 3600
# Nothing reads a task's result (job state a user waits on is a database row: ExportJob,
# MemberImport), so results are not stored: one less Redis write per job during an outage.
CELERY_TASK_IGNORE_RESULT = True
# Jobs are long and acknowledged late: a worker takes one at a time instead of hoarding several.
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_WORKER_MAX_TASKS_PER_CHILD = env.int("CELERY_WORKER_MAX_TASKS_PER_CHILD", default=200)
CELERY_WORKER_HIJACK_ROOT_LOGGER = False  # the worker logs through LOGGING below (JSON)
# Background exports above this many rows (core.exports); prod-check sets it low to test the worker.
EXPORT_BACKGROUND_ROWS = env.int("EXPORT_BACKGROUND_ROWS", default=20_000)

# --- HTTP behind the proxy ------------------------------------------------------------------
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Probes talk plain HTTP to gunicorn directly (no proxy, no X-Forwarded-Proto): no redirect.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
REQUIRE_ADMIN_OTP = env.bool("REQUIRE_ADMIN_OTP", default=True)
AXES_IPWARE_PROXY_COUNT = env.int("PROXY_COUNT", default=1)
# One-time codes go through a real gateway or not at all: never to the logs (check --deploy: portal.E001).
SMS_BACKEND = env("SMS_BACKEND", default="gonghui.portal.sms.DisabledBackend")

# --- Static files: whitenoise with hashed names (run collectstatic on every deploy) ----------
STORAGES = {
    "default": {"BACKEND": "gonghui.core.storage.SafeFileSystemStorage"},
    "staticfiles": {"BACKEND": "gonghui.core.static_storage.ManifestStaticFilesStorage"},
}
STATIC_ROOT = env.path("STATIC_ROOT", default=str(STATIC_ROOT))  # noqa: F405

# --- Logs: one JSON object per line on stderr (journald / the log shipper), PII masked ------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "mask_pii": {"()": "gonghui.core.logging.MaskPIIFilter"},
        "request_id": {"()": "gonghui.core.logging.RequestIdFilter"},
    },
    "formatters": {"json": {"()": "gonghui.core.logging.JsonFormatter"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "json", "filters": ["mask_pii", "request_id"]},
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
