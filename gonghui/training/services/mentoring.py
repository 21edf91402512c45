"""Every write of 名师带徒 pairs: create, progress reports, final assessment, end early, export,
and the reminders. Atomic, checked (`require`), locked, validated, audited
(`training.mentorship_*`).

Periods: period n of a pair runs from `starts_on` + (n-1)·`report_every_months` months to the
day before `starts_on` + n·`report_every_months` months, the last one cut at `ends_on`; its
report is due `report_grace_days` after the period ends. Reports are written in order (the next
one is always the first period without a report), from the first day of its period.

Final assessment: from `assess_from_days_before_end` days before the end of the term, once every
report due by the assessment day is written. PASS (score ≥ `pass_mark`) may grant a new skill
level, higher than the apprentice's current one by at most `max_level_rise` grades; it is recorded
on the person through `gonghui.members.services.change_skill_level` in the same transaction (if
that is refused, nothing is saved). FAIL changes no level. Either way the pair is COMPLETED.
"""

import calendar
import datetime
import tempfile
import uuid
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core import audit
from gonghui.core.errors import DomainError
from gonghui.core.locking import lock_one
from gonghui.core.policies import require
from gonghui.members.models import LIVE_STATUSES, Membership, Person, SkillLevel
from gonghui.orgs.models import Org

from ..models.courses import Course, Programme
from ..models.mentoring import AssessmentResult, Mentorship, MentorshipAssessment, MentorshipReport, MentorshipStatus
from ..models.schools import Teacher
from ..policies.mentoring import CHANGE, EXPORT, VIEW
from ..rules.mentoring import rules

# Skill levels from the lowest to the highest.
LEVEL_ORDER = [SkillLevel.NONE, SkillLevel.LEVEL5, SkillLevel.LEVEL4, SkillLevel.LEVEL3, SkillLevel.LEVEL2,
               SkillLevel.LEVEL1]
FIELDS = ["status", "trade", "starts_on", "ends_on", "target_skill_level", "next_report_due_on", "ended_on",
          "end_reason"]
MIN_DAY = datetime.date(2000, 1, 1)


def today():
    return timezone.localdate()


def rank(level) -> int:
    return LEVEL_ORDER.index(level) if level in LEVEL_ORDER else 0


def add_months(day: datetime.date, months: int) -> datetime.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


def periods(starts_on, ends_on):
    """[(no, first day, last day, due on)] of a term."""
    r = rules()
    out, n = [], 1
    while True:
        first = add_months(starts_on, (n - 1) * r.report_every_months)
        if first > ends_on:
            return out
        last = min(add_months(starts_on, n * r.report_every_months) - datetime.timedelta(days=1), ends_on)
        out.append((n, first, last, last + datetime.timedelta(days=r.report_grace_days)))
        n += 1


def next_period(m, written=None):
    """The first period of the pair without a report, or None."""
    if written is None:
        written = set(m.reports.values_list("period_no", flat=True))
    return next((p for p in periods(m.starts_on, m.ends_on) if p[0] not in written), None)


# --- helpers ----------------------------------------------------------------------------------

def _text(value, field, label, *, required=True, limit=400):
    value = (value or "").strip()
    if required and not value:
        raise DomainError(_("%(label)s is required.") % {"label": label}, code="required", field=field)
    if len(value) > limit:
        raise DomainError(_("%(label)s is longer than %(n)s characters.") % {"label": label, "n": limit},
                          code="too_long", field=field)
    return value


def _past_date(day, field, label):
    if day is None:
        raise DomainError(_("%(label)s is required.") % {"label": label}, code="required", field=field)
    if day > today():
        raise DomainError(_("%(label)s is in the future; record it on or after that day.") % {"label": label},
                          code="date_in_future", field=field)
    return day


def _wrong_stage(m):
    return DomainError(_("This step cannot be recorded now: the record is “%(status)s”.")
                       % {"status": m.get_status_display()}, code="wrong_stage")


def _snapshot(m):
    return audit.snapshot(m, fields=FIELDS)


def _record(actor, action, m, before, **extra):
    b, a = audit.changed(before, _snapshot(m))
    audit.record(actor=actor, action=action, obj=m, org=m.org, before=b, after={**a, **extra})


def _level(value, field, *, required=True):
    if not value:
        if required:
            raise DomainError(_("Choose a skill level from the list."), code="required", field=field)
        return ""
    if value not in SkillLevel.values:
        raise DomainError(_("Choose a skill level from the list."), code="bad_skill_level", field=field)
    return value


