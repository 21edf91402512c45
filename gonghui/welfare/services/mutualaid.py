"""Every write of medical mutual aid: plans, enrolments (bulk from the registry, payment), claims
(documents, submit, town review, district approval with the caps, payout ledger), exports.
Atomic, checked (`require`), locked, validated, audited (`welfare.mutualaid_*`).

Payout rules (per claim):
- HOSPITAL: (eligible costs − deductible) × payout ratio, never below 0; the deductible applies
  to each stay;
- SERIOUS_ILLNESS: the plan's fixed sum.
At approval the amount is cut to what is left of the benefit's cap and of the overall cap of
the person for the plan's year; the coverage row is locked while the caps are read and the
counters raised, so two approvals of one person at once cannot pass a cap together.

Duplicate claims: an invoice number live on another claim (the partial unique constraint on
`ClaimInvoice` is the last guard), or a claim of the same kind of the same person whose days
overlap (checked with the coverage row locked) is refused, naming the other claim.
"""

import datetime
import os
import re
import tempfile
import uuid
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from gonghui.core import audit
from gonghui.core.errors import DomainError
from gonghui.core.locking import lock_one
from gonghui.core.policies import require
from gonghui.core.uploads import extension_of, validate_document
from gonghui.members.models import LIVE_STATUSES, Membership
from gonghui.orgs.models import Org, OrgLevel

from ..models.mutualaid import (
    LIVE_CLAIM_STATUSES,
    ClaimDocument,
    ClaimInvoice,
    ClaimKind,
    ClaimPayout,
    ClaimStatus,
    MutualAidClaim,
    MutualAidCoverage,
    MutualAidEnrolment,
    MutualAidPlan,
    PaymentStatus,
    PlanStatus,
)
from ..policies.mutualaid import APPROVE, CHANGE, CONFIGURE, EXPORT, REVIEW, SUBMIT
from ..rules.mutualaid import rules

CENT = Decimal("0.01")
PLAN_FIELDS = ["year", "name", "premium", "enrol_from", "enrol_until", "coverage_starts", "coverage_ends",
               "hospital_deductible", "hospital_ratio", "hospital_cap", "serious_sum", "serious_cap", "overall_cap",
               "note", "status"]
ENROL_FIELDS = ["people", "amount_due", "status", "paid_on", "payment_reference"]
CLAIM_FIELDS = ["kind", "hospital", "admitted_on", "discharged_on", "invoice_numbers", "total_cost",
                "eligible_cost", "computed_amount", "approved_amount", "status", "review_note", "reject_reason"]
MAX_PEOPLE = 5000


def today():
    return timezone.localdate()


def now():
    return timezone.now()


def _user(actor):
    return actor if getattr(actor, "pk", None) else None


# --- validation helpers --------------------------------------------------------------------------

def _text(value, field, label, *, required=True, limit=400):
    value = (value or "").strip()
    if required and not value:
        raise DomainError(_("%(label)s is required.") % {"label": label}, code="required", field=field)
    if len(value) > limit:
        raise DomainError(_("%(label)s is longer than %(n)s characters.") % {"label": label, "n": limit},
                          code="too_long", field=field)
    return value


def _money(value, field, label, *, allow_zero=True, limit=Decimal("10000000")):
    try:
        amount = Decimal(str(value)) if value not in (None, "") else None
    except (InvalidOperation, TypeError, ValueError):
        amount = None
    if amount is None or not amount.is_finite():
        raise DomainError(_("%(label)s is an amount in yuan, e.g. 1200.50.") % {"label": label},
                          code="bad_amount", field=field)
    if amount != amount.quantize(CENT):
        raise DomainError(_("%(label)s has at most two decimal places (fen).") % {"label": label},
                          code="bad_amount", field=field)
    if amount < 0 or (amount == 0 and not allow_zero):
        raise DomainError(_("%(label)s must be more than zero.") % {"label": label} if not allow_zero else
                          _("%(label)s cannot be negative.") % {"label": label}, code="bad_amount", field=field)
    if amount >= limit:
        raise DomainError(_("%(label)s is too large.") % {"label": label}, code="bad_amount", field=field)
    return amount.quantize(CENT)


def _date(value, field, label):
    if not isinstance(value, datetime.date):
        raise DomainError(_("%(label)s is required.") % {"label": label}, code="required", field=field)
    if not 2000 <= value.year <= 2100:
        raise DomainError(_("%(label)s must be between the years 2000 and 2100.") % {"label": label},
                          code="bad_date", field=field)
    return value


def _past_date(value, field, label):
    value = _date(value, field, label)
    if value > today():
        raise DomainError(_("%(label)s is in the future; record it on or after that day.") % {"label": label},
                          code="date_in_future", field=field)
    return value


def _wrong_stage(obj):
    return DomainError(_("This step cannot be recorded now: the record is “%(status)s”.")
                       % {"status": obj.get_status_display()}, code="wrong_stage")


def _record(actor, action, obj, org, before, after_fields, **extra):
    b, a = audit.changed(before, audit.snapshot(obj, fields=after_fields))
    audit.record(actor=actor, action=action, obj=obj, org=org, before=b or None, after={**a, **extra})


def compute_payout(plan, kind, eligible_cost) -> Decimal:
    """The payout of one claim by the plan's rules, before the caps."""
    if kind == ClaimKind.SERIOUS_ILLNESS:
        return plan.serious_sum.quantize(CENT)
    base = max(Decimal(eligible_cost) - plan.hospital_deductible, Decimal(0))
    return (base * plan.hospital_ratio).quantize(CENT, rounding=ROUND_HALF_UP)


def remaining_caps(plan, coverage):
    """{kind: what is left of the benefit cap, "overall": of the overall cap} for a coverage."""
    return {ClaimKind.HOSPITAL: max(plan.hospital_cap - coverage.hospital_approved, Decimal(0)),
            ClaimKind.SERIOUS_ILLNESS: max(plan.serious_cap - coverage.serious_approved, Decimal(0)),
            "overall": max(plan.overall_cap - coverage.total_approved, Decimal(0))}


# --- plans -------------------------------------------------------------------------------------

