"""gunicorn settings for production and for the load benchmark (bench/load.py uses this file, so
the figures in docs/performance.md come from the configuration that is deployed).

    gunicorn -c deploy/gunicorn.conf.py config.wsgi

Every value can be overridden from the environment (deploy/env.example, docs/deploy.md).
"""

import gc
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Synchronous workers, two per core plus one by default; threads > 1 turns them into gthread
# workers (useful when requests wait on the database more than they compute).
workers = int(os.environ.get("GUNICORN_WORKERS", (os.cpu_count() or 1) * 2 + 1))
threads = int(os.environ.get("GUNICORN_THREADS", 1))
# A request that takes longer than this is killed (the worker is replaced): large exports and
# imports run as Celery jobs, so no page needs a minute.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 60))
# On SIGTERM (systemctl stop / restart, a deploy) workers finish what they are serving first.
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", 30))
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", 5))  # nginx keeps connections to us open
# Workers are replaced after this many requests (plus up to the jitter, so they do not all
# restart at once): bounds the memory any slow leak can take. 0 turns it off.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", 1000))
max_requests_jitter = int(os.environ.get("GUNICORN_MAX_REQUESTS_JITTER", 100))
# Request line and header limits: nothing legitimate comes near them.
limit_request_line = 8190
limit_request_fields = 100
# The heartbeat file on tmpfs: a slow or full disk must not make the arbiter kill workers.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None
# Only nginx on this host may tell gunicorn the original scheme and client (PROXY_COUNT in Django).
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")
proc_name = "gonghui"

# Load Django once in the arbiter, then fork: workers share the loaded code and settings in
# copy-on-write memory and start in milliseconds. gc.freeze() before each fork moves everything
# loaded so far into the permanent generation, so the workers' garbage collector never walks
# (and thereby writes to) those pages, which would copy them into every worker (the technique
# Instagram described for Django under uWSGI, and gunicorn users apply in pre_fork).
# The price: a HUP (systemctl reload) replaces workers but keeps the arbiter's old code, so a
# deploy restarts the service (docs/deploy.md, Upgrades).
preload_app = True


def pre_fork(server, worker):
    _close_inherited_connections()
    gc.freeze()


def _close_inherited_connections():
    """A connection opened while loading (none should be) must not be shared by two workers."""
    try:
        from django.db import connections
    except ImportError:
        return
    connections.close_all()


# --- logs: JSON lines, the access log without query strings (docs/deploy.md, "Logs") ---------
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")  # "-": stdout, to journald
errorlog = os.environ.get("GUNICORN_ERROR_LOG", "-")
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# Used only if the JSON formatter below is replaced: path (%(U)s) without the query string (%(q)s).
access_log_format = '%(h)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms %({x-request-id}o)s'
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"mask_pii": {"()": "gonghui.core.logging.MaskPIIFilter"}},
    "formatters": {
        "json": {"()": "gonghui.core.logging.JsonFormatter"},
        "access_json": {"()": "gonghui.core.logging.AccessJsonFormatter"},
    },
    "handlers": {
        "error_console": {"class": "logging.StreamHandler", "formatter": "json", "filters": ["mask_pii"],
                          "stream": "ext://sys.stderr"},
        "access_console": {"class": "logging.StreamHandler", "formatter": "access_json",
                           "stream": "ext://sys.stdout"},
    },
    "root": {"level": "INFO", "handlers": ["error_console"]},
    "loggers": {
        "gunicorn.error": {"level": loglevel.upper(), "handlers": ["error_console"], "propagate": False},
        "gunicorn.access": {"level": "INFO", "handlers": ["access_console"], "propagate": False},
    },
}
