"""Competition metrics (reports.metrics.competitions) on known records: labour competitions run in
the year and their teams, on-the-job activities and their participants, skills contests held and
their entrants — planned, cancelled, draft and open ones, other years, days after as_of, withdrawn
and absent entrants left out, the holding org right, drill links that open, a fixed number of
queries."""

import datetime
import itertools
from urllib.parse import parse_qs, urlparse

import pytest
from django.utils import timezone

from gonghui.competitions.models import (
    CompetitionStatus,
    CompetitionTeam,
    ContestEntry,
    ContestEntryStatus,
    ContestLevel,
    ContestStatus,
    ContestTrade,
    JobActivity,
    LabourCompetition,
    SkillContest,
)
from gonghui.reports import metrics
from gonghui.reports.metrics import competitions

pytestmark = pytest.mark.django_db

YEAR = 2025
END = datetime.date(YEAR, 12, 31)
_seq = itertools.count(1)


def values(year=YEAR, as_of=END):
    out = {}
    for org_id, code, value in competitions.provide(year, as_of):
        assert (org_id, code) not in out, "one value per org and metric"
        out[org_id, code] = value
    return out


def of(vals, org):
    return {code.removeprefix("competitions."): v for (org_id, code), v in vals.items() if org_id == org.pk}


def competition(org, *, year=YEAR, status=CompetitionStatus.RUNNING, teams=()):
    started = datetime.date(year, 2, 1) if status in (CompetitionStatus.RUNNING, CompetitionStatus.FINISHED) else None
    c = LabourCompetition.objects.create(
        org=org, name=f"五比五赛{next(_seq)}", year=year, starts_on=datetime.date(year, 1, 1),
        ends_on=datetime.date(year, 12, 31), status=status, started_on=started,
        finished_on=datetime.date(year, 12, 1) if status == CompetitionStatus.FINISHED else None)
    for team_org in teams:
        CompetitionTeam.objects.create(competition=c, org=team_org, name=f"队{next(_seq)}")
    return c


def activity(org, held_on, participants):
    return JobActivity.objects.create(org=org, kind="TRAINING", title=f"岗位练兵{next(_seq)}", held_on=held_on,
                                      participant_count=participants)


def contest(org, held_on, status=ContestStatus.PUBLISHED):
    trade, _ = ContestTrade.objects.get_or_create(code="WELD", defaults={"name": "焊工"})
    n = next(_seq)
    return SkillContest.objects.create(
        org=org, trade=trade, level=ContestLevel.DISTRICT, year=held_on.year, name=f"焊工比武{n}", held_on=held_on,
        registration_closes_on=held_on - datetime.timedelta(days=5), capacity=30, exam_prefix=f"H{n}",
        status=status, published_on=held_on if status == ContestStatus.PUBLISHED else None)


def entry(tree, c, union, *, status=ContestEntryStatus.REGISTERED, absent=False):
    person = tree.member(union=union).person
    return ContestEntry.objects.create(contest=c, person=person, union=union, person_name=person.name,
                                       exam_no=f"{c.exam_prefix}-{next(_seq)}", status=status,
                                       registered_at=timezone.now(), absent=absent)


def test_competitions_run_in_the_year_and_their_teams(tree):
    competition(tree.district, teams=[tree.union1, tree.union2, tree.town2])
    competition(tree.town1, status=CompetitionStatus.FINISHED, teams=[tree.union1, tree.union1b])
    competition(tree.town1, status=CompetitionStatus.PLANNED, teams=[tree.union1])  # not started
    competition(tree.town2, status=CompetitionStatus.CANCELLED, teams=[tree.union2])
    competition(tree.town2, year=YEAR - 1, teams=[tree.union2])  # last year's
    v = values()
    assert of(v, tree.district) == {"competitions": 1}
    assert of(v, tree.town1) == {"competitions": 1}
    assert of(v, tree.union1) == {"participants": 2}  # a team in the district's and the town's
    assert of(v, tree.union1b) == {"participants": 1}
    assert of(v, tree.union2) == {"participants": 1}
    assert of(v, tree.town2) == {"participants": 1}  # a team held at the town itself
    assert of(values(YEAR - 1, datetime.date(YEAR - 1, 12, 31)), tree.town2) == {"competitions": 1}


