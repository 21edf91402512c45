"""/campaigns, /campaign-applications, /campaign-payments: seasonal campaigns (春风行动, 高温慰问,
金秋助学, 平安返乡, ad-hoc).

- Reads go through the selectors (scope: campaigns through the organiser's and the budget orgs'
  subtrees; applications through the applicant's union and the organiser; payments through their
  application). Out of scope answers 404 like a missing record; a campaign, union or person named
  in a body the caller cannot use is 400 `unknown_reference` on that field.
- `POST /campaign-applications`: a union (`welfare.submit`) applies for a live member of its own
  (`submit: false` keeps a draft). Eligibility refusals are 400 with one item per failing reason in
  `errors` (codes: `not_open`, `window`, `channel`, `out_of_area`, `not_a_member`, `no_hardship_file`,
  `hardship_category`, `not_migrant`, `hometown`, `school_level`, `required`, `once_a_year`).
- Actions `POST /campaign-applications/{id}/<step>`: `submit` (union), `review` (town), `approve`
  (organiser: 400 `over_budget` / `no_budget` when the budget cannot cover it), `reject` (reason),
  `withdraw` (union), `pay` (amount ≤ approved, paid_on, method, reference). A step the record's
  stage does not allow is 409 `wrong_stage`; a step not the caller's is 403.
- Lists: keyset pagination, newest first: `?after=<next_after>&limit=1..200`; counts are capped.
  `GET /campaigns` rows carry the budget totals the caller may see (the district: the whole
  campaign; a town or a union: its town's line), as the budget lines of `GET /campaigns/{id}`.
"""

import datetime
from decimal import Decimal

from ninja import Field, Header, Query, Router
from pydantic import ConfigDict

from gonghui.core.api_support import (
    IDEMPOTENCY_HEADER_DOC,
    READ_ERRORS,
    WRITE_ERRORS,
    ApiError,
    ApiSchema,
    Id,
    PageMeta,
    PageParams,
    Ref,
    Text,
    idempotent,
    not_found,
    paginate,
    ref,
    resolve,
    workflow_actions,
)
from gonghui.core.policies import require
from gonghui.members.models import Person
from gonghui.orgs.models import Org

from .models.campaigns import (
    ApplicationChannel,
    ApplicationStatus,
    BenefitKind,
    Campaign,
    CampaignKind,
    CampaignStatus,
    PaymentMethod,
    SchoolLevel,
)
from .policies import campaigns as policies
from .selectors import campaigns as selectors
from .services import campaigns as services

router = Router(tags=["campaigns"])


# --- schemas -----------------------------------------------------------------------------------------

class BudgetOut(ApiSchema):
    org: Ref
    allocated: Decimal
    approved: Decimal
    paid: Decimal
    remaining: Decimal


class CampaignRow(ApiSchema):
    id: int
    kind: CampaignKind
    year: int
    title: str
    org: Ref = Field(description="The organiser.")
    status: CampaignStatus
    opens_on: datetime.date
    closes_on: datetime.date
    benefit: BenefitKind
    fixed_amount: Decimal
    unions_apply: bool
    members_apply: bool


class CampaignListRow(CampaignRow):
    allocated: Decimal = Field(description="Budget allocated, over the lines the caller may see: the whole "
                                           "campaign for the district, the caller's town for a town or a union.")
    approved: Decimal
    paid: Decimal
    remaining: Decimal


class CampaignPage(PageMeta):
    items: list[CampaignListRow]


class CampaignDetail(CampaignRow):
    description: str
    member_required: bool
    hardship_required: bool
    hardship_categories: list[str]
    migrant_required: bool
    outside_province_required: bool
    school_amounts: dict[str, str]
    goods: str
    budgets: list[BudgetOut]


class CampaignFiltersIn(PageParams):
    year: int | None = Field(None, ge=2000, le=2100)
    kind: CampaignKind | None = None
    status: CampaignStatus | None = None
    q: Text(60) | None = Field(None, description="Part of the title.")


class PersonRef(ApiSchema):
    id: int
    name: str
    id_number_masked: str


