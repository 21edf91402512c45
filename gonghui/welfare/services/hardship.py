"""Services of the `hardship` area of welfare: hardship files (困难职工档案) and `record_help`, the
one way every welfare area writes a person's help record.

Every write is atomic, checked (`require` in the file's union's subtree), locked (`lock_one` on the
file), validated (DomainError naming the field) and audited (`welfare.hardship_*`).

- A union opens a DRAFT file for one of its live members (one open file per person: DB
  constraint); the worker is the household's first row. While a draft (or on file, for the yearly
  review) the union fills in household members, income lines and cost lines; each change keeps the
  calculator's figures on the file (`rules.hardship.assess`).
- submit (`welfare.submit`): DRAFT → SUBMITTED, only when the calculator finds a category;
- the town reviews (`welfare.review`): accept → ACTIVE (category from the calculator, accepted_on,
  review_due_on = + `review_months`), reject (reason) → REJECTED, or return (note) → DRAFT;
- yearly review (`welfare.review`) of an ACTIVE file: recompute; still eligible → kept with the new
  category and due date; otherwise exited as NOT_ELIGIBLE;
- exit (`welfare.review`): ACTIVE → EXITED with a reason (no longer eligible, left, deceased, own
  request) and a note;
- reveal (`welfare.reveal_hardship`): the household, incomes, costs and cause, audited each time;
- visit / other help records (`welfare.change`) through `record_help`.
"""

import calendar
import datetime
import tempfile
import uuid
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core import audit
from gonghui.core.errors import DomainError
from gonghui.core.locking import lock_one
from gonghui.core.policies import require
from gonghui.members.models import LIVE_STATUSES, Membership
from gonghui.orgs.models import Org, OrgLevel

from ..models.hardship import (
    OPEN_FILE_STATUSES,
    UNEXPECTED_COST_KINDS,
    CostKind,
    CostLine,
    ExitReason,
    HardshipCategory,
    HardshipFile,
    HardshipNumberCounter,
    HardshipReview,
    HardshipStatus,
    HelpKind,
    HelpRecord,
    HouseholdMember,
    IncomeKind,
    IncomeLine,
    Relation,
    ReviewOutcome,
)
from ..policies.hardship import CHANGE, EXPORT, REVEAL, REVIEW, SUBMIT, VIEW
from ..rules.hardship import CENT, Assessment, assess, rules

FILE_FIELDS = ["status", "category", "accepted_on", "review_due_on", "exited_on", "exit_kind", "computed_category"]
# Values kept out of the audit trail's clear fields (the trail is read by `audit.view` holders,
# who may lack the reveal right, and reading it is not a recorded reveal): line changes record
# kinds, never amounts; the household size, the cause, the exit or rejection reason and review
# notes are not in the snapshots.
MIN_YEAR, MAX_AMOUNT = 1900, Decimal("99999999.99")

HELP_FIELDS = ("person", "file", "org", "kind", "source_label", "amount", "goods", "given_on")


def record_help(*, actor, person, org, kind: str, source_key: str, source_label: str, given_on: datetime.date,
                amount: Decimal = Decimal("0"), goods: str = "") -> HelpRecord:
    """Write one line of help `person` received from `org`, audited as `welfare.help_record`.

    The caller has already checked its permission for the step that gives the help (a payment
    made, goods handed out, a payout approved) and runs inside its own transaction. Idempotent on
    `source_key` ("welfare.CampaignPayment:42"): a second call returns the first call's record.
    The person's file on record at the time (ACTIVE) is attached, so the file's page shows it.
    """
    if kind not in HelpKind.values:
        raise DomainError(_("Choose a kind of help."), code="invalid_kind", field="kind")
    source_key, source_label, goods = (source_key or "").strip(), (source_label or "").strip(), (goods or "").strip()
    if not source_key or not source_label:
        raise DomainError(_("A help record names where it comes from."), code="required", field="source_label")
    amount = Decimal(amount or 0)
    if amount < 0:
        raise DomainError(_("The amount cannot be negative."), code="negative_amount", field="amount")
    if amount == 0 and not goods:
        raise DomainError(_("A help record gives money or goods."), code="empty_help", field="amount")
    existing = HelpRecord.objects.filter(source_key=source_key).first()
    if existing is not None:
        return existing
    file = HardshipFile.objects.filter(person=person, status=HardshipStatus.ACTIVE).first()
    record = HelpRecord(person=person, file=file, org=org, kind=kind, source_key=source_key[:80],
                        source_label=source_label[:120], amount=amount, goods=goods[:200], given_on=given_on,
                        created_by=actor if getattr(actor, "pk", None) else None)
    try:
        with transaction.atomic():
            record.save()
    except IntegrityError:
        existing = HelpRecord.objects.filter(source_key=source_key).first()
        if existing is None:
            raise
        return existing
    audit.record(actor=actor, action="welfare.help_record", obj=record, org=org,
                 after=audit.snapshot(record, fields=HELP_FIELDS))
    return record


