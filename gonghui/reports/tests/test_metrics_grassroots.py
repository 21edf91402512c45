"""Metrics of the grassroots section on known records."""

import datetime

import pytest

from gonghui.core.testing.factories import EnterpriseFactory
from gonghui.grassroots.models.elections import ElectionStatus
from gonghui.grassroots.models.foundings import FoundingApplication, FoundingForm, FoundingStatus
from gonghui.grassroots.models.harmony import HarmonyAssessment, HarmonyRating, HarmonyStatus
from gonghui.grassroots.models.homes import HomeAssessment, HomeAssessmentStatus
from gonghui.grassroots.testing import elections as election_testing
from gonghui.grassroots.testing import foundings as founding_testing
from gonghui.grassroots.testing import harmony as harmony_testing
from gonghui.grassroots.testing import homes as home_testing
from gonghui.grassroots.testing.liaison import visit
from gonghui.orgs.models import Org
from gonghui.reports.metrics import grassroots
from gonghui.reports.selectors import rollups as selectors
from gonghui.reports.testing.rollups import only_metrics, refresh

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture
def registry():
    with only_metrics(grassroots.METRICS, grassroots.provide):
        yield


def dated(application, day):
    """Every step of the application on `day` (the checks want them in order)."""
    FoundingApplication.objects.filter(pk=application.pk).update(
        meeting_on=day, submitted_on=day, reviewed_on=day, approved_on=day, registered_on=day)


def test_foundings(tree, registry):
    staff = tree.district_staff
    registered = founding_testing.application(staff, founding_testing.bare_enterprise(tree.town1),
                                              FoundingStatus.REGISTERED)
    old = founding_testing.application(staff, founding_testing.bare_enterprise(tree.town1), FoundingStatus.REGISTERED)
    founding_testing.application(staff, founding_testing.bare_enterprise(tree.town2), FoundingStatus.APPROVED)
    dated(registered, D(2025, 4, 1))
    dated(old, D(2024, 4, 1))
    joint = founding_testing.joint_union(tree.town2)
    joined = founding_testing.application(staff, founding_testing.bare_enterprise(tree.town2), FoundingStatus.APPROVED)
    FoundingApplication.objects.filter(pk=joined.pk).update(status=FoundingStatus.JOINED, form=FoundingForm.JOINT,
                                                           joint_union=joint, union=joint,
                                                           joined_on=founding_testing.TODAY)
    refresh(2025)
    f = selectors.figures(tree.district, 2025)
    assert f["grassroots.joint_joins"] == 0
    registered.refresh_from_db()
    assert f["grassroots.foundings"] == 0  # the union's founding meeting decides, not the registration
    Org.objects.filter(pk=registered.union_id).update(founded_on=D(2025, 3, 20))
    Org.objects.filter(pk=tree.union2.pk).update(founded_on=D(2025, 1, 1), is_active=False)  # dissolved since
    Org.objects.filter(pk=tree.union1.pk).update(founded_on=D(2024, 12, 31))
    refresh(2025)
    assert selectors.figures(tree.district, 2025)["grassroots.foundings"] == 2
    assert selectors.figures(registered.union, 2025)["grassroots.foundings"] == 1  # held by the new union
    this_year = founding_testing.TODAY.year
    refresh(this_year)
    assert selectors.own_figures(tree.town2, this_year)["grassroots.joint_joins"] == 1
    assert selectors.figures(tree.town2, this_year)["grassroots.joint_joins"] == 1


def test_elections(tree, registry):
    staff = tree.district_staff
    done = election_testing.election_at(ElectionStatus.APPROVED, actor=staff, approver=staff, union=tree.union1)
    election_testing.election_at(ElectionStatus.RESULT_SUBMITTED, actor=staff, approver=staff, union=tree.union2)
    assert done.result_approved_on == election_testing.DAY
    year = election_testing.DAY.year
    refresh(year)
    assert selectors.figures(tree.district, year)["grassroots.elections"] == 1
    assert selectors.figures(tree.town1, year)["grassroots.elections"] == 1
    refresh(year - 1)
    assert selectors.figures(tree.district, year - 1)["grassroots.elections"] == 0


def test_homes_and_harmony(tree, registry):
    awarded = home_testing.assessment(tree, HomeAssessmentStatus.AWARDED)
    refused = home_testing.assessment(tree, HomeAssessmentStatus.REFUSED, org=tree.union2)
    home_testing.assessment(tree, HomeAssessmentStatus.FORWARDED, org=tree.union1b)
    year = awarded.year
    assert refused.year == year
    staff = tree.district_staff
    harmony_testing.published_set(actor=staff)
    harmony_testing.assessment(actor=staff, enterprise=tree.enterprise1, status=HarmonyStatus.RATED,
                               rating=HarmonyRating.MODEL, reason="示范")
    harmony_testing.assessment(actor=staff, enterprise=tree.enterprise2, status=HarmonyStatus.RATED,
                               rating=HarmonyRating.FAIL, reason="未达标")
    e3 = EnterpriseFactory(town=tree.town1, union=tree.union1b)
    harmony_testing.assessment(actor=staff, enterprise=e3, status=HarmonyStatus.FORWARDED)
    refresh(year)
    f = selectors.figures(tree.district, year)
    assert f["grassroots.home_assessments"] == 2 and f["grassroots.homes"] == 1
    assert selectors.figures(tree.union1, year)["grassroots.homes"] == 1
    assert f["grassroots.harmony"] == 2 and f["grassroots.harmony_passed"] == 1
    HomeAssessment.objects.filter(pk=awarded.pk).update(status=HomeAssessmentStatus.REVOKED)
    HarmonyAssessment.objects.update(year=year - 1)
    refresh(year)
    f = selectors.figures(tree.district, year)
    assert f["grassroots.homes"] == 0 and f["grassroots.home_assessments"] == 2 and f["grassroots.harmony"] == 0


def test_liaison_visits(tree, registry):
    visit(tree.enterprise1, D(2025, 1, 1))
    visit(tree.enterprise1, D(2025, 12, 31))
    visit(tree.enterprise2, D(2025, 7, 1))
    visit(tree.enterprise2, D(2024, 12, 31))
    refresh(2025)
    assert selectors.figures(tree.district, 2025)["grassroots.liaison_visits"] == 3
    assert selectors.own_figures(tree.town1, 2025)["grassroots.liaison_visits"] == 2


def test_drill_urls(tree):
    by_code = {m.code: m for m in grassroots.METRICS}
    assert by_code["grassroots.liaison_visits"].drill(tree.town1, 2025) == (
        f"/grassroots/liaison/?org={tree.town1.pk}&date_from=2025-01-01&date_to=2025-12-31")
    assert by_code["grassroots.homes"].drill(tree.union1, 2025) == (
        f"/grassroots/homes/?org={tree.union1.pk}&year=2025&status=AWARDED")