class ApplicationRow(ApiSchema):
    id: int
    number: str
    campaign: Ref
    kind: CampaignKind
    year: int
    person: PersonRef
    union: Ref
    town: Ref | None
    channel: ApplicationChannel
    status: ApplicationStatus
    amount: Decimal
    submitted_at: datetime.datetime | None


class ApplicationPage(PageMeta):
    items: list[ApplicationRow]


class FindingOut(ApiSchema):
    code: str
    message: str
    field: str | None = None


class StepsOut(ApiSchema):
    submit: bool
    review: bool
    approve: bool
    reject: bool
    withdraw: bool
    pay: bool


class PaymentOut(ApiSchema):
    id: int
    amount: Decimal
    paid_on: datetime.date
    method: PaymentMethod
    reference: str


class ApplicationDetail(ApplicationRow):
    reason: str
    child_name: str
    child_school: str
    school_level: str
    route: str
    ticket_cost: Decimal | None
    on_hardship_file: bool
    findings: list[FindingOut]
    review_note: str
    reject_reason: str
    reviewed_at: datetime.datetime | None
    approved_at: datetime.datetime | None
    budget_org: Ref | None
    payment: PaymentOut | None
    actions: StepsOut


class ApplicationFiltersIn(PageParams):
    campaign: Id | None = None
    year: int | None = Field(None, ge=2000, le=2100)
    kind: CampaignKind | None = None
    status: ApplicationStatus | None = None
    channel: ApplicationChannel | None = None
    org: Id | None = Field(None, description="Only this town's or union's subtree.")
    q: Text(60) | None = Field(None, description="Start of the name, the number, or part of the union name.")


class DetailsIn(ApiSchema):
    model_config = ConfigDict(extra="forbid")

    reason: Text(2000) = ""
    child_name: Text(40) = ""
    child_school: Text(100) = ""
    school_level: SchoolLevel | None = None
    route: Text(100) = ""
    ticket_cost: Decimal | None = Field(None, ge=0, le=100000, decimal_places=2)


class ApplyIn(DetailsIn):
    campaign: Id
    union: Id = Field(description="The grassroots union applying for its member.")
    person: Id = Field(description="A live member of the union.")
    submit: bool = Field(True, description="False keeps a draft to submit later.")


class NoteIn(ApiSchema):
    model_config = ConfigDict(extra="forbid")

    note: Text(400) = ""


class RejectIn(ApiSchema):
    model_config = ConfigDict(extra="forbid")

    reason: Text(400)


class WithdrawIn(ApiSchema):
    model_config = ConfigDict(extra="forbid")

    reason: Text(400) = ""


class PayIn(ApiSchema):
    model_config = ConfigDict(extra="forbid")

    paid_on: datetime.date
    method: PaymentMethod
    reference: Text(60) = ""
    amount: Decimal | None = Field(None, gt=0, le=100000, decimal_places=2,
                                   description="Default: the approved sum; at most that.")


class PaymentRow(PaymentOut):
    application: Ref = Field(description="The application (name: its number).")
    person: Ref
    campaign: Ref
    union: Ref


class PaymentPage(PageMeta):
    items: list[PaymentRow]


class PaymentFiltersIn(PageParams):
    campaign: Id | None = None
    year: int | None = Field(None, ge=2000, le=2100)
    method: PaymentMethod | None = None
    q: Text(60) | None = None


# --- helpers -----------------------------------------------------------------------------------------

def campaign_row(c):
    return {"id": c.pk, "kind": c.kind, "year": c.year, "title": c.title, "org": ref(c.org), "status": c.status,
            "opens_on": c.opens_on, "closes_on": c.closes_on, "benefit": c.benefit, "fixed_amount": c.fixed_amount,
            "unions_apply": c.unions_apply, "members_apply": c.members_apply}


def _named(obj, name):
    return {"id": obj.pk, "name": name}


def application_row(x):
    return {"id": x.pk, "number": x.number, "campaign": _named(x.campaign, x.campaign.title), "kind": x.kind,
            "year": x.year, "person": {"id": x.person.pk, "name": x.person.name,
                                       "id_number_masked": x.person.id_number_masked},
            "union": ref(x.union), "town": ref(x.town), "channel": x.channel, "status": x.status,
            "amount": x.amount, "submitted_at": x.submitted_at}