def _plan_values(data):
    v = {}
    year = data.get("year")
    if not isinstance(year, int) or not 2000 <= year <= 2100:
        raise DomainError(_("The year must be between 2000 and 2100."), code="bad_year", field="year")
    v["year"] = year
    v["name"] = _text(data.get("name"), "name", _("The name"), limit=100)
    v["premium"] = _money(data.get("premium"), "premium", _("The premium"), allow_zero=False)
    for key, label in (("enrol_from", _("The first day of enrolment")), ("enrol_until", _("The last day of "
                                                                                         "enrolment")),
                       ("coverage_starts", _("The start of coverage")), ("coverage_ends", _("The end of coverage"))):
        v[key] = _date(data.get(key), key, label)
    if v["enrol_until"] < v["enrol_from"]:
        raise DomainError(_("Enrolment cannot close before it opens."), code="date_order", field="enrol_until")
    if v["coverage_ends"] <= v["coverage_starts"]:
        raise DomainError(_("Coverage must end after it starts."), code="date_order", field="coverage_ends")
    if v["coverage_starts"].year != year and v["coverage_ends"].year != year:
        raise DomainError(_("The coverage period must fall in the plan's year (%(year)s).") % {"year": year},
                          code="coverage_not_in_year", field="coverage_starts")
    v["hospital_deductible"] = _money(data.get("hospital_deductible"), "hospital_deductible", _("The deductible"))
    try:
        ratio = Decimal(str(data.get("hospital_ratio")))
    except (InvalidOperation, TypeError, ValueError):
        ratio = Decimal(-1)
    if not ratio.is_finite() or not Decimal(0) < ratio <= 1 or ratio != ratio.quantize(CENT):
        raise DomainError(_("The payout ratio is a number above 0 and at most 1 (e.g. 0.50 for 50%)."),
                          code="bad_ratio", field="hospital_ratio")
    v["hospital_ratio"] = ratio.quantize(CENT)
    v["hospital_cap"] = _money(data.get("hospital_cap"), "hospital_cap", _("The hospital cap"), allow_zero=False)
    v["serious_sum"] = _money(data.get("serious_sum"), "serious_sum", _("The serious illness sum"), allow_zero=False)
    v["serious_cap"] = _money(data.get("serious_cap"), "serious_cap", _("The serious illness cap"),
                              allow_zero=False)
    v["overall_cap"] = _money(data.get("overall_cap"), "overall_cap", _("The overall cap"), allow_zero=False)
    if v["serious_sum"] > v["serious_cap"]:
        raise DomainError(_("The serious illness sum cannot be above its cap."), code="sum_above_cap",
                          field="serious_sum")
    if v["overall_cap"] < max(v["hospital_cap"], v["serious_cap"]):
        raise DomainError(_("The overall cap cannot be below a benefit's cap."), code="overall_below_cap",
                          field="overall_cap")
    v["note"] = _text(data.get("note"), "note", _("The note"), required=False, limit=2000)
    return v


def district_of(actor):
    return Org.objects.filter(level=OrgLevel.DISTRICT).order_by("path").first()


@transaction.atomic
def create_plan(*, actor, org=None, **data) -> MutualAidPlan:
    org = org or district_of(actor)
    require(actor, CONFIGURE, org)
    v = _plan_values(data)
    if MutualAidPlan.objects.filter(org=org, year=v["year"]).exists():
        raise DomainError(_("There is already a plan for %(year)s.") % {"year": v["year"]}, code="plan_exists",
                          field="year")
    plan = MutualAidPlan(org=org, created_by=_user(actor), **v)
    try:
        with transaction.atomic():
            plan.save()
    except IntegrityError as exc:
        raise DomainError(_("There is already a plan for %(year)s.") % {"year": v["year"]}, code="plan_exists",
                          field="year") from exc
    audit.record(actor=actor, action="welfare.mutualaid_plan_create", obj=plan, org=org,
                 after=audit.snapshot(plan, fields=PLAN_FIELDS))
    return plan


@transaction.atomic
def update_plan(*, actor, plan, **data) -> MutualAidPlan:
    require(actor, CONFIGURE, plan.org)
    plan = lock_one(MutualAidPlan, plan.pk)
    if plan.status != PlanStatus.DRAFT:
        raise _wrong_stage(plan)
    v = _plan_values(data)
    if MutualAidPlan.objects.filter(org=plan.org, year=v["year"]).exclude(pk=plan.pk).exists():
        raise DomainError(_("There is already a plan for %(year)s.") % {"year": v["year"]}, code="plan_exists",
                          field="year")
    before = audit.snapshot(plan, fields=PLAN_FIELDS)
    for k, value in v.items():
        setattr(plan, k, value)
    plan.save()
    _record(actor, "welfare.mutualaid_plan_update", plan, plan.org, before, PLAN_FIELDS)
    return plan


@transaction.atomic
def open_plan(*, actor, plan) -> MutualAidPlan:
    require(actor, CONFIGURE, plan.org)
    plan = lock_one(MutualAidPlan, plan.pk)
    if plan.status != PlanStatus.DRAFT:
        raise _wrong_stage(plan)
    before = audit.snapshot(plan, fields=PLAN_FIELDS)
    plan.status = PlanStatus.OPEN
    plan.save(update_fields=["status", "updated_at"])
    _record(actor, "welfare.mutualaid_plan_open", plan, plan.org, before, PLAN_FIELDS)
    return plan


@transaction.atomic
def close_plan(*, actor, plan) -> MutualAidPlan:
    """Closed: no new enrolment or claim; claims already created go on through review and payout."""
    require(actor, CONFIGURE, plan.org)
    plan = lock_one(MutualAidPlan, plan.pk)
    if plan.status != PlanStatus.OPEN:
        raise _wrong_stage(plan)
    before = audit.snapshot(plan, fields=PLAN_FIELDS)
    plan.status = PlanStatus.CLOSED
    plan.save(update_fields=["status", "updated_at"])
    _record(actor, "welfare.mutualaid_plan_close", plan, plan.org, before, PLAN_FIELDS)
    return plan


# --- enrolment ---------------------------------------------------------------------------------

def live_members(union):
    """Person ids of the union's live members."""
    return set(Membership.objects.filter(union=union, status__in=LIVE_STATUSES).values_list("person_id", flat=True))


def _names(person_ids, limit=5):
    from gonghui.members.models import Person

    names = list(Person.objects.filter(pk__in=list(person_ids)[:limit]).order_by("name").values_list("name", flat=True))
    more = len(person_ids) - len(names)
    text = _("、").join(names)
    return text + (_(" and %(n)s more") % {"n": more} if more > 0 else "")


