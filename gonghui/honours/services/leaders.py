"""Every write of skill leaders (职业技能带头人) and their special post allowance ledger. Atomic,
checked (`require`), locked, validated against the status and the dates, and audited
(`honours.leader_*`, `honours.allowance_*`).

Selection, yearly: a union nominates one of its live members for a year in a trade and an
industry (`nominate_leader`, `honours.submit`); the district selects the nomination
(`select_leader`, `honours.select`: the title is held from `starts_on` for `rules().term_years`
years, and an HonourRecord of category SKILL_LEADER is written through `awards.record_honour`) or
does not (`decline_leader`). A nomination still waiting may be withdrawn by the union. A title
ends early when it is revoked or the holder leaves (`end_title`): `ends_on` becomes the last day
it was held.

Allowance: `run_allowances(month=...)` pays `rules().monthly_amount` to every leader holding the
title on the first day of the month (the month boundary rule) who has not been paid for that
month. The month's `LeaderAllowanceRun` row is locked first, so two runs of the same month queue
up and the second finds nothing left to pay; the unique constraint on (leader, month) is the last
guard. Running twice pays once.
"""

import datetime
import tempfile
import uuid
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core import audit
from gonghui.core.errors import DomainError
from gonghui.core.locking import lock, lock_one
from gonghui.core.policies import require
from gonghui.members.models import Person
from gonghui.orgs.models import Industry, OrgLevel

from ..models.awards import HonourCategory, HonourLevel
from ..models.leaders import (
    LeaderAllowance,
    LeaderAllowanceRun,
    LeaderEndKind,
    LeaderStatus,
    SkillLeader,
)
from ..policies.leaders import EXPORT, PAY, SELECT, SUBMIT
from ..rules.leaders import rules
from .awards import record_honour

MIN_YEAR, MAX_YEAR = 2000, 2100
HOLDING = (LeaderStatus.SELECTED, LeaderStatus.ENDED)
LEADER_FIELDS = ["status", "year", "trade", "industry", "nominated_on", "decided_on", "decision_note", "starts_on",
                 "term_ends_on", "ends_on", "end_kind", "end_reason"]


def today():
    return timezone.localdate()