def ancestor_paths(org):
    return [org.path[:i] for i in range(Org.steplen, len(org.path) + 1, Org.steplen)]


def usable_teachers(actor, org):
    """Teachers of the pool in the pool a pair of `org` may draw from: active, and registered in
    the actor's reach or by `org` or an org above it (the town's and the district's pools)."""
    visible = Teacher.objects.visible_to(actor, VIEW).values("pk")
    return Teacher.objects.filter(is_active=True).filter(Q(pk__in=visible) | Q(org__path__in=ancestor_paths(org)))


def _live_member_under(person, org):
    return Membership.objects.filter(person=person, status__in=LIVE_STATUSES,
                                     union__path__startswith=org.path).exists()


# --- create -------------------------------------------------------------------------------------

@transaction.atomic
def create_mentorship(*, actor, org, apprentice, trade, starts_on, ends_on, goals, target_skill_level,
                      master_teacher=None, master_person=None, course=None) -> Mentorship:
    """A union pairs a master (a teacher of the pool, or a person of the registry) with one of its
    live members as apprentice for a term of 1–3 years."""
    require(actor, CHANGE, org)
    r = rules()
    if apprentice is None:
        raise DomainError(_("Choose the apprentice."), code="required", field="apprentice")
    if master_teacher is not None and master_person is not None:
        raise DomainError(_("Choose the master either from the teacher pool or from the registry, not both."),
                          code="two_masters", field="master_person")
    if master_teacher is None and master_person is None:
        raise DomainError(_("Choose the master."), code="required", field="master_teacher")
    master_field = "master_teacher" if master_teacher is not None else "master_person"
    if master_teacher is not None:
        if not usable_teachers(actor, org).filter(pk=master_teacher.pk).exists():
            raise DomainError(_("This teacher is not in the pool this union may draw from (or left it)."),
                              code="teacher_unavailable", field="master_teacher")
        master_person = master_teacher.person
        master_name = master_teacher.name
    else:
        master_name = master_person.name
    if master_person is not None and master_person.pk == apprentice.pk:
        raise DomainError(_("A person cannot be their own master."), code="own_master", field=master_field)
    trade = _text(trade, "trade", _("The trade"), limit=60)
    goals = _text(goals, "goals", _("The goals"), limit=2000)
    target = _level(target_skill_level, "target_skill_level")
    if starts_on is None:
        raise DomainError(_("%(label)s is required.") % {"label": _("The start of the term")}, code="required",
                          field="starts_on")
    if ends_on is None:
        raise DomainError(_("%(label)s is required.") % {"label": _("The end of the term")}, code="required",
                          field="ends_on")
    if starts_on < MIN_DAY or starts_on > add_months(today(), 12):
        raise DomainError(_("The term must start between %(first)s and a year from today.")
                          % {"first": MIN_DAY.isoformat()}, code="date_out_of_range", field="starts_on")
    shortest = add_months(starts_on, r.min_term_months) - datetime.timedelta(days=1)
    longest = add_months(starts_on, r.max_term_months) - datetime.timedelta(days=1)
    if not shortest <= ends_on <= longest:
        raise DomainError(_("The term lasts %(min)s to %(max)s months: it ends between %(first)s and %(last)s.")
                          % {"min": r.min_term_months, "max": r.max_term_months, "first": shortest.isoformat(),
                             "last": longest.isoformat()}, code="bad_term", field="ends_on")
    if course is not None:
        if not Course.objects.visible_to(actor, VIEW).filter(pk=course.pk).exists():
            raise DomainError(_("Choose a course from the list."), code="unknown_reference", field="course")
        if course.programme != Programme.MASTER_APPRENTICE:
            raise DomainError(_("Only a master-apprentice (名师带徒) course can group pairs."),
                              code="wrong_programme", field="course")
    # The apprentice's row is locked first: two pairs of one apprentice created at the same moment
    # queue here, so the one-active-pair check below cannot pass for both.
    apprentice = lock_one(Person, apprentice.pk)
    if not _live_member_under(apprentice, org):
        raise DomainError(_("The apprentice must be a live member of %(union)s.") % {"union": org.name},
                          code="not_a_member", field="apprentice")
    if rank(target) <= rank(apprentice.skill_level):
        raise DomainError(_("The target skill level must be above the apprentice's current level (%(level)s).")
                          % {"level": apprentice.get_skill_level_display()}, code="target_not_higher",
                          field="target_skill_level")
    clash = _("%(name)s is already apprentice in an active pair in %(trade)s.") % {"name": apprentice.name,
                                                                                   "trade": trade}
    if Mentorship.objects.filter(apprentice=apprentice, trade=trade, status=MentorshipStatus.ACTIVE).exists():
        raise DomainError(clash, code="already_apprentice", field="apprentice")
    m = Mentorship(org=org, town=org.town(), course=course, master_teacher=master_teacher,
                   master_person=master_person, master_name=master_name, apprentice=apprentice, trade=trade,
                   starts_on=starts_on, ends_on=ends_on, goals=goals, start_skill_level=apprentice.skill_level,
                   target_skill_level=target, created_by=actor if getattr(actor, "pk", None) else None)
    first = next_period(m, written=set())
    m.next_report_due_on = first[3] if first else None
    try:
        with transaction.atomic():
            m.save()
    except IntegrityError as exc:
        raise DomainError(clash, code="already_apprentice", field="apprentice") from exc
    audit.record(actor=actor, action="training.mentorship_create", obj=m, org=org,
                 after={**_snapshot(m), "apprentice": apprentice.pk, "master": master_name, "org": org.pk})
    return m