def application_out(user, x):
    x = selectors.application_detail(x.pk)
    p = selectors.payment_of(x)
    return {**application_row(x), "reason": x.reason, "child_name": x.child_name, "child_school": x.child_school,
            "school_level": x.school_level, "route": x.route, "ticket_cost": x.ticket_cost,
            "on_hardship_file": x.on_hardship_file, "findings": x.findings or [], "review_note": x.review_note,
            "reject_reason": x.reject_reason, "reviewed_at": x.reviewed_at, "approved_at": x.approved_at,
            "budget_org": ref(x.budget.org) if x.budget_id else None,
            "payment": ({"id": p.pk, "amount": p.amount, "paid_on": p.paid_on, "method": p.method,
                         "reference": p.reference} if p else None),
            "actions": {"submit": policies.may_submit(user, x), "review": policies.may_review(user, x),
                        "approve": policies.may_approve(user, x), "reject": policies.may_reject(user, x),
                        "withdraw": policies.may_withdraw(user, x),
                        "pay": policies.may_pay(user, x) and not policies.pays_in_goods(x)}}


def _refused(exc):
    errors = [f.as_dict() for f in exc.findings]
    return ApiError(400, exc.code, exc.text, field=errors[0]["field"], errors=errors)


def _details(p):
    return {"reason": p.reason, "child_name": p.child_name, "child_school": p.child_school,
            "school_level": p.school_level or "", "route": p.route, "ticket_cost": p.ticket_cost}


# --- campaigns -----------------------------------------------------------------------------------------

@router.get("/campaigns", response={200: CampaignPage, **READ_ERRORS}, summary="List campaigns")
def list_campaigns(request, filters: Query[CampaignFiltersIn]):
    qs = selectors.filtered_campaigns(request.auth, selectors.CampaignFilters(
        q=filters.q or "", year=filters.year, kind=filters.kind or "", status=filters.status or ""))
    return paginate(qs, filters, load=Campaign.objects.select_related("org"),
                    rows=lambda items: [{**campaign_row(c), "allocated": c.allocated, "approved": c.approved,
                                         "paid": c.paid, "remaining": c.remaining}
                                        for c in selectors.with_totals(items, request.auth)])


@router.get("/campaigns/{campaign_id}", response={200: CampaignDetail, **READ_ERRORS},
            summary="Get a campaign with its budgets by town")
def get_campaign(request, campaign_id: Id):
    c = selectors.campaigns(request.auth).select_related("org").filter(pk=campaign_id).first()
    if c is None:
        raise not_found()
    budgets = [{"org": ref(b.org), "allocated": b.allocated, "approved": b.approved, "paid": b.paid,
                "remaining": b.remaining} for b in selectors.budget_rows(c, request.auth)]
    return {**campaign_row(c), "description": c.description, "member_required": c.member_required,
            "hardship_required": c.hardship_required, "hardship_categories": c.categories,
            "migrant_required": c.migrant_required, "outside_province_required": c.outside_province_required,
            "school_amounts": {k: str(v) for k, v in (c.school_amounts or {}).items()}, "goods": c.goods,
            "budgets": budgets}


# --- applications --------------------------------------------------------------------------------------

def _application(user, application_id):
    x = selectors.applications(user).filter(pk=application_id).first()
    if x is None:
        raise not_found()
    return selectors.application_detail(x.pk)


@router.get("/campaign-applications", response={200: ApplicationPage, **READ_ERRORS},
            summary="List campaign applications")
def list_applications(request, filters: Query[ApplicationFiltersIn]):
    user = request.auth
    org = Org.objects.visible_to(user, policies.VIEW).filter(pk=filters.org).first() if filters.org else None
    qs = selectors.filtered_applications(user, selectors.ApplicationFilters(
        q=filters.q or "", org=org, campaign=Campaign(pk=filters.campaign) if filters.campaign else None,
        year=filters.year, kind=filters.kind or "", status=filters.status or "", channel=filters.channel or ""))
    if filters.org and org is None:
        qs = qs.none()
    return paginate(qs, filters, row=application_row, load=selectors.application_rows())