def _audit_names(person_ids, limit=200):
    """The names of (at most `limit` of) these people, for the audit trail (the history panel shows
    words, never ids)."""
    from gonghui.members.models import Person

    return list(Person.objects.filter(pk__in=list(person_ids)[:limit]).order_by("name", "pk")
                .values_list("name", flat=True))


def _check_enrolment_window(plan):
    if plan.status != PlanStatus.OPEN:
        raise DomainError(_("The plan “%(plan)s” is not open for enrolment.") % {"plan": plan.name},
                          code="plan_not_open", field="plan")
    day = today()
    if not plan.enrol_from <= day <= plan.enrol_until:
        raise DomainError(_("Enrolment in “%(plan)s” runs from %(start)s to %(end)s.")
                          % {"plan": plan.name, "start": plan.enrol_from.isoformat(),
                             "end": plan.enrol_until.isoformat()}, code="outside_enrolment_window", field="plan")


def _add_people(actor, plan, enrolment, union, person_ids, *, all_members):
    """Create the coverages of `person_ids` (or of every live member not yet covered). Picked
    people must all be live members and not yet covered: otherwise nothing is saved and the
    message names them."""
    members = live_members(union)
    covered = set(MutualAidCoverage.objects.filter(plan=plan, person_id__in=members if all_members else person_ids)
                  .values_list("person_id", flat=True))
    if all_members:
        chosen = sorted(members - covered)
        if not chosen:
            raise DomainError(_("Every live member of %(union)s is already enrolled in this plan.")
                              % {"union": union.name}, code="nobody_to_enrol", field="people")
    else:
        chosen = sorted(set(person_ids))
        if not chosen:
            raise DomainError(_("Choose the members to enrol."), code="required", field="people")
        outsiders = [p for p in chosen if p not in members]
        if outsiders:
            raise DomainError(_("Not live members of %(union)s: %(names)s.") % {"union": union.name,
                                                                                "names": _names(outsiders)},
                              code="not_a_member", field="people")
        twice = [p for p in chosen if p in covered]
        if twice:
            raise DomainError(_("Already enrolled in this plan: %(names)s.") % {"names": _names(twice)},
                              code="already_covered", field="people")
    if len(chosen) > MAX_PEOPLE:
        raise DomainError(_("At most %(n)s people per batch.") % {"n": MAX_PEOPLE}, code="too_many", field="people")
    try:
        with transaction.atomic():
            MutualAidCoverage.objects.bulk_create([MutualAidCoverage(plan=plan, enrolment=enrolment, person_id=p,
                                                                     union=union) for p in chosen], batch_size=1000)
    except IntegrityError as exc:
        raise DomainError(_("Some of these people were enrolled at the same moment by someone else; try again."),
                          code="already_covered", field="people") from exc
    return chosen


def _recount(e):
    e.people = e.coverages.count()
    e.amount_due = (e.plan.premium * e.people).quantize(CENT)
    e.save(update_fields=["people", "amount_due", "updated_at"])


@transaction.atomic
def enrol(*, actor, plan, union, people=None) -> MutualAidEnrolment:
    """A batch of `union`'s members (`people`: person ids; None: every live member not yet
    enrolled) in `plan`, all or nothing. Amount due = premium × people; unpaid."""
    require(actor, CHANGE, union)
    if union.level != OrgLevel.GRASSROOTS:
        raise DomainError(_("Choose a grassroots union."), code="not_a_union", field="union")
    plan = lock_one(MutualAidPlan, plan.pk)
    _check_enrolment_window(plan)
    e = MutualAidEnrolment.objects.create(plan=plan, union=union, town=union.town(), created_by=_user(actor))
    chosen = _add_people(actor, plan, e, union, list(people or []), all_members=people is None)
    _recount(e)
    audit.record(actor=actor, action="welfare.mutualaid_enrol", obj=e, org=union,
                 after={**audit.snapshot(e, fields=ENROL_FIELDS), "plan": plan.pk,
                        "person_names": _audit_names(chosen)})
    return e


@transaction.atomic
def add_people(*, actor, enrolment, people=None) -> MutualAidEnrolment:
    require(actor, CHANGE, enrolment.union)
    plan = lock_one(MutualAidPlan, enrolment.plan_id)
    e = lock_one(MutualAidEnrolment, enrolment.pk)
    if e.status != PaymentStatus.UNPAID:
        raise _wrong_stage(e)
    _check_enrolment_window(plan)
    before = audit.snapshot(e, fields=ENROL_FIELDS)
    chosen = _add_people(actor, plan, e, e.union, list(people or []), all_members=people is None)
    _recount(e)
    _record(actor, "welfare.mutualaid_enrol_add", e, e.union, before, ENROL_FIELDS,
            person_names=_audit_names(chosen))
    return e


@transaction.atomic
def remove_person(*, actor, enrolment, coverage) -> MutualAidEnrolment:
    require(actor, CHANGE, enrolment.union)
    e = lock_one(MutualAidEnrolment, enrolment.pk)
    if e.status != PaymentStatus.UNPAID:
        raise _wrong_stage(e)
    cov = MutualAidCoverage.objects.filter(pk=coverage.pk, enrolment=e).first()
    if cov is None:
        raise DomainError(_("This person is not in this batch."), code="not_in_batch", field="person")
    before = audit.snapshot(e, fields=ENROL_FIELDS)
    person_id = cov.person_id
    cov.delete()
    _recount(e)
    _record(actor, "welfare.mutualaid_enrol_remove", e, e.union, before, ENROL_FIELDS, person=person_id)
    return e


@transaction.atomic
def cancel_enrolment(*, actor, enrolment) -> MutualAidEnrolment:
    require(actor, CHANGE, enrolment.union)
    e = lock_one(MutualAidEnrolment, enrolment.pk)
    if e.status != PaymentStatus.UNPAID:
        raise _wrong_stage(e)
    before = audit.snapshot(e, fields=ENROL_FIELDS)
    e.coverages.all().delete()
    e.status, e.people, e.amount_due = PaymentStatus.CANCELLED, 0, Decimal("0.00")
    e.save(update_fields=["status", "people", "amount_due", "updated_at"])
    _record(actor, "welfare.mutualaid_enrol_cancel", e, e.union, before, ENROL_FIELDS)
    return e