# --- helpers ------------------------------------------------------------------------------------

def today():
    return timezone.localdate()


def add_months(day: datetime.date, months: int) -> datetime.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


def _actor(actor):
    return actor if getattr(actor, "pk", None) else None


def _text(value, field, label, *, required=True, limit=400):
    value = (value or "").replace("\x00", "").strip()
    if required and not value:
        raise DomainError(_("%(label)s is required.") % {"label": label}, code="required", field=field)
    if len(value) > limit:
        raise DomainError(_("%(label)s is longer than %(n)s characters.") % {"label": label, "n": limit},
                          code="too_long", field=field)
    return value


def _amount(value, field, label):
    try:
        amount = Decimal(str(value)) if value not in (None, "") else None
    except (InvalidOperation, ValueError):
        amount = None
    if amount is None or not amount.is_finite():
        raise DomainError(_("%(label)s must be an amount in yuan.") % {"label": label}, code="invalid_amount",
                          field=field)
    if amount < 0:
        raise DomainError(_("%(label)s cannot be negative.") % {"label": label}, code="negative_amount", field=field)
    if amount > MAX_AMOUNT:
        raise DomainError(_("%(label)s is too large.") % {"label": label}, code="amount_too_large", field=field)
    if amount != amount.quantize(CENT):
        raise DomainError(_("%(label)s has at most two decimal places.") % {"label": label},
                          code="too_many_decimals", field=field)
    return amount.quantize(CENT)


def _day(day, field, label, *, not_before=None):
    if day is None:
        raise DomainError(_("%(label)s is required.") % {"label": label}, code="required", field=field)
    if day > today():
        raise DomainError(_("%(label)s cannot be in the future.") % {"label": label}, code="date_in_future",
                          field=field)
    if day.year < 2000:
        raise DomainError(_("%(label)s is too far in the past.") % {"label": label}, code="date_out_of_range",
                          field=field)
    if not_before is not None and day < not_before:
        raise DomainError(_("%(label)s cannot be before %(day)s.") % {"label": label, "day": not_before.isoformat()},
                          code="date_order", field=field)
    return day


def _wrong_stage(f):
    return DomainError(_("This step cannot be taken now: the file is “%(status)s”.")
                       % {"status": f.get_status_display()}, code="wrong_stage")


def _snapshot(f):
    return audit.snapshot(f, fields=FILE_FIELDS)


def _record(actor, action, f, before, **extra):
    b, a = audit.changed(before, _snapshot(f))
    audit.record(actor=actor, action=action, obj=f, org=f.org, before=b, after={**a, **extra})


def next_number(year: int) -> str:
    """The next file number of `year` ("KN2026-00007"); locks the year's counter row."""
    counter = HardshipNumberCounter.objects.select_for_update().filter(year=year).first()
    if counter is None:
        try:
            with transaction.atomic():
                HardshipNumberCounter.objects.create(year=year, last=0)
        except IntegrityError:
            pass
        counter = HardshipNumberCounter.objects.select_for_update().get(year=year)
    prefix = f"{rules().number_prefix}{year}-"
    counter.last += 1
    while HardshipFile.objects.filter(number=f"{prefix}{counter.last:05d}").exists():
        counter.last += 1
    counter.save(update_fields=["last"])
    return f"{prefix}{counter.last:05d}"


