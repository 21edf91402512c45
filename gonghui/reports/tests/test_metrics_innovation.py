"""Metrics of the innovation section on known records."""

import datetime
from decimal import Decimal

import pytest

from gonghui.innovation.models import ProjectStatus, Suggestion, SuggestionStatus, TechProject
from gonghui.innovation.testing import project, suggestion
from gonghui.reports.metrics import innovation
from gonghui.reports.selectors import rollups as selectors
from gonghui.reports.testing.rollups import only_metrics, refresh

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture
def registry():
    with only_metrics(innovation.METRICS, innovation.provide):
        yield


def moved(record, **dates):
    type(record).objects.filter(pk=record.pk).update(**dates)


def test_suggestions(tree, registry):
    staff, e1, e2 = tree.district_staff, tree.enterprise1, tree.enterprise2
    implemented = suggestion(actor=staff, org=tree.union1, enterprise=e1, status=SuggestionStatus.IMPLEMENTED)
    adopted = suggestion(actor=staff, org=tree.union1, enterprise=e1, status=SuggestionStatus.ADOPTED)
    declined = suggestion(actor=staff, org=tree.union2, enterprise=e2, status=SuggestionStatus.NOT_ADOPTED)
    withdrawn = suggestion(actor=staff, org=tree.union2, enterprise=e2, status=SuggestionStatus.WITHDRAWN)
    old = suggestion(actor=staff, org=tree.union2, enterprise=e2, status=SuggestionStatus.IMPLEMENTED)
    for s in (implemented, adopted, declined, withdrawn):
        moved(s, submitted_on=D(2025, 5, 1))
    moved(adopted, benefit_yuan=Decimal("250.25"))
    moved(old, submitted_on=D(2024, 5, 1))
    refresh(2025)
    f = selectors.figures(tree.district, 2025)
    assert f["innovation.suggestions"] == 3
    assert f["innovation.suggestions_adopted"] == 2
    assert f["innovation.benefit"] == Decimal("18250.25")
    assert selectors.figures(tree.union2, 2025)["innovation.suggestions_adopted"] == 0
    assert Suggestion.objects.count() == 5


def test_projects(tree, registry):
    staff, e1 = tree.district_staff, tree.enterprise1
    running = project(actor=staff, org=tree.union1, enterprise=e1)
    done = project(actor=staff, org=tree.union1, enterprise=e1, status=ProjectStatus.COMPLETED, title="b")
    dropped = project(actor=staff, org=tree.union1, enterprise=e1, status=ProjectStatus.ABANDONED, title="c")
    project(actor=staff, org=tree.union1, enterprise=e1, status=ProjectStatus.PLANNED, title="d")
    done_before = project(actor=staff, org=tree.union2, enterprise=tree.enterprise2, status=ProjectStatus.COMPLETED)
    moved(running, started_on=D(2024, 6, 1))
    moved(done, started_on=D(2025, 1, 10), completed_on=D(2025, 10, 1))
    moved(dropped, started_on=D(2024, 1, 10), abandoned_on=D(2024, 12, 31))  # gone before 2025
    moved(done_before, started_on=D(2024, 1, 1), completed_on=D(2024, 11, 1))
    refresh(2025)
    f = selectors.figures(tree.district, 2025)
    assert f["innovation.tech_projects"] == 2  # running, done
    assert f["innovation.tech_projects_completed"] == 1
    assert f["innovation.tech_benefit"] == Decimal("56000.00")
    refresh(2024)
    f24 = selectors.figures(tree.district, 2024)
    assert f24["innovation.tech_projects"] == 3  # running, dropped, done_before
    assert f24["innovation.tech_projects_completed"] == 1
    assert TechProject.objects.count() == 5


def test_drill_urls(tree):
    by_code = {m.code: m for m in innovation.METRICS}
    assert by_code["innovation.suggestions"].drill(tree.union1, 2025) == f"/innovation/?org={tree.union1.pk}&year=2025"
    assert by_code["innovation.tech_projects"].drill(tree.town1, 2025) == f"/innovation/projects/?org={tree.town1.pk}"
