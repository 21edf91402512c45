import pytest


@pytest.fixture(autouse=True)
def _empty_cache():
    """Counters kept in the process-wide LocMemCache of the test settings (SMS send guards, the
    join requests' refusal cap) must not outlive a test: primary keys are reused after rollback."""
    from django.core.cache import cache

    cache.clear()
    yield