def calculate(f) -> Assessment:
    """The calculator on the file's current lines (three aggregate queries)."""
    persons = HouseholdMember.objects.filter(file=f).count()
    income = IncomeLine.objects.filter(file=f).aggregate(s=Sum("annual_amount"))["s"] or Decimal("0")
    costs = dict(CostLine.objects.filter(file=f).order_by().values_list("kind").annotate(s=Sum("annual_amount")))
    unexpected = sum((v for k, v in costs.items() if k in UNEXPECTED_COST_KINDS), Decimal("0"))
    rigid = sum((v for k, v in costs.items() if k not in UNEXPECTED_COST_KINDS), Decimal("0"))
    return assess(income=income, rigid_costs=rigid, unexpected_costs=unexpected, persons=persons)


def _refresh_figures(f) -> Assessment:
    a = calculate(f)
    f.household_size, f.annual_income, f.annual_rigid_costs = a.persons, a.income, a.rigid_costs
    f.annual_unexpected_costs, f.per_capita_monthly, f.computed_category = a.unexpected_costs, a.per_capita_monthly, \
        a.category
    f.save(update_fields=["household_size", "annual_income", "annual_rigid_costs", "annual_unexpected_costs",
                          "per_capita_monthly", "computed_category", "updated_at"])
    return a


def _not_eligible(a: Assessment, actor=None, org=None):
    """The refusal; its figures (per-capita income, unexpected costs) only for a user who may see
    them (`welfare.reveal_hardship` on the file's union): union staff get the verdict alone."""
    if a.persons < 1:
        return DomainError(_("Add the household members first (the worker at least)."), code="no_household",
                           field="household")
    if actor is not None and not actor.can(REVEAL, org):
        return DomainError(_("By these figures the household is not in hardship (neither below %(mult)s × the 低保 "
                             "line nor with unexpected costs above %(share)s%% of the income).")
                           % {"mult": rules().relative_multiplier.normalize(),
                              "share": (rules().accident_share * 100).normalize()}, code="not_eligible")
    return DomainError(
        _("By these figures the household is not in hardship: %(pc)s yuan per person per month is not below "
          "%(limit)s yuan (%(mult)s × the 低保 line of %(line)s yuan), and unexpected costs of %(unexp)s yuan are not "
          "above %(share)s%% of the income.")
        % {"pc": a.per_capita_monthly, "limit": (a.dibao_monthly * rules().relative_multiplier).quantize(CENT),
           "mult": rules().relative_multiplier.normalize(), "line": a.dibao_monthly, "unexp": a.unexpected_costs,
           "share": (rules().accident_share * 100).normalize()}, code="not_eligible")


# --- create ---------------------------------------------------------------------------------------

def _live_member_of(person, union) -> bool:
    return Membership.objects.filter(person=person, union=union, status__in=LIVE_STATUSES).exists()


@transaction.atomic
def create_file(*, actor, org, person, reason, health="", work="") -> HardshipFile:
    """A union opens a DRAFT file for one of its live members; the worker is the first household row."""
    require(actor, CHANGE, org)
    if org.level != OrgLevel.GRASSROOTS:
        raise DomainError(_("A hardship file is kept by the worker's grassroots union."), code="not_a_union",
                          field="org")
    if person is None:
        raise DomainError(_("Choose the worker."), code="required", field="person")
    from gonghui.members.models import Person

    person = lock_one(Person, person.pk)
    if not _live_member_of(person, org):
        raise DomainError(_("%(name)s is not a live member of %(union)s.") % {"name": person.name, "union": org.name},
                          code="not_a_member", field="person")
    reason = _text(reason, "reason", _("The cause of hardship"), limit=2000)
    health = _text(health, "health", _("Health"), required=False, limit=100)
    work = _text(work, "work", _("Work or school"), required=False, limit=100)
    other = HardshipFile.objects.filter(person=person, status__in=OPEN_FILE_STATUSES).first()
    clash = _("%(name)s already has an open hardship file (%(number)s).")
    if other is not None:
        raise DomainError(clash % {"name": person.name, "number": other.number}, code="open_file_exists",
                          field="person")
    f = HardshipFile(number=next_number(today().year), person=person, org=org, reason=reason,
                     created_by=_actor(actor))
    try:
        with transaction.atomic():
            f.save()
    except IntegrityError as exc:
        raise DomainError(clash % {"name": person.name, "number": "—"}, code="open_file_exists",
                          field="person") from exc
    HouseholdMember.objects.create(file=f, name=person.name, relation=Relation.SELF,
                                   birth_year=person.birth_on.year, health=health, work=work)
    _refresh_figures(f)
    audit.record(actor=actor, action="welfare.hardship_create", obj=f, org=org,
                 after={**_snapshot(f), "number": f.number, "person": person.pk, "org": org.pk})
    return f


# --- household, incomes, costs ------------------------------------------------------------------

def _editable(actor, file):
    require(actor, CHANGE, file.org)
    f = lock_one(HardshipFile, file.pk)
    if f.status not in (HardshipStatus.DRAFT, HardshipStatus.ACTIVE):
        raise _wrong_stage(f)
    return f


@transaction.atomic
def add_household_member(*, actor, file, name, relation, birth_year, health="", work="") -> HouseholdMember:
    f = _editable(actor, file)
    name = _text(name, "name", _("The name"), limit=40)
    if relation not in Relation.values or relation == Relation.SELF:
        raise DomainError(_("Choose the relation to the worker."), code="invalid_relation", field="relation")
    try:
        birth_year = int(birth_year)
    except (TypeError, ValueError):
        birth_year = None
    if birth_year is None or not MIN_YEAR <= birth_year <= today().year:
        raise DomainError(_("The birth year must be between %(first)s and %(last)s.")
                          % {"first": MIN_YEAR, "last": today().year}, code="invalid_birth_year", field="birth_year")
    if HouseholdMember.objects.filter(file=f).count() >= rules().max_household:
        raise DomainError(_("A household has at most %(n)s persons.") % {"n": rules().max_household},
                          code="household_too_big", field="name")
    m = HouseholdMember.objects.create(file=f, name=name, relation=relation, birth_year=birth_year,
                                       health=_text(health, "health", _("Health"), required=False, limit=100),
                                       work=_text(work, "work", _("Work or school"), required=False, limit=100))
    before = _snapshot(f)
    _refresh_figures(f)
    _record(actor, "welfare.hardship_household_add", f, before, relation=relation)
    return m


def _line(actor, file, model, kinds, kind, amount, note, action):
    f = _editable(actor, file)
    if kind not in kinds:
        raise DomainError(_("Choose the kind from the list."), code="invalid_kind", field="kind")
    amount = _amount(amount, "annual_amount", _("The annual amount"))
    if amount == 0:
        raise DomainError(_("The annual amount must be more than 0."), code="zero_amount", field="annual_amount")
    line = model.objects.create(file=f, kind=kind, annual_amount=amount,
                                note=_text(note, "note", _("The note"), required=False, limit=200))
    before = _snapshot(f)
    _refresh_figures(f)
    _record(actor, action, f, before, **{"income_kind" if model is IncomeLine else "cost_kind": kind})
    return line


@transaction.atomic
def add_income(*, actor, file, kind, annual_amount, note="") -> IncomeLine:
    return _line(actor, file, IncomeLine, IncomeKind.values, kind, annual_amount, note, "welfare.hardship_income_add")


@transaction.atomic
def add_cost(*, actor, file, kind, annual_amount, note="") -> CostLine:
    return _line(actor, file, CostLine, CostKind.values, kind, annual_amount, note, "welfare.hardship_cost_add")


LINE_MODELS = {"household": HouseholdMember, "income": IncomeLine, "cost": CostLine}


