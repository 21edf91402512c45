"""Every write of seasonal campaigns. Atomic, checked (`require`), locked, validated, audited
(`welfare.campaign_*`).

The rules that must never break:
- **The budget is never overspent.** An approval (and a goods distribution) locks the application
  first, then the budget row it consumes (the applicant's town's budget, or the organiser's pool
  when the town has none); the amount is added to `approved` only when `allocated − approved`
  covers it. Two approvals at the same moment queue on the budget row; the second sees what the
  first consumed. A DB check (`approved ≤ allocated`) backs it.
- **Once a year.** One live (not rejected, not withdrawn) application per person per campaign kind
  per year: checked with the person's row locked, and a partial unique constraint backs it.
- **Eligibility** is checked at submission and again at approval; every failing reason is listed.
- A payment (or the goods handed over) writes the person's help record (`record_help`) in the
  same transaction, so their hardship file shows it.
"""

import datetime
import tempfile
import uuid
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core import audit
from gonghui.core.errors import DomainError
from gonghui.core.locking import lock_one
from gonghui.core.policies import require
from gonghui.members.models import LIVE_STATUSES, Membership, Person
from gonghui.orgs.models import OrgLevel

from ..models.campaigns import (
    LIVE_APPLICATION_STATUSES,
    ApplicationChannel,
    ApplicationCounter,
    ApplicationStatus,
    BenefitKind,
    Campaign,
    CampaignApplication,
    CampaignBudget,
    CampaignKind,
    CampaignPayment,
    CampaignStatus,
    GoodsDistribution,
    PaymentMethod,
    SchoolLevel,
)
from ..models.hardship import HardshipCategory, HelpKind
from ..policies.campaigns import APPROVE, CHANGE, CONFIGURE, EXPORT, REVIEW, SUBMIT, WITHDRAWABLE
from ..rules.campaigns import rules

CENT = Decimal("0.01")
CAMPAIGN_FIELDS = ["kind", "year", "title", "org", "description", "opens_on", "closes_on", "status", "unions_apply",
                   "members_apply", "member_required", "hardship_required", "hardship_categories",
                   "migrant_required", "outside_province_required", "benefit", "fixed_amount", "school_amounts",
                   "goods"]
APPLICATION_FIELDS = ["status", "amount", "child_name", "child_school", "school_level", "route", "ticket_cost",
                      "reason", "review_note", "reject_reason", "budget", "findings"]
GOODS_FIELDS = ["items", "quantity", "value", "given_on", "person", "enterprise", "site"]
DETAIL_FIELDS = ("reason", "child_name", "child_school", "school_level", "route", "ticket_cost")


def today():
    return timezone.localdate()


@dataclass
class Finding:
    code: str
    message: str
    field: str = "person"

    def as_dict(self):
        return {"code": self.code, "message": str(self.message), "field": self.field}


class NotEligible(DomainError):
    """Eligibility refused: `findings` lists every failing reason."""

    def __init__(self, findings):
        self.findings = findings
        text = _("Not eligible: %(reasons)s") % {"reasons": "; ".join(str(f.message) for f in findings)}
        super().__init__(text, code=findings[0].code if len(findings) == 1 else "not_eligible",
                         field=findings[0].field if len(findings) == 1 else None)


# --- small checks ---------------------------------------------------------------------------------

def money(value, *, field, label, required=True, positive=False):
    """`value` as Decimal with 2 places, or DomainError naming the field."""
    if value in (None, ""):
        if required:
            raise DomainError(_("Enter %(label)s.") % {"label": label}, code="required", field=field)
        return None
    try:
        d = Decimal(str(value))
    except (InvalidOperation, ValueError) as exc:
        raise DomainError(_("%(label)s is not a number.") % {"label": label}, code="invalid", field=field) from exc
    if not d.is_finite():
        raise DomainError(_("%(label)s is not a number.") % {"label": label}, code="invalid", field=field)
    if d != d.quantize(CENT):
        raise DomainError(_("%(label)s has at most 2 decimal places (fen).") % {"label": label}, code="invalid",
                          field=field)
    if d < 0 or (positive and d == 0):
        raise DomainError(_("%(label)s must be more than zero.") % {"label": label} if positive
                          else _("%(label)s cannot be negative.") % {"label": label}, code="invalid", field=field)
    if d > Decimal(rules().max_amount):
        raise DomainError(_("%(label)s is more than %(max)s yuan; check the figure.")
                          % {"label": label, "max": rules().max_amount}, code="too_large", field=field)
    return d.quantize(CENT)


def _text(value, *, field, label, limit, required=False):
    value = (value or "").replace("\x00", "").strip()
    if required and not value:
        raise DomainError(_("Enter %(label)s.") % {"label": label}, code="required", field=field)
    if len(value) > limit:
        raise DomainError(_("%(label)s is longer than %(n)s characters.") % {"label": label, "n": limit},
                          code="too_long", field=field)
    return value


def _in_subtree(org, root) -> bool:
    return org is not None and root is not None and org.path.startswith(root.path)


def live_union_of(person):
    m = (Membership.objects.filter(person=person, status__in=LIVE_STATUSES).select_related("union")
         .order_by("-joined_on", "-pk").first())
    return m.union if m else None


# --- campaigns -----------------------------------------------------------------------------------

def default_school_amounts():
    return dict(rules().school_amounts)


