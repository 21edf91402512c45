import logging

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gonghui.core import pii
from gonghui.core.logging import MaskPIIFilter, mask_text


def test_masks_match_the_published_forms():
    assert pii.mask_id_number("330181199001011234") == "330181********1234"
    assert pii.mask_phone("13812345678") == "138****5678"
    assert pii.mask_id_number("") == "" and pii.mask_phone("") == ""


def test_encryption_round_trip_and_ciphertext_hides_the_value():
    token = pii.encrypt("330181199001011234")
    assert "330181199001011234" not in token
    assert pii.decrypt(token) == "330181199001011234"
    assert pii.encrypt("13812345678") != pii.encrypt("13812345678")  # randomised


def test_lookup_hash_is_keyed_and_normalised(settings):
    first = pii.lookup_hash("33018119900101123x")
    assert first == pii.lookup_hash("33018119900101123X ")
    settings.PII_HASH_KEY = "another-key"
    pii.clear_key_cache()
    try:
        assert pii.lookup_hash("33018119900101123X") != first
    finally:
        pii.clear_key_cache()


def test_key_rotation_reads_old_ciphertext(settings):
    from cryptography.fernet import Fernet

    old_token = pii.encrypt("13900001111")
    settings.PII_ENCRYPTION_KEYS = [Fernet.generate_key().decode(), *settings.PII_ENCRYPTION_KEYS]
    pii.clear_key_cache()
    try:
        assert pii.decrypt(old_token) == "13900001111"
    finally:
        pii.clear_key_cache()


@given(st.text(alphabet="0123456789", min_size=10, max_size=18))
def test_masking_never_reveals_the_middle(value):
    masked = pii.mask_id_number(value)
    assert len(masked) == len(value)
    assert masked[6:-4] == "*" * (len(value) - 10)


def test_log_filter_masks_id_and_phone(caplog):
    assert mask_text("id 330181199001011234 tel 13812345678") == "id 330181********1234 tel 138****5678"
    logger = logging.getLogger("gonghui.test")
    logger.addFilter(MaskPIIFilter())
    with caplog.at_level(logging.INFO, logger="gonghui.test"):
        logger.info("lookup %s", "330181199001011234")
    assert "330181199001011234" not in caplog.text
    assert "330181********1234" in caplog.text


@pytest.mark.parametrize("text", ["order 2026112500001234567", "code 91330109MA2B3C4D5E"])
def test_log_filter_leaves_other_numbers(text):
    assert mask_text(text) == text