def test_activities_held_in_the_year(tree):
    activity(tree.union1, datetime.date(YEAR, 3, 1), 12)
    activity(tree.union1, datetime.date(YEAR, 11, 1), 8)
    activity(tree.town2, datetime.date(YEAR, 1, 1), 0)  # no participants listed
    activity(tree.union2, datetime.date(YEAR - 1, 12, 31), 5)
    v = values()
    assert of(v, tree.union1) == {"activities": 2, "activity_participants": 20}
    assert of(v, tree.town2) == {"activities": 1}
    assert of(v, tree.union2) == {}
    assert of(values(as_of=datetime.date(YEAR, 6, 30)), tree.union1) == {"activities": 1,
                                                                        "activity_participants": 12}


def test_contests_held_and_their_participants(tree):
    published = contest(tree.district, datetime.date(YEAR, 5, 10))
    entry(tree, published, tree.union1)
    entry(tree, published, tree.union1)
    entry(tree, published, tree.union2)
    entry(tree, published, tree.union2, absent=True)
    entry(tree, published, tree.union1b, status=ContestEntryStatus.WITHDRAWN)
    scoring = contest(tree.town1, datetime.date(YEAR, 9, 1), status=ContestStatus.CLOSED)
    entry(tree, scoring, tree.union1)
    entry(tree, contest(tree.town2, datetime.date(YEAR, 10, 1), status=ContestStatus.OPEN), tree.union2)
    entry(tree, contest(tree.town2, datetime.date(YEAR, 10, 2), status=ContestStatus.CANCELLED), tree.union2)
    contest(tree.town2, datetime.date(YEAR, 10, 3), status=ContestStatus.DRAFT)
    entry(tree, contest(tree.town2, datetime.date(YEAR - 1, 10, 1)), tree.union2)
    v = values()
    assert of(v, tree.district) == {"contests": 1}
    assert of(v, tree.town1) == {"contests": 1}
    assert of(v, tree.town2) == {}
    assert of(v, tree.union1) == {"contest_participants": 3}
    assert of(v, tree.union2) == {"contest_participants": 1}
    assert of(v, tree.union1b) == {}
    # on 1 August the town's contest of September has not been held
    assert of(values(as_of=datetime.date(YEAR, 8, 1)), tree.union1) == {"contest_participants": 2}
    assert of(values(YEAR - 1, datetime.date(YEAR - 1, 12, 31)), tree.union2) == {"contest_participants": 1}


def test_a_fixed_number_of_queries(tree, django_assert_num_queries):
    competition(tree.district, teams=[tree.union1])
    activity(tree.union1, datetime.date(YEAR, 3, 1), 3)
    entry(tree, contest(tree.district, datetime.date(YEAR, 5, 10)), tree.union1)
    with django_assert_num_queries(6):
        list(competitions.provide(YEAR, END))


def test_the_contract_codes_are_registered():
    codes = {m.code for m in metrics.all_metrics() if m.section == "competitions"}
    assert {"competitions.competitions", "competitions.participants", "competitions.contests",
            "competitions.contest_participants"} <= codes


@pytest.mark.parametrize("code", [m.code for m in competitions.METRICS])
def test_drill_links_open_their_list(tree, client, code):
    client.force_login(tree.town1_cadre)
    url = metrics.metric(code).drill(tree.town1, YEAR)
    assert parse_qs(urlparse(url).query) == {"org": [str(tree.town1.pk)], "year": [str(YEAR)]}
    assert client.get(url).status_code == 200


def test_the_competition_drill_lists_the_year_in_the_subtree(tree, client):
    mine = competition(tree.town1, teams=[tree.union1])
    competition(tree.town1, year=YEAR - 1)
    competition(tree.town2)
    client.force_login(tree.district_staff)
    response = client.get(metrics.metric("competitions.competitions").drill(tree.town1, YEAR))
    assert [c.pk for c in response.context["page"].items] == [mine.pk]