def _clean_campaign(data: dict) -> dict:
    out = {}
    kind = data.get("kind")
    if kind not in CampaignKind.values:
        raise DomainError(_("Choose the kind of campaign."), code="required", field="kind")
    out["kind"] = kind
    try:
        year = int(data.get("year"))
    except (TypeError, ValueError):
        year = 0
    if not 2000 <= year <= 2100:
        raise DomainError(_("Enter a year between 2000 and 2100."), code="invalid", field="year")
    out["year"] = year
    out["title"] = _text(data.get("title"), field="title", label=_("the title"), limit=120, required=True)
    out["description"] = _text(data.get("description"), field="description", label=_("the description"),
                               limit=4000)
    opens_on, closes_on = data.get("opens_on"), data.get("closes_on")
    if not isinstance(opens_on, datetime.date):
        raise DomainError(_("Enter the date applications open."), code="required", field="opens_on")
    if not isinstance(closes_on, datetime.date):
        raise DomainError(_("Enter the date applications close."), code="required", field="closes_on")
    if closes_on < opens_on:
        raise DomainError(_("Applications cannot close before they open."), code="invalid", field="closes_on")
    if abs(opens_on.year - year) > 1:
        raise DomainError(_("The window must lie around the campaign's year."), code="invalid", field="opens_on")
    out["opens_on"], out["closes_on"] = opens_on, closes_on
    for name in ("unions_apply", "members_apply", "member_required", "hardship_required", "migrant_required",
                 "outside_province_required"):
        out[name] = bool(data.get(name))
    if not out["unions_apply"] and not out["members_apply"]:
        raise DomainError(_("Let unions, members or both apply."), code="required", field="unions_apply")
    cats = data.get("hardship_categories") or []
    if isinstance(cats, str):
        cats = [c for c in cats.split(",") if c]
    bad = [c for c in cats if c not in HardshipCategory.values]
    if bad:
        raise DomainError(_("Unknown hardship category: %(c)s.") % {"c": ", ".join(bad)}, code="invalid",
                          field="hardship_categories")
    if cats and not out["hardship_required"]:
        out["hardship_required"] = True
    out["hardship_categories"] = ",".join(c for c in HardshipCategory.values if c in cats)
    benefit = data.get("benefit")
    if benefit not in BenefitKind.values:
        raise DomainError(_("Choose what the campaign gives."), code="required", field="benefit")
    out["benefit"] = benefit
    amount = money(data.get("fixed_amount"), field="fixed_amount", label=_("The amount per person"),
                   required=False) or Decimal("0.00")
    out["fixed_amount"] = amount
    out["goods"] = _text(data.get("goods"), field="goods", label=_("the goods"), limit=200)
    out["school_amounts"] = {}
    if benefit == BenefitKind.FIXED and amount <= 0:
        raise DomainError(_("Enter the sum each person receives."), code="required", field="fixed_amount")
    if benefit == BenefitKind.TICKET and amount <= 0:
        raise DomainError(_("Enter the most a ticket subsidy may be."), code="required", field="fixed_amount")
    if benefit == BenefitKind.GOODS:
        if not out["goods"]:
            raise DomainError(_("Name the goods handed out."), code="required", field="goods")
        if amount <= 0:
            raise DomainError(_("Enter the value of the goods per person."), code="required", field="fixed_amount")
    if benefit == BenefitKind.BY_SCHOOL_LEVEL:
        table = data.get("school_amounts") or {}
        clean = {}
        for level, value in table.items():
            if level not in SchoolLevel.values:
                raise DomainError(_("Unknown school level: %(l)s.") % {"l": level}, code="invalid",
                                  field="school_amounts")
            d = money(value, field="school_amounts", label=SchoolLevel(level).label, required=False)
            if d:
                clean[level] = str(d)
        if not clean:
            raise DomainError(_("Enter the sum for at least one school level."), code="required",
                              field="school_amounts")
        out["school_amounts"] = clean
    return out


@transaction.atomic
def create_campaign(*, actor, org, data: dict) -> Campaign:
    """The district (`welfare.configure`) defines a campaign (DRAFT)."""
    require(actor, CONFIGURE, org)
    if org.level not in (OrgLevel.DISTRICT, OrgLevel.TOWN, OrgLevel.PLATFORM):
        raise DomainError(_("Campaigns are run by the district or a town."), code="invalid", field="org")
    clean = _clean_campaign(data)
    c = Campaign(org=org, created_by=actor if getattr(actor, "pk", None) else None, **clean)
    c.full_clean(exclude=["created_by"])
    c.save()
    audit.record(actor=actor, action="welfare.campaign_create", obj=c, org=org,
                 after=audit.snapshot(c, fields=CAMPAIGN_FIELDS))
    return c


@transaction.atomic
def update_campaign(*, actor, campaign, data: dict) -> Campaign:
    require(actor, CONFIGURE, campaign.org)
    c = lock_one(Campaign, campaign.pk)
    if c.status == CampaignStatus.CLOSED:
        raise DomainError(_("A closed campaign cannot be changed."), code="wrong_stage")
    clean = _clean_campaign(data)
    if c.applications.exists() and (clean["kind"] != c.kind or clean["year"] != c.year):
        raise DomainError(_("The kind and year cannot change once applications exist."), code="wrong_stage",
                          field="kind")
    before = audit.snapshot(c, fields=CAMPAIGN_FIELDS)
    for k, v in clean.items():
        setattr(c, k, v)
    c.full_clean(exclude=["created_by"])
    c.save()
    b, a = audit.changed(before, audit.snapshot(c, fields=CAMPAIGN_FIELDS))
    audit.record(actor=actor, action="welfare.campaign_update", obj=c, org=c.org, before=b, after=a)
    return c