@transaction.atomic
def record_payment(*, actor, enrolment, paid_on, reference, amount=None) -> MutualAidEnrolment:
    """The batch is paid (`amount`, when given, must be the amount due): its people are covered
    from max(coverage start, paid on)."""
    require(actor, APPROVE, enrolment.union)
    e = lock_one(MutualAidEnrolment, enrolment.pk)
    if e.status != PaymentStatus.UNPAID:
        raise _wrong_stage(e)
    if e.people == 0:
        raise DomainError(_("The batch has nobody in it."), code="empty_batch")
    paid_on = _past_date(paid_on, "paid_on", _("The payment date"))
    if paid_on < e.plan.enrol_from - datetime.timedelta(days=60):
        raise DomainError(_("The payment date is long before the enrolment of this plan opened (%(day)s).")
                          % {"day": e.plan.enrol_from.isoformat()}, code="date_order", field="paid_on")
    reference = _text(reference, "payment_reference", _("The payment reference"), limit=60)
    if amount not in (None, ""):
        amount = _money(amount, "amount", _("The amount paid"))
        if amount != e.amount_due:
            raise DomainError(_("The amount paid (%(paid)s) differs from the amount due (%(due)s).")
                              % {"paid": amount, "due": e.amount_due}, code="amount_mismatch", field="amount")
    plan = e.plan
    before = audit.snapshot(e, fields=ENROL_FIELDS)
    e.status, e.paid_on, e.payment_reference = PaymentStatus.PAID, paid_on, reference
    e.save(update_fields=["status", "paid_on", "payment_reference", "updated_at"])
    e.coverages.update(effective_from=max(plan.coverage_starts, paid_on))
    _record(actor, "welfare.mutualaid_enrol_pay", e, e.union, before, ENROL_FIELDS)
    return e


# --- claims ------------------------------------------------------------------------------------

INVOICE_SPLIT = re.compile(r"[\s,，;；、]+")
INVOICE_OK = re.compile(r"^[0-9A-Za-z-]{4,40}$")


def parse_invoices(text) -> list[str]:
    numbers = []
    for part in INVOICE_SPLIT.split((text or "").strip()):
        if not part:
            continue
        if not INVOICE_OK.match(part):
            raise DomainError(_("“%(number)s” is not an invoice number (4 to 40 letters, digits or dashes).")
                              % {"number": part[:40]}, code="bad_invoice", field="invoice_numbers")
        if part.upper() not in numbers:
            numbers.append(part.upper())
    if not numbers:
        raise DomainError(_("Enter the invoice numbers of the claim."), code="required", field="invoice_numbers")
    if len(numbers) > 20:
        raise DomainError(_("At most 20 invoices per claim."), code="too_many", field="invoice_numbers")
    return numbers


def _duplicates(*, person, kind, admitted_on, discharged_on, numbers, exclude=None):
    """Refuse a duplicate: an invoice live on another claim, or an overlapping claim of the same kind."""
    invoices = ClaimInvoice.objects.filter(number__in=numbers, live=True).select_related("claim")
    if exclude is not None:
        invoices = invoices.exclude(claim=exclude)
    clash = invoices.order_by("id").first()
    if clash is not None:
        raise DomainError(_("Invoice %(invoice)s is already claimed on claim %(number)s.")
                          % {"invoice": clash.number, "number": clash.claim.number}, code="duplicate_invoice",
                          field="invoice_numbers")
    overlap = (MutualAidClaim.objects.filter(person=person, kind=kind, status__in=LIVE_CLAIM_STATUSES,
                                             admitted_on__lte=discharged_on, discharged_on__gte=admitted_on)
               .order_by("id"))
    if exclude is not None:
        overlap = overlap.exclude(pk=exclude.pk)
    other = overlap.first()
    if other is not None:
        raise DomainError(_("The same worker already has claim %(number)s for %(start)s – %(end)s, which overlaps "
                            "these dates.") % {"number": other.number, "start": other.admitted_on.isoformat(),
                                               "end": other.discharged_on.isoformat()},
                          code="duplicate_stay", field="admitted_on")


def _next_number(plan):
    prefix = f"MA{plan.year}-"
    last = MutualAidClaim.objects.filter(number__startswith=prefix).aggregate(n=Max("number"))["n"]
    n = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    return f"{prefix}{n:05d}"


def _claim_values(plan, cov, *, kind, hospital, admitted_on, discharged_on, diagnosis, invoice_numbers,
                  total_cost, eligible_cost, exclude=None) -> tuple[dict, list[str]]:
    """The checked fields of a claim on `cov` and its invoice numbers: the same rules whoever
    files it (the union, the district, or the covered member). Plan and coverage are locked by
    the caller; `exclude` is the claim being corrected (not its own duplicate)."""
    if plan.status == PlanStatus.DRAFT:
        raise DomainError(_("The plan “%(plan)s” is not open.") % {"plan": plan.name}, code="plan_not_open")
    if cov.effective_from is None:
        raise DomainError(_("This worker's enrolment is not paid yet: coverage starts once it is paid."),
                          code="not_paid", field="person")
    if kind not in ClaimKind.values:
        raise DomainError(_("Choose the kind of claim."), code="bad_kind", field="kind")
    hospital = _text(hospital, "hospital", _("The hospital"), limit=100)
    admitted_on = _past_date(admitted_on, "admitted_on", _("The admission date"))
    if kind == ClaimKind.SERIOUS_ILLNESS and discharged_on is None:
        discharged_on = admitted_on
    discharged_on = _past_date(discharged_on, "discharged_on", _("The discharge date"))
    if discharged_on < admitted_on:
        raise DomainError(_("The discharge cannot be before the admission."), code="date_order",
                          field="discharged_on")
    if not cov.effective_from <= admitted_on <= plan.coverage_ends:
        raise DomainError(_("The admission (%(day)s) is outside this worker's coverage (%(start)s – %(end)s).")
                          % {"day": admitted_on.isoformat(), "start": cov.effective_from.isoformat(),
                             "end": plan.coverage_ends.isoformat()}, code="not_covered", field="admitted_on")
    limit = rules().claim_within_days
    if (today() - discharged_on).days > limit:
        raise DomainError(_("A claim is made within %(n)s days of the discharge (or diagnosis).") % {"n": limit},
                          code="claim_too_late", field="discharged_on")
    diagnosis = _text(diagnosis, "diagnosis", _("The diagnosis"), limit=200)
    numbers = parse_invoices(invoice_numbers)
    total_cost = _money(total_cost, "total_cost", _("The total costs"), allow_zero=False)
    eligible_cost = _money(eligible_cost, "eligible_cost", _("The eligible costs"))
    if eligible_cost > total_cost:
        raise DomainError(_("The eligible costs cannot be more than the total costs."), code="eligible_above_total",
                          field="eligible_cost")
    _duplicates(person=cov.person, kind=kind, admitted_on=admitted_on, discharged_on=discharged_on, numbers=numbers,
                exclude=exclude)
    return {"kind": kind, "hospital": hospital, "admitted_on": admitted_on, "discharged_on": discharged_on,
            "diagnosis": diagnosis, "invoice_numbers": " ".join(numbers), "total_cost": total_cost,
            "eligible_cost": eligible_cost}, numbers


