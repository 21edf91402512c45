"""Demo yearly training targets (training `stats` area): the district and every town, for this
year and last year.

Each target is set from what the earlier areas' demo rows give (one GROUP BY query per year over the
seat enrolments): the year's figure × a factor between 1.05 and 1.6 (so most towns are on the way
and a few have passed their target), with a floor so a town without records still has a target.
Both scales: one row per org and year (about forty rows), written with `bulk_create`.
"""

import random
from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.utils import timezone

from gonghui.training.models import (
    PRESENT_STATUSES,
    SEAT_STATUSES,
    CourseStatus,
    Enrolment,
    TrainingTarget,
)

MODELS = (TrainingTarget,)
NOTES = ["年度职工技能培训目标", "按区总工会年度工作要点分解", "含送教入企、委托办班", ""]


def _actuals(year):
    """{town id or None: (trainees, person-times, hours)} and the district's total, for `year`."""
    seats = (Enrolment.objects.filter(status__in=SEAT_STATUSES, course__year=year)
             .exclude(course__status__in=(CourseStatus.CANCELLED, CourseStatus.DRAFT)).order_by())
    attended = Q(attendances__status__in=PRESENT_STATUSES, attendances__session__is_cancelled=False)
    figures = {"t": Count("person", distinct=True), "p": Count("pk", distinct=True),
               "h": Sum("attendances__session__hours", filter=attended)}
    by_town = {row["town"]: (row["t"], row["p"], row["h"] or Decimal(0))
               for row in seats.values("town").annotate(**figures)}
    total = seats.aggregate(**figures)
    return by_town, (total["t"], total["p"], total["h"] or Decimal(0))


def seed(gen) -> dict:
    rng = random.Random(gen.seed * 7919 + 86)
    this_year = timezone.localdate().year
    district = gen.root.id
    towns = [t.id for t in gen.towns]
    rows = []
    for year in (this_year - 1, this_year):
        by_town, total = _actuals(year)
        district_floor, town_floor = (200, 20) if year == this_year else (20, 2)
        for org_id, actual, floor in [(district, total, district_floor),
                                      *[(t, by_town.get(t, (0, 0, 0)), town_floor) for t in towns]]:
            factor = Decimal(str(rng.uniform(1.05, 1.6) if year == this_year else rng.uniform(0.85, 1.2)))
            trainees = max(floor, int(actual[0] * factor))
            person_times = max(trainees, int(actual[1] * factor), floor)
            hours = max(Decimal(floor * 8), (Decimal(actual[2]) * factor).quantize(Decimal("1")))
            rows.append(TrainingTarget(org_id=org_id, year=year, trainees=trainees, person_times=person_times,
                                       hours=hours, note=rng.choice(NOTES)))
    TrainingTarget.objects.bulk_create(rows, batch_size=500)
    return {"targets": len(rows)}