@transaction.atomic
def set_campaign_status(*, actor, campaign, status) -> Campaign:
    """Open a draft (or reopen a closed one), or close an open campaign."""
    require(actor, CONFIGURE, campaign.org)
    c = lock_one(Campaign, campaign.pk)
    allowed = {CampaignStatus.OPEN: (CampaignStatus.DRAFT, CampaignStatus.CLOSED),
               CampaignStatus.CLOSED: (CampaignStatus.OPEN,)}
    if status not in allowed or c.status not in allowed[status]:
        raise DomainError(_("This step is not possible: the campaign is “%(status)s”.")
                          % {"status": c.get_status_display()}, code="wrong_stage")
    if status == CampaignStatus.OPEN and not c.budgets.exists():
        raise DomainError(_("Allocate a budget before opening the campaign."), code="no_budget", field="budget")
    before = c.status
    c.status = status
    c.save(update_fields=["status", "updated_at"])
    audit.record(actor=actor, action="welfare.campaign_open" if status == CampaignStatus.OPEN
                 else "welfare.campaign_close", obj=c, org=c.org, before={"status": before}, after={"status": status})
    return c


@transaction.atomic
def set_budget(*, actor, campaign, org, allocated) -> CampaignBudget:
    """Allocate (or change) the budget of `org` — the organiser's own pool or a town inside its
    area. Never below what is already approved from it."""
    require(actor, CONFIGURE, campaign.org)
    if org is None or not (org.pk == campaign.org_id or (_in_subtree(org, campaign.org)
                                                         and org.level in (OrgLevel.TOWN, OrgLevel.PLATFORM))):
        raise DomainError(_("A budget goes to the organiser itself or to a town inside its area."),
                          code="invalid", field="org")
    amount = money(allocated, field="allocated", label=_("The allocated sum"))
    lock_one(Campaign, campaign.pk)
    budget = CampaignBudget.objects.select_for_update().filter(campaign=campaign, org=org).first()
    if budget is None:
        budget = CampaignBudget.objects.create(campaign=campaign, org=org, allocated=amount)
        audit.record(actor=actor, action="welfare.campaign_budget", obj=budget, org=campaign.org,
                     after={"org": org.pk, "allocated": str(amount)})
        return budget
    if amount < budget.approved:
        raise DomainError(_("%(org)s has already approved %(approved)s yuan; the budget cannot be less.")
                          % {"org": org.name, "approved": budget.approved}, code="below_approved", field="allocated")
    before = str(budget.allocated)
    budget.allocated = amount
    budget.save(update_fields=["allocated", "updated_at"])
    audit.record(actor=actor, action="welfare.campaign_budget", obj=budget, org=campaign.org,
                 before={"allocated": before}, after={"org": org.pk, "allocated": str(amount)})
    return budget


# --- eligibility ---------------------------------------------------------------------------------

def amount_for(campaign, details: dict) -> Decimal:
    if campaign.benefit == BenefitKind.BY_SCHOOL_LEVEL:
        return campaign.amount_for_level(details.get("school_level")) or Decimal("0.00")
    if campaign.benefit == BenefitKind.TICKET:
        cost = details.get("ticket_cost") or Decimal("0")
        return min(Decimal(cost), campaign.fixed_amount).quantize(CENT)
    return campaign.fixed_amount


def clean_details(campaign, data: dict) -> dict:
    """The application's details, shaped and checked field by field (what is missing for this
    kind of campaign is an eligibility finding, not an error here)."""
    out = {
        "reason": _text(data.get("reason"), field="reason", label=_("the situation"), limit=2000),
        "child_name": _text(data.get("child_name"), field="child_name", label=_("the child's name"), limit=40),
        "child_school": _text(data.get("child_school"), field="child_school", label=_("the child's school"),
                              limit=100),
        "school_level": data.get("school_level") or "",
        "route": _text(data.get("route"), field="route", label=_("the route"), limit=100),
        "ticket_cost": money(data.get("ticket_cost"), field="ticket_cost", label=_("The ticket cost"),
                             required=False),
    }
    if out["school_level"] and out["school_level"] not in SchoolLevel.values:
        raise DomainError(_("Choose the child's school level."), code="invalid", field="school_level")
    return out


