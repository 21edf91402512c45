"""config.settings.prod: PostgreSQL only, Redis cache and database sessions, Celery never eager
(task results not stored) with short broker timeouts, whitenoise's manifest storage, JSON logs with the request id."""

import json
import subprocess
import sys
from pathlib import Path

from gonghui.core.testing.ci import in_ci_pass
from gonghui.core.testing.production import production_env

# Engine-independent (a subprocess or the catalogues): CI runs it in its PostgreSQL pass only.
pytestmark = in_ci_pass("postgresql")

ROOT = Path(__file__).resolve().parents[3]
PRINT_SETTINGS = """
import json
from django.conf import settings
print(json.dumps({
    "cache": settings.CACHES["default"]["BACKEND"],
    "sessions": settings.SESSION_ENGINE,
    "eager": settings.CELERY_TASK_ALWAYS_EAGER,
    "ignore_result": settings.CELERY_TASK_IGNORE_RESULT,
    "broker": settings.CELERY_BROKER_URL,
    "broker_timeout": settings.CELERY_BROKER_CONNECTION_TIMEOUT,
    "static": settings.STORAGES["staticfiles"]["BACKEND"],
    "formatter": settings.LOGGING["formatters"]["json"]["()"],
    "filters": settings.LOGGING["handlers"]["console"]["filters"],
    "first_middleware": settings.MIDDLEWARE[0],
    "redirect_exempt": settings.SECURE_REDIRECT_EXEMPT,
}))
"""


def run_python(env, code):
    return subprocess.run([sys.executable, "-c", f"import django; django.setup()\n{code}"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)


def test_production_uses_redis_cache_database_sessions_a_real_broker_and_json_logs():
    result = run_python(production_env(), PRINT_SETTINGS)
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout.strip().splitlines()[-1])
    assert values == {
        "cache": "gonghui.core.cache.ResilientRedisCache",
        # Not cached_db: a sign-out during a Redis outage would be undone when Redis is back.
        "sessions": "django.contrib.sessions.backends.db",
        "eager": False,
        "ignore_result": True,
        "broker": "redis://redis.example.org:6379/0",
        "broker_timeout": 2.0,
        "static": "gonghui.core.static_storage.ManifestStaticFilesStorage",
        "formatter": "gonghui.core.logging.JsonFormatter",
        "filters": ["mask_pii", "request_id"],
        "first_middleware": "gonghui.core.logging.RequestIdMiddleware",
        "redirect_exempt": ["^healthz$", "^readyz$"],
    }


def test_production_refuses_sqlite_with_a_clear_message():
    result = run_python(production_env(DATABASE_URL=None), "")
    assert result.returncode != 0
    assert "Production runs on PostgreSQL only" in result.stderr
    assert "DATABASE_URL=postgres://" in result.stderr


def test_production_refuses_to_start_without_redis():
    result = run_python(production_env(REDIS_URL=None), "")
    assert result.returncode != 0
    assert "REDIS_URL" in result.stderr


def test_env_example_lists_every_variable_the_settings_read():
    import re

    read = set()
    for path in (ROOT / "config" / "settings").glob("*.py"):
        if path.name in ("test.py", "dev.py"):
            continue
        read |= set(re.findall(r"""env(?:\.\w+)?\(\s*["']([A-Z][A-Z0-9_]+)["']""", path.read_text()))
    listed = set(re.findall(r"^#?([A-Z][A-Z0-9_]+)=", (ROOT / "deploy" / "env.example").read_text(), re.M))
    assert read, "no env() calls found: the pattern is out of date"
    assert not read - listed, f"deploy/env.example lacks {sorted(read - listed)}"