def first_of_month(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def next_month(month: datetime.date) -> datetime.date:
    return (month.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)


def add_years(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def term_end(starts_on: datetime.date, years: int) -> datetime.date:
    """The last day of a term of `years` years from `starts_on` (inclusive)."""
    return add_years(starts_on, years) - datetime.timedelta(days=1)


# --- helpers ----------------------------------------------------------------------------------

def _text(value, field, label, *, required=True, limit=400):
    value = (value or "").strip()
    if required and not value:
        raise DomainError(_("%(label)s is required.") % {"label": label}, code="required", field=field)
    if len(value) > limit:
        raise DomainError(_("%(label)s is longer than %(n)s characters.") % {"label": label, "n": limit},
                          code="too_long", field=field)
    return value


def _date(day, field, label, *, not_before=None, not_before_label=""):
    if day is None:
        raise DomainError(_("%(label)s is required.") % {"label": label}, code="required", field=field)
    if day > today():
        raise DomainError(_("%(label)s is in the future; record it on or after that day.") % {"label": label},
                          code="date_in_future", field=field)
    if not_before and day < not_before:
        raise DomainError(_("%(label)s cannot be before %(other)s (%(day)s).")
                          % {"label": label, "other": not_before_label, "day": not_before.isoformat()},
                          code="date_order", field=field)
    return day


def _year(value):
    if not isinstance(value, int) or isinstance(value, bool) or not MIN_YEAR <= value <= MAX_YEAR:
        raise DomainError(_("The year must be between %(min)s and %(max)s.") % {"min": MIN_YEAR, "max": MAX_YEAR},
                          code="invalid_year", field="year")
    return value


def _wrong_stage(leader):
    return DomainError(_("This step cannot be recorded now: the record is “%(status)s”.")
                       % {"status": leader.get_status_display()}, code="wrong_stage")


def _lock(leader):
    """The record locked FOR UPDATE and read afresh (two decisions at once cannot both win)."""
    return lock_one(SkillLeader, leader.pk)


def _snapshot(leader):
    return audit.snapshot(leader, fields=LEADER_FIELDS)


def _record(actor, action, leader, before):
    after = _snapshot(leader)
    b, a = audit.changed(before, after)
    audit.record(actor=actor, action=action, obj=leader, org=leader.org, before=b, after=a)


def _town_of(org):
    town = org.town()
    return town


# --- selection ----------------------------------------------------------------------------------

@transaction.atomic
def nominate_leader(*, actor, org, person, year=None, trade, industry, achievements="",
                    nominated_on=None) -> SkillLeader:
    """A union nominates one of its live members for `year`'s selection (default: this year)."""
    require(actor, SUBMIT, org)
    if org.level != OrgLevel.GRASSROOTS:
        raise DomainError(_("Nominations are made by a grassroots union: choose the worker's union."),
                          code="not_a_union", field="org")
    year = _year(today().year if year is None else year)
    trade = _text(trade, "trade", _("The trade"), limit=60)
    if industry not in Industry.values:
        raise DomainError(_("Choose the industry of the nomination."), code="invalid_industry", field="industry")
    achievements = _text(achievements, "achievements", _("The achievements"), required=False, limit=2000)
    nominated_on = _date(nominated_on or today(), "nominated_on", _("The nomination date"))
    if abs(year - nominated_on.year) > 1:
        raise DomainError(_("A nomination made in %(year)s is for the selection of that year, the year before or "
                            "the year after.") % {"year": nominated_on.year}, code="invalid_year", field="year")
    from gonghui.members.models import LIVE_STATUSES, Membership

    if person is None or not Membership.objects.filter(person=person, union=org, status__in=LIVE_STATUSES).exists():
        raise DomainError(_("Only a live member of the nominating union can be nominated."), code="not_a_member",
                          field="person")
    if SkillLeader.objects.filter(person=person, year=year, status__in=(
            LeaderStatus.NOMINATED, LeaderStatus.SELECTED, LeaderStatus.ENDED)).exists():
        raise DomainError(_("%(name)s is already nominated for %(year)s.") % {"name": person.name, "year": year},
                          code="already_nominated", field="person")
    leader = SkillLeader(org=org, town=_town_of(org), person=person, year=year, trade=trade, industry=industry,
                         achievements=achievements, nominated_on=nominated_on)
    leader.full_clean(exclude=["person", "org", "town"], validate_constraints=False)
    try:
        with transaction.atomic():
            leader.save()
    except IntegrityError as exc:  # a concurrent nomination of the same person and year
        raise DomainError(_("%(name)s is already nominated for %(year)s.") % {"name": person.name, "year": year},
                          code="already_nominated", field="person") from exc
    audit.record(actor=actor, action="honours.leader_nominate", obj=leader, org=org,
                 after={**_snapshot(leader), "person": person.pk, "org": org.pk})
    return leader


def _still_a_member(leader):
    """A worker who left the nominating union since the nomination cannot be selected by it."""
    from gonghui.members.models import LIVE_STATUSES, Membership

    if not Membership.objects.filter(person_id=leader.person_id, union_id=leader.org_id,
                                     status__in=LIVE_STATUSES).exists():
        raise DomainError(_("%(name)s is no longer a live member of %(union)s: the nomination cannot be selected "
                            "(record it as not selected).") % {"name": leader.person.name, "union": leader.org.name},
                          code="not_a_member", field="person")


@transaction.atomic
def select_leader(*, actor, leader, selected_on=None, starts_on=None, note="") -> SkillLeader:
    """The district selects a nomination: the title is held from `starts_on` (default: the day of
    selection) for `rules().term_years` years, and the person's honour record gets it."""
    require(actor, SELECT, leader.org)
    leader = _lock(leader)
    if leader.status != LeaderStatus.NOMINATED:
        raise _wrong_stage(leader)
    selected_on = _date(selected_on or today(), "selected_on", _("The selection date"),
                        not_before=leader.nominated_on, not_before_label=_("the nomination date"))
    starts_on = starts_on or selected_on
    if starts_on > add_years(selected_on, 1):
        raise DomainError(_("The title must start within a year of the selection (by %(day)s).")
                          % {"day": add_years(selected_on, 1).isoformat()}, code="date_order", field="starts_on")
    if starts_on < leader.nominated_on:
        raise DomainError(_("The title cannot start before the nomination (%(day)s).")
                          % {"day": leader.nominated_on.isoformat()}, code="date_order", field="starts_on")
    _still_a_member(leader)
    ends_on = term_end(starts_on, rules().term_years)
    # The person's row is locked first: two nominations of one person (different years) selected
    # at the same moment queue here, so the overlap check below cannot pass for both.
    lock_one(Person, leader.person_id)
    overlapping = (SkillLeader.objects.filter(person_id=leader.person_id, starts_on__lte=ends_on,
                                              ends_on__gte=starts_on, status__in=HOLDING)
                   .exclude(pk=leader.pk))
    other = overlapping.order_by("starts_on").first()
    if other is not None:
        raise DomainError(_("%(name)s already holds the title from %(start)s to %(end)s; a second title cannot "
                            "overlap it.") % {"name": leader.person.name, "start": other.starts_on.isoformat(),
                                               "end": other.ends_on.isoformat()},
                          code="already_holds", field="starts_on")
    before = _snapshot(leader)
    leader.status = LeaderStatus.SELECTED
    leader.decided_on = selected_on
    leader.decision_note = _text(note, "note", _("The note"), required=False)
    leader.starts_on, leader.term_ends_on, leader.ends_on = starts_on, ends_on, ends_on
    leader.save()
    _record(actor, "honours.leader_select", leader, before)
    _pay_months_already_run(actor, leader)
    record_honour(actor=actor, org=leader.org, person=leader.person, category=HonourCategory.SKILL_LEADER,
                  level=HonourLevel.DISTRICT, conferred_on=selected_on,
                  title=(_("Skill leader %(year)s (%(trade)s)") % {"year": leader.year, "trade": leader.trade})[:200],
                  conferred_by=_("District federation of trade unions"),
                  source_key=f"honours.SkillLeader:{leader.pk}",
                  source_label=(_("Skill leader selection %(year)s") % {"year": leader.year})[:200])
    return leader


def _pay_months_already_run(actor, leader):
    """A back-dated title (starting before months whose run already happened) is paid for those
    months now, in their runs: no later run would pay them (a run pays its own month only).
    Months not run yet are left to their run. Each run row is locked, as a run locks it."""
    amount = rules().monthly_amount
    months = list(LeaderAllowanceRun.objects.filter(month__gte=leader.starts_on, month__lte=leader.ends_on)
                  .order_by("month").values_list("month", flat=True))
    for month in months:
        run = lock(LeaderAllowanceRun.objects.filter(month=month))[0]
        LeaderAllowance.objects.create(leader=leader, run=run, month=month, year=month.year, amount=amount,
                                       org_id=leader.org_id, town_id=leader.town_id)
        run.paid_count += 1
        run.paid_total += amount
        run.save(update_fields=["paid_count", "paid_total"])
    if months:
        audit.record(actor=actor, action="honours.allowance_arrears", obj=leader, org=leader.org,
                     after={"months": [m.strftime("%Y-%m") for m in months], "amount": str(amount),
                            "total": str(amount * len(months))})


@transaction.atomic
def decline_leader(*, actor, leader, decided_on=None, reason="") -> SkillLeader:
    """The district does not select a nomination (with a reason)."""
    require(actor, SELECT, leader.org)
    leader = _lock(leader)
    if leader.status != LeaderStatus.NOMINATED:
        raise _wrong_stage(leader)
    reason = _text(reason, "reason", _("The reason"))
    decided_on = _date(decided_on or today(), "decided_on", _("The decision date"),
                       not_before=leader.nominated_on, not_before_label=_("the nomination date"))
    before = _snapshot(leader)
    leader.status, leader.decided_on, leader.decision_note = LeaderStatus.NOT_SELECTED, decided_on, reason
    leader.save()
    _record(actor, "honours.leader_decline", leader, before)
    return leader


@transaction.atomic
def withdraw_nomination(*, actor, leader, reason="") -> SkillLeader:
    """The union withdraws a nomination still waiting for the district."""
    require(actor, SUBMIT, leader.org)
    leader = _lock(leader)
    if leader.status != LeaderStatus.NOMINATED:
        raise _wrong_stage(leader)
    before = _snapshot(leader)
    leader.status = LeaderStatus.WITHDRAWN
    leader.decision_note = _text(reason, "reason", _("The reason"), required=False)
    leader.save()
    _record(actor, "honours.leader_withdraw", leader, before)
    return leader


@transaction.atomic
def end_title(*, actor, leader, kind, last_day, reason) -> SkillLeader:
    """End a title early: revoked, or the holder left. `last_day` is the last day it is held; the
    allowance stops from the first month whose first day is after it. A month already paid after
    that day is refused (record the end on or after that month's first day, or recover it)."""
    require(actor, SELECT, leader.org)
    leader = _lock(leader)
    if leader.status != LeaderStatus.SELECTED:
        raise _wrong_stage(leader)
    if kind not in LeaderEndKind.values:
        raise DomainError(_("Choose how the title ended."), code="invalid_end_kind", field="kind")
    reason = _text(reason, "reason", _("The reason"))
    if last_day is None:
        raise DomainError(_("%(label)s is required.") % {"label": _("The last day the title is held")},
                          code="required", field="last_day")
    if last_day < leader.starts_on:
        raise DomainError(_("The last day cannot be before the title started (%(day)s).")
                          % {"day": leader.starts_on.isoformat()}, code="date_order", field="last_day")
    if last_day >= leader.ends_on:
        raise DomainError(_("The title already ends on %(day)s; an early end must be before that day.")
                          % {"day": leader.ends_on.isoformat()}, code="date_order", field="last_day")
    paid_after = leader.allowances.filter(month__gt=last_day).order_by("month").values_list("month", flat=True).first()
    if paid_after is not None:
        raise DomainError(_("The allowance of %(month)s was already paid: the last day held cannot be before "
                            "%(day)s.") % {"month": paid_after.strftime("%Y-%m"), "day": paid_after.isoformat()},
                          code="already_paid", field="last_day")
    before = _snapshot(leader)
    leader.status, leader.ends_on, leader.end_kind, leader.end_reason = LeaderStatus.ENDED, last_day, kind, reason
    leader.save()
    _record(actor, "honours.leader_end", leader, before)
    return leader


# --- the allowance ledger -----------------------------------------------------------------------

def holders_on(day: datetime.date):
    """Leaders holding the title on `day` (all of the district)."""
    return SkillLeader.objects.filter(status__in=HOLDING, starts_on__lte=day, ends_on__gte=day)


def _month(month):
    if not isinstance(month, datetime.date):
        raise DomainError(_("Choose the month to pay."), code="required", field="month")
    month = first_of_month(month)
    if month > today():
        raise DomainError(_("The allowance of %(month)s cannot be paid before the month begins.")
                          % {"month": month.strftime("%Y-%m")}, code="month_in_future", field="month")
    if month.year < MIN_YEAR:
        raise DomainError(_("The year must be between %(min)s and %(max)s.") % {"min": MIN_YEAR, "max": MAX_YEAR},
                          code="invalid_year", field="month")
    return month


def _run_row(month):
    """The month's run row, created once and locked FOR UPDATE: runs of one month queue up here."""
    try:
        with transaction.atomic():
            LeaderAllowanceRun.objects.get_or_create(month=month)
    except IntegrityError:  # created by a concurrent run between our look and our insert
        pass
    return lock(LeaderAllowanceRun.objects.filter(month=month))[0]


@transaction.atomic
def run_allowances(*, actor=None, month=None) -> LeaderAllowanceRun:
    """Pay the month's allowance (default: this month) to every leader holding the title on its
    first day who has not been paid for it. `actor=None` is the scheduled job (the system);
    a person needs `honours.pay`. Idempotent: a second run of the month pays nobody twice."""
    if actor is not None:
        require(actor, PAY)
    month = _month(month or today())
    run = _run_row(month)
    amount = rules().monthly_amount
    paid = LeaderAllowance.objects.filter(leader=OuterRef("pk"), month=month)
    due = list(holders_on(month).exclude(Exists(paid)).order_by("pk").values_list("pk", "org_id", "town_id"))
    rows = [LeaderAllowance(leader_id=pk, run=run, month=month, year=month.year, amount=amount, org_id=org_id,
                            town_id=town_id) for pk, org_id, town_id in due]
    LeaderAllowance.objects.bulk_create(rows, batch_size=1000)
    run.runs += 1
    run.paid_count += len(rows)
    run.paid_total += amount * len(rows)
    run.last_run_at = timezone.now()
    run.last_run_by = actor if getattr(actor, "pk", None) else None
    run.save()
    run.paid_now = len(rows)
    from gonghui.orgs.models import Org

    # The ledger is the district's: the run is audited on the root of the tree (the district's trail).
    audit.record(actor=actor, action="honours.allowance_run", obj=run, org=Org.objects.filter(depth=1).first(),
                 after={"month": month.isoformat(), "paid": len(rows), "amount": str(amount),
                        "total": str(amount * len(rows))})
    return run


# --- exports ------------------------------------------------------------------------------------

class _ExportRef:
    def __init__(self, ref):
        self.pk = ref

    def __str__(self):
        return self.pk


def _export_places(actor, org):
    from gonghui.orgs.models import Org

    if org is not None:
        return [org]
    if actor.is_superuser:
        return list(Org.objects.filter(depth=1))
    return list(Org.objects.filter(path__in=actor.scope_paths(EXPORT)))


def _audit_export(actor, action, object_type, org, filters, rows):
    ref = uuid.uuid4().hex
    for place in _export_places(actor, org) or [None]:
        audit.record(actor=actor, action=action, obj=_ExportRef(ref), object_type=object_type, org=place,
                     after={"filters": filters, "rows": rows})


def export_leaders(*, actor, filters):
    """(rewound temporary file, rows): the filtered nominations and titles the actor may export."""
    from gonghui.core.excel import XlsxStream

    from ..selectors.leaders import filtered_leaders

    require(actor, EXPORT, filters.org) if filters.org else require(actor, EXPORT)
    exportable = SkillLeader.objects.visible_to(actor, EXPORT).values("pk")
    qs = (filtered_leaders(actor, filters).filter(pk__in=exportable).order_by("-year", "-id")
          .values_list("year", "person__name", "person__id_number_masked", "org__name", "town__name", "trade",
                       "industry", "status", "nominated_on", "decided_on", "starts_on", "ends_on", "end_kind"))
    industries, statuses, ends = dict(Industry.choices), dict(LeaderStatus.choices), dict(LeaderEndKind.choices)
    headers = [_("Year"), _("Name"), _("ID card number"), _("Union"), _("Town"), _("Trade"), _("Industry"),
               _("Status"), _("Nominated on"), _("Decided on"), _("Title held from"), _("Title held until"),
               _("How the title ended")]
    handle = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 — the response closes it
    rows = 0
    with XlsxStream(handle) as book:
        sheet = book.sheet(_("Skill leaders"), headers=headers,
                           widths=[6, 10, 20, 30, 16, 16, 18, 16, 12, 12, 12, 12, 14], text_columns=(2,))
        for values in qs.iterator(chunk_size=1000):
            row = list(values)
            row[6] = str(industries.get(row[6], row[6]))
            row[7] = str(statuses.get(row[7], row[7]))
            row[12] = str(ends.get(row[12], row[12])) if row[12] else ""
            sheet.append(row)
            rows += 1
    _audit_export(actor, "honours.leader_export", "honours.SkillLeaderExport", filters.org,
                  {"year": filters.year, "status": filters.status, "industry": filters.industry,
                   "trade": filters.trade, "q": filters.q}, rows)
    return handle, rows


def export_allowances(*, actor, filters):
    """(rewound temporary file, rows): the payment list for the finance office — one row per
    allowance paid (month, person, union, town, trade, amount), then the totals by town."""
    from gonghui.core.excel import XlsxStream

    from ..selectors.leaders import filtered_allowances, totals_by_town

    require(actor, EXPORT, filters.org) if filters.org else require(actor, EXPORT)
    exportable = LeaderAllowance.objects.visible_to(actor, EXPORT).values("pk")
    qs = (filtered_allowances(actor, filters).filter(pk__in=exportable).order_by("month", "town__path", "org__path",
                                                                                 "id")
          .values_list("month", "leader__person__name", "leader__person__id_number_masked", "org__name",
                       "town__name", "leader__trade", "amount", "run__last_run_at"))
    handle = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 — the response closes it
    rows = 0
    total = Decimal("0.00")
    with XlsxStream(handle) as book:
        sheet = book.sheet(_("Allowance payments"), headers=[
            _("Month"), _("Name"), _("ID card number"), _("Union"), _("Town"), _("Trade"), _("Amount (yuan)")],
            widths=[10, 10, 20, 30, 16, 16, 12], text_columns=(0, 2))
        for month, name, id_masked, union, town, trade, amount, _at in qs.iterator(chunk_size=1000):
            sheet.append([month.strftime("%Y-%m"), name, id_masked, union, town or "", trade, amount])
            total += amount
            rows += 1
        sheet.append(["", "", "", "", "", _("Total"), total])
        by_town = book.sheet(_("Totals by town"), headers=[_("Town"), _("Leaders paid"), _("Months paid"),
                                                            _("Amount (yuan)")], widths=[20, 12, 12, 14])
        for t in totals_by_town(actor, filters):
            by_town.append([t["town"], t["leaders"], t["months"], t["amount"]])
    _audit_export(actor, "honours.allowance_export", "honours.LeaderAllowanceExport", filters.org,
                  {"year": filters.year, "month": filters.month.isoformat() if filters.month else None,
                   "q": filters.q}, rows)
    return handle, rows


def run_scheduled_allowances(*, on=None) -> list[LeaderAllowanceRun]:
    """What the monthly job does: this month's run, preceded by every one of the previous
    `rules().catch_up_months` months that has never been run at all (the job was down, or the
    scheduler missed its day), oldest first. Without it a missed month would be paid by nobody:
    each run pays only its own month, and the dashboard's line is about the current month. A month
    that has a run is left alone (re-running it would pay nobody, but would add a run to its
    history); months further back are for a person to run from the ledger page."""
    this_month = first_of_month(on or today())
    months = []
    for back in range(rules().catch_up_months, 0, -1):
        earlier = _months_before(this_month, back)
        if not LeaderAllowanceRun.objects.filter(month=earlier).exists():
            months.append(earlier)
    months.append(this_month)
    return [run_allowances(actor=None, month=m) for m in months]


def _months_before(month: datetime.date, n: int) -> datetime.date:
    index = month.year * 12 + month.month - 1 - n
    return datetime.date(index // 12, index % 12 + 1, 1)