def eligibility(campaign, person, union, details: dict, *, channel=ApplicationChannel.UNION, at_submission=True,
                exclude=None, day=None) -> list[Finding]:
    """Every reason `person` (applying through `union`) cannot receive `campaign`; [] = eligible."""
    from ..selectors.hardship import active_file_of

    found = []
    day = day or today()
    if at_submission:
        if campaign.status != CampaignStatus.OPEN:
            found.append(Finding("not_open", _("The campaign is not open for applications (“%(status)s”).")
                                 % {"status": campaign.get_status_display()}, "campaign"))
        elif not campaign.opens_on <= day <= campaign.closes_on:
            found.append(Finding("window", _("Applications are taken from %(a)s to %(b)s.")
                                 % {"a": campaign.opens_on.isoformat(), "b": campaign.closes_on.isoformat()},
                                 "campaign"))
        if channel == ApplicationChannel.UNION and not campaign.unions_apply:
            found.append(Finding("channel", _("This campaign takes applications from members themselves only."),
                                 "campaign"))
        if channel == ApplicationChannel.SELF and not campaign.members_apply:
            found.append(Finding("channel", _("This campaign takes applications through the unions only; ask "
                                              "your union."), "campaign"))
    if union is None or not _in_subtree(union, campaign.org):
        found.append(Finding("out_of_area", _("%(name)s's union is outside the organiser's area (%(org)s).")
                             % {"name": person.name, "org": campaign.org.name}, "union"))
    if campaign.member_required:
        live = Membership.objects.filter(person=person, status__in=LIVE_STATUSES)
        if union is not None:
            live = live.filter(union=union)
        if not live.exists():
            found.append(Finding("not_a_member", _("%(name)s is not a live member of %(union)s.")
                                 % {"name": person.name, "union": union.name if union else "—"}))
    if campaign.hardship_required:
        file = active_file_of(person)
        if file is None:
            found.append(Finding("no_hardship_file", _("%(name)s has no hardship file on record.")
                                 % {"name": person.name}))
        elif campaign.categories and file.category not in campaign.categories:
            found.append(Finding("hardship_category", _("%(name)s's hardship category (%(cat)s) is not one this "
                                                        "campaign helps.")
                                 % {"name": person.name, "cat": file.get_category_display() or "—"}))
    if campaign.migrant_required and not person.is_migrant:
        found.append(Finding("not_migrant", _("%(name)s is not registered as a migrant worker.")
                             % {"name": person.name}))
    if campaign.outside_province_required and (not person.hometown_province
                                               or person.hometown_province == rules().home_province):
        found.append(Finding("hometown", _("%(name)s's hometown is not outside %(province)s.")
                             % {"name": person.name, "province": rules().home_province}))
    if campaign.benefit == BenefitKind.BY_SCHOOL_LEVEL:
        if not details.get("child_name"):
            found.append(Finding("required", _("Enter the child's name."), "child_name"))
        if not details.get("child_school"):
            found.append(Finding("required", _("Enter the child's school."), "child_school"))
        level = details.get("school_level")
        if not level:
            found.append(Finding("required", _("Choose the child's school level."), "school_level"))
        elif campaign.amount_for_level(level) is None:
            found.append(Finding("school_level", _("This campaign does not help children at “%(level)s”.")
                                 % {"level": SchoolLevel(level).label}, "school_level"))
    if campaign.benefit == BenefitKind.TICKET:
        if not details.get("route"):
            found.append(Finding("required", _("Enter the route home (from – to)."), "route"))
        if not details.get("ticket_cost"):
            found.append(Finding("required", _("Enter the ticket cost."), "ticket_cost"))
    other = CampaignApplication.objects.filter(person=person, kind=campaign.kind, year=campaign.year,
                                               status__in=LIVE_APPLICATION_STATUSES)
    if exclude is not None:
        other = other.exclude(pk=exclude)
    other = other.first()
    if other is not None:
        found.append(Finding("once_a_year", _("%(name)s already has application %(number)s for a “%(kind)s” campaign "
                                              "in %(year)s (one a year).")
                             % {"name": person.name, "number": other.number, "kind": campaign.get_kind_display(),
                                "year": campaign.year}))
    return found


# --- applications --------------------------------------------------------------------------------

def next_number(year: int) -> str:
    counter = ApplicationCounter.objects.select_for_update().filter(year=year).first()
    if counter is None:
        try:
            with transaction.atomic():
                ApplicationCounter.objects.create(year=year, last=0)
        except IntegrityError:
            pass
        counter = ApplicationCounter.objects.select_for_update().get(year=year)
    counter.last += 1
    prefix = f"{rules().number_prefix}{year}-"
    while CampaignApplication.objects.filter(number=f"{prefix}{counter.last:04d}").exists():
        counter.last += 1
    counter.save(update_fields=["last"])
    return f"{prefix}{counter.last:04d}"


def _snapshot(x):
    """The application's audited fields; the budget as the org whose budget it is (shown by name in
    the history, a budget row has no name of its own)."""
    snap = audit.snapshot(x, fields=[f for f in APPLICATION_FIELDS if f != "budget"])
    snap["budget_org"] = x.budget.org_id if x.budget_id else None
    return snap


def _create(*, actor, campaign, person, union, channel, data, submit) -> CampaignApplication:
    if person is None:
        raise DomainError(_("Choose the applicant."), code="required", field="person")
    campaign = lock_one(Campaign, campaign.pk)
    person = lock_one(Person, person.pk)  # one application at a time per person: the once-a-year rule
    details = clean_details(campaign, data)
    found = eligibility(campaign, person, union, details, channel=channel)
    if submit and found:
        raise NotEligible(found)
    once = [f for f in found if f.code in ("once_a_year", "not_open", "window", "channel", "out_of_area")]
    if once:
        raise NotEligible(once)
    from ..selectors.hardship import active_file_of

    now = timezone.now()
    x = CampaignApplication(
        number=next_number(campaign.year), campaign=campaign, kind=campaign.kind, year=campaign.year,
        person=person, union=union, town=union.town(), channel=channel,
        status=ApplicationStatus.SUBMITTED if submit else ApplicationStatus.DRAFT,
        amount=amount_for(campaign, details), findings=[f.as_dict() for f in found],
        on_hardship_file=active_file_of(person) is not None,
        created_by=actor if getattr(actor, "pk", None) else None, submitted_at=now if submit else None, **details)
    try:
        with transaction.atomic():
            x.save()
    except IntegrityError as exc:
        raise DomainError(_("This person already has an application of this kind of campaign this year."),
                          code="once_a_year", field="person") from exc
    audit.record(actor=actor, action="welfare.campaign_apply", obj=x, org=union,
                 after={**{k: v for k, v in _snapshot(x).items() if v not in (None, "", [], {})},
                        "person": person.pk, "campaign": campaign.pk, "channel": channel})
    return x


@transaction.atomic
def apply_for_member(*, actor, campaign, union, person, data: dict, submit=True) -> CampaignApplication:
    """A union (`welfare.submit` on it) applies for one of its members: SUBMITTED (or a DRAFT)."""
    require(actor, SUBMIT, union)
    if union.level != OrgLevel.GRASSROOTS:
        raise DomainError(_("Applications come from the member's grassroots union: choose the union."),
                          code="not_a_union", field="union")
    return _create(actor=actor, campaign=campaign, person=person, union=union, channel=ApplicationChannel.UNION,
                   data=data, submit=submit)