@transaction.atomic
def remove_line(*, actor, file, part: str, line_id: int) -> HardshipFile:
    """Remove a household member (never the worker), an income line or a cost line."""
    model = LINE_MODELS.get(part)
    if model is None:
        raise DomainError(_("Unknown part of the file."), code="invalid_part", field="part")
    f = _editable(actor, file)
    line = model.objects.filter(file=f, pk=line_id).first()
    if line is None:
        raise DomainError(_("This line is not on the file."), code="unknown_line", field="line")
    if part == "household" and line.relation == Relation.SELF:
        raise DomainError(_("The worker stays in the household."), code="cannot_remove_worker", field="line")
    line.delete()
    before = _snapshot(f)
    _refresh_figures(f)
    _record(actor, f"welfare.hardship_{part}_remove", f, before)
    return f


# --- workflow -------------------------------------------------------------------------------------

@transaction.atomic
def submit_file(*, actor, file) -> HardshipFile:
    require(actor, SUBMIT, file.org)
    f = lock_one(HardshipFile, file.pk)
    if f.status != HardshipStatus.DRAFT:
        raise _wrong_stage(f)
    a = calculate(f)
    if not a.eligible:
        raise _not_eligible(a, actor, f.org)
    before = _snapshot(f)
    f.status, f.submitted_at = HardshipStatus.SUBMITTED, timezone.now()
    f.save(update_fields=["status", "submitted_at", "updated_at"])
    _record(actor, "welfare.hardship_submit", f, before)
    return f


def _review_row(actor, f, outcome, day, a: Assessment | None, note=""):
    return HardshipReview.objects.create(file=f, outcome=outcome, reviewed_on=day,
                                         category=a.category if a else "",
                                         per_capita_monthly=a.per_capita_monthly if a else None, note=note,
                                         reviewed_by=_actor(actor))


@transaction.atomic
def review_file(*, actor, file, decision: str, note="", reviewed_on=None) -> HardshipFile:
    """The town's decision on a submitted file: ACCEPTED (category by the calculator), REJECTED
    (note = reason, required) or RETURNED to the union as a draft (note required)."""
    require(actor, REVIEW, file.org)
    f = lock_one(HardshipFile, file.pk)
    if f.status != HardshipStatus.SUBMITTED:
        raise _wrong_stage(f)
    if decision not in (ReviewOutcome.ACCEPTED, ReviewOutcome.REJECTED, ReviewOutcome.RETURNED):
        raise DomainError(_("Choose the decision."), code="invalid_decision", field="decision")
    day = _day(reviewed_on or today(), "reviewed_on", _("The review date"),
               not_before=timezone.localtime(f.submitted_at).date() if f.submitted_at else None)
    note = _text(note, "note", _("The reason"), required=decision != ReviewOutcome.ACCEPTED)
    before = _snapshot(f)
    a = calculate(f)
    if decision == ReviewOutcome.ACCEPTED:
        if not a.eligible:
            raise _not_eligible(a, actor, f.org)
        f.status, f.category, f.accepted_on = HardshipStatus.ACTIVE, a.category, day
        f.review_due_on = add_months(day, rules().review_months)
    elif decision == ReviewOutcome.REJECTED:
        f.status, f.exit_reason = HardshipStatus.REJECTED, note
    else:
        f.status, f.submitted_at = HardshipStatus.DRAFT, None
    f.save()
    _review_row(actor, f, decision, day, a, note)
    _record(actor, "welfare.hardship_review", f, before, decision=decision)
    if decision == ReviewOutcome.ACCEPTED:
        # Help given while the file was pending attaches to it now.
        HelpRecord.objects.filter(person=f.person, file__isnull=True, given_on__gte=f.created_at.date()).update(file=f)
    return f


@transaction.atomic
def yearly_review(*, actor, file, note="", reviewed_on=None) -> HardshipReview:
    """Recompute on the current lines: still eligible → KEPT (new category, next due date); not
    eligible any more → EXITED (NOT_ELIGIBLE)."""
    require(actor, REVIEW, file.org)
    f = lock_one(HardshipFile, file.pk)
    if f.status != HardshipStatus.ACTIVE:
        raise _wrong_stage(f)
    day = _day(reviewed_on or today(), "reviewed_on", _("The review date"), not_before=f.accepted_on)
    note = _text(note, "note", _("The note"), required=False)
    before = _snapshot(f)
    a = calculate(f)
    if a.eligible:
        f.category, f.review_due_on = a.category, add_months(day, rules().review_months)
        outcome = ReviewOutcome.KEPT
    else:
        f.status, f.exited_on, f.exit_kind = HardshipStatus.EXITED, day, ExitReason.NOT_ELIGIBLE
        f.exit_reason, f.review_due_on = note or str(ExitReason.NOT_ELIGIBLE.label), None
        outcome = ReviewOutcome.EXITED
    f.save()
    review = _review_row(actor, f, outcome, day, a, note)
    _record(actor, "welfare.hardship_yearly_review", f, before, outcome=outcome)
    return review