def _save_invoices(claim, numbers, *, replace=False):
    """Write the claim (and its invoice rows); a number claimed at the same moment elsewhere ends
    on the partial unique constraint and reads as `duplicate_invoice`."""
    try:
        with transaction.atomic():
            claim.save()
            if replace:
                ClaimInvoice.objects.filter(claim=claim).delete()
            ClaimInvoice.objects.bulk_create([ClaimInvoice(claim=claim, number=n) for n in numbers])
    except IntegrityError as exc:
        raise DomainError(_("One of these invoices was claimed at the same moment on another claim."),
                          code="duplicate_invoice", field="invoice_numbers") from exc


def _new_claim(actor, coverage, values, *, filed_by_member=False):
    plan = lock_one(MutualAidPlan, coverage.plan_id)  # numbers in order
    cov = lock_one(MutualAidCoverage, coverage.pk)  # one claim of the person at a time (duplicates)
    fields, numbers = _claim_values(plan, cov, **values)
    union = cov.union
    claim = MutualAidClaim(number=_next_number(plan), plan=plan, coverage=cov, person=cov.person, union=union,
                           town=union.town(), filed_by_member=filed_by_member, created_by=_user(actor), **fields)
    _save_invoices(claim, numbers)
    audit.record(actor=actor, action="welfare.mutualaid_claim_create", obj=claim, org=union,
                 after={**audit.snapshot(claim, fields=CLAIM_FIELDS), "person": cov.person_id,
                        **({"by_member": True} if filed_by_member else {})})
    return claim


@transaction.atomic
def create_claim(*, actor, coverage, kind, hospital, admitted_on, discharged_on, diagnosis, invoice_numbers,
                 total_cost, eligible_cost) -> MutualAidClaim:
    """A DRAFT claim of the covered person's union; documents are added before submitting."""
    require(actor, SUBMIT, coverage.union)
    return _new_claim(actor, coverage, {
        "kind": kind, "hospital": hospital, "admitted_on": admitted_on, "discharged_on": discharged_on,
        "diagnosis": diagnosis, "invoice_numbers": invoice_numbers, "total_cost": total_cost,
        "eligible_cost": eligible_cost})


def _lock_claim(claim):
    return MutualAidClaim.objects.select_for_update().select_related("plan", "union").get(pk=claim.pk)


def _with_member(c):
    return DomainError(_("Claim %(number)s is with the member: they complete it and send it to the union.")
                       % {"number": c.number}, code="with_member")


def _attach(actor, c, upload) -> ClaimDocument:
    """The document checks of every claim (count, type by content, size), then the file."""
    if upload is None:
        raise DomainError(_("Choose a file to upload."), code="required", field="file")
    if c.documents.count() >= rules().max_documents:
        raise DomainError(_("A claim has at most %(n)s documents.") % {"n": rules().max_documents},
                          code="too_many_documents", field="file")
    try:
        kind = validate_document(upload)
    except ValidationError as exc:
        raise DomainError(" ".join(exc.messages), code=exc.code or "invalid_file", field="file") from exc
    original = os.path.basename(getattr(upload, "name", "") or "")[:200] or "file"
    size = upload.size
    upload.name = f"{uuid.uuid4().hex}.{extension_of(kind)}"
    doc = ClaimDocument(claim=c, file=upload, name=original, kind=kind, size=size, uploaded_by=_user(actor))
    doc.save()
    audit.record(actor=actor, action="welfare.mutualaid_claim_document_add", obj=c, org=c.union,
                 after={"file": original, "size": size})
    return doc


def _detach(actor, c, document):
    stored, name = document.file, document.name
    document.delete()
    transaction.on_commit(lambda: stored.delete(save=False))
    audit.record(actor=actor, action="welfare.mutualaid_claim_document_remove", obj=c, org=c.union,
                 before={"file": name})


@transaction.atomic
def add_document(*, actor, claim, upload) -> ClaimDocument:
    require(actor, SUBMIT, claim.union)
    c = _lock_claim(claim)
    if c.status != ClaimStatus.DRAFT:
        raise _wrong_stage(c)
    if c.with_member:
        raise _with_member(c)
    return _attach(actor, c, upload)


@transaction.atomic
def remove_document(*, actor, document) -> None:
    c = _lock_claim(document.claim)
    require(actor, SUBMIT, c.union)
    if c.status != ClaimStatus.DRAFT:
        raise _wrong_stage(c)
    if c.with_member:
        raise _with_member(c)
    _detach(actor, c, document)


@transaction.atomic
def submit_claim(*, actor, claim) -> MutualAidClaim:
    require(actor, SUBMIT, claim.union)
    c = _lock_claim(claim)
    if c.status != ClaimStatus.DRAFT:
        raise _wrong_stage(c)
    if c.with_member:
        raise _with_member(c)
    _documents_present(c)
    before = audit.snapshot(c, fields=CLAIM_FIELDS)
    c.status, c.submitted_at = ClaimStatus.SUBMITTED, now()
    c.save(update_fields=["status", "submitted_at", "updated_at"])
    _record(actor, "welfare.mutualaid_claim_submit", c, c.union, before, CLAIM_FIELDS)
    return c


def _documents_present(c):
    if not c.documents.exists():
        raise DomainError(_("Upload the invoices and the hospital's documents before submitting."),
                          code="documents_missing", field="file")


def _close_invoices(c):
    ClaimInvoice.objects.filter(claim=c).update(live=False)