@transaction.atomic
def apply_self(*, user, person, campaign, data: dict) -> CampaignApplication:
    """A member applies for themself from the member page (`person` = person_of_account(user))."""
    if person is None:
        raise DomainError(_("Your login is not linked to a member record."), code="no_person")
    union = live_union_of(person)
    if union is None:
        raise DomainError(_("You have no live membership; ask your union."), code="not_a_member")
    return _create(actor=user, campaign=campaign, person=person, union=union, channel=ApplicationChannel.SELF,
                   data=data, submit=True)


def _load(application):
    x = CampaignApplication.objects.select_for_update().get(pk=application.pk)
    x.campaign = Campaign.objects.select_related("org").get(pk=x.campaign_id)
    return x


def review_org(x):
    """Who reviews: the applicant's town (the organiser when the union has no town above it)."""
    return x.town if x.town_id else x.campaign.org


def _stage(x, *stages):
    if x.status not in stages:
        raise DomainError(_("This step is not possible: the application is “%(status)s”.")
                          % {"status": x.get_status_display()}, code="wrong_stage")


def _write(actor, action, x, before, org, fields, **extra):
    x.save(update_fields=[*fields, "updated_at"])
    b, a = audit.changed(before, _snapshot(x))
    audit.record(actor=actor, action=action, obj=x, org=org, before=b, after={**a, **extra})
    return x


@transaction.atomic
def submit_application(*, actor, application, data: dict | None = None) -> CampaignApplication:
    """The union submits its draft (details may be corrected); eligibility is checked again."""
    require(actor, SUBMIT, application.union)
    x = _load(application)
    _stage(x, ApplicationStatus.DRAFT)
    lock_one(Person, x.person_id)
    before = _snapshot(x)
    if data is not None:
        for k, v in clean_details(x.campaign, data).items():
            setattr(x, k, v)
    details = {k: getattr(x, k) for k in DETAIL_FIELDS}
    found = eligibility(x.campaign, x.person, x.union, details, channel=x.channel, exclude=x.pk)
    if found:
        raise NotEligible(found)
    x.amount, x.findings = amount_for(x.campaign, details), []
    x.status, x.submitted_at = ApplicationStatus.SUBMITTED, timezone.now()
    return _write(actor, "welfare.campaign_submit", x, before, x.union,
                  ["status", "submitted_at", "amount", "findings", *DETAIL_FIELDS])


@transaction.atomic
def review_application(*, actor, application, note="") -> CampaignApplication:
    """The applicant's town (`welfare.review`) passes a submitted application on for approval."""
    x = _load(application)
    require(actor, REVIEW, review_org(x))
    _stage(x, ApplicationStatus.SUBMITTED)
    note = _text(note, field="note", label=_("the note"), limit=400)
    before = _snapshot(x)
    x.status, x.reviewed_by, x.reviewed_at, x.review_note = (ApplicationStatus.TOWN_REVIEWED, actor, timezone.now(),
                                                             note)
    return _write(actor, "welfare.campaign_review", x, before, review_org(x),
                  ["status", "reviewed_by", "reviewed_at", "review_note"])


def budget_for(campaign, town, *, lock=True):
    """The budget an approval in `town` consumes: the town's own, else the organiser's pool."""
    qs = CampaignBudget.objects.select_for_update() if lock else CampaignBudget.objects
    budget = None
    if town is not None:
        budget = qs.filter(campaign=campaign, org=town).first()
    if budget is None:
        budget = qs.filter(campaign=campaign, org=campaign.org).first()
    return budget


def _consume(budget, amount, *, who):
    if budget is None:
        raise DomainError(_("No budget for %(org)s in this campaign: ask the district to allocate one.")
                          % {"org": who}, code="no_budget", field="budget")
    if budget.approved + amount > budget.allocated:
        raise DomainError(_("The budget of %(org)s cannot cover %(amount)s yuan: %(left)s yuan of %(total)s are left.")
                          % {"org": budget.org.name, "amount": amount, "left": budget.allocated - budget.approved,
                             "total": budget.allocated}, code="over_budget", field="budget")
    budget.approved += amount
    budget.save(update_fields=["approved", "updated_at"])


@transaction.atomic
def approve_application(*, actor, application, note="") -> CampaignApplication:
    """The organiser (`welfare.approve`) approves a town-reviewed application: eligibility is checked
    again (every failing reason listed), then the budget row is locked and consumed."""
    x = _load(application)
    require(actor, APPROVE, x.campaign.org)
    _stage(x, ApplicationStatus.TOWN_REVIEWED)
    details = {k: getattr(x, k) for k in DETAIL_FIELDS}
    found = eligibility(x.campaign, x.person, x.union, details, channel=x.channel, at_submission=False,
                        exclude=x.pk)
    if found:
        raise NotEligible(found)
    before = _snapshot(x)
    town = x.town
    budget = budget_for(x.campaign, town)
    _consume(budget, x.amount, who=town.name if town else x.union.name)
    note = _text(note, field="note", label=_("the note"), limit=400)
    x.status, x.approved_by, x.approved_at, x.budget = ApplicationStatus.APPROVED, actor, timezone.now(), budget
    if note:
        x.review_note = (f"{x.review_note} / {note}" if x.review_note else note)[:400]
    return _write(actor, "welfare.campaign_approve", x, before, x.campaign.org,
                  ["status", "approved_by", "approved_at", "budget", "review_note"])