# --- progress reports ---------------------------------------------------------------------------

@transaction.atomic
def submit_report(*, actor, mentorship, content, master_comment="", submitted_on=None) -> MentorshipReport:
    """The progress report of the next period without one."""
    require(actor, CHANGE, mentorship.org)
    m = lock_one(Mentorship, mentorship.pk)
    if m.status != MentorshipStatus.ACTIVE:
        raise _wrong_stage(m)
    period = next_period(m)
    if period is None:
        raise DomainError(_("Every progress report of the term is already written."), code="all_reported")
    no, first, last, due = period
    content = _text(content, "content", _("The progress"), limit=4000)
    master_comment = _text(master_comment, "master_comment", _("The master's comment"), required=False, limit=2000)
    submitted_on = _past_date(submitted_on or today(), "submitted_on", _("The report date"))
    if submitted_on < first:
        raise DomainError(_("The report of period %(no)s can be written from %(day)s, when the period starts.")
                          % {"no": no, "day": first.isoformat()}, code="period_not_started", field="submitted_on")
    before = _snapshot(m)
    report = MentorshipReport.objects.create(mentorship=m, period_no=no, period_starts_on=first, period_ends_on=last,
                                             due_on=due, content=content, master_comment=master_comment,
                                             submitted_on=submitted_on,
                                             submitted_by=actor if getattr(actor, "pk", None) else None)
    following = next_period(m, written=set(m.reports.values_list("period_no", flat=True)))
    m.next_report_due_on = following[3] if following else None
    m.save(update_fields=["next_report_due_on", "updated_at"])
    _record(actor, "training.mentorship_report", m, before, period_no=no, submitted_on=submitted_on.isoformat(),
            late=submitted_on > due)
    return report


# --- final assessment ---------------------------------------------------------------------------

def _score(value):
    try:
        score = Decimal(str(value)).quantize(Decimal("0.1"))
    except (InvalidOperation, TypeError, ValueError):
        raise DomainError(_("The score is a number between 0 and 100."), code="bad_score", field="score") from None
    if not Decimal(0) <= score <= Decimal(100):
        raise DomainError(_("The score is a number between 0 and 100."), code="bad_score", field="score")
    return score


