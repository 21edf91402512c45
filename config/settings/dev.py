"""Local development and the `make run` demo. Keys here are public demo keys, never for real data."""

import os

os.environ.setdefault("SECRET_KEY", "dev-only-insecure-secret-key-do-not-use-in-production")
os.environ.setdefault("PII_ENCRYPTION_KEYS", "Zm9yLWRldmVsb3BtZW50LW9ubHktZGVtby1rZXktMDE=")
os.environ.setdefault("PII_HASH_KEY", "dev-only-pii-hash-key")
os.environ.setdefault("DEBUG", "true")

from .base import *  # noqa: E402,F403

INTERNAL_IPS = ["127.0.0.1"]