@transaction.atomic
def reject_application(*, actor, application, reason) -> CampaignApplication:
    """The town (at review) or the organiser (before approval) rejects, with the reason."""
    x = _load(application)
    if x.status == ApplicationStatus.SUBMITTED:
        if not (getattr(actor, "is_authenticated", False) and actor.can(REVIEW, review_org(x))):
            require(actor, APPROVE, x.campaign.org)
    else:
        require(actor, APPROVE, x.campaign.org)
        _stage(x, ApplicationStatus.TOWN_REVIEWED)
    reason = _text(reason, field="reason", label=_("the reason for rejection"), limit=400, required=True)
    before = _snapshot(x)
    x.status, x.rejected_at, x.reject_reason = ApplicationStatus.REJECTED, timezone.now(), reason
    return _write(actor, "welfare.campaign_reject", x, before, review_org(x),
                  ["status", "rejected_at", "reject_reason"])


def _withdraw(actor, x, reason):
    _stage(x, *WITHDRAWABLE)
    before = _snapshot(x)
    x.status, x.withdrawn_at = ApplicationStatus.WITHDRAWN, timezone.now()
    x.review_note = _text(reason, field="reason", label=_("the reason"), limit=400) or x.review_note
    return _write(actor, "welfare.campaign_withdraw", x, before, x.union, ["status", "withdrawn_at", "review_note"])


@transaction.atomic
def withdraw_application(*, actor, application, reason="") -> CampaignApplication:
    require(actor, SUBMIT, application.union)
    return _withdraw(actor, _load(application), reason)


@transaction.atomic
def withdraw_own(*, user, person, application, reason="") -> CampaignApplication:
    if person is None or application.person_id != person.pk:
        raise DomainError(_("This is not your application."), code="forbidden")
    return _withdraw(user, _load(application), reason)


# --- payments and goods --------------------------------------------------------------------------

def _pay_check(actor, x):
    orgs = [x.campaign.org] + ([x.budget.org] if x.budget_id else [])
    require(actor, CHANGE, *orgs)
    _stage(x, ApplicationStatus.APPROVED)


def _date(value, *, field, label):
    if not isinstance(value, datetime.date):
        raise DomainError(_("Enter %(label)s.") % {"label": label}, code="required", field=field)
    if value > today():
        raise DomainError(_("%(label)s cannot be in the future.") % {"label": label}, code="invalid", field=field)
    if value.year < 2000:
        raise DomainError(_("Enter a date after 2000."), code="invalid", field=field)
    return value


@transaction.atomic
def record_payment(*, actor, application, paid_on, method, reference="", amount=None) -> CampaignPayment:
    """Pay an approved application (at most the approved sum; what is not paid goes back to the
    budget). Writes the person's help record in the same transaction."""
    from .hardship import record_help

    x = _load(application)
    if x.budget_id:
        x.budget = CampaignBudget.objects.select_related("org").get(pk=x.budget_id)
    _pay_check(actor, x)
    if x.campaign.benefit == BenefitKind.GOODS:
        raise DomainError(_("This campaign gives goods: record the goods handed over instead."), code="goods_only",
                          field="method")
    if method not in PaymentMethod.values:
        raise DomainError(_("Choose how it was paid."), code="required", field="method")
    paid_on = _date(paid_on, field="paid_on", label=_("the payment date"))
    amount = x.amount if amount in (None, "") else money(amount, field="amount", label=_("The amount paid"),
                                                          positive=True)
    if amount > x.amount:
        raise DomainError(_("At most the approved %(amount)s yuan can be paid.") % {"amount": x.amount},
                          code="over_approved", field="amount")
    reference = _text(reference, field="reference", label=_("the reference"), limit=60)
    if method == PaymentMethod.BANK and not reference:
        raise DomainError(_("Enter the bank transfer's reference."), code="required", field="reference")
    budget = CampaignBudget.objects.select_for_update().get(pk=x.budget_id) if x.budget_id else None
    if budget is not None:
        budget.approved -= x.amount - amount  # what is not paid goes back to the budget
        budget.paid += amount
        budget.save(update_fields=["approved", "paid", "updated_at"])
    payment = CampaignPayment.objects.create(application=x, amount=amount, paid_on=paid_on, method=method,
                                             reference=reference,
                                             recorded_by=actor if getattr(actor, "pk", None) else None)
    before = _snapshot(x)
    x.status = ApplicationStatus.PAID
    _write(actor, "welfare.campaign_pay", x, before, x.campaign.org, ["status"], paid=str(amount),
           paid_on=paid_on.isoformat(), method=method, reference=payment.reference)
    record_help(actor=actor, person=x.person, org=budget.org if budget else x.campaign.org, kind=HelpKind.CAMPAIGN,
                source_key=f"welfare.CampaignPayment:{payment.pk}", source_label=x.campaign.title[:120],
                given_on=paid_on, amount=amount)
    return payment


def _goods_fields(items, quantity, given_on):
    items = _text(items, field="items", label=_("the items"), limit=200, required=True)
    try:
        quantity = int(quantity)
    except (TypeError, ValueError):
        quantity = 0
    if not 1 <= quantity <= 100000:
        raise DomainError(_("Enter a quantity between 1 and 100000."), code="invalid", field="quantity")
    return items, quantity, _date(given_on, field="given_on", label=_("the date given"))


