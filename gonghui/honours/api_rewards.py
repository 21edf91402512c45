"""/skill-rewards (高技能人才培训奖励 claims), /skill-rewards/batches (payments) and
/skill-rewards/totals.

- Reads go through the selectors (scope: the claiming union's subtree). A claim outside the
  caller's scope answers 404 like a missing one; a union or worker named in a body the caller
  cannot use is 400 `unknown_reference` on that field.
- Every workflow action (`POST /skill-rewards/{id}/<action>`) calls exactly one service. A rule
  that refuses the step answers 400 with its code and field (e.g. `duplicate_certificate` on
  `certificate_no`); a step the status does not allow 409 `wrong_stage`.
- The scan: `POST /skill-rewards/{id}/scan` (multipart `file`), download `GET
  /skill-rewards/{id}/scan` after the same scope check as the claim.
- Lists: keyset pagination, newest first: `?after=<next_after>&limit=1..200`; counts are capped.
"""

import datetime
from decimal import Decimal

from ninja import Field, File, Header, Query, Router
from ninja.files import UploadedFile
from pydantic import ConfigDict

from gonghui.core.api_support import (
    IDEMPOTENCY_HEADER_DOC,
    READ_ERRORS,
    WRITE_ERRORS,
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
from gonghui.core.uploads import private_file_response
from gonghui.members.models import LIVE_STATUSES, Person
from gonghui.orgs.models import Org

from .models.rewards import RewardClaimStatus
from .policies import rewards as policies
from .selectors import rewards as selectors
from .services import rewards as services

router = Router(tags=["skill-rewards"])

LEVEL_PATTERN = "^LEVEL[1-5]$"


# --- schemas ----------------------------------------------------------------------------------------

class ClaimRow(ApiSchema):
    id: int
    org: Ref = Field(description="The union claiming.")
    person: Ref = Field(description="The worker.")
    level: str = Field(description="LEVEL5 初级工 … LEVEL1 高级技师 (members' skill levels).")
    trade: str
    certificate_no: str
    certificate_on: datetime.date
    year: int
    amount: Decimal
    status: RewardClaimStatus
    submitted_on: datetime.date | None
    review_due_on: datetime.date | None
    decided_on: datetime.date | None
    paid_on: datetime.date | None
    batch: int | None


class ClaimPage(PageMeta):
    items: list[ClaimRow]


class ActionsOut(ApiSchema):
    edit: bool
    scan: bool
    submit: bool
    town_review: bool
    district_review: bool
    withdraw: bool


class ClaimDetail(ClaimRow):
    town: Ref | None
    issuer: str
    note: str
    scan_name: str
    scan_size: int
    town_reviewed_on: datetime.date | None
    town_reviewer: str
    decided_by: str
    returned_on: datetime.date | None
    return_reason: str
    reject_reason: str
    withdrawn_on: datetime.date | None
    actions: ActionsOut


class FiltersIn(PageParams):
    level: str | None = Field(None, pattern=LEVEL_PATTERN)
    status: RewardClaimStatus | None = None
    org: Id | None = Field(None, description="Only claims of this town's or union's subtree.")
    year: int | None = Field(None, ge=2000, le=2100)
    batch: Id | None = Field(None, description="Only the claims paid in this batch.")
    q: Text(60) | None = Field(None, description="Part of the worker's name, certificate number, trade or union.")
    due: str | None = Field(None, pattern="^(review|review_overdue|payment)$")


class CertificateIn(ApiSchema):
    model_config = ConfigDict(extra="forbid")

    level: str = Field(pattern=LEVEL_PATTERN)
    trade: Text(60)
    certificate_no: Text(60)
    certificate_on: datetime.date
    issuer: Text(120) = ""
    note: Text(400) = ""


class CreateIn(CertificateIn):
    org: Id = Field(description="The grassroots union claiming.")
    person: Id = Field(description="The worker: a live member of that union.")


class SubmitIn(ApiSchema):
    model_config = ConfigDict(extra="forbid")

    submitted_on: datetime.date | None = None


class TownReviewIn(ApiSchema):
    model_config = ConfigDict(extra="forbid")

    decision: str = Field(pattern="^(pass|return|reject)$")
    reviewed_on: datetime.date | None = None
    reason: Text(400) = Field("", description="Required to return or refuse.")


class DistrictReviewIn(ApiSchema):
    model_config = ConfigDict(extra="forbid")

    decision: str = Field(pattern="^(approve|return|reject)$")
    decided_on: datetime.date | None = None
    reason: Text(400) = Field("", description="Required to return or refuse.")


class WithdrawIn(ApiSchema):
    model_config = ConfigDict(extra="forbid")

    withdrawn_on: datetime.date | None = None
    reason: Text(400) = ""


class PayIn(ApiSchema):
    model_config = ConfigDict(extra="forbid")

    claims: list[Id] = Field(min_length=1, max_length=5000, description="Approved claims paid together.")
    paid_on: datetime.date
    reference: Text(64) = Field(description="The voucher or transfer number; unique.")
    note: Text(400) = ""


class BatchRow(ApiSchema):
    id: int
    reference: str
    paid_on: datetime.date
    claims_count: int
    total: Decimal
    note: str


class BatchPage(PageMeta):
    items: list[BatchRow]


class TotalRow(ApiSchema):
    year: int
    town: str
    level: str
    claims: int
    amount: Decimal
    paid: Decimal


class TotalsIn(ApiSchema):
    year: int | None = Field(None, ge=2000, le=2100)


# --- output -------------------------------------------------------------------------------------------

def _person_ref(c):
    return {"id": c.person_id, "name": c.person_name}


def claim_row(c):
    return {"id": c.pk, "org": ref(c.org), "person": _person_ref(c), "level": c.level, "trade": c.trade,
            "certificate_no": c.certificate_no, "certificate_on": c.certificate_on, "year": c.year,
            "amount": c.amount, "status": c.status, "submitted_on": c.submitted_on,
            "review_due_on": c.review_due_on, "decided_on": c.decided_on, "paid_on": c.paid_on,
            "batch": c.batch_id}


def claim_out(user, claim):
    c = selectors.claim_detail(claim)
    fields = ("issuer", "note", "scan_name", "scan_size", "town_reviewed_on", "town_reviewer", "decided_by",
              "returned_on", "return_reason", "reject_reason", "withdrawn_on")
    return {**claim_row(c), **{f: getattr(c, f) for f in fields}, "town": ref(c.town),
            "actions": vars(policies.claim_actions(user, c))}


def batch_row(b):
    return {"id": b.pk, "reference": b.reference, "paid_on": b.paid_on, "claims_count": b.claims_count,
            "total": b.total, "note": b.note}


def _claim(user, claim_id):
    c = selectors.claims(user).select_related("org", "person").filter(pk=claim_id).first()
    if c is None:
        raise not_found()
    return c


# --- batches and totals (before /{claim_id}) ----------------------------------------------------------------

@router.get("/skill-rewards/batches", response={200: BatchPage, **READ_ERRORS},
            summary="List skill training reward payment batches")
def list_batches(request, filters: Query[PageParams]):
    return paginate(selectors.batches(request.auth), filters, row=batch_row)


@router.post("/skill-rewards/batches", response={201: BatchRow, **WRITE_ERRORS},
             summary="Record a payment of approved claims (all or nothing)")
def pay(request, payload: PayIn,
        idempotency_key: str | None = Header(None, alias="Idempotency-Key", description=IDEMPOTENCY_HEADER_DOC)):
    user = request.auth

    def run():
        batch = services.pay_claims(actor=user, claim_ids=payload.claims, paid_on=payload.paid_on,
                                    reference=payload.reference, note=payload.note)
        return 201, batch_row(batch)

    return idempotent(request, idempotency_key, payload, run, schema=BatchRow)


@router.get("/skill-rewards/batches/{batch_id}", response={200: BatchRow, **READ_ERRORS},
            summary="Get a payment batch (its claims: GET /skill-rewards?batch=<id>)")
def get_batch(request, batch_id: Id):
    b = selectors.batches(request.auth).filter(pk=batch_id).first()
    if b is None:
        raise not_found()
    return batch_row(b)


@router.get("/skill-rewards/totals", response={200: list[TotalRow], **READ_ERRORS},
            summary="Approved and paid claims by year, town and level")
def totals(request, filters: Query[TotalsIn]):
    if not policies.can(request.auth, policies.VIEW):
        return []
    return [{k: r[k] for k in ("year", "town", "level", "claims", "amount", "paid")}
            for r in selectors.totals(request.auth, year=filters.year)]


# --- claims -------------------------------------------------------------------------------------------

@router.get("/skill-rewards", response={200: ClaimPage, **READ_ERRORS}, summary="List skill training reward claims")
def list_claims(request, filters: Query[FiltersIn]):
    user = request.auth
    org = Org.objects.visible_to(user, policies.VIEW).filter(pk=filters.org).first() if filters.org else None
    batch = selectors.batches(user).filter(pk=filters.batch).first() if filters.batch else None
    qs = selectors.filtered(user, selectors.RewardFilters(
        q=filters.q or "", org=org, level=filters.level or "", status=filters.status or "", year=filters.year,
        due=filters.due or "", batch=batch))
    if (filters.org and org is None) or (filters.batch and batch is None):
        qs = qs.none()
    return paginate(qs, filters, row=claim_row, load=selectors.page_rows())


@router.get("/skill-rewards/{claim_id}", response={200: ClaimDetail, **READ_ERRORS},
            summary="Get a skill training reward claim")
def get_claim(request, claim_id: Id):
    user = request.auth
    return claim_out(user, _claim(user, claim_id))


@router.post("/skill-rewards", response={201: ClaimDetail, **WRITE_ERRORS},
             summary="Start a union's claim for a worker's certificate (a draft)")
def create_claim(request, payload: CreateIn,
                 idempotency_key: str | None = Header(None, alias="Idempotency-Key",
                                                      description=IDEMPOTENCY_HEADER_DOC)):
    """Upload the scan next (`POST /skill-rewards/{id}/scan`), then submit it."""
    user = request.auth

    def run():
        org = resolve(Org.objects.visible_to(user, policies.VIEW), payload.org, field="org")
        person = resolve(Person.objects.filter(memberships__union=org, memberships__status__in=LIVE_STATUSES)
                         .distinct(), payload.person, field="person")
        c = services.create_claim(actor=user, org=org, person=person, level=payload.level, trade=payload.trade,
                                  certificate_no=payload.certificate_no, certificate_on=payload.certificate_on,
                                  issuer=payload.issuer, note=payload.note)
        return 201, claim_out(user, c)

    return idempotent(request, idempotency_key, payload, run, schema=ClaimDetail)


_action = workflow_actions(router, path="/skill-rewards", id_param="claim_id", load=_claim, render=claim_out,
                           response=ClaimDetail, operation_prefix="skill_reward")


@_action("edit", "Correct the certificate while the union prepares the claim", CertificateIn)
def edit(user, c, p):
    services.update_claim(actor=user, claim=c, level=p.level, trade=p.trade, certificate_no=p.certificate_no,
                          certificate_on=p.certificate_on, issuer=p.issuer, note=p.note)


@_action("submit", "Submit the claim to the town (the scan is required)", SubmitIn)
def submit(user, c, p):
    services.submit_claim(actor=user, claim=c, submitted_on=p.submitted_on)


@_action("town-review", "Town review: pass on, return or refuse", TownReviewIn)
def town_review(user, c, p):
    services.town_review(actor=user, claim=c, decision=p.decision, reviewed_on=p.reviewed_on, reason=p.reason)


@_action("district-review", "District approval: approve, return or refuse", DistrictReviewIn)
def district_review(user, c, p):
    services.district_review(actor=user, claim=c, decision=p.decision, decided_on=p.decided_on, reason=p.reason)


@_action("withdraw", "Withdraw the claim", WithdrawIn)
def withdraw(user, c, p):
    services.withdraw_claim(actor=user, claim=c, withdrawn_on=p.withdrawn_on, reason=p.reason)


@router.post("/skill-rewards/{claim_id}/scan", response={200: ClaimDetail, **WRITE_ERRORS},
             summary="Upload the certificate scan (multipart; PDF, JPG or PNG)", operation_id="skill_reward_scan_add")
def add_scan(request, claim_id: Id, file: File[UploadedFile]):
    user = request.auth
    c = _claim(user, claim_id)
    require(user, policies.SUBMIT, c.org)  # rights before reading the upload
    services.attach_scan(actor=user, claim=c, upload=file)
    return claim_out(user, c)


@router.get("/skill-rewards/{claim_id}/scan", response={200: None, **READ_ERRORS},
            summary="Download the certificate scan", operation_id="skill_reward_scan_get")
def get_scan(request, claim_id: Id):
    c = selectors.scan_of(request.auth, claim_id)
    if c is None:
        raise not_found()
    return private_file_response(c.scan, c.scan_name)
