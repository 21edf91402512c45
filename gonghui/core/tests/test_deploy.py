"""`check --deploy` on the production settings is clean when the required variables are set."""

import os
import subprocess
import sys
from pathlib import Path

from cryptography.fernet import Fernet

ROOT = Path(__file__).resolve().parents[3]


def test_production_settings_pass_the_deploy_check():
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.prod",
        "SECRET_KEY": "k" * 20 + "-production-like-secret-key-with-enough-entropy-0123456789",
        "PII_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
        "PII_HASH_KEY": "a-separate-hash-key",
        "ALLOWED_HOSTS": "union.example.org",
        # Production refuses SQLite and needs Redis; `check` connects to neither.
        "DATABASE_URL": "postgres://gonghui@db.example.org:5432/gonghui",
        "REDIS_URL": "redis://redis.example.org:6379/0",
    }
    env.pop("DEBUG", None)
    # The browser tests set this in the test process (Playwright runs an event loop in the test
    # thread); a production process never has it, and the deploy check rightly refuses it.
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_settings_refuse_to_start_without_secrets():
    env = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "PII_ENCRYPTION_KEYS", "PII_HASH_KEY")}
    env["DJANGO_SETTINGS_MODULE"] = "config.settings.prod"
    result = subprocess.run([sys.executable, "manage.py", "check"], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr
