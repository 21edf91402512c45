"""Every write of awards: award types and quotas, nominations, the town's and the district's
reviews, the public notice (公示) and its objections, conferral, and the honour records every
honour ends in. Atomic, checked (`require` on the nominating union, or `honours.configure`),
locked, validated, audited (`honours.award_*`, `honours.record_add`).

Flow: a union nominates within the quota (`nominate_honour`, `honours.submit`; the quota row is
locked, so two nominations at once cannot both take the last place) → the town forwards or
rejects (`review_by_town`, `honours.review`) → the district approves, which opens the 公示 for
`rules().notice_working_days` working days, or rejects (`review_by_district`, `honours.confer`)
→ objections are taken in during the 公示 (`add_objection`, `honours.review`) and decided
(`decide_objection`, `honours.confer`; upheld → the nomination is not accepted) → after the
notice has ended and with no open objection, the district confers (`confer_award`): the honour
record is written (`record_honour`; for 劳动模范 through `modelworkers.add_title`, which writes
it). A rejected or withdrawn nomination gives its quota place back.

`record_honour` is the one way any app adds to a person's or team's honour record.
"""

import datetime
import uuid

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from gonghui.core import audit, workdays
from gonghui.core.errors import DomainError
from gonghui.core.locking import lock_one
from gonghui.core.policies import require
from gonghui.orgs.models import Org, OrgLevel

from ..models.awards import (
    LIVE_NOMINATION_STATUSES,
    AwardKind,
    HolderKind,
    HonourCategory,
    HonourLevel,
    HonourNomination,
    HonourObjection,
    HonourQuota,
    HonourRecord,
    HonourType,
    NominationStatus,
    ObjectionStatus,
)
from ..policies.awards import CHANGE, CONFER, CONFIGURE, EXPORT, REVIEW, SUBMIT
from ..rules.awards import DEFAULT_TYPES, rules

MIN_YEAR, MAX_YEAR = 2000, 2100
RECORD_MIN_YEAR = 1950
NOTICE_START_LIMIT_DAYS = 60

RECORD_FIELDS = ["holder_kind", "person", "team_name", "title", "category", "level", "year", "conferred_on",
                 "conferred_by", "source_key", "source_label", "note"]


def record_honour(*, actor, org, title: str, category: str, level: str, conferred_on: datetime.date,
                  person=None, team_name: str = "", conferred_by: str = "", source_key: str = "",
                  source_label: str = "", note: str = "", year: int | None = None) -> HonourRecord:
    """Add one honour to a person's (or a team's) record, audited as `honours.record_add`.

    The caller has already checked its own permission for the step that confers the honour (a
    contest's results published, an award conferred). Idempotent on `source_key`: a second call
    for the same source returns the record written by the first. `year` is the honour's year
    (an award "of 2026" conferred in January 2027 is a 2026 honour); default: the conferral's.
    """
    if (person is None) == (not (team_name or "").strip()):
        raise DomainError(_("An honour belongs to either one person or one team."), code="invalid_holder",
                          field="person")
    title = (title or "").strip()
    if not title:
        raise DomainError(_("The name of the honour is required."), code="required", field="title")
    if category not in HonourCategory.values:
        raise DomainError(_("Choose a category of honour."), code="invalid_category", field="category")
    if level not in HonourLevel.values:
        raise DomainError(_("Choose a level of honour."), code="invalid_level", field="level")
    if year is None:
        year = conferred_on.year
    elif not isinstance(year, int) or isinstance(year, bool) or not RECORD_MIN_YEAR <= year <= conferred_on.year + 1:
        # Not `_year`: the registry holds model-worker titles from long before 2000; an award for
        # next year may be conferred late this year.
        raise DomainError(_("The year must be between %(min)s and %(max)s.")
                          % {"min": RECORD_MIN_YEAR, "max": conferred_on.year + 1}, code="invalid_year",
                          field="year")
    if source_key:
        existing = HonourRecord.objects.filter(source_key=source_key).first()
        if existing is not None:
            return existing
    record = HonourRecord(
        org=org, holder_kind=HolderKind.PERSON if person is not None else HolderKind.TEAM, person=person,
        team_name="" if person is not None else team_name.strip(), title=title, category=category, level=level,
        year=year, conferred_on=conferred_on, conferred_by=conferred_by, source_key=source_key,
        source_label=source_label, note=note, created_by=actor if getattr(actor, "pk", None) else None)
    _check_lengths(record, ("title", "team_name", "conferred_by", "source_key", "source_label", "note"))
    try:
        with transaction.atomic():
            record.save()
    except IntegrityError:
        # A concurrent call for the same source won: its record is the one.
        existing = HonourRecord.objects.filter(source_key=source_key).first() if source_key else None
        if existing is None:
            raise
        return existing
    audit.record(actor=actor, action="honours.record_add", obj=record, org=org,
                 after=audit.snapshot(record, fields=RECORD_FIELDS))
    return record


def _check_lengths(obj, names):
    """A specific DomainError for text longer than its column (callers of `record_honour` pass
    other apps' titles), rather than a ValidationError or a database error."""
    for name in names:
        field = obj._meta.get_field(name)
        if len(getattr(obj, name) or "") > field.max_length:
            raise DomainError(_("%(label)s is longer than %(n)s characters.")
                              % {"label": capfirst(field.verbose_name), "n": field.max_length}, code="too_long",
                              field=name)


def today():
    return timezone.localdate()


# --- helpers ----------------------------------------------------------------------------------

def _date(day, field, label, *, not_before=None, not_before_label="", future_ok=False):
    if day is None:
        raise DomainError(_("%(label)s is required.") % {"label": label}, code="required", field=field)
    if not future_ok and day > today():
        raise DomainError(_("%(label)s is in the future; record it on or after that day.") % {"label": label},
                          code="date_in_future", field=field)
    if not_before and day < not_before:
        raise DomainError(_("%(label)s cannot be before %(other)s (%(day)s).")
                          % {"label": label, "other": not_before_label, "day": not_before.isoformat()},
                          code="date_order", field=field)
    return day


def _text(value, field, label, *, required=True, limit=400):
    value = (value or "").strip()
    if required and not value:
        raise DomainError(_("%(label)s is required.") % {"label": label}, code="required", field=field)
    if len(value) > limit:
        raise DomainError(_("%(label)s is longer than %(n)s characters.") % {"label": label, "n": limit},
                          code="too_long", field=field)
    return value


def _year(value, field="year"):
    if not isinstance(value, int) or isinstance(value, bool) or not MIN_YEAR <= value <= MAX_YEAR:
        raise DomainError(_("The year must be between %(min)s and %(max)s.") % {"min": MIN_YEAR, "max": MAX_YEAR},
                          code="invalid_year", field=field)
    return value


def _wrong_stage(n):
    return DomainError(_("This step cannot be recorded now: the record is “%(status)s”.")
                       % {"status": n.get_status_display()}, code="wrong_stage")


def _lock(nomination):
    """The nomination locked FOR UPDATE (two reviewers at once cannot both win), read afresh."""
    return (HonourNomination.objects.select_for_update(of=("self",))
            .select_related("org", "honour_type", "person", "enterprise").get(pk=nomination.pk))


SNAPSHOT = ["status", "town_reviewed_on", "town_comments", "district_reviewed_on", "district_comments",
            "notice_starts_on", "notice_ends_on", "conferred_on", "certificate_no", "rejected_on", "reject_reason",
            "withdrawn_on"]


def _snapshot(n):
    return audit.snapshot(n, fields=SNAPSHOT)


def _record_step(actor, action, n, before, extra=None):
    b, a = audit.changed(before, _snapshot(n))
    audit.record(actor=actor, action=action, obj=n, org=n.org, before=b, after={**a, **(extra or {})})


def notice_end(starts_on: datetime.date) -> datetime.date:
    """The last day of a 公示 starting on `starts_on`: the `notice_working_days`-th working day
    counting `starts_on` itself when it is a working day (Chinese calendar, holidays and make-up
    days), so a 5-day notice from Monday 1 June ends Friday 5 June."""
    return workdays.add_working_days(starts_on - datetime.timedelta(days=1), rules().notice_working_days)


# --- award types and quotas ------------------------------------------------------------------------

@transaction.atomic
def ensure_award_types(*, actor) -> list[HonourType]:
    """The built-in award types (`rules.awards.DEFAULT_TYPES`) that do not exist yet. Idempotent."""
    require(actor, CONFIGURE)
    existing = set(HonourType.objects.values_list("kind", flat=True))
    made = []
    for kind, name, holder, level in DEFAULT_TYPES:
        if kind in existing:
            continue
        t = HonourType.objects.create(kind=kind, name=name, holder_kind=holder, level=level)
        audit.record(actor=actor, action="honours.award_type_add", obj=t,
                     after=audit.snapshot(t, fields=["kind", "name", "holder_kind", "level"]))
        made.append(t)
    return made


@transaction.atomic
def update_award_type(*, actor, honour_type, name, is_active, description="") -> HonourType:
    require(actor, CONFIGURE)
    t = lock_one(HonourType, honour_type.pk)
    fields = ["name", "is_active", "description"]
    before = audit.snapshot(t, fields=fields)
    t.name = _text(name, "name", _("Name"), limit=120)
    t.is_active = bool(is_active)
    t.description = _text(description, "description", _("Description"), required=False)
    t.full_clean()
    t.save()
    b, a = audit.changed(before, audit.snapshot(t, fields=fields))
    audit.record(actor=actor, action="honours.award_type_edit", obj=t, before=b, after=a)
    return t


@transaction.atomic
def set_quota(*, actor, honour_type, org, year, places) -> HonourQuota:
    """Set how many nominations of the type the unions under `org` (a town, platform, industry
    union or a union) may send in `year`. Never below the places already used."""
    require(actor, CONFIGURE)
    year = _year(year)
    if not isinstance(places, int) or isinstance(places, bool) or not 0 <= places <= 999:
        raise DomainError(_("The number of places must be a whole number from 0 to 999."), code="invalid_places",
                          field="places")
    if org is None or org.level == OrgLevel.GROUP or not org.is_active:
        raise DomainError(_("Choose an active town or union for the quota."), code="invalid_org", field="org")
    quota = HonourQuota.objects.select_for_update().filter(honour_type=honour_type, org=org, year=year).first()
    if quota is None:
        quota = HonourQuota(honour_type=honour_type, org=org, year=year, places=places)
        try:
            with transaction.atomic():
                quota.save()
        except IntegrityError as exc:
            raise DomainError(_("This quota was just set by someone else; reload the page."),
                              code="already_exists", field="places") from exc
        audit.record(actor=actor, action="honours.award_quota_set", obj=quota, org=org,
                     after={"honour_type": honour_type.pk, "year": year, "places": places})
        return quota
    used = quota.nominations.filter(status__in=LIVE_NOMINATION_STATUSES).count()
    if places < used:
        raise DomainError(_("%(used)s places are already used by nominations; the quota cannot be lower.")
                          % {"used": used}, code="below_used", field="places")
    before = quota.places
    quota.places = places
    quota.save(update_fields=["places"])
    audit.record(actor=actor, action="honours.award_quota_set", obj=quota, org=org, before={"places": before},
                 after={"places": places})
    return quota


# --- nominations --------------------------------------------------------------------------------------

def _holder(honour_type, org, person, team_name, enterprise):
    from gonghui.members.models import Membership

    if honour_type.for_teams:
        if person is not None:
            raise DomainError(_("%(type)s is awarded to teams: name the team, not a person.")
                              % {"type": honour_type.name}, code="invalid_holder", field="team_name")
        team_name = _text(team_name, "team_name", _("Team"), limit=120)
        if enterprise is None:
            raise DomainError(_("Choose the team's enterprise."), code="required", field="enterprise")
        return None, team_name
    if (team_name or "").strip() or person is None:
        raise DomainError(_("%(type)s is awarded to a person: choose the person.") % {"type": honour_type.name},
                          code="invalid_holder", field="person")
    if not Membership.objects.live().filter(person=person, union__path__startswith=org.path).exists():
        raise DomainError(_("%(name)s is not a member of %(org)s.") % {"name": person.name, "org": org.name},
                          code="not_a_member", field="person")
    return person, ""


def _check_team(n, on):
    from ..selectors.awards import blocked_reasons, team_eligibility

    checks = team_eligibility(enterprise=n.enterprise, union=n.org, on=on, wage_arrears=n.wage_arrears,
                              no_social_insurance=n.no_social_insurance,
                              serious_accident_on=n.serious_accident_on)
    n.eligibility = [{"code": c.code, "ok": c.ok, "text": c.text} for c in checks]
    reasons = blocked_reasons(checks)
    if reasons:
        raise DomainError(_("%(team)s is not eligible for %(type)s: %(reasons)s.")
                          % {"team": n.team_name, "type": n.honour_type.name, "reasons": "；".join(reasons)},
                          code="ineligible", field="enterprise")


@transaction.atomic
def nominate_honour(*, actor, honour_type, org, year=None, person=None, team_name="", enterprise=None, deeds="",
                    wage_arrears=False, no_social_insurance=False, serious_accident_on=None,
                    submitted_on=None) -> HonourNomination:
    """A union's nomination, within the quota of the nearest org above it (locked)."""
    from ..selectors.awards import quota_for

    require(actor, SUBMIT, org)
    submitted_on = _date(submitted_on or today(), "submitted_on", _("Submitted on"))
    year = _year(year if year is not None else submitted_on.year)
    if year not in (submitted_on.year, submitted_on.year + 1):
        raise DomainError(_("Nominations are for this year or next year."), code="invalid_year", field="year")
    if org.level != OrgLevel.GRASSROOTS or not org.is_active:
        raise DomainError(_("%(org)s is not an active grassroots union.") % {"org": org.name}, code="wrong_union",
                          field="org")
    honour_type = HonourType.objects.get(pk=honour_type.pk)
    if not honour_type.is_active:
        raise DomainError(_("%(type)s is not open for nominations.") % {"type": honour_type.name},
                          code="type_closed", field="honour_type")
    person, team_name = _holder(honour_type, org, person, team_name, enterprise)
    deeds = _text(deeds, "deeds", _("Deeds"), limit=4000)
    if serious_accident_on is not None and serious_accident_on > submitted_on:
        raise DomainError(_("The date of the accident cannot be after the nomination."), code="date_order",
                          field="serious_accident_on")
    n = HonourNomination(honour_type=honour_type, year=year, org=org, person=person, team_name=team_name,
                         enterprise=enterprise if honour_type.for_teams else None, deeds=deeds,
                         wage_arrears=bool(wage_arrears), no_social_insurance=bool(no_social_insurance),
                         serious_accident_on=serious_accident_on, submitted_on=submitted_on,
                         status=NominationStatus.SUBMITTED)
    if honour_type.for_teams:
        _check_team(n, submitted_on)
    if person is not None and HonourNomination.objects.filter(
            honour_type=honour_type, year=year, person=person, status__in=LIVE_NOMINATION_STATUSES).exists():
        raise DomainError(_("%(name)s is already nominated for %(type)s %(year)s.")
                          % {"name": person.name, "type": honour_type.name, "year": year}, code="already_nominated",
                          field="person")
    quota = quota_for(honour_type, org, year)
    if quota is None:
        raise DomainError(_("There is no %(type)s quota of %(year)s for %(org)s; ask the district.")
                          % {"type": honour_type.name, "year": year, "org": org.name}, code="no_quota",
                          field="honour_type")
    quota = lock_one(HonourQuota, quota.pk)  # every nomination against this quota waits here
    # A team has no person row for the unique constraint; under the quota's lock (the team's
    # union always uses the same quota) the check cannot race.
    if person is None and HonourNomination.objects.filter(
            honour_type=honour_type, year=year, enterprise=enterprise, team_name__iexact=team_name,
            status__in=LIVE_NOMINATION_STATUSES).exists():
        raise DomainError(_("%(name)s is already nominated for %(type)s %(year)s.")
                          % {"name": team_name, "type": honour_type.name, "year": year}, code="already_nominated",
                          field="team_name")
    used = quota.nominations.filter(status__in=LIVE_NOMINATION_STATUSES).count()
    if used >= quota.places:
        raise DomainError(_("The %(type)s quota of %(org)s for %(year)s is used up (%(places)s places).")
                          % {"type": honour_type.name, "org": quota.org.name, "year": year,
                             "places": quota.places}, code="quota_full", field="honour_type")
    n.quota = quota
    n.full_clean(exclude=["org", "quota", "person", "enterprise", "honour_type", "eligibility"])
    try:
        with transaction.atomic():
            n.save()
    except IntegrityError as exc:
        raise DomainError(_("%(name)s is already nominated for %(type)s %(year)s.")
                          % {"name": n.holder_name, "type": honour_type.name, "year": year},
                          code="already_nominated", field="person") from exc
    audit.record(actor=actor, action="honours.award_nominate", obj=n, org=org, after={
        **audit.snapshot(n, fields=["honour_type", "year", "person", "team_name", "enterprise", "status",
                                    "submitted_on"]), "quota": quota.pk, "places_used": used + 1})
    return n


@transaction.atomic
def review_by_town(*, actor, nomination, decision, comments="", reason="", reviewed_on=None) -> HonourNomination:
    """The town forwards the nomination to the district, or rejects it with a reason."""
    n = _lock(nomination)
    require(actor, REVIEW, n.org)
    if n.status != NominationStatus.SUBMITTED:
        raise _wrong_stage(n)
    before = _snapshot(n)
    day = _date(reviewed_on or today(), "reviewed_on", _("Reviewed on"), not_before=n.submitted_on,
                not_before_label=_("the submission"))
    n.town_reviewed_on = day
    n.town_comments = _text(comments, "comments", _("Comments"), required=False)
    if decision == "forward":
        n.status = NominationStatus.FORWARDED
        action = "honours.award_town_forward"
    elif decision == "reject":
        _reject(n, day, reason)
        action = "honours.award_town_reject"
    else:
        raise DomainError(_("Choose forward or reject."), code="invalid_decision", field="decision")
    n.save()
    _record_step(actor, action, n, before)
    return n


def _reject(n, day, reason):
    n.reject_reason = _text(reason, "reason", _("The reason"))
    n.rejected_on = day
    n.status = NominationStatus.REJECTED


@transaction.atomic
def review_by_district(*, actor, nomination, decision, comments="", reason="", reviewed_on=None,
                       notice_starts_on=None) -> HonourNomination:
    """The district approves the nomination, which opens its 公示 from `notice_starts_on`
    (default: the review day; may be a later day) for `notice_working_days` working days, or
    rejects it. A 工人先锋号 team's eligibility is checked again on the day."""
    n = _lock(nomination)
    require(actor, CONFER, n.org)
    if n.status != NominationStatus.FORWARDED:
        raise _wrong_stage(n)
    before = _snapshot(n)
    day = _date(reviewed_on or today(), "reviewed_on", _("Reviewed on"), not_before=n.town_reviewed_on,
                not_before_label=_("the town's review"))
    n.district_reviewed_on = day
    n.district_comments = _text(comments, "comments", _("Comments"), required=False)
    if decision == "approve":
        if n.honour_type.for_teams:
            _check_team(n, day)
        starts = _date(notice_starts_on or day, "notice_starts_on", _("The public notice"), not_before=day,
                       not_before_label=_("the district's review"), future_ok=True)
        if starts > day + datetime.timedelta(days=NOTICE_START_LIMIT_DAYS):
            raise DomainError(_("The public notice should start within %(n)s days of the review.")
                              % {"n": NOTICE_START_LIMIT_DAYS}, code="date_order", field="notice_starts_on")
        n.notice_starts_on, n.notice_ends_on = starts, notice_end(starts)
        n.status = NominationStatus.NOTICE
        action = "honours.award_notice_start"
    elif decision == "reject":
        _reject(n, day, reason)
        action = "honours.award_district_reject"
    else:
        raise DomainError(_("Choose approve or reject."), code="invalid_decision", field="decision")
    n.save()
    _record_step(actor, action, n, before)
    return n


@transaction.atomic
def add_objection(*, actor, nomination, content, objector="", received_on=None) -> HonourObjection:
    """An objection received during the 公示 (it stays open until the district decides it)."""
    n = _lock(nomination)
    require(actor, REVIEW, n.org)
    if n.status != NominationStatus.NOTICE:
        raise _wrong_stage(n)
    day = _date(received_on or today(), "received_on", _("Received on"), not_before=n.notice_starts_on,
                not_before_label=_("the start of the public notice"))
    o = HonourObjection(nomination=n, received_on=day, objector=_text(objector, "objector", _("Raised by"),
                                                                        required=False, limit=64),
                        content=_text(content, "content", _("The objection"), limit=4000),
                        received_by=actor if getattr(actor, "pk", None) else None)
    o.save()
    audit.record(actor=actor, action="honours.award_objection_add", obj=n, org=n.org,
                 after={"objection": o.pk, "received_on": day.isoformat(), "objector": o.objector,
                        "content": o.content[:200]})
    return o


@transaction.atomic
def decide_objection(*, actor, objection, decision, note, decided_on=None) -> HonourObjection:
    """The district's finding: upheld (the nomination is not accepted, its place given back) or
    dismissed (the conferral may go ahead once no objection is open)."""
    n = _lock(objection.nomination)
    require(actor, CONFER, n.org)
    o = HonourObjection.objects.select_for_update().get(pk=objection.pk)
    if o.status != ObjectionStatus.OPEN or n.status != NominationStatus.NOTICE:
        raise DomainError(_("This objection has already been decided."), code="wrong_stage")
    day = _date(decided_on or today(), "decided_on", _("Decided on"), not_before=o.received_on,
                not_before_label=_("the day it was received"))
    note = _text(note, "note", _("The finding"))
    before = _snapshot(n)
    if decision == "uphold":
        o.status = ObjectionStatus.UPHELD
        _reject(n, day, (_("Objection upheld: %(note)s") % {"note": note})[:400])
        n.save()
    elif decision == "dismiss":
        o.status = ObjectionStatus.DISMISSED
    else:
        raise DomainError(_("Choose uphold or dismiss."), code="invalid_decision", field="decision")
    o.decided_on, o.decision_note = day, note
    o.save()
    b, a = audit.changed(before, _snapshot(n))
    audit.record(actor=actor, action="honours.award_objection_decide", obj=n, org=n.org, before=b,
                 after={**a, "objection": o.pk, "decision": o.status, "note": note})
    return o


def _district_name(org):
    root = Org.objects.filter(path=org.path[:Org.steplen]).values_list("name", flat=True).first()
    return root or ""


@transaction.atomic
def confer_award(*, actor, nomination, conferred_on=None, certificate_no="") -> HonourNomination:
    """Confer after the 公示 has ended with no open objection; writes the honour record."""
    n = _lock(nomination)
    require(actor, CONFER, n.org)
    if n.status != NominationStatus.NOTICE:
        raise _wrong_stage(n)
    day = _date(conferred_on or today(), "conferred_on", _("Conferred on"))
    if day <= n.notice_ends_on:
        raise DomainError(_("The public notice runs until %(day)s; confer after it has ended.")
                          % {"day": n.notice_ends_on.isoformat()}, code="notice_running", field="conferred_on")
    open_count = n.objections.filter(status=ObjectionStatus.OPEN).count()
    if open_count:
        raise DomainError(_("%(n)s objection(s) received during the public notice are still open; decide them "
                            "first.") % {"n": open_count}, code="objection_open")
    before = _snapshot(n)
    n.certificate_no = _text(certificate_no, "certificate_no", _("Certificate number"), required=False, limit=64)
    n.conferred_on = day
    n.status = NominationStatus.CONFERRED
    key = f"honours.HonourNomination:{n.pk}"
    by = _district_name(n.org)
    t = n.honour_type
    if t.kind == AwardKind.MODEL_WORKER:
        from .modelworkers import add_title

        add_title(actor=actor, person=n.person, org=n.org, level=t.level, year=n.year, title=t.name,
                  conferred_on=day, conferred_by=by, source_key=key)
        n.record = HonourRecord.objects.filter(source_key=key).first()
    else:
        n.record = record_honour(actor=actor, org=n.org, title=t.name, category=HonourCategory.AWARD, level=t.level,
                                 conferred_on=day, year=n.year, person=n.person, team_name=n.team_name,
                                 conferred_by=by,
                                 source_key=key, source_label=f"{t.name} {n.year}",
                                 note=(_("Certificate %(no)s") % {"no": n.certificate_no}) if n.certificate_no
                                 else "")
    n.save()
    _record_step(actor, "honours.award_confer", n, before, {"record": n.record_id})
    return n


@transaction.atomic
def withdraw_nomination(*, actor, nomination, reason="", withdrawn_on=None) -> HonourNomination:
    """The union (or its town) takes a nomination back before the 公示; its place is freed."""
    n = _lock(nomination)
    require(actor, CHANGE, n.org)
    if n.status not in (NominationStatus.SUBMITTED, NominationStatus.FORWARDED):
        raise _wrong_stage(n)
    before = _snapshot(n)
    n.withdrawn_on = _date(withdrawn_on or today(), "withdrawn_on", _("Withdrawn on"), not_before=n.submitted_on,
                           not_before_label=_("the submission"))
    n.reject_reason = _text(reason, "reason", _("The reason"), required=False)
    n.status = NominationStatus.WITHDRAWN
    n.save()
    _record_step(actor, "honours.award_withdraw", n, before)
    return n


# --- exports ----------------------------------------------------------------------------------------------

class _ExportRef:
    def __init__(self, ref):
        self.pk = ref


def _audit_export(actor, action, object_type, filters_org, filters):
    ref = uuid.uuid4().hex
    places = [filters_org] if filters_org is not None else (
        list(Org.objects.filter(depth=1)) if actor.is_superuser
        else list(Org.objects.filter(path__in=actor.scope_paths(EXPORT))))
    for place in places or [None]:
        audit.record(actor=actor, action=action, obj=_ExportRef(ref), object_type=object_type, org=place,
                     after={"filters": filters})


def _xlsx(sheet_name, headers, widths, rows):
    import tempfile

    from gonghui.core.excel import XlsxStream

    handle = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 — the response closes it
    count = 0
    with XlsxStream(handle) as book:
        sheet = book.sheet(sheet_name, headers=headers, widths=widths)
        for row in rows:
            sheet.append(row)
            count += 1
    handle.seek(0)
    return handle, count


def export_nominations(*, actor, filters):
    """(rewound temporary file, rows): the filtered nominations the actor may export, audited."""
    from ..selectors.awards import filtered

    require(actor, EXPORT, filters.org) if filters.org else require(actor, EXPORT)
    listed = filtered(actor, filters).values("pk")
    exportable = HonourNomination.objects.visible_to(actor, EXPORT).values("pk")
    qs = (HonourNomination.objects.filter(pk__in=listed).filter(pk__in=exportable).order_by("-year", "-id")
          .values_list("honour_type__name", "year", "org__name", "person__name", "team_name", "status",
                       "submitted_on", "notice_starts_on", "notice_ends_on", "conferred_on", "reject_reason"))
    statuses = dict(NominationStatus.choices)

    def rows():
        for t, year, org, person, team, status, sub, ns, ne, conf, reason in qs.iterator(chunk_size=1000):
            yield [t, year, org, person or team, str(statuses.get(status, status)), sub, ns, ne, conf, reason]

    handle, count = _xlsx(_("Nominations"), [_("Award"), _("Year"), _("Union"), _("Nominee"), _("Status"),
                                            _("Submitted on"), _("Public notice from"), _("Public notice until"),
                                            _("Conferred on"), _("Reason")],
                          [22, 6, 30, 20, 18, 12, 12, 12, 12, 30], rows())
    _audit_export(actor, "honours.award_export", "honours.NominationExport", filters.org,
                  {"status": filters.status, "year": filters.year, "q": filters.q, "rows": count})
    return handle, count


def export_records(*, actor, filters):
    """(rewound temporary file, rows): the filtered honour records the actor may export, audited."""
    from ..selectors.awards import filtered_records

    require(actor, EXPORT, filters.org) if filters.org else require(actor, EXPORT)
    listed = filtered_records(actor, filters).values("pk")
    exportable = HonourRecord.objects.visible_to(actor, EXPORT).values("pk")
    qs = (HonourRecord.objects.filter(pk__in=listed).filter(pk__in=exportable).order_by("-conferred_on", "-id")
          .values_list("person__name", "team_name", "title", "category", "level", "year", "conferred_on",
                       "conferred_by", "org__name", "source_label"))
    categories, levels = dict(HonourCategory.choices), dict(HonourLevel.choices)

    def rows():
        for person, team, title, cat, level, year, on, by, org, source in qs.iterator(chunk_size=1000):
            yield [person or team, title, str(categories.get(cat, cat)), str(levels.get(level, level)), year, on,
                   by, org, source]

    handle, count = _xlsx(_("Honour records"), [_("Holder"), _("Honour"), _("Category"), _("Level"), _("Year"),
                                               _("Conferred on"), _("Conferred by"), _("Union"), _("Source")],
                          [20, 30, 18, 10, 6, 12, 20, 30, 30], rows())
    _audit_export(actor, "honours.record_export", "honours.RecordExport", filters.org,
                  {"category": filters.category, "level": filters.level, "year": filters.year, "rows": count})
    return handle, count