@transaction.atomic
def withdraw_claim(*, actor, claim) -> MutualAidClaim:
    require(actor, SUBMIT, claim.union)
    c = _lock_claim(claim)
    if c.status not in (ClaimStatus.DRAFT, ClaimStatus.SUBMITTED):
        raise _wrong_stage(c)
    if c.filed_by_member and c.status == ClaimStatus.DRAFT:
        raise DomainError(_("Claim %(number)s is the member's: return it to them with the reason, or they "
                            "withdraw it.") % {"number": c.number}, code="member_claim")
    before = audit.snapshot(c, fields=CLAIM_FIELDS)
    c.status = ClaimStatus.WITHDRAWN
    c.save(update_fields=["status", "updated_at"])
    _close_invoices(c)
    _record(actor, "welfare.mutualaid_claim_withdraw", c, c.union, before, CLAIM_FIELDS)
    return c


@transaction.atomic
def review_claim(*, actor, claim, note="") -> MutualAidClaim:
    """The town checked the documents: on to the district."""
    require(actor, REVIEW, claim.union)
    c = _lock_claim(claim)
    if c.status != ClaimStatus.SUBMITTED:
        raise _wrong_stage(c)
    note = _text(note, "note", _("The review note"), required=False, limit=400)
    before = audit.snapshot(c, fields=CLAIM_FIELDS)
    c.status, c.reviewed_at, c.review_note = ClaimStatus.REVIEWED, now(), note
    c.save(update_fields=["status", "reviewed_at", "review_note", "updated_at"])
    _record(actor, "welfare.mutualaid_claim_review", c, c.union, before, CLAIM_FIELDS)
    return c


@transaction.atomic
def reject_claim(*, actor, claim, reason) -> MutualAidClaim:
    """The town (at review) or the district (at approval) rejects, with a reason."""
    c = _lock_claim(claim)
    if c.status == ClaimStatus.SUBMITTED:
        require(actor, REVIEW, c.union)
    elif c.status == ClaimStatus.REVIEWED:
        require(actor, APPROVE, c.plan.org)
    else:
        require(actor, REVIEW, c.union)
        raise _wrong_stage(c)
    reason = _text(reason, "reason", _("The reason"), limit=400)
    before = audit.snapshot(c, fields=CLAIM_FIELDS)
    c.status, c.reject_reason, c.decided_at = ClaimStatus.REJECTED, reason, now()
    c.save(update_fields=["status", "reject_reason", "decided_at", "updated_at"])
    _close_invoices(c)
    _record(actor, "welfare.mutualaid_claim_reject", c, c.union, before, CLAIM_FIELDS)
    _tell_member(c, "rejected", _("Mutual aid claim %(number)s was rejected: %(reason)s")
                 % {"number": c.number, "reason": reason})
    return c


@transaction.atomic
def approve_claim(*, actor, claim) -> MutualAidClaim:
    """The district approves: the payout by the rules, cut to what is left of the benefit cap and
    the overall cap of the person this year (coverage row locked; counters raised)."""
    c = _lock_claim(claim)
    require(actor, APPROVE, c.plan.org)
    if c.status != ClaimStatus.REVIEWED:
        raise _wrong_stage(c)
    cov = lock_one(MutualAidCoverage, c.coverage_id)
    computed = compute_payout(c.plan, c.kind, c.eligible_cost)
    left = remaining_caps(c.plan, cov)
    amount = min(computed, left[c.kind], left["overall"])
    if computed <= 0:
        raise DomainError(_("By the plan's rules nothing is payable on this claim (eligible costs %(cost)s, "
                            "deductible %(deductible)s): reject it with the reason.")
                          % {"cost": c.eligible_cost, "deductible": c.plan.hospital_deductible},
                          code="nothing_payable")
    if amount <= 0:
        raise DomainError(_("%(name)s has reached the cap for this year: reject the claim with the reason.")
                          % {"name": c.person.name}, code="cap_reached")
    before = audit.snapshot(c, fields=CLAIM_FIELDS)
    c.computed_amount, c.approved_amount = computed, amount
    c.status, c.decided_at = ClaimStatus.APPROVED, now()
    c.save(update_fields=["computed_amount", "approved_amount", "status", "decided_at", "updated_at"])
    if c.kind == ClaimKind.HOSPITAL:
        cov.hospital_approved += amount
    else:
        cov.serious_approved += amount
    cov.total_approved += amount
    cov.save(update_fields=["hospital_approved", "serious_approved", "total_approved"])
    _record(actor, "welfare.mutualaid_claim_approve", c, c.union, before, CLAIM_FIELDS, cut=str(computed - amount))
    _tell_member(c, "approved", _("Mutual aid claim %(number)s was approved: %(amount)s yuan")
                 % {"number": c.number, "amount": amount})
    return c


@transaction.atomic
def pay_claim(*, actor, claim, paid_on, reference) -> ClaimPayout:
    """The payout ledger line of an approved claim (the approved amount), written to the person's
    help records (`record_help`, key "welfare.ClaimPayout:<id>") in the same transaction."""
    from .hardship import record_help

    c = _lock_claim(claim)
    require(actor, APPROVE, c.plan.org)
    if c.status != ClaimStatus.APPROVED:
        raise _wrong_stage(c)
    paid_on = _past_date(paid_on, "paid_on", _("The payment date"))
    if c.decided_at and paid_on < timezone.localdate(c.decided_at):
        raise DomainError(_("The payment cannot be before the approval (%(day)s).")
                          % {"day": timezone.localdate(c.decided_at).isoformat()}, code="date_order",
                          field="paid_on")
    reference = _text(reference, "reference", _("The payment reference"), limit=60)
    before = audit.snapshot(c, fields=CLAIM_FIELDS)
    payout = ClaimPayout.objects.create(claim=c, amount=c.approved_amount, paid_on=paid_on, reference=reference,
                                        created_by=_user(actor))
    c.status = ClaimStatus.PAID
    c.save(update_fields=["status", "updated_at"])
    _record(actor, "welfare.mutualaid_claim_pay", c, c.union, before, CLAIM_FIELDS, amount=str(payout.amount),
            paid_on=paid_on.isoformat(), reference=reference)
    record_help(actor=actor, person=c.person, org=c.plan.org, kind="MUTUAL_AID",
                source_key=f"welfare.ClaimPayout:{payout.pk}",
                source_label=_("Medical mutual aid %(number)s") % {"number": c.number}, given_on=paid_on,
                amount=payout.amount)
    _tell_member(c, "paid", _("The payout of mutual aid claim %(number)s was made: %(amount)s yuan")
                 % {"number": c.number, "amount": payout.amount})
    return payout


