import pytest

from gonghui.core import workdays


@pytest.fixture(autouse=True)
def _fresh_workday_overrides():
    """The override table is cached across requests; a test's rolled-back rows must not leak
    into the next test through the (process-wide) cache."""
    workdays.forget_overrides()
    yield
    workdays.forget_overrides()