@transaction.atomic
def hand_over_goods(*, actor, application, items="", quantity=1, given_on=None) -> GoodsDistribution:
    """The goods of an approved application of a goods campaign were handed to the person."""
    from .hardship import record_help

    x = _load(application)
    if x.budget_id:
        x.budget = CampaignBudget.objects.select_related("org").get(pk=x.budget_id)
    _pay_check(actor, x)
    items, quantity, given_on = _goods_fields(items or x.campaign.goods, quantity, given_on)
    budget = CampaignBudget.objects.select_for_update().get(pk=x.budget_id) if x.budget_id else None
    if budget is not None:
        budget.paid += x.amount
        budget.save(update_fields=["paid", "updated_at"])
    org = budget.org if budget else x.campaign.org
    g = GoodsDistribution.objects.create(campaign=x.campaign, org=org, application=x, person=x.person, items=items,
                                         quantity=quantity, value=x.amount, given_on=given_on, budget=budget,
                                         recorded_by=actor if getattr(actor, "pk", None) else None)
    before = _snapshot(x)
    x.status = ApplicationStatus.PAID
    _write(actor, "welfare.campaign_pay", x, before, x.campaign.org, ["status"], goods=f"{items} × {quantity}")
    record_help(actor=actor, person=x.person, org=org, kind=HelpKind.CAMPAIGN,
                source_key=f"welfare.GoodsDistribution:{g.pk}", source_label=x.campaign.title[:120],
                given_on=given_on, amount=x.amount, goods=f"{items} × {quantity}")
    return g


@transaction.atomic
def record_goods(*, actor, campaign, org, items, quantity, value, given_on, person=None, enterprise=None,
                 site="") -> GoodsDistribution:
    """`org` (`welfare.change`) handed goods out in `campaign` — to a person, or to an enterprise or
    site (a 高温慰问 visit). The value is consumed from the budget of the org's town (or the
    organiser's pool), locked like an approval."""
    from .hardship import record_help

    require(actor, CHANGE, org)
    campaign = Campaign.objects.select_related("org").get(pk=campaign.pk)
    if not _in_subtree(org, campaign.org):
        raise DomainError(_("%(org)s is outside the organiser's area.") % {"org": org.name}, code="out_of_area",
                          field="org")
    if campaign.status == CampaignStatus.DRAFT:
        raise DomainError(_("The campaign is not open yet."), code="not_open", field="campaign")
    if org.level not in (OrgLevel.DISTRICT, OrgLevel.TOWN, OrgLevel.PLATFORM):
        raise DomainError(_("Goods are recorded by the town or the district whose budget pays for them."),
                          code="not_budget_holder", field="org")
    items, quantity, given_on = _goods_fields(items, quantity, given_on)
    value = money(value, field="value", label=_("The value"))
    site = _text(site, field="site", label=_("the site"), limit=100)
    if person is None and enterprise is None and not site:
        raise DomainError(_("Name who received the goods: a person, an enterprise or a site."), code="required",
                          field="person")
    if enterprise is not None and enterprise.town_id and campaign.org.level != OrgLevel.DISTRICT \
            and not _in_subtree(enterprise.town, campaign.org):
        raise DomainError(_("The enterprise is outside the organiser's area."), code="out_of_area",
                          field="enterprise")
    town = org.town()
    budget = budget_for(campaign, town)
    if budget is not None:
        budget = CampaignBudget.objects.select_for_update().select_related("org").get(pk=budget.pk)
    _consume(budget, value, who=(town or org).name)
    budget.paid += value
    budget.save(update_fields=["paid", "updated_at"])
    g = GoodsDistribution.objects.create(campaign=campaign, org=org, person=person, enterprise=enterprise, site=site,
                                         items=items, quantity=quantity, value=value, given_on=given_on,
                                         budget=budget, recorded_by=actor if getattr(actor, "pk", None) else None)
    audit.record(actor=actor, action="welfare.campaign_goods", obj=g, org=org,
                 after={**{k: v for k, v in audit.snapshot(g, fields=GOODS_FIELDS).items() if v not in (None, "")},
                        "campaign": campaign.pk})
    if person is not None and value > 0:
        record_help(actor=actor, person=person, org=org, kind=HelpKind.CAMPAIGN,
                    source_key=f"welfare.GoodsDistribution:{g.pk}", source_label=campaign.title[:120],
                    given_on=given_on, amount=value, goods=f"{items} × {quantity}")
    return g


# --- exports -------------------------------------------------------------------------------------

class _ExportRef:
    def __init__(self, ref):
        self.pk = ref

    def __str__(self):
        return self.pk


def _audit_export(actor, action, object_type, filters, rows):
    from gonghui.orgs.models import Org

    ref = _ExportRef(uuid.uuid4().hex)
    if getattr(filters, "org", None) is not None:
        places = [filters.org]
    elif actor.is_superuser:
        places = list(Org.objects.filter(depth=1))
    else:
        places = list(Org.objects.filter(path__in=actor.scope_paths(EXPORT)))
    for place in places or [None]:
        audit.record(actor=actor, action=action, obj=ref, object_type=object_type, org=place,
                     after={"filters": filters.as_audit(), "rows": rows})


def _xlsx(title, headers, widths, rows_iter, text_columns=()):
    from gonghui.core.excel import XlsxStream

    handle = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 — the response closes it
    n = 0
    with XlsxStream(handle) as book:
        sheet = book.sheet(title, headers=headers, widths=widths, text_columns=text_columns)
        for row in rows_iter:
            sheet.append(row)
            n += 1
    return handle, n


