"""/mutual-aid-plans, /mutual-aid-enrolments, /mutual-aid-claims: 职工医疗互助保障.

- Plans are read by anyone with `welfare.view`; created and opened/closed by the district
  (`welfare.configure`). Enrolments and claims are scoped to the union's subtree: one outside
  the caller's scope answers 404 like a missing one; a union, person, plan or coverage named in
  a body the caller cannot use is 400 `unknown_reference` on that field.
- Every workflow action (`POST .../{id}/<action>`) calls exactly one service. A refused rule
  answers 400 with its code and field (`duplicate_invoice`, `duplicate_stay`, `cap_reached`,
  `not_paid`…); a step the status does not allow 409 `wrong_stage`.
- The diagnosis is sensitive: lists show it masked, the claim detail in full (scoped).
- Documents: `POST /mutual-aid-claims/{id}/documents` (multipart `file`, PDF/JPG/PNG checked by
  content) while the claim is a draft; `GET .../documents/{document_id}` downloads one.
- A claim the member sent (`filed_by_member`, `due=member` on the list): the union submits it, or
  returns it with `POST /mutual-aid-claims/{id}/return` (`reason`).
- The covered member's own claims (a login linked to the registry; 404 otherwise, and for any
  claim not their own): `GET /my/mutual-aid-claims`, `GET /my/mutual-aid-claims/{id}`,
  `POST /my/mutual-aid-claims` (on one of their own paid coverages: `GET /my/mutual-aid-coverages`),
  `POST /my/mutual-aid-claims/{id}/correct|send|withdraw`, `POST .../documents`,
  `GET .../documents/{document_id}`.
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
from gonghui.members.selectors import person_of_account
from gonghui.orgs.models import Org

from .models.mutualaid import ClaimDocument, ClaimKind, ClaimStatus, MutualAidCoverage, PaymentStatus, PlanStatus
from .policies import mutualaid as policies
from .selectors import mutualaid as selectors
from .services import mutualaid as services

router = Router(tags=["mutual aid"])


# --- plans -------------------------------------------------------------------------------------

class PlanOut(ApiSchema):
    id: int
    year: int
    name: str
    premium: Decimal
    enrol_from: datetime.date
    enrol_until: datetime.date
    coverage_starts: datetime.date
    coverage_ends: datetime.date
    hospital_deductible: Decimal
    hospital_ratio: Decimal
    hospital_cap: Decimal
    serious_sum: Decimal
    serious_cap: Decimal
    overall_cap: Decimal
    note: str
    status: PlanStatus


class PlanPage(PageMeta):
    items: list[PlanOut]


class PlanIn(ApiSchema):
    model_config = ConfigDict(extra="forbid")

    year: int = Field(ge=2000, le=2100)
    name: Text(100)
    premium: Decimal = Field(gt=0, max_digits=12, decimal_places=2)
    enrol_from: datetime.date
    enrol_until: datetime.date
    coverage_starts: datetime.date
    coverage_ends: datetime.date
    hospital_deductible: Decimal = Field(ge=0, max_digits=12, decimal_places=2)
    hospital_ratio: Decimal = Field(gt=0, le=1, max_digits=3, decimal_places=2)
    hospital_cap: Decimal = Field(gt=0, max_digits=12, decimal_places=2)
    serious_sum: Decimal = Field(gt=0, max_digits=12, decimal_places=2)
    serious_cap: Decimal = Field(gt=0, max_digits=12, decimal_places=2)
    overall_cap: Decimal = Field(gt=0, max_digits=12, decimal_places=2)
    note: Text(2000) = ""


class Empty(ApiSchema):
    model_config = ConfigDict(extra="forbid")


def plan_row(p):
    return {k: getattr(p, k) for k in ("year", "name", "premium", "enrol_from", "enrol_until", "coverage_starts",
                                       "coverage_ends", "hospital_deductible", "hospital_ratio", "hospital_cap",
                                       "serious_sum", "serious_cap", "overall_cap", "note", "status")} | {"id": p.pk}


def _load_plan(user, plan_id):
    p = selectors.plans(user).select_related("org").filter(pk=plan_id).first()
    if p is None:
        raise not_found()
    return p


@router.get("/mutual-aid-plans", response={200: PlanPage, **READ_ERRORS}, summary="List mutual aid plans")
def list_plans(request, filters: Query[PageParams], status: PlanStatus | None = None,
               year: int | None = Query(None, ge=2000, le=2100)):
    require(request.auth, policies.VIEW)
    qs = selectors.filtered_plans(request.auth, selectors.PlanFilters(status=status or "", year=year))
    return paginate(qs, filters, row=plan_row)


@router.get("/mutual-aid-plans/{plan_id}", response={200: PlanOut, **READ_ERRORS}, summary="Get a plan")
def get_plan(request, plan_id: Id):
    return plan_row(_load_plan(request.auth, plan_id))


@router.post("/mutual-aid-plans", response={201: PlanOut, **WRITE_ERRORS}, summary="Create a yearly plan (district)")
def create_plan(request, payload: PlanIn, idempotency_key: str | None = Header(None, alias="Idempotency-Key",
                                                                             description=IDEMPOTENCY_HEADER_DOC)):
    user = request.auth

    def run():
        return 201, plan_row(services.create_plan(actor=user, **payload.dict()))

    return idempotent(request, idempotency_key, payload, run, schema=PlanOut)


_plan_action = workflow_actions(router, path="/mutual-aid-plans", id_param="plan_id", load=_load_plan,
                                render=lambda u, p: plan_row(selectors.plans(u).get(pk=p.pk)), response=PlanOut,
                                operation_prefix="mutual_aid_plan")


@_plan_action("open", "Open a draft plan for enrolment and claims", Empty)
def open(user, p, payload):  # noqa: A001
    services.open_plan(actor=user, plan=p)


@_plan_action("close", "Close an open plan", Empty)
def close(user, p, payload):
    services.close_plan(actor=user, plan=p)


# --- enrolments --------------------------------------------------------------------------------

class EnrolmentOut(ApiSchema):
    id: int
    plan: int
    year: int
    union: Ref
    town: Ref | None
    people: int
    amount_due: Decimal
    status: PaymentStatus
    paid_on: datetime.date | None
    payment_reference: str


class EnrolmentPage(PageMeta):
    items: list[EnrolmentOut]


class CoverageOut(ApiSchema):
    id: int
    person: int
    name: str
    id_number_masked: str
    effective_from: datetime.date | None
    total_approved: Decimal


class EnrolmentDetail(EnrolmentOut):
    coverages: list[CoverageOut]


class EnrolIn(ApiSchema):
    model_config = ConfigDict(extra="forbid")

    plan: Id
    union: Id
    people: list[Id] | None = Field(None, max_length=5000, description="Person ids; omitted: every live member of "
                                                                       "the union not yet enrolled.")


class AddIn(ApiSchema):
    model_config = ConfigDict(extra="forbid")

    people: list[Id] | None = Field(None, max_length=5000)


class PayIn(ApiSchema):
    model_config = ConfigDict(extra="forbid")

    paid_on: datetime.date
    reference: Text(60)
    amount: Decimal | None = Field(None, ge=0, max_digits=12, decimal_places=2,
                                   description="Optional: must equal the amount due.")


def enrolment_row(e):
    return {"id": e.pk, "plan": e.plan_id, "year": e.plan.year, "union": ref(e.union), "town": ref(e.town),
            "people": e.people, "amount_due": e.amount_due, "status": e.status, "paid_on": e.paid_on,
            "payment_reference": e.payment_reference}


def enrolment_detail(user, e):
    e = selectors.enrolments(user).select_related("plan", "union", "town").get(pk=e.pk)
    return {**enrolment_row(e), "coverages": [
        {"id": c.pk, "person": c.person_id, "name": c.person.name, "id_number_masked": c.person.id_number_masked,
         "effective_from": c.effective_from, "total_approved": c.total_approved}
        for c in selectors.coverages_of(e)[:5000]]}


def _load_enrolment(user, enrolment_id):
    e = selectors.enrolments(user).select_related("plan", "union").filter(pk=enrolment_id).first()
    if e is None:
        raise not_found()
    return e


@router.get("/mutual-aid-enrolments", response={200: EnrolmentPage, **READ_ERRORS},
            summary="List mutual aid enrolments (batches)")
def list_enrolments(request, filters: Query[PageParams], org: Id | None = None, status: PaymentStatus | None = None,
                    year: int | None = Query(None, ge=2000, le=2100)):
    user = request.auth
    place = Org.objects.visible_to(user, policies.VIEW).filter(pk=org).first() if org else None
    qs = selectors.filtered_enrolments(user, selectors.EnrolmentFilters(org=place, status=status or "", year=year))
    if org and place is None:
        qs = qs.none()
    return paginate(qs, filters, row=enrolment_row, load=selectors.enrolments(user).select_related(
        "plan", "union", "town"))


@router.get("/mutual-aid-enrolments/{enrolment_id}", response={200: EnrolmentDetail, **READ_ERRORS},
            summary="Get a batch with its people")
def get_enrolment(request, enrolment_id: Id):
    return enrolment_detail(request.auth, _load_enrolment(request.auth, enrolment_id))


@router.post("/mutual-aid-enrolments", response={201: EnrolmentDetail, **WRITE_ERRORS},
             summary="Enrol a union's members in a plan (all or nothing)")
def create_enrolment(request, payload: EnrolIn,
                     idempotency_key: str | None = Header(None, alias="Idempotency-Key",
                                                          description=IDEMPOTENCY_HEADER_DOC)):
    user = request.auth

    def run():
        union = resolve(Org.objects.visible_to(user, policies.VIEW), payload.union, field="union")
        require(user, policies.CHANGE, union)
        plan = resolve(selectors.plans(user), payload.plan, field="plan")
        e = services.enrol(actor=user, plan=plan, union=union, people=payload.people)
        return 201, enrolment_detail(user, e)

    return idempotent(request, idempotency_key, payload, run, schema=EnrolmentDetail)


_enrol_action = workflow_actions(router, path="/mutual-aid-enrolments", id_param="enrolment_id",
                                 load=_load_enrolment, render=enrolment_detail, response=EnrolmentDetail,
                                 operation_prefix="mutual_aid_enrolment")


@_enrol_action("add", "Add members to an unpaid batch", AddIn)
def add(user, e, p):
    services.add_people(actor=user, enrolment=e, people=p.people)


@_enrol_action("pay", "Record the payment of a batch", PayIn)
def pay(user, e, p):
    services.record_payment(actor=user, enrolment=e, paid_on=p.paid_on, reference=p.reference, amount=p.amount)


@_enrol_action("cancel", "Cancel an unpaid batch", Empty)
def cancel(user, e, p):
    services.cancel_enrolment(actor=user, enrolment=e)


# --- claims ------------------------------------------------------------------------------------

class PersonRef(ApiSchema):
    id: int
    name: str
    id_number_masked: str


class ClaimRow(ApiSchema):
    id: int
    number: str
    plan: int
    year: int
    person: PersonRef
    union: Ref
    town: Ref | None
    kind: ClaimKind
    hospital: str
    admitted_on: datetime.date
    discharged_on: datetime.date
    diagnosis_masked: str
    total_cost: Decimal
    eligible_cost: Decimal
    computed_amount: Decimal | None
    approved_amount: Decimal | None
    status: ClaimStatus
    filed_by_member: bool
    sent_by_member_at: datetime.datetime | None = Field(
        description="A member's claim: when they sent it to the union (empty while it is with them).")


class ClaimPage(PageMeta):
    items: list[ClaimRow]


class PayoutOut(ApiSchema):
    amount: Decimal
    paid_on: datetime.date
    reference: str


class ClaimActionsOut(ApiSchema):
    documents: bool
    submit: bool
    withdraw: bool
    send_back: bool = Field(description="Return a claim the member sent (POST …/return).")
    review: bool
    reject: bool
    approve: bool
    pay: bool


class DocumentOut(ApiSchema):
    id: int
    name: str
    kind: str
    size: int
    uploaded_at: datetime.datetime


class ClaimDetail(ClaimRow):
    diagnosis: str
    invoice_numbers: list[str]
    documents: list[DocumentOut]
    review_note: str
    reject_reason: str
    returned_at: datetime.datetime | None
    return_reason: str
    payout: PayoutOut | None
    remaining_cap: Decimal = Field(description="Left of this benefit's and the overall cap, whichever is lower.")
    actions: ClaimActionsOut


class ClaimIn(ApiSchema):
    model_config = ConfigDict(extra="forbid")

    coverage: Id = Field(description="The person's coverage (from /mutual-aid-enrolments/{id}).")
    kind: ClaimKind
    hospital: Text(100)
    admitted_on: datetime.date = Field(description="Admission, or the day of diagnosis of a serious illness.")
    discharged_on: datetime.date | None = Field(None, description="Discharge; omitted for a serious illness.")
    diagnosis: Text(200)
    invoice_numbers: list[Text(40)] = Field(min_length=1, max_length=20)
    total_cost: Decimal = Field(gt=0, max_digits=12, decimal_places=2)
    eligible_cost: Decimal = Field(ge=0, max_digits=12, decimal_places=2)


class ReviewIn(ApiSchema):
    model_config = ConfigDict(extra="forbid")

    note: Text(400) = ""


class RejectIn(ApiSchema):
    model_config = ConfigDict(extra="forbid")

    reason: Text(400)


class PayoutIn(ApiSchema):
    model_config = ConfigDict(extra="forbid")

    paid_on: datetime.date
    reference: Text(60)


def claim_row(c):
    return {"id": c.pk, "number": c.number, "plan": c.plan_id, "year": c.plan.year,
            "person": {"id": c.person.pk, "name": c.person.name, "id_number_masked": c.person.id_number_masked},
            "union": ref(c.union), "town": ref(c.town), "kind": c.kind, "hospital": c.hospital,
            "admitted_on": c.admitted_on, "discharged_on": c.discharged_on,
            "diagnosis_masked": selectors.mask_diagnosis(c.diagnosis), "total_cost": c.total_cost,
            "eligible_cost": c.eligible_cost, "computed_amount": c.computed_amount,
            "approved_amount": c.approved_amount, "status": c.status, "filed_by_member": c.filed_by_member,
            "sent_by_member_at": c.sent_by_member_at}


def claim_detail(user, c):
    c = selectors.claim_detail(c)
    payout = selectors.payout_of(c)
    left = services.remaining_caps(c.plan, c.coverage)
    return {**claim_row(c), "diagnosis": c.diagnosis, "invoice_numbers": c.invoice_numbers.split(),
            "documents": [{"id": d.pk, "name": d.name, "kind": d.kind, "size": d.size, "uploaded_at": d.uploaded_at}
                          for d in selectors.documents_of(c)], "review_note": c.review_note,
            "reject_reason": c.reject_reason, "returned_at": c.returned_at, "return_reason": c.return_reason,
            "payout": None if payout is None else {"amount": payout.amount, "paid_on": payout.paid_on,
                                                   "reference": payout.reference},
            "remaining_cap": min(left[c.kind], left["overall"]),
            "actions": vars(policies.claim_actions(user, c))}


def _load_claim(user, claim_id):
    c = selectors.claims(user).select_related("plan", "plan__org", "union").filter(pk=claim_id).first()
    if c is None:
        raise not_found()
    return c


@router.get("/mutual-aid-claims", response={200: ClaimPage, **READ_ERRORS}, summary="List mutual aid claims")
def list_claims(request, filters: Query[PageParams], org: Id | None = None, status: ClaimStatus | None = None,
                kind: ClaimKind | None = None, year: int | None = Query(None, ge=2000, le=2100),
                due: str | None = Query(None, pattern="^(review|approve|pay|member)$"),
                q: Text(60) | None = None):
    user = request.auth
    place = Org.objects.visible_to(user, policies.VIEW).filter(pk=org).first() if org else None
    qs = selectors.filtered_claims(user, selectors.ClaimFilters(q=q or "", org=place, status=status or "",
                                                                kind=kind or "", year=year, due=due or ""))
    if org and place is None:
        qs = qs.none()
    return paginate(qs, filters, row=claim_row, load=selectors.claim_rows())


@router.get("/mutual-aid-claims/{claim_id}", response={200: ClaimDetail, **READ_ERRORS}, summary="Get a claim")
def get_claim(request, claim_id: Id):
    return claim_detail(request.auth, _load_claim(request.auth, claim_id))


@router.post("/mutual-aid-claims", response={201: ClaimDetail, **WRITE_ERRORS},
             summary="Create a claim (draft) for a covered person")
def create_claim(request, payload: ClaimIn, idempotency_key: str | None = Header(None, alias="Idempotency-Key",
                                                                               description=IDEMPOTENCY_HEADER_DOC)):
    user = request.auth

    def run():
        cov = resolve(MutualAidCoverage.objects.visible_to(user, policies.VIEW), payload.coverage, field="coverage")
        c = services.create_claim(actor=user, coverage=cov, kind=payload.kind, hospital=payload.hospital,
                                  admitted_on=payload.admitted_on, discharged_on=payload.discharged_on,
                                  diagnosis=payload.diagnosis, invoice_numbers=" ".join(payload.invoice_numbers),
                                  total_cost=payload.total_cost, eligible_cost=payload.eligible_cost)
        return 201, claim_detail(user, c)

    return idempotent(request, idempotency_key, payload, run, schema=ClaimDetail)


_claim_action = workflow_actions(router, path="/mutual-aid-claims", id_param="claim_id", load=_load_claim,
                                 render=claim_detail, response=ClaimDetail, operation_prefix="mutual_aid_claim")


@_claim_action("submit", "Submit a draft claim (needs a document)", Empty)
def submit(user, c, p):
    services.submit_claim(actor=user, claim=c)


@_claim_action("withdraw", "Withdraw a claim before the town review", Empty)
def withdraw(user, c, p):
    services.withdraw_claim(actor=user, claim=c)


@_claim_action("return", "Return a claim the member sent, with what to correct", RejectIn)
def send_back(user, c, p):
    services.return_claim(actor=user, claim=c, reason=p.reason)


@_claim_action("review", "Town review: send the claim on to the district", ReviewIn)
def review(user, c, p):
    services.review_claim(actor=user, claim=c, note=p.note)


@_claim_action("reject", "Reject a claim (town at review, district at approval)", RejectIn)
def reject(user, c, p):
    services.reject_claim(actor=user, claim=c, reason=p.reason)


@_claim_action("approve", "Approve: the payout by the rules, cut to the remaining caps (400 cap_reached)", Empty)
def approve(user, c, p):
    services.approve_claim(actor=user, claim=c)


@_claim_action("pay", "Record the payout of an approved claim", PayoutIn)
def pay_claim(user, c, p):
    services.pay_claim(actor=user, claim=c, paid_on=p.paid_on, reference=p.reference)


@router.post("/mutual-aid-claims/{claim_id}/documents", response={200: ClaimDetail, **WRITE_ERRORS},
             summary="Upload a document of a draft claim (multipart; PDF, JPG or PNG)",
             operation_id="mutual_aid_claim_document_add")
def add_document(request, claim_id: Id, file: File[UploadedFile]):
    """The type is read from the file's content, not its name; 409 once the claim is submitted."""
    user = request.auth
    c = _load_claim(user, claim_id)
    require(user, policies.SUBMIT, c.union)  # rights before reading the upload
    services.add_document(actor=user, claim=c, upload=file)
    return claim_detail(user, c)


@router.get("/mutual-aid-claims/{claim_id}/documents/{document_id}", response={200: None, **READ_ERRORS},
            summary="Download a claim document", operation_id="mutual_aid_claim_document_get")
def get_document(request, claim_id: Id, document_id: Id):
    c = _load_claim(request.auth, claim_id)
    doc = ClaimDocument.objects.filter(claim=c, pk=document_id).first()
    if doc is None:
        raise not_found()
    return private_file_response(doc.file, doc.name)


# --- the member's own claims -----------------------------------------------------------------------

class MyCoverageOut(ApiSchema):
    id: int
    plan: int
    plan_name: str
    year: int
    union: Ref
    effective_from: datetime.date
    coverage_ends: datetime.date
    total_approved: Decimal


class MyClaimActionsOut(ApiSchema):
    correct: bool
    documents: bool
    send: bool
    withdraw: bool


class MyClaimOut(ApiSchema):
    id: int
    number: str
    plan: int
    year: int
    union: Ref
    kind: ClaimKind
    hospital: str
    admitted_on: datetime.date
    discharged_on: datetime.date
    diagnosis: str
    invoice_numbers: list[str]
    total_cost: Decimal
    eligible_cost: Decimal
    approved_amount: Decimal | None
    status: ClaimStatus
    filed_by_member: bool
    with_me: bool = Field(description="The claim is the member's to complete and send (not sent yet, or returned).")
    sent_by_member_at: datetime.datetime | None
    returned_at: datetime.datetime | None
    return_reason: str
    reject_reason: str
    documents: list[DocumentOut]
    payout: PayoutOut | None
    actions: MyClaimActionsOut


class MyClaimRow(ApiSchema):
    id: int
    number: str
    year: int
    kind: ClaimKind
    hospital: str
    admitted_on: datetime.date
    approved_amount: Decimal | None
    status: ClaimStatus
    with_me: bool
    return_reason: str


class MyClaimPage(PageMeta):
    items: list[MyClaimRow]


class MyClaimFields(ApiSchema):
    model_config = ConfigDict(extra="forbid")

    kind: ClaimKind
    hospital: Text(100)
    admitted_on: datetime.date = Field(description="Admission, or the day of diagnosis of a serious illness.")
    discharged_on: datetime.date | None = Field(None, description="Discharge; omitted for a serious illness.")
    diagnosis: Text(200)
    invoice_numbers: list[Text(40)] = Field(min_length=1, max_length=20)
    total_cost: Decimal = Field(gt=0, max_digits=12, decimal_places=2)
    eligible_cost: Decimal = Field(ge=0, max_digits=12, decimal_places=2)


class MyClaimIn(MyClaimFields):
    coverage: Id = Field(description="One of the member's paid coverages (GET /my/mutual-aid-coverages).")


def _me(user):
    person = person_of_account(user)
    if person is None:
        raise not_found()
    return person


def _own(user, claim_id):
    c = selectors.own_claim(_me(user), claim_id)
    if c is None:
        raise not_found()
    return c


def _fields(p):
    return {"kind": p.kind, "hospital": p.hospital, "admitted_on": p.admitted_on, "discharged_on": p.discharged_on,
            "diagnosis": p.diagnosis, "invoice_numbers": " ".join(p.invoice_numbers), "total_cost": p.total_cost,
            "eligible_cost": p.eligible_cost}


def my_claim_out(user, c):
    c = selectors.own_claim(_me(user), c.pk)
    payout = selectors.payout_of(c)
    a = policies.member_claim_actions(c)
    return {"id": c.pk, "number": c.number, "plan": c.plan_id, "year": c.plan.year, "union": ref(c.union),
            "kind": c.kind, "hospital": c.hospital, "admitted_on": c.admitted_on, "discharged_on": c.discharged_on,
            "diagnosis": c.diagnosis, "invoice_numbers": c.invoice_numbers.split(), "total_cost": c.total_cost,
            "eligible_cost": c.eligible_cost, "approved_amount": c.approved_amount, "status": c.status,
            "filed_by_member": c.filed_by_member, "with_me": c.with_member, "sent_by_member_at": c.sent_by_member_at,
            "returned_at": c.returned_at, "return_reason": c.return_reason, "reject_reason": c.reject_reason,
            "documents": [{"id": d.pk, "name": d.name, "kind": d.kind, "size": d.size, "uploaded_at": d.uploaded_at}
                          for d in selectors.documents_of(c)],
            "payout": None if payout is None else {"amount": payout.amount, "paid_on": payout.paid_on,
                                                   "reference": payout.reference},
            "actions": {"correct": a.edit, "documents": a.documents, "send": a.send, "withdraw": a.withdraw}}


@router.get("/my/mutual-aid-coverages", response={200: list[MyCoverageOut], **READ_ERRORS},
            summary="My paid mutual aid coverages (a claim is started on one of them)")
def my_coverages(request):
    return [{"id": cov.pk, "plan": cov.plan_id, "plan_name": cov.plan.name, "year": cov.plan.year,
             "union": ref(cov.union), "effective_from": cov.effective_from, "coverage_ends": cov.plan.coverage_ends,
             "total_approved": cov.total_approved}
            for cov in selectors.claimable_coverages(_me(request.auth))[:50]]


@router.get("/my/mutual-aid-claims", response={200: MyClaimPage, **READ_ERRORS},
            summary="My mutual aid claims (a member's login)")
def my_claims(request, page: Query[PageParams]):
    return paginate(selectors.own_claims(_me(request.auth)), page, row=lambda c: {
        "id": c.pk, "number": c.number, "year": c.plan.year, "kind": c.kind, "hospital": c.hospital,
        "admitted_on": c.admitted_on, "approved_amount": c.approved_amount, "status": c.status,
        "with_me": c.with_member, "return_reason": c.return_reason if c.with_member else ""})


@router.get("/my/mutual-aid-claims/{claim_id}", response={200: MyClaimOut, **READ_ERRORS},
            summary="One of my mutual aid claims")