# --- the member's own claims (portal) ----------------------------------------------------------
#
# A member covered by a plan starts a claim for themself, uploads the documents and sends it to
# their union; the union checks it and submits it on (the steps above), or returns it with a
# reason; the member corrects it and sends it again, or withdraws it before the union submits.
# The member has no role: the check is that the claim's person is the actor's own login
# (`person_of_account`), and the rules of the claim and its documents are the union's own
# (`_claim_values`, `_attach`).

def _own_person(actor, person_id):
    from gonghui.members.selectors import person_of_account

    person = person_of_account(actor)
    if person is None or person.pk != person_id:
        raise PermissionDenied(_("You are not allowed to do this here."))
    return person


def _lock_own(actor, claim):
    c = _lock_claim(claim)
    _own_person(actor, c.person_id)
    if not c.filed_by_member:
        raise PermissionDenied(_("You are not allowed to do this here."))
    return c


def _member_editable(c):
    if c.status != ClaimStatus.DRAFT:
        raise _wrong_stage(c)
    if not c.with_member:
        raise DomainError(_("Claim %(number)s is with your union now: it can be changed once they return it.")
                          % {"number": c.number}, code="with_union")


def _account_of(person_id):
    from gonghui.accounts.models import User

    return list(User.objects.filter(member_person__pk=person_id, is_active=True))


def _union_staff(union):
    """The union's own cadres (every role but MEMBER): who hear of a claim a member sent."""
    from gonghui.accounts.models import User
    from gonghui.accounts.roles import Role

    return list(User.objects.filter(is_active=True, role_assignments__org=union)
                .exclude(role_assignments__role=Role.MEMBER, role_assignments__org=union).distinct())


def _tell_member(c, what, title):
    """The member hears of their claim's step (any claim of theirs, whoever filed it)."""
    from django.urls import reverse

    from gonghui.core.notifications import notify

    url = (reverse("welfare:my_claim_detail", args=[c.pk]) if c.filed_by_member
           else reverse("welfare:my_mutual_aid"))
    notify(recipients=_account_of(c.person_id), key=f"welfare:ma_claim:{c.pk}:{what}:{now():%Y%m%d%H%M%S%f}",
           title=title, url=url, org=c.union)


def _tell_union(c, what, title):
    from django.urls import reverse

    from gonghui.core.notifications import notify

    notify(recipients=_union_staff(c.union), key=f"welfare:ma_claim:{c.pk}:{what}:{now():%Y%m%d%H%M%S%f}",
           title=title, url=reverse("welfare:claim_detail", args=[c.pk]), org=c.union)


@transaction.atomic
def create_member_claim(*, actor, coverage, kind, hospital, admitted_on, discharged_on, diagnosis,
                        invoice_numbers, total_cost, eligible_cost) -> MutualAidClaim:
    """A DRAFT claim the covered member starts for themself, with the member until sent."""
    _own_person(actor, coverage.person_id)
    return _new_claim(actor, coverage, {
        "kind": kind, "hospital": hospital, "admitted_on": admitted_on, "discharged_on": discharged_on,
        "diagnosis": diagnosis, "invoice_numbers": invoice_numbers, "total_cost": total_cost,
        "eligible_cost": eligible_cost}, filed_by_member=True)


@transaction.atomic
def update_member_claim(*, actor, claim, kind, hospital, admitted_on, discharged_on, diagnosis, invoice_numbers,
                        total_cost, eligible_cost) -> MutualAidClaim:
    """The member corrects their draft (before sending it, or once the union returned it)."""
    c = _lock_own(actor, claim)
    _member_editable(c)
    cov = lock_one(MutualAidCoverage, c.coverage_id)
    fields, numbers = _claim_values(c.plan, cov, kind=kind, hospital=hospital, admitted_on=admitted_on,
                                    discharged_on=discharged_on, diagnosis=diagnosis,
                                    invoice_numbers=invoice_numbers, total_cost=total_cost,
                                    eligible_cost=eligible_cost, exclude=c)
    before = audit.snapshot(c, fields=CLAIM_FIELDS)
    for name, value in fields.items():
        setattr(c, name, value)
    _save_invoices(c, numbers, replace=True)
    _record(actor, "welfare.mutualaid_claim_update", c, c.union, before, CLAIM_FIELDS)
    return c


@transaction.atomic
def add_member_document(*, actor, claim, upload) -> ClaimDocument:
    c = _lock_own(actor, claim)
    _member_editable(c)
    return _attach(actor, c, upload)


@transaction.atomic
def remove_member_document(*, actor, document) -> None:
    c = _lock_own(actor, document.claim)
    _member_editable(c)
    _detach(actor, c, document)


@transaction.atomic
def send_claim(*, actor, claim) -> MutualAidClaim:
    """The member sends their draft (with its documents) to the union; the union's cadres hear of it."""
    c = _lock_own(actor, claim)
    _member_editable(c)
    _documents_present(c)
    again = c.returned_at is not None
    c.sent_by_member_at = now()
    c.save(update_fields=["sent_by_member_at", "updated_at"])
    audit.record(actor=actor, action="welfare.mutualaid_claim_send", obj=c, org=c.union,
                 after={"sent_by_member_at": c.sent_by_member_at.isoformat(), **({"again": True} if again else {})})
    _tell_union(c, "sent", _("Mutual aid claim %(number)s from %(name)s to check")
                % {"number": c.number, "name": c.person.name})
    return c


@transaction.atomic
def withdraw_member_claim(*, actor, claim) -> MutualAidClaim:
    """The member withdraws their claim before the union submits it: its invoices and days are freed."""
    c = _lock_own(actor, claim)
    if c.status != ClaimStatus.DRAFT:
        raise _wrong_stage(c)
    was_sent = c.sent_by_member_at is not None
    before = audit.snapshot(c, fields=CLAIM_FIELDS)
    c.status = ClaimStatus.WITHDRAWN
    c.save(update_fields=["status", "updated_at"])
    _close_invoices(c)
    _record(actor, "welfare.mutualaid_claim_withdraw", c, c.union, before, CLAIM_FIELDS, by_member=True)
    if was_sent:
        _tell_union(c, "withdrawn", _("%(name)s withdrew mutual aid claim %(number)s")
                    % {"number": c.number, "name": c.person.name})
    return c


