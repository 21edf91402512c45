"""The demo targets (core.demo.training.stats): the district and every town, this year and last
year, set from the records so this year's progress is under 100 % but not zero."""

from types import SimpleNamespace

import pytest
from django.utils import timezone

from gonghui.core.demo.training import stats as demo
from gonghui.training.models import TrainingTarget
from gonghui.training.selectors import stats as selectors
from gonghui.training.testing.stats import KnownDataset

pytestmark = pytest.mark.django_db


def test_targets_for_the_district_and_each_town_this_and_last_year(tree):
    year = timezone.localdate().year
    KnownDataset(tree, year)
    TrainingTarget.objects.all().delete()
    gen = SimpleNamespace(seed=7, root=tree.district, towns=[tree.town1, tree.town2])
    assert demo.seed(gen) == {"targets": 6}
    assert set(TrainingTarget.objects.values_list("org_id", "year")) == {
        (org.pk, y) for org in (tree.district, tree.town1, tree.town2) for y in (year - 1, year)}
    stats = selectors.training_stats(tree.district_staff, year=year)
    assert len(stats.targets) == 3
    for row in stats.targets:
        assert row.target.person_times >= row.target.trainees
        assert row.trainees_progress < 100
    district = next(row for row in stats.targets if row.key == tree.district.pk)
    assert district.trainees_progress > 0
    TrainingTarget.objects.all().delete()
    demo.seed(gen)
    again = list(TrainingTarget.objects.order_by("org_id", "year").values_list("trainees", "hours"))
    TrainingTarget.objects.all().delete()
    demo.seed(gen)
    assert list(TrainingTarget.objects.order_by("org_id", "year").values_list("trainees", "hours")) == again