def my_claim(request, claim_id: Id):
    return my_claim_out(request.auth, _own(request.auth, claim_id))


@router.post("/my/mutual-aid-claims", response={201: MyClaimOut, **WRITE_ERRORS},
             summary="Start a claim for myself (draft, with me until I send it; Idempotency-Key)")
def my_claim_create(request, payload: MyClaimIn,
                    idempotency_key: str | None = Header(None, alias="Idempotency-Key",
                                                         description=IDEMPOTENCY_HEADER_DOC)):
    user = request.auth
    person = _me(user)

    def run():
        cov = resolve(selectors.claimable_coverages(person), payload.coverage, field="coverage")
        c = services.create_member_claim(actor=user, coverage=cov, **_fields(payload))
        return 201, my_claim_out(user, c)

    return idempotent(request, idempotency_key, payload, run, schema=MyClaimOut)


_my_action = workflow_actions(router, path="/my/mutual-aid-claims", id_param="claim_id", load=_own,
                              render=my_claim_out, response=MyClaimOut, operation_prefix="my_mutual_aid_claim")


@_my_action("correct", "Correct my claim while it is with me (before sending, or once returned)", MyClaimFields)
def correct(user, c, p):
    services.update_member_claim(actor=user, claim=c, **_fields(p))


@_my_action("send", "Send my claim to my union (needs a document)", Empty)
def send(user, c, p):
    services.send_claim(actor=user, claim=c)


@_my_action("withdraw", "Withdraw my claim before the union submits it", Empty)
def my_withdraw(user, c, p):
    services.withdraw_member_claim(actor=user, claim=c)


@router.post("/my/mutual-aid-claims/{claim_id}/documents", response={200: MyClaimOut, **WRITE_ERRORS},
             summary="Upload a document of my claim (multipart; PDF, JPG or PNG)",
             operation_id="my_mutual_aid_claim_document_add")
def my_add_document(request, claim_id: Id, file: File[UploadedFile]):
    """The same checks as the union's uploads; 400 `with_union` once the claim is with the union."""
    user = request.auth
    c = _own(user, claim_id)
    services.add_member_document(actor=user, claim=c, upload=file)
    return my_claim_out(user, c)


@router.get("/my/mutual-aid-claims/{claim_id}/documents/{document_id}", response={200: None, **READ_ERRORS},
            summary="Download a document of my claim", operation_id="my_mutual_aid_claim_document_get")
def my_get_document(request, claim_id: Id, document_id: Id):
    c = _own(request.auth, claim_id)
    doc = ClaimDocument.objects.filter(claim=c, pk=document_id).first()
    if doc is None:
        raise not_found()
    return private_file_response(doc.file, doc.name)