@transaction.atomic
def return_claim(*, actor, claim, reason) -> MutualAidClaim:
    """The union returns a claim the member sent, with the reason the member reads; the member may
    correct it and send it again."""
    require(actor, SUBMIT, claim.union)
    c = _lock_claim(claim)
    if not c.to_check:
        raise _wrong_stage(c)
    reason = _text(reason, "reason", _("The reason"), limit=400)
    c.sent_by_member_at, c.returned_at, c.return_reason = None, now(), reason
    c.save(update_fields=["sent_by_member_at", "returned_at", "return_reason", "updated_at"])
    audit.record(actor=actor, action="welfare.mutualaid_claim_return", obj=c, org=c.union,
                 after={"return_reason": reason})
    _tell_member(c, "returned", _("Your union returned mutual aid claim %(number)s: %(reason)s")
                 % {"number": c.number, "reason": reason})
    return c


# --- exports -----------------------------------------------------------------------------------

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


def _audit_export(actor, action, object_type, org, filters, rows):
    ref = uuid.uuid4().hex
    for place in _export_places(actor, org) or [None]:
        audit.record(actor=actor, action=action, obj=_ExportRef(ref), object_type=object_type, org=place,
                     after={"filters": filters, "rows": rows})


def _write(sheet_name, headers, widths, rows_iter, text_columns=()):
    from gonghui.core.excel import XlsxStream

    handle = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 — the response closes it
    n = 0
    with XlsxStream(handle) as book:
        sheet = book.sheet(sheet_name, headers=headers, widths=widths, text_columns=text_columns)
        for row in rows_iter:
            sheet.append(row)
            n += 1
    handle.seek(0)
    return handle, n


def export_claims(*, actor, filters):
    """(file, rows) of the filtered claims. The diagnosis is not exported (sensitive)."""
    from ..selectors.mutualaid import filtered_claims

    require(actor, EXPORT, filters.org) if filters.org else require(actor, EXPORT)
    exportable = MutualAidClaim.objects.visible_to(actor, EXPORT).values("pk")
    qs = (filtered_claims(actor, filters).filter(pk__in=exportable).order_by("-created_at", "-id")
          .values_list("number", "plan__year", "person__name", "person__id_number_masked", "union__name",
                       "town__name", "kind", "hospital", "admitted_on", "discharged_on", "invoice_numbers",
                       "total_cost", "eligible_cost", "approved_amount", "status", "payout__paid_on",
                       "payout__reference"))
    kinds, statuses = dict(ClaimKind.choices), dict(ClaimStatus.choices)

    def rows():
        for values in qs.iterator(chunk_size=1000):
            row = list(values)
            row[6], row[14] = str(kinds.get(row[6], row[6])), str(statuses.get(row[14], row[14]))
            yield row

    headers = [_("Claim number"), _("Year"), _("Worker"), _("ID card number"), _("Union"), _("Town"), _("Kind"),
               _("Hospital"), _("Admitted on"), _("Discharged on"), _("Invoice numbers"), _("Total costs"),
               _("Eligible costs"), _("Approved payout"), _("Status"), _("Paid on"), _("Payment reference")]
    handle, n = _write(_("Mutual aid claims"), headers, [14, 6, 10, 20, 28, 14, 10, 24, 12, 12, 30, 12, 12, 12, 16,
                                                        12, 16], rows(), text_columns=(3, 10, 16))
    _audit_export(actor, "welfare.mutualaid_claim_export", "welfare.MutualAidClaimExport", filters.org,
                  {"q": filters.q, "status": filters.status, "kind": filters.kind, "year": filters.year}, n)
    return handle, n


def export_enrolments(*, actor, filters):
    from ..selectors.mutualaid import filtered_enrolments

    require(actor, EXPORT, filters.org) if filters.org else require(actor, EXPORT)
    exportable = MutualAidEnrolment.objects.visible_to(actor, EXPORT).values("pk")
    qs = (filtered_enrolments(actor, filters).filter(pk__in=exportable).order_by("-created_at", "-id")
          .values_list("plan__year", "union__name", "town__name", "people", "amount_due", "status", "paid_on",
                       "payment_reference", "created_at"))
    statuses = dict(PaymentStatus.choices)

    def rows():
        for values in qs.iterator(chunk_size=1000):
            row = list(values)
            row[5] = str(statuses.get(row[5], row[5]))
            row[8] = timezone.localtime(row[8]).date() if row[8] else None
            yield row

    headers = [_("Year"), _("Union"), _("Town"), _("People"), _("Amount due"), _("Payment status"),
               pgettext("mutual aid premium", "Paid on"), _("Payment reference"), _("Enrolled on")]
    handle, n = _write(_("Mutual aid enrolments"), headers, [6, 30, 14, 8, 12, 10, 12, 18, 12], rows(),
                       text_columns=(7,))
    _audit_export(actor, "welfare.mutualaid_enrolment_export", "welfare.MutualAidEnrolmentExport", filters.org,
                  {"q": filters.q, "status": filters.status, "year": filters.year}, n)
    return handle, n


def export_plans(*, actor, filters):
    from ..selectors.mutualaid import filtered_plans

    require(actor, EXPORT)
    qs = filtered_plans(actor, filters).values_list(
        "year", "name", "premium", "enrol_from", "enrol_until", "coverage_starts", "coverage_ends",
        "hospital_deductible", "hospital_ratio", "hospital_cap", "serious_sum", "serious_cap", "overall_cap",
        "status")
    statuses = dict(PlanStatus.choices)

    def rows():
        for values in qs:
            row = list(values)
            row[13] = str(statuses.get(row[13], row[13]))
            yield row

    headers = [_("Year"), _("Name"), _("Premium per member"), _("Enrolment opens on"), _("Enrolment closes on"),
               _("Coverage starts on"), _("Coverage ends on"), _("Deductible"), _("Payout ratio"),
               _("Hospital cap"), _("Serious illness sum"), _("Serious illness cap"), _("Overall cap"), _("Status")]
    handle, n = _write(_("Mutual aid plans"), headers, [6, 24] + [12] * 12, rows())
    _audit_export(actor, "welfare.mutualaid_plan_export", "welfare.MutualAidPlanExport", None,
                  {"q": filters.q, "status": filters.status}, n)
    return handle, n
