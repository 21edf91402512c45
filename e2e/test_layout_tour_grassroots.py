"""The layout tour of grassroots building (组建, 委员会与换届, 联系点, 职工之家, 和谐劳动关系): every
list, detail and workflow page of the module, signed in as the town1 cadre, the district and the
union1 chair, at desktop and phone widths, with the same checks as `test_layout_tour` (loads, no
sideways scroll, Chinese, no English UI words). Screenshots: e2e/screenshots/tour-gr-*.png."""

import datetime

import pytest
from django.urls import reverse

from gonghui.core.testing.factories import Tree
from gonghui.grassroots.models.elections import ElectionStatus
from gonghui.grassroots.models.foundings import FoundingStatus
from gonghui.grassroots.models.harmony import HarmonyStatus
from gonghui.grassroots.models.homes import HomeAssessmentStatus
from gonghui.grassroots.testing import committees as committee_testing
from gonghui.grassroots.testing import elections as election_testing
from gonghui.grassroots.testing import foundings as founding_testing
from gonghui.grassroots.testing import harmony as harmony_testing
from gonghui.grassroots.testing import homes as home_testing
from gonghui.grassroots.testing import liaison as liaison_testing

from .test_layout_tour import walk

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TODAY = datetime.date.today()


def build(tree):
    """Records of every area in town1 (and one in town2), each at a step with something to show."""
    committee = committee_testing.committee(tree.union1b, elected_on=TODAY.replace(year=TODAY.year - 5),
                                            term_years=5)
    founding = founding_testing.application(tree.town1_cadre, founding_testing.bare_enterprise(tree.town1,
                                            headcount=120, name="城厢精密机械有限公司"),
                                            FoundingStatus.SUBMITTED)
    founding_testing.bare_enterprise(tree.town1, headcount=36, name="城厢物流有限公司")
    election = election_testing.election_at(ElectionStatus.VOTING, actor=tree.union1_chair,
                                            approver=tree.town1_cadre, union=tree.union1, seats=5)
    liaison_testing.assignment(tree.enterprise1, cadre=tree.town1_cadre)
    visit = liaison_testing.visit(tree.enterprise1, TODAY - datetime.timedelta(days=3), cadre=tree.town1_cadre,
                                  topics=("CONGRESS", "ELECTION"), problems="职代会届期已满，尚未换届")
    liaison_testing.follow_up(visit, TODAY + datetime.timedelta(days=10), owner=tree.town1_cadre)
    home = home_testing.assessment(tree, HomeAssessmentStatus.SUBMITTED)
    harmony_testing.published_set(actor=tree.district_staff)
    harmony = harmony_testing.assessment(actor=tree.union1_chair, enterprise=tree.enterprise1,
                                         status=HarmonyStatus.SUBMITTED)
    return committee, founding, election, visit, home, harmony


def tour(tree, records):
    committee, founding, election, visit, home, harmony = records
    town = [
        ("gr-overview", reverse("grassroots:overview")),
        ("gr-founding-list", reverse("grassroots:founding_list")),
        ("gr-founding-detail", reverse("grassroots:founding_detail", args=[founding.pk])),
        ("gr-founding-create", reverse("grassroots:founding_create")),
        ("gr-unorganised", reverse("grassroots:unorganised_list")),
        ("gr-committee-list", reverse("grassroots:committee_list")),
        ("gr-committee-detail", reverse("grassroots:committee_detail", args=[committee.pk])),
        ("gr-union-committees", reverse("grassroots:union_committees", args=[tree.union1b.pk])),
        ("gr-committee-record", reverse("grassroots:committee_record", args=[tree.union1.pk])),
        ("gr-election-list", reverse("grassroots:election_list")),
        ("gr-election-detail", reverse("grassroots:election_detail", args=[election.pk])),
        ("gr-election-ballots", reverse("grassroots:election_ballots", args=[election.pk])),
        ("gr-liaison-visits", reverse("grassroots:liaison_visit_list")),
        ("gr-liaison-visit", reverse("grassroots:liaison_visit_detail", args=[visit.pk])),
        ("gr-liaison-visit-create", reverse("grassroots:liaison_visit_create")),
        ("gr-liaison-follow-ups", reverse("grassroots:liaison_follow_up_list")),
        ("gr-liaison-assignments", reverse("grassroots:liaison_assignment_list")),
        ("gr-liaison-assign", reverse("grassroots:liaison_assign")),
        ("gr-liaison-coverage", reverse("grassroots:liaison_coverage")),
        ("gr-home-list", reverse("grassroots:home_list")),
        ("gr-home-detail", reverse("grassroots:home_detail", args=[home.pk])),
        ("gr-harmony-list", reverse("grassroots:harmony_list")),
        ("gr-harmony-detail", reverse("grassroots:harmony_detail", args=[harmony.pk])),
        ("gr-harmony-review", reverse("grassroots:harmony_review", args=[harmony.pk])),
        ("gr-harmony-rated", reverse("grassroots:harmony_rated")),
    ]
    district = [
        ("gr-district-overview", reverse("grassroots:overview")),
        ("gr-home-standards", reverse("grassroots:home_standard_list")),
        ("gr-home-standard", reverse("grassroots:home_standard_detail", args=[home.standard_id])),
        ("gr-harmony-indicators", reverse("grassroots:harmony_indicator_list")),
        ("gr-harmony-indicator-set", reverse("grassroots:harmony_indicator_detail", args=[harmony.indicator_set_id])),
    ]
    union = [
        ("gr-union-overview", reverse("grassroots:overview")),
        ("gr-election-create", reverse("grassroots:election_create")),
        ("gr-home-create", reverse("grassroots:home_create")),
        ("gr-harmony-create", reverse("grassroots:harmony_create")),
    ]
    return [("town1", town), ("district", district), ("union1", union)]


def test_grassroots_layout_tour(browser, live_server, tour_screenshots):
    tree = Tree()
    problems = walk(browser, live_server, tour(tree, build(tree)), tour_screenshots)
    assert not problems, "\n".join(problems)
