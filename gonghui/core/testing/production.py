"""The environment of a production process, for tests that load config.settings.prod in a subprocess.

The production settings refuse to import without real secrets, a PostgreSQL URL and a Redis URL;
`check` and a settings dump connect to neither, so example hosts are enough.
"""

import os
from pathlib import Path

from cryptography.fernet import Fernet

ROOT = Path(__file__).resolve().parents[3]

# Variables a developer's shell or the test process may carry that a production process never
# has: DEBUG and the security overrides would mask the production defaults, and the browser tests
# set DJANGO_ALLOW_ASYNC_UNSAFE (Playwright runs an event loop in the test thread), which the
# deploy check rightly refuses.
NOT_IN_PRODUCTION = ("DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE", "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS",
                     "REQUIRE_ADMIN_OTP")


def production_env(**overrides: str | None) -> dict[str, str]:
    """This process's environment turned into a production one; `overrides` are added last, and an
    override of None removes the variable (to prove production refuses to start without it).
    Django and Celery variables of this process (the test settings, eager jobs) are not passed on."""
    env = {name: value for name, value in os.environ.items()
           if name not in NOT_IN_PRODUCTION and not name.startswith(("DJANGO_", "CELERY_"))}
    env.update({
        "DJANGO_SETTINGS_MODULE": "config.settings.prod",
        "SECRET_KEY": "k" * 20 + "-production-like-secret-key-with-enough-entropy-0123456789",
        "PII_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
        "PII_HASH_KEY": "a-separate-hash-key",
        "ALLOWED_HOSTS": "union.example.org",
        "DATABASE_URL": "postgres://gonghui@db.example.org:5432/gonghui",
        "REDIS_URL": "redis://redis.example.org:6379/0",
    })
    env.update(overrides)
    return {name: value for name, value in env.items() if value is not None}
