"""Metrics of labour competitions, on-the-job activities and skills contests (DOMAIN.md §5).

Definitions (docs/reports-metrics.md has the table):
- a labour competition *run* in year Y is one of year Y (`LabourCompetition.year`, the year the
  list filters by) that has started: status RUNNING or FINISHED (planned and cancelled ones are
  not counted); held by its organiser (`org`);
- its *participants* are its teams (`CompetitionTeam`: an enterprise's union, a project section,
  a workshop — competitions record teams, not people), each held by the team's own org, so a
  town's figure counts its teams in district competitions too;
- an on-the-job activity (岗位成才/建功/练兵) counts in the year it is held (`held_on`, on or
  before as_of), held by its organiser; its participants are `participant_count` (the people
  on its list);
- a skills contest *held* in year Y: `held_on` in Y and on or before as_of, status CLOSED
  (scoring) or PUBLISHED (results) — drafts, contests still taking registrations and cancelled
  ones are not; held by the organiser; its *participants* are its entries still REGISTERED and
  not marked absent, held by the entrant's union (`ContestEntry.union`).
"""

import datetime

from django.db.models import Count, Sum
from django.utils.translation import gettext_lazy as _

from gonghui.competitions.models import (
    CompetitionStatus,
    CompetitionTeam,
    ContestEntry,
    ContestEntryStatus,
    ContestStatus,
    JobActivity,
    LabourCompetition,
    SkillContest,
)

from . import Metric, register
from . import drill_list as _drill
from . import grouped_rows as _rows
from . import year_range as _year_range

SECTION = "competitions"
RUN_STATUSES = (CompetitionStatus.RUNNING, CompetitionStatus.FINISHED)
HELD_CONTEST_STATUSES = (ContestStatus.CLOSED, ContestStatus.PUBLISHED)


METRICS = [
    Metric(code="competitions.competitions", label=_("Labour competitions"), section=SECTION,
           drill=_drill("competitions:competition_list"),
           help=_("Labour competitions of the year that have started (under way or finished), by organiser.")),
    Metric(code="competitions.participants", label=_("Competition teams"), section=SECTION,
           drill=_drill("competitions:competition_list"),
           help=_("Teams taking part in those competitions, counted at each team's own union.")),
    Metric(code="competitions.activities", label=_("On-the-job activities"), section=SECTION,
           drill=_drill("competitions:activity_list"),
           help=_("On-the-job activities (岗位成才, 岗位建功, 岗位练兵) held in the year, by organiser.")),
    Metric(code="competitions.activity_participants", label=_("On-the-job activity participants"),
           section=SECTION, unit="people", drill=_drill("competitions:activity_list"),
           help=_("People on the lists of those activities (a person in two activities counts twice).")),
    Metric(code="competitions.contests", label=_("Skills contests held"), section=SECTION,
           drill=_drill("competitions:contest_list"),
           help=_("Skills contests held in the year (contest day passed, scoring or results published), "
                  "by organiser.")),
    Metric(code="competitions.contest_participants", label=_("Skills contest participants"), section=SECTION,
           unit="people", drill=_drill("competitions:contest_list"),
           help=_("Entries of those contests still registered and not absent, counted at the entrant's union.")),
]


def provide(year: int, as_of: datetime.date):
    first, last = _year_range(year)
    held_until = min(last, as_of)
    run = LabourCompetition.objects.filter(year=year, status__in=RUN_STATUSES)
    yield from _rows(run, "org_id", "competitions.competitions", Count("pk"))
    yield from _rows(CompetitionTeam.objects.filter(competition__in=run), "org_id", "competitions.participants",
                     Count("pk"))

    activities = JobActivity.objects.filter(held_on__gte=first, held_on__lte=held_until)
    yield from _rows(activities, "org_id", "competitions.activities", Count("pk"))
    yield from _rows(activities, "org_id", "competitions.activity_participants", Sum("participant_count"))

    held = SkillContest.objects.filter(held_on__gte=first, held_on__lte=held_until,
                                       status__in=HELD_CONTEST_STATUSES)
    yield from _rows(held, "org_id", "competitions.contests", Count("pk"))
    entries = ContestEntry.objects.filter(contest__in=held, status=ContestEntryStatus.REGISTERED, absent=False)
    yield from _rows(entries, "union_id", "competitions.contest_participants", Count("pk"))


register(METRICS, provide)
