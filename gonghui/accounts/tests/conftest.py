import pytest


@pytest.fixture(autouse=True)
def _english(settings):
    """Assert on the English source strings (the zh-hans catalogue is produced later)."""
    settings.LANGUAGE_CODE = "en"
