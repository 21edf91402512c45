"""The `tree` fixture shares one Tree per module (conftest.py): what one test changes, in the
database or in the Python objects, must not reach the next test of the module."""

import os

import pytest

from gonghui.accounts.models import User
from gonghui.orgs.models import Org

pytestmark = pytest.mark.django_db

SEEN = {}  # what the first test saw, for the second (both run in one process unless xdist splits them)


def test_a_test_changes_the_tree(tree):
    SEEN["union1"] = tree.union1
    tree.union1.name = "改过名的工会"
    tree.union1.save(update_fields=["name"])
    tree.outsider.delete()
    tree.enterprise1.headcount = 999  # in memory only
    assert Org.objects.get(pk=tree.union1.pk).name == "改过名的工会"


def test_the_next_test_finds_the_tree_as_built(tree):
    assert tree.union1.name == Org.objects.get(pk=tree.union1.pk).name == "甲企业工会"
    assert User.objects.filter(username="outsider").exists()
    assert tree.enterprise1.headcount == 120
    first = SEEN.get("union1")
    if first is not None and os.environ.get("SHARED_TREE") != "0":
        assert tree.union1.pk == first.pk  # the same rows: built once for the module...
        assert tree.union1 is not first  # ...but fresh objects for each test