@transaction.atomic
def exit_file(*, actor, file, kind: str, note="", exited_on=None) -> HardshipFile:
    require(actor, REVIEW, file.org)
    f = lock_one(HardshipFile, file.pk)
    if f.status != HardshipStatus.ACTIVE:
        raise _wrong_stage(f)
    if kind not in ExitReason.values:
        raise DomainError(_("Choose the reason for the exit."), code="invalid_exit_reason", field="kind")
    day = _day(exited_on or today(), "exited_on", _("The exit date"), not_before=f.accepted_on)
    note = _text(note, "note", _("The note"), required=False, limit=400)
    before = _snapshot(f)
    f.status, f.exited_on, f.exit_kind = HardshipStatus.EXITED, day, kind
    f.exit_reason, f.review_due_on = note or str(ExitReason(kind).label), None
    f.save()
    _review_row(actor, f, ReviewOutcome.EXITED, day, None, note)
    _record(actor, "welfare.hardship_exit", f, before)
    return f


# --- sensitive data ---------------------------------------------------------------------------------

def sensitive_of(f) -> dict:
    """The file's sensitive content (callers have checked and audited the reveal)."""
    return {
        "reason": f.reason,
        "household": list(HouseholdMember.objects.filter(file=f)),
        "incomes": list(IncomeLine.objects.filter(file=f)),
        "costs": list(CostLine.objects.filter(file=f)),
        "annual_income": f.annual_income, "annual_rigid_costs": f.annual_rigid_costs,
        "annual_unexpected_costs": f.annual_unexpected_costs, "per_capita_monthly": f.per_capita_monthly,
        "household_size": f.household_size,
    }


def reveal_file(*, actor, file) -> dict:
    """The household, incomes, costs and cause of a file for an actor with `welfare.reveal_hardship`
    in its union's subtree. Always audited (`welfare.hardship_reveal`)."""
    require(actor, REVEAL, file.org)
    audit.record(actor=actor, action="welfare.hardship_reveal", obj=file, org=file.org,
                 after={"fields": ["reason", "household", "incomes", "costs"]})
    return sensitive_of(file)


# --- help records added by hand -----------------------------------------------------------------

@transaction.atomic
def add_help(*, actor, file, kind: str, given_on, amount=None, goods="", note="") -> HelpRecord:
    """A visit (走访慰问) or other help given to the file's worker by the actor's org (the file's
    union, or the town / district above it that the actor belongs to)."""
    require(actor, CHANGE, file.org)
    f = lock_one(HardshipFile, file.pk)
    if f.status in (HardshipStatus.REJECTED, HardshipStatus.EXITED):
        raise _wrong_stage(f)
    if kind not in (HelpKind.VISIT, HelpKind.OTHER):
        raise DomainError(_("Only a visit or other help is recorded by hand; campaigns and mutual aid write "
                            "their own."), code="invalid_kind", field="kind")
    given_on = _day(given_on, "given_on", _("The date"))
    amount = _amount(amount if amount not in (None, "") else "0", "amount", _("The amount"))
    goods = _text(goods, "goods", _("The goods"), required=False, limit=200)
    if amount == 0 and not goods:
        raise DomainError(_("Enter an amount or the goods given."), code="empty_help", field="amount")
    note = _text(note, "note", _("The description"), limit=80)
    org = _giver(actor, f)
    record = record_help(actor=actor, person=f.person, org=org, kind=kind,
                         source_key=f"welfare.HardshipFile:{f.pk}:{uuid.uuid4().hex[:16]}", source_label=note,
                         given_on=given_on, amount=amount, goods=goods)
    if record.file_id != f.pk:
        record.file = f
        record.save(update_fields=["file"])
    return record