@transaction.atomic
def assess(*, actor, mentorship, result, score, new_skill_level="", assessed_on=None, assessors="",
           comment="") -> MentorshipAssessment:
    """Record the final assessment; on a pass with a new level, the apprentice's skill level changes."""
    from gonghui.members.services import change_skill_level, current_membership

    require(actor, CHANGE, mentorship.org)
    r = rules()
    m = lock_one(Mentorship, mentorship.pk)
    if m.status != MentorshipStatus.ACTIVE:
        raise _wrong_stage(m)
    if result not in AssessmentResult.values:
        raise DomainError(_("Choose the result: passed or not passed."), code="bad_result", field="result")
    score = _score(score)
    assessed_on = _past_date(assessed_on or today(), "assessed_on", _("The assessment date"))
    earliest = m.ends_on - datetime.timedelta(days=r.assess_from_days_before_end)
    if assessed_on < earliest:
        raise DomainError(_("The final assessment can be recorded from %(day)s (%(n)s days before the end of the "
                            "term).") % {"day": earliest.isoformat(), "n": r.assess_from_days_before_end},
                          code="too_early", field="assessed_on")
    written = set(m.reports.values_list("period_no", flat=True))
    missing = [p[0] for p in periods(m.starts_on, m.ends_on) if p[3] <= assessed_on and p[0] not in written]
    if missing:
        raise DomainError(_("Write the progress reports due by the assessment day first (period %(list)s).")
                          % {"list": ", ".join(map(str, missing))}, code="reports_missing", field="assessed_on")
    if result == AssessmentResult.PASS and score < r.pass_mark:
        raise DomainError(_("A pass needs a score of at least %(mark)s.") % {"mark": r.pass_mark},
                          code="score_below_pass", field="score")
    if result == AssessmentResult.FAIL and score >= r.pass_mark:
        raise DomainError(_("A score of %(mark)s or more is a pass.") % {"mark": r.pass_mark},
                          code="score_is_pass", field="score")
    new_level = _level(new_skill_level, "new_skill_level", required=False)
    person = lock_one(Person, m.apprentice_id)
    before_level = person.skill_level
    if new_level:
        if result != AssessmentResult.PASS:
            raise DomainError(_("Only a pass changes the skill level."), code="level_without_pass",
                              field="new_skill_level")
        rise = rank(new_level) - rank(before_level)
        if rise <= 0:
            raise DomainError(_("The new skill level must be above the apprentice's current level (%(level)s).")
                              % {"level": person.get_skill_level_display()}, code="level_not_higher",
                              field="new_skill_level")
        if rise > r.max_level_rise:
            raise DomainError(_("One assessment raises the skill level by at most %(n)s grade(s): from %(level)s "
                                "at most to %(top)s.")
                              % {"n": r.max_level_rise, "level": person.get_skill_level_display(),
                                 "top": SkillLevel(LEVEL_ORDER[min(rank(before_level) + r.max_level_rise,
                                                                   len(LEVEL_ORDER) - 1)]).label},
                              code="level_rise_too_big", field="new_skill_level")
        membership = current_membership(person)
        if not actor.can("members.change", membership.union if membership else None):
            raise DomainError(_("The skill level of %(name)s is kept by a union outside your organisation: ask it "
                                "to record the assessment.") % {"name": person.name},
                              code="level_out_of_scope", field="new_skill_level")
    assessors = _text(assessors, "assessors", _("The assessors"), required=False, limit=200)
    comment = _text(comment, "comment", _("The comment"), required=False, limit=2000)
    before = _snapshot(m)
    a = MentorshipAssessment.objects.create(mentorship=m, assessed_on=assessed_on, result=result, score=score,
                                            skill_level_before=before_level, new_skill_level=new_level,
                                            assessors=assessors, comment=comment,
                                            assessed_by=actor if getattr(actor, "pk", None) else None)
    m.status = MentorshipStatus.COMPLETED
    m.next_report_due_on = None
    m.save(update_fields=["status", "next_report_due_on", "updated_at"])
    _record(actor, "training.mentorship_assess", m, before, result=result, score=str(score),
            assessed_on=assessed_on.isoformat(), skill_level_before=before_level, new_skill_level=new_level)
    if new_level:
        change_skill_level(actor=actor, person=person, level=new_level,
                           reason=_("Master-apprentice final assessment passed (%(trade)s, master %(master)s)")
                           % {"trade": m.trade, "master": m.master_name})
    return a


# --- end early ----------------------------------------------------------------------------------

@transaction.atomic
def end_mentorship(*, actor, mentorship, reason, ended_on=None) -> Mentorship:
    require(actor, CHANGE, mentorship.org)
    m = lock_one(Mentorship, mentorship.pk)
    if m.status != MentorshipStatus.ACTIVE:
        raise _wrong_stage(m)
    reason = _text(reason, "reason", _("The reason"))
    ended_on = _past_date(ended_on or today(), "ended_on", _("The end date"))
    if ended_on < m.starts_on:
        raise DomainError(_("The pair cannot end before its term starts (%(day)s).")
                          % {"day": m.starts_on.isoformat()}, code="date_order", field="ended_on")
    before = _snapshot(m)
    m.status, m.ended_on, m.end_reason, m.next_report_due_on = MentorshipStatus.ENDED, ended_on, reason, None
    m.save(update_fields=["status", "ended_on", "end_reason", "next_report_due_on", "updated_at"])
    _record(actor, "training.mentorship_end", m, before)
    return m