@router.post("/campaign-applications", response={201: ApplicationDetail, **WRITE_ERRORS},
             summary="A union applies for one of its members")
def create_application(request, payload: ApplyIn,
                       idempotency_key: str | None = Header(None, alias="Idempotency-Key",
                                                            description=IDEMPOTENCY_HEADER_DOC)):
    user = request.auth

    def run():
        union = resolve(Org.objects.visible_to(user, policies.VIEW), payload.union, field="union")
        require(user, policies.SUBMIT, union)
        paths = [union.path[:i] for i in range(union.steplen, len(union.path) + 1, union.steplen)]
        campaign = resolve(Campaign.objects.filter(org__path__in=paths).select_related("org"), payload.campaign,
                           field="campaign")
        person = resolve(Person.objects.filter(memberships__union=union).distinct(), payload.person, field="person")
        try:
            x = services.apply_for_member(actor=user, campaign=campaign, union=union, person=person,
                                          data=_details(payload), submit=payload.submit)
        except services.NotEligible as exc:
            raise _refused(exc) from exc
        return 201, application_out(user, x)

    return idempotent(request, idempotency_key, payload, run, schema=ApplicationDetail)


@router.get("/campaign-applications/{application_id}", response={200: ApplicationDetail, **READ_ERRORS},
            summary="Get a campaign application")
def get_application(request, application_id: Id):
    user = request.auth
    return application_out(user, _application(user, application_id))


_action = workflow_actions(router, path="/campaign-applications", id_param="application_id", load=_application,
                           render=application_out, response=ApplicationDetail, operation_prefix="campaign_application")


def _guard(fn):
    try:
        return fn()
    except services.NotEligible as exc:
        raise _refused(exc) from exc


@_action("submit", "Submit a draft (the union; eligibility is checked)", DetailsIn)
def submit(user, x, p):
    _guard(lambda: services.submit_application(actor=user, application=x, data=_details(p)))


@_action("review", "Pass a submitted application on for approval (the town)", NoteIn)
def review(user, x, p):
    services.review_application(actor=user, application=x, note=p.note)


@_action("approve", "Approve (the organiser; eligibility again, the budget is consumed)", NoteIn)
def approve(user, x, p):
    """400 `over_budget` when the budget's remainder cannot cover the amount, `no_budget` when the
    town and the organiser have none."""
    _guard(lambda: services.approve_application(actor=user, application=x, note=p.note))


@_action("reject", "Reject with a reason (the town at review, the organiser before approval)", RejectIn)
def reject(user, x, p):
    services.reject_application(actor=user, application=x, reason=p.reason)


@_action("withdraw", "Withdraw before approval (the union)", WithdrawIn)
def withdraw(user, x, p):
    services.withdraw_application(actor=user, application=x, reason=p.reason)


@_action("pay", "Record the payment of an approved application", PayIn)
def pay(user, x, p):
    services.record_payment(actor=user, application=x, paid_on=p.paid_on, method=p.method, reference=p.reference,
                            amount=p.amount)


# --- payments --------------------------------------------------------------------------------------------

def payment_row(p):
    x = p.application
    return {"id": p.pk, "amount": p.amount, "paid_on": p.paid_on, "method": p.method, "reference": p.reference,
            "application": _named(x, x.number), "person": ref(x.person), "campaign": _named(x.campaign,
                                                                                               x.campaign.title),
            "union": ref(x.union)}


@router.get("/campaign-payments", response={200: PaymentPage, **READ_ERRORS}, summary="The payment ledger")
def list_payments(request, filters: Query[PaymentFiltersIn]):
    qs = selectors.filtered_payments(request.auth, selectors.PaymentFilters(
        q=filters.q or "", campaign=Campaign(pk=filters.campaign) if filters.campaign else None, year=filters.year,
        method=filters.method or ""))
    return paginate(qs, filters, row=payment_row, load=selectors.payment_rows())
