"""Test settings: fast hashing, eager jobs, fixed non-secret keys."""

import os

os.environ.setdefault("SECRET_KEY", "test-only-secret-key")
os.environ.setdefault("PII_ENCRYPTION_KEYS", "dGVzdC1vbmx5LWtleS0wMS1kby1ub3QtdXNlLTEyMzQ=")
os.environ.setdefault("PII_HASH_KEY", "test-only-pii-hash-key")
os.environ.setdefault("DEBUG", "false")

from .base import *  # noqa: E402,F403
from .base import DATABASES, MEDIA_ROOT  # noqa: E402

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CELERY_TASK_ALWAYS_EAGER = True
CELERY_BROKER_URL = "memory://"
CELERY_RESULT_BACKEND = "cache+memory://"
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
SMS_BACKEND = "gonghui.portal.sms.LocmemBackend"  # codes in gonghui.portal.sms.outbox
FIGURES_CACHE_SECONDS = 0  # figures are asserted right after the writes that change them
STORAGES = {
    "default": {"BACKEND": "gonghui.core.storage.SafeFileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MEDIA_ROOT = os.environ.get("TEST_MEDIA_ROOT", str(MEDIA_ROOT) + "-test")
ALLOWED_HOSTS = ["*"]
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["TEST"] = {"NAME": None}  # in-memory