# --- export -------------------------------------------------------------------------------------

class _ExportRef:
    def __init__(self, ref):
        self.pk = ref

    def __str__(self):
        return self.pk


def _export_places(actor, org):
    if org is not None:
        return [org]
    if actor.is_superuser:
        return list(Org.objects.filter(depth=1))
    return list(Org.objects.filter(path__in=actor.scope_paths(EXPORT)))


def export_mentorships(*, actor, filters):
    """(rewound temporary file, rows): the filtered pairs the actor may export."""
    from gonghui.core.excel import XlsxStream

    from ..selectors.mentoring import filtered_mentorships

    require(actor, EXPORT, filters.org) if filters.org else require(actor, EXPORT)
    exportable = Mentorship.objects.visible_to(actor, EXPORT).values("pk")
    qs = (filtered_mentorships(actor, filters).filter(pk__in=exportable).order_by("-starts_on", "-id")
          .values_list("master_name", "apprentice__name", "apprentice__id_number_masked", "org__name", "town__name",
                       "trade", "starts_on", "ends_on", "start_skill_level", "target_skill_level", "status",
                       "next_report_due_on", "assessment__result", "assessment__score",
                       "assessment__new_skill_level"))
    levels, statuses = dict(SkillLevel.choices), dict(MentorshipStatus.choices)
    results = dict(AssessmentResult.choices)
    headers = [_("Master"), _("Apprentice"), _("ID card number"), _("Union"), _("Town"), _("Trade"),
               _("Term starts on"), _("Term ends on"), _("Skill level at the start"), _("Target skill level"),
               _("Status"), _("Next report due on"), _("Assessment result"), _("Score"), _("New skill level")]
    handle = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 — the response closes it
    rows = 0
    with XlsxStream(handle) as book:
        sheet = book.sheet(_("Master-apprentice pairs"), headers=headers,
                           widths=[10, 10, 20, 30, 16, 14, 12, 12, 18, 18, 14, 12, 10, 8, 18], text_columns=(2,))
        for values in qs.iterator(chunk_size=1000):
            row = list(values)
            for i in (8, 9, 14):
                row[i] = str(levels.get(row[i], row[i] or ""))
            row[10] = str(statuses.get(row[10], row[10]))
            row[12] = str(results.get(row[12], "")) if row[12] else ""
            sheet.append(row)
            rows += 1
    ref = uuid.uuid4().hex
    for place in _export_places(actor, filters.org) or [None]:
        audit.record(actor=actor, action="training.mentorship_export", obj=_ExportRef(ref),
                     object_type="training.MentorshipExport", org=place,
                     after={"filters": {"status": filters.status, "trade": filters.trade, "q": filters.q,
                                        "due": filters.due}, "rows": rows})
    handle.seek(0)
    return handle, rows


# --- reminders ----------------------------------------------------------------------------------

def remind_due_reports(*, on=None) -> int:
    """The daily job: the chairs of each union with progress reports due within
    `due_soon_days` (or overdue), and the cadres of its town, are told once per report period
    (`notify` keys are unique per pair and due day). Returns the notifications created."""
    from django.urls import reverse

    from gonghui.accounts.selectors import chairs_and_town_cadres
    from gonghui.core.notifications import notify

    on = on or today()
    horizon = on + datetime.timedelta(days=rules().due_soon_days)
    due = list(Mentorship.objects.select_related("org", "apprentice")
               .filter(status=MentorshipStatus.ACTIVE, next_report_due_on__lte=horizon).order_by("org_id", "id"))
    if not due:
        return 0
    recipients = chairs_and_town_cadres(list({m.org_id: m.org for m in due}.values()))
    sent = 0
    for m in due:
        late = m.next_report_due_on < on
        title = (_("Overdue progress report: %(apprentice)s (master %(master)s)") if late else
                 _("Progress report due: %(apprentice)s (master %(master)s)")) % {
            "apprentice": m.apprentice.name, "master": m.master_name}
        sent += notify(recipients=recipients.get(m.org_id, []),
                       key=f"training.mentorship_report:{m.pk}:{m.next_report_due_on.isoformat()}",
                       title=title, body=_("Due on %(day)s.") % {"day": m.next_report_due_on.isoformat()},
                       url=reverse("training:mentoring_detail", args=[m.pk]), org=m.org)
    return sent
