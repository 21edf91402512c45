"""Settings for benchmark processes: the project's base settings with fixed, public bench keys,
DEBUG off (as in production: no query log, no debug templates) and no API rate limit.

The database comes from DATABASE_URL, set by bench.run for each engine."""

import os

os.environ.setdefault("SECRET_KEY", "bench-only-insecure-secret-key")
# The public demo keys of config/settings/dev.py (fictional data only), so `runserver` with the
# dev settings can browse a bench database too. The cached datasets' hashes depend on PII_HASH_KEY.
os.environ.setdefault("PII_ENCRYPTION_KEYS", "Zm9yLWRldmVsb3BtZW50LW9ubHktZGVtby1rZXktMDE=")
os.environ.setdefault("PII_HASH_KEY", "dev-only-pii-hash-key")
os.environ["DEBUG"] = "false"
os.environ.setdefault("LOG_LEVEL", "WARNING")

from config.settings.base import *  # noqa: E402,F403
from config.settings.base import INSTALLED_APPS  # noqa: E402

ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
INSTALLED_APPS = [*INSTALLED_APPS, "import_export"]  # the reference importer of bench.importing
API_RATE = ""  # no rate limit: the benchmark is one client hammering the API on purpose
API_TOKEN_RATE = ""  # the benchmarks sign in from one address many times on purpose
REQUIRE_ADMIN_OTP = False
ROOT_URLCONF = "bench.urls"  # the project's URLs plus /bench/bare, the load benchmark's reference
# The load benchmark runs several gunicorn processes, which share the cache through Redis as in
# production (cached figures, rate counters); the in-process benchmarks keep a local cache.
if os.environ.get("BENCH_REDIS_URL"):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                          "LOCATION": os.environ["BENCH_REDIS_URL"]}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
CELERY_TASK_ALWAYS_EAGER = True
CELERY_BROKER_URL = "memory://"
CELERY_RESULT_BACKEND = "cache+memory://"
MEDIA_ROOT = os.environ.get("BENCH_MEDIA_ROOT", "/tmp/gonghui-bench-media")
