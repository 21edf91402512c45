"""Metrics of worker training (DOMAIN.md §6).

Definitions (docs/reports-metrics.md has the table):
- a course *of year Y* is one with `Course.year` = Y (the year the course list and the training
  statistics use) that was offered: status OPEN, CLOSED or FINISHED (drafts and cancelled courses
  are not counted); held by its organiser (`Course.org`);
- a *trainee* of year Y holds a seat (enrolment ENROLLED, COMPLETED or NOT_COMPLETED) in such a
  course and either attended at least one session (a PRESENT or LATE mark at a session that was
  not cancelled) or completed it: people who actually took part, not everyone who signed up. A
  person counts once per holding org in the year, whatever the number of courses; the holding org
  is the trainee's union at enrolment (`Enrolment.union`), else the course's organiser. (The
  training statistics page counts every seat holder, attended or not, so it may be higher.)
- a *certificate* counts in the year it was issued (`issued_on`) unless revoked, held by the
  trainee's union, else the course's organiser;
- a 名师带徒 *pair* counts in the year its term starts (`starts_on`, on or before as_of), whatever
  happened to it since, held by its union (`Mentorship.org`); a pair *passed* in the year its final
  assessment was passed (`assessed_on`).
"""

import datetime

from django.db.models import Count, Exists, OuterRef, Q
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from gonghui.training.models import (
    LIVE_COURSE_STATUSES,
    PRESENT_STATUSES,
    SEAT_STATUSES,
    AssessmentResult,
    Attendance,
    Certificate,
    CertificateStatus,
    Course,
    Enrolment,
    EnrolmentStatus,
    Mentorship,
)

from . import Metric, register
from . import drill_list as _drill
from . import grouped_rows as _rows
from . import year_range as _year_range

SECTION = "training"


METRICS = [
    Metric(code="training.courses", label=_("Training courses"), section=SECTION,
           drill=_drill("training:course_list"),
           help=_("Courses of the year that were offered (open, closed for enrolment or finished), by organiser.")),
    Metric(code="training.trainees", label=_("Trainees"), section=SECTION, unit="people",
           drill=_drill("training:enrolment_list"),
           help=_("People with a place on a course of the year who attended at least one session or completed "
                  "it; once per union a year.")),
    Metric(code="training.certificates", label=_("Completion certificates"), section=SECTION,
           drill=_drill("training:certificate_list", org=False, status=CertificateStatus.VALID),
           help=_("Completion certificates issued in the year and not revoked, at the trainee's union.")),
    Metric(code="training.mentorships", label=_("Master–apprentice pairs"), section=SECTION,
           drill=_drill("training:mentoring_list"),
           help=_("名师带徒 pairs whose term starts in the year, by union.")),
    Metric(code="training.mentorships_passed", label=_("Apprentices passed"), section=SECTION, unit="people",
           drill=_drill("training:mentoring_list", year=False, result=AssessmentResult.PASS),
           help=_("名师带徒 pairs whose final assessment was passed in the year, by union.")),
]


def trainee_enrolments(year):
    """Seat enrolments of the year's offered courses that were attended or completed."""
    attended = Attendance.objects.filter(enrolment=OuterRef("pk"), status__in=PRESENT_STATUSES,
                                         session__is_cancelled=False)
    return (Enrolment.objects.filter(course__year=year, course__status__in=LIVE_COURSE_STATUSES,
                                     status__in=SEAT_STATUSES)
            .filter(Q(status=EnrolmentStatus.COMPLETED) | Exists(attended))
            .annotate(holder=Coalesce("union_id", "course__org_id")))


def provide(year: int, as_of: datetime.date):
    first, last = _year_range(year)
    until = min(last, as_of)
    yield from _rows(Course.objects.filter(year=year, status__in=LIVE_COURSE_STATUSES), "org_id",
                     "training.courses", Count("pk"))
    yield from _rows(trainee_enrolments(year), "holder", "training.trainees", Count("person_id", distinct=True))
    certificates = (Certificate.objects.filter(issued_on__gte=first, issued_on__lte=until,
                                               status=CertificateStatus.VALID)
                    .annotate(holder=Coalesce("enrolment__union_id", "enrolment__course__org_id")))
    yield from _rows(certificates, "holder", "training.certificates", Count("pk"))
    yield from _rows(Mentorship.objects.filter(starts_on__gte=first, starts_on__lte=until), "org_id",
                     "training.mentorships", Count("pk"))
    passed = Mentorship.objects.filter(assessment__assessed_on__gte=first, assessment__assessed_on__lte=until,
                                       assessment__result=AssessmentResult.PASS)
    yield from _rows(passed, "org_id", "training.mentorships_passed", Count("pk"))


register(METRICS, provide)