def _giver(actor, f):
    """The org giving hand-recorded help: the highest org above the file's union where the actor
    may change (the district's staff give as the district, a town cadre as the town)."""
    paths = [f.org.path[:i] for i in range(Org.steplen, len(f.org.path) + 1, Org.steplen)]
    for org in Org.objects.filter(path__in=paths).order_by("depth"):
        if actor.can(CHANGE, org):
            return org
    return f.org


# --- export ---------------------------------------------------------------------------------------

class _ExportRef:
    def __init__(self, ref):
        self.pk = ref

    def __str__(self):
        return self.pk


def export_files(*, actor, filters):
    """(rewound temporary file, rows): the filtered files the actor may export. The sensitive
    columns are filled only for files where the actor has `welfare.reveal_hardship`; the export's
    audit row says how many were revealed."""
    from django.db.models import Case, Value, When

    from gonghui.core.excel import XlsxStream

    from ..selectors.hardship import filtered_files

    require(actor, EXPORT, filters.org) if filters.org else require(actor, EXPORT)
    exportable = HardshipFile.objects.visible_to(actor, EXPORT).values("pk")
    revealable = HardshipFile.objects.visible_to(actor, REVEAL).values("pk")
    qs = (filtered_files(actor, filters).filter(pk__in=exportable)
          .annotate(open_=Case(When(pk__in=revealable, then=Value(True)), default=Value(False)))
          .order_by("-created_at", "-id")
          .values_list("number", "person__name", "person__id_number_masked", "org__name", "status", "category",
                       "accepted_on", "review_due_on", "exited_on", "household_size", "annual_income",
                       "annual_rigid_costs", "annual_unexpected_costs", "per_capita_monthly", "reason", "open_"))
    statuses, categories = dict(HardshipStatus.choices), dict(HardshipCategory.choices)
    headers = [_("File number"), _("Worker"), _("ID card number"), _("Union"), _("Status"), _("Category"),
               _("On file since"), _("Review due on"), _("Exited on"), _("Household size"),
               _("Annual household income (yuan)"), _("Annual rigid costs (yuan)"),
               _("Annual unexpected costs (yuan)"), _("Per-capita monthly income (yuan)"), _("Cause of hardship")]
    handle = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 — the response closes it
    rows = revealed = 0
    masked = "***"
    with XlsxStream(handle) as book:
        sheet = book.sheet(_("Hardship files"), headers=headers,
                           widths=[14, 10, 20, 30, 10, 16, 12, 12, 12, 8, 14, 14, 14, 14, 40], text_columns=(2,))
        for values in qs.iterator(chunk_size=1000):
            row = list(values[:-1])
            row[4] = str(statuses.get(row[4], row[4]))
            row[5] = str(categories.get(row[5], "")) if row[5] else ""
            if values[-1]:
                revealed += 1
            else:
                row[9:15] = [masked] * 6
            sheet.append(row)
            rows += 1
    ref = uuid.uuid4().hex
    for place in _export_places(actor, filters.org) or [None]:
        audit.record(actor=actor, action="welfare.hardship_export", obj=_ExportRef(ref),
                     object_type="welfare.HardshipExport", org=place,
                     after={"filters": {"status": filters.status, "category": filters.category, "q": filters.q,
                                        "due": filters.due}, "rows": rows, "revealed": revealed})
    handle.seek(0)
    return handle, rows


def _export_places(actor, org):
    if org is not None:
        return [org]
    if actor.is_superuser:
        return list(Org.objects.filter(depth=1))
    return list(Org.objects.filter(path__in=actor.scope_paths(EXPORT)))


__all__ = ["record_help", "create_file", "add_household_member", "add_income", "add_cost", "remove_line",
           "submit_file", "review_file", "yearly_review", "exit_file", "reveal_file", "add_help", "export_files",
           "calculate", "today", "add_months", "VIEW"]
