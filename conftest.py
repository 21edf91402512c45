import pytest


@pytest.fixture
def tree(db):
    from gonghui.core.testing.factories import Tree

    return Tree()


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
