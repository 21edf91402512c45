"""Personal data at rest: Fernet encryption, keyed lookup hashes, masking.

- `encrypt`/`decrypt` use MultiFernet so keys can be rotated (newest first in settings).
- `lookup_hash` is an HMAC-SHA256 under PII_HASH_KEY, which is neither SECRET_KEY nor stored in
  the database: an unkeyed hash of an 18-digit ID number is brute-forced in minutes.
- `mask_id_number` / `mask_phone` give the forms shown in lists and exports.
"""

import hashlib
import hmac
from functools import lru_cache

from cryptography.fernet import Fernet, MultiFernet
from django.conf import settings


@lru_cache(maxsize=1)
def _fernet() -> MultiFernet:
    return MultiFernet([Fernet(key.strip()) for key in settings.PII_ENCRYPTION_KEYS])


@lru_cache(maxsize=1)
def _hash_key() -> bytes:
    return settings.PII_HASH_KEY.encode()


def encrypt(value: str) -> str:
    if not value:
        return ""
    return _fernet().encrypt(value.encode()).decode()


def decrypt(token: str) -> str:
    if not token:
        return ""
    return _fernet().decrypt(token.encode()).decode()


def lookup_hash(value: str) -> str:
    """Keyed hash of a normalised value, for exact lookup and uniqueness."""
    if not value:
        return ""
    return hmac.new(_hash_key(), value.strip().upper().encode(), hashlib.sha256).hexdigest()


def mask_id_number(value: str) -> str:
    if not value:
        return ""
    if len(value) < 10:
        return "*" * len(value)
    return value[:6] + "*" * (len(value) - 10) + value[-4:]


def mask_phone(value: str) -> str:
    if not value:
        return ""
    if len(value) < 7:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


def clear_key_cache():
    """For tests that swap keys with override_settings."""
    _fernet.cache_clear()
    _hash_key.cache_clear()
