"""`models/__init__.py` star-imports every area's models module, so two areas exporting the same
name would make `gonghui.grassroots.models.<name>` silently mean whichever module came last (homes'
and harmony's status enums were both once called `AssessmentStatus`)."""

import importlib

import pytest

from gonghui.grassroots import models
from gonghui.grassroots.models import harmony, homes

AREAS = ("committees", "elections", "foundings", "liaison", "homes", "harmony")


@pytest.mark.parametrize("area", ["homes", "harmony"])
def test_area_exports_collide_with_no_other_area(area):
    mine = set(importlib.import_module(f"gonghui.grassroots.models.{area}").__all__)
    for other in AREAS:
        if other != area:
            theirs = set(getattr(importlib.import_module(f"gonghui.grassroots.models.{other}"), "__all__", ()))
            assert not mine & theirs, (area, other, mine & theirs)


def test_package_names_the_statuses_of_each_area():
    assert models.HomeAssessmentStatus is homes.HomeAssessmentStatus
    assert models.OPEN_HOME_STATUSES == homes.OPEN_HOME_STATUSES
    assert models.HarmonyStatus is harmony.HarmonyStatus
    assert models.OPEN_HARMONY_STATUSES == harmony.OPEN_HARMONY_STATUSES
    assert not hasattr(models, "AssessmentStatus")
