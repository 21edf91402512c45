"""The quarterly coverage report at its edges: quarter boundaries (31 March vs 1 April, 31
December vs 1 January), assignments starting or ending on a boundary, top-100 enterprises
without an assignment, per town and per cadre, and the scope of the reader."""

import datetime

import pytest

from gonghui.core.testing.factories import EnterpriseFactory
from gonghui.grassroots.models.liaison import AssignmentStatus
from gonghui.grassroots.selectors.liaison import Quarter, coverage, uncovered
from gonghui.grassroots.testing.liaison import assignment, visit

pytestmark = pytest.mark.django_db
D = datetime.date


def test_quarter_bounds():
    assert Quarter.of(D(2026, 3, 31)) == Quarter(2026, 1)
    assert Quarter.of(D(2026, 4, 1)) == Quarter(2026, 2)
    assert Quarter.of(D(2026, 12, 31)) == Quarter(2026, 4)
    assert Quarter(2026, 1).ends_on == D(2026, 3, 31)
    assert Quarter(2024, 1).ends_on == D(2024, 3, 31)
    assert Quarter(2026, 2).starts_on == D(2026, 4, 1) and Quarter(2026, 2).ends_on == D(2026, 6, 30)
    assert Quarter(2026, 3).ends_on == D(2026, 9, 30)
    assert Quarter(2026, 4).starts_on == D(2026, 10, 1) and Quarter(2026, 4).ends_on == D(2026, 12, 31)
    assert Quarter(2026, 1).previous() == Quarter(2025, 4) and Quarter(2026, 4).next() == Quarter(2027, 1)


def test_visit_on_the_last_day_counts_for_that_quarter_only(tree):
    assignment(tree.enterprise1, cadre=tree.town1_cadre, starts_on=D(2026, 1, 1))
    visit(tree.enterprise1, D(2026, 3, 31))
    q1, q2 = coverage(tree.district_staff, Quarter(2026, 1)), coverage(tree.district_staff, Quarter(2026, 2))
    assert (q1.targets, q1.visited) == (1, 1)
    assert (q2.targets, q2.visited) == (1, 0)
    assert list(uncovered(tree.district_staff, Quarter(2026, 2))) == [tree.enterprise1]
    visit(tree.enterprise1, D(2026, 4, 1))
    assert coverage(tree.district_staff, Quarter(2026, 2)).visited == 1
    assert not uncovered(tree.district_staff, Quarter(2026, 2)).exists()


def test_year_boundary(tree):
    assignment(tree.enterprise1, cadre_name="王建国", starts_on=D(2025, 10, 1))
    visit(tree.enterprise1, D(2025, 12, 31))
    assert coverage(tree.district_staff, Quarter(2025, 4)).visited == 1
    assert coverage(tree.district_staff, Quarter(2026, 1)).visited == 0


def test_assignment_period_against_quarter(tree):
    starts_next = EnterpriseFactory(town=tree.town1)
    ended_before = EnterpriseFactory(town=tree.town1)
    ended_on_first_day = EnterpriseFactory(town=tree.town1)
    assignment(starts_next, cadre_name="甲", starts_on=D(2026, 4, 1))            # not a Q1 target
    assignment(ended_before, cadre_name="甲", starts_on=D(2025, 1, 1), ends_on=D(2025, 12, 31),
               status=AssignmentStatus.ENDED)                                   # not a 2026 Q1 target
    assignment(ended_on_first_day, cadre_name="甲", starts_on=D(2025, 1, 1), ends_on=D(2026, 1, 1),
               status=AssignmentStatus.ENDED)                                   # a Q1 target (one day)
    q1 = coverage(tree.district_staff, Quarter(2026, 1))
    assert set(uncovered(tree.district_staff, Quarter(2026, 1))) == {ended_on_first_day}
    assert q1.targets == 1
    q2 = coverage(tree.district_staff, Quarter(2026, 2))
    assert set(uncovered(tree.district_staff, Quarter(2026, 2))) == {starts_next}
    assert q2.targets == 1


def test_top100_without_assignment_is_a_target(tree, settings):
    top = EnterpriseFactory(town=tree.town2, top100=True)
    report = coverage(tree.district_staff, Quarter(2026, 2))
    assert report.targets == 1 and report.towns[0].town == tree.town2 and report.cadres == []
    settings.GRASSROOTS_LIAISON_RULES = {"coverage_top100": False}
    assert coverage(tree.district_staff, Quarter(2026, 2)).targets == 0
    settings.GRASSROOTS_LIAISON_RULES = {}
    assert list(uncovered(tree.district_staff, Quarter(2026, 2))) == [top]


def test_per_town_and_per_cadre(tree):
    e1b = EnterpriseFactory(town=tree.town1)
    assignment(tree.enterprise1, cadre=tree.town1_cadre)
    assignment(e1b, cadre=tree.town1_cadre)
    assignment(e1b, cadre_name="王建国")
    assignment(tree.enterprise2, cadre=tree.town2_cadre)
    visit(e1b, D(2026, 5, 5))
    visit(e1b, D(2026, 5, 6))   # two visits count once
    report = coverage(tree.district_staff, Quarter(2026, 2))
    towns = {r.town.pk: (r.targets, r.visited) for r in report.towns}
    assert towns == {tree.town1.pk: (2, 1), tree.town2.pk: (1, 0)}
    cadres = {r.cadre_name: (r.assigned, r.visited) for r in report.cadres}
    assert cadres == {"town1": (2, 1), "王建国": (1, 1), "town2": (1, 0)}
    assert report.percent == 33 and report.not_visited == 2
    assert set(uncovered(tree.district_staff, Quarter(2026, 2), cadre_name="town1")) == {tree.enterprise1}
    # a town cadre sees their town only; a chair sees their union's enterprise
    mine = coverage(tree.town2_cadre, Quarter(2026, 2))
    assert [r.town for r in mine.towns] == [tree.town2] and [r.cadre_name for r in mine.cadres] == ["town2"]
    chair = coverage(tree.union1_chair, Quarter(2026, 2))
    assert chair.targets == 1 and set(uncovered(tree.union1_chair, Quarter(2026, 2))) == {tree.enterprise1}
    assert coverage(tree.outsider, Quarter(2026, 2)).targets == 0
    # filtered to a town
    only = coverage(tree.district_staff, Quarter(2026, 2), tree.town2)
    assert only.targets == 1 and [r.cadre_name for r in only.cadres] == ["town2"]


def test_coverage_queries_do_not_grow(tree, django_assert_max_num_queries):
    for i in range(12):
        e = EnterpriseFactory(town=tree.town1 if i % 2 else tree.town2, top100=i % 3 == 0)
        assignment(e, cadre_name=f"干部{i % 4}")
        if i % 2:
            visit(e, D(2026, 5, 1))
    with django_assert_max_num_queries(5):  # 4, and whether the district's reach is the whole tree
        report = coverage(tree.district_staff, Quarter(2026, 2))
    assert report.targets == 12 and report.visited == 6