def export_applications(*, actor, filters):
    from ..selectors.campaigns import filtered_applications

    require(actor, EXPORT, filters.org) if filters.org else require(actor, EXPORT)
    exportable = CampaignApplication.objects.visible_to(actor, EXPORT).values("pk")
    qs = (filtered_applications(actor, filters).filter(pk__in=exportable).order_by("-id")
          .values_list("number", "campaign__year", "campaign__title", "kind", "person__name",
                       "person__id_number_masked", "union__name", "town__name", "channel", "status", "amount",
                       "school_level", "child_name", "route", "submitted_at", "approved_at", "reject_reason"))
    statuses, kinds = dict(ApplicationStatus.choices), dict(CampaignKind.choices)
    channels, levels = dict(ApplicationChannel.choices), dict(SchoolLevel.choices)

    def when(v):
        return timezone.localtime(v).strftime("%Y-%m-%d %H:%M") if v else ""

    def rows():
        for v in qs.iterator(chunk_size=1000):
            r = list(v)
            r[3], r[8], r[9] = str(kinds.get(r[3], r[3])), str(channels.get(r[8], r[8])), str(statuses.get(r[9], r[9]))
            r[10] = float(r[10])
            r[11] = str(levels.get(r[11], r[11])) if r[11] else ""
            r[14], r[15] = when(r[14]), when(r[15])
            yield r

    headers = [_("Application number"), _("Year"), _("Campaign"), _("Campaign kind"), _("Name"), _("ID card number"),
               _("Union"), _("Town"), _("Applied through"), _("Status"), _("Amount (yuan)"), _("School level"),
               _("Child's name"), _("Route"), _("Submitted at"), _("Approved at"), _("Reason for rejection")]
    handle, n = _xlsx(_("Campaign applications"), headers, [14, 6, 30, 16, 10, 20, 30, 16, 10, 12, 12, 14, 10, 20,
                                                             16, 16, 30], rows(), text_columns=(0, 5))
    _audit_export(actor, "welfare.campaign_export", "welfare.CampaignApplicationExport", filters, n)
    return handle, n


def export_payments(*, actor, filters):
    from ..selectors.campaigns import filtered_payments

    require(actor, EXPORT, filters.org) if filters.org else require(actor, EXPORT)
    exportable = CampaignPayment.objects.visible_to(actor, EXPORT).values("pk")
    qs = (filtered_payments(actor, filters).filter(pk__in=exportable).order_by("-id")
          .values_list("application__number", "application__campaign__title", "application__person__name",
                       "application__union__name", "application__town__name", "amount", "paid_on", "method",
                       "reference"))
    methods = dict(PaymentMethod.choices)

    def rows():
        for v in qs.iterator(chunk_size=1000):
            r = list(v)
            r[5], r[6], r[7] = float(r[5]), r[6].isoformat(), str(methods.get(r[7], r[7]))
            yield r

    headers = [_("Application number"), _("Campaign"), _("Name"), _("Union"), _("Town"), _("Amount (yuan)"),
               _("Paid on"), _("Method"), _("Reference")]
    handle, n = _xlsx(_("Campaign payments"), headers, [14, 30, 10, 30, 16, 12, 12, 12, 20], rows(),
                      text_columns=(0, 8))
    _audit_export(actor, "welfare.campaign_payments_export", "welfare.CampaignPaymentExport", filters, n)
    return handle, n


def export_campaigns(*, actor, filters):
    from ..selectors.campaigns import campaign_totals, filtered_campaigns

    require(actor, EXPORT)
    campaigns = list(filtered_campaigns(actor, filters).select_related("org").order_by("-year", "-id")[:5000])
    totals = campaign_totals([c.pk for c in campaigns], actor)  # the figures the actor may see
    kinds, statuses = dict(CampaignKind.choices), dict(CampaignStatus.choices)

    def rows():
        for c in campaigns:
            t = totals.get(c.pk, {})
            yield [c.year, c.title, str(kinds.get(c.kind, c.kind)), c.org.name, str(statuses.get(c.status, c.status)),
                   c.opens_on.isoformat(), c.closes_on.isoformat(), float(t.get("allocated", 0)),
                   float(t.get("approved", 0)), float(t.get("paid", 0))]

    headers = [_("Year"), _("Title"), _("Campaign kind"), _("Organiser"), _("Status"), _("Applications open on"),
               _("Applications close on"), _("Budget (yuan)"), _("Approved (yuan)"), _("Paid (yuan)")]
    handle, n = _xlsx(_("Campaigns"), headers, [6, 30, 16, 24, 8, 12, 12, 12, 12, 12], rows())
    _audit_export(actor, "welfare.campaign_list_export", "welfare.CampaignExport", filters, n)
    return handle, n


def export_goods(*, actor, filters):
    from ..selectors.campaigns import filtered_goods

    require(actor, EXPORT, filters.org) if filters.org else require(actor, EXPORT)
    exportable = GoodsDistribution.objects.visible_to(actor, EXPORT).values("pk")
    qs = (filtered_goods(actor, filters).filter(pk__in=exportable).order_by("-id")
          .values_list("campaign__title", "org__name", "person__name", "enterprise__name", "site", "items",
                       "quantity", "value", "given_on"))

    def rows():
        for v in qs.iterator(chunk_size=1000):
            r = list(v)
            r[2], r[3] = r[2] or "", r[3] or ""
            r[7], r[8] = float(r[7]), r[8].isoformat()
            yield r

    headers = [_("Campaign"), _("Given by"), _("Recipient"), _("Enterprise"), _("Site"), _("Items"), _("Quantity"),
               _("Value (yuan)"), _("Given on")]
    handle, n = _xlsx(_("Goods handed out"), headers, [30, 24, 10, 24, 20, 24, 8, 12, 12], rows())
    _audit_export(actor, "welfare.campaign_goods_export", "welfare.GoodsDistributionExport", filters, n)
    return handle, n
