"""/honours (nominations and their workflow), /honour-types (with the year's quotas) and
/honour-records (every honour of the subtree).

- Reads go through the selectors (scope: the union's subtree). A record outside the caller's
  scope answers 404 like a missing one; a union, person or enterprise named in a body the caller
  cannot use is 400 `unknown_reference` on that field.
- Every workflow action (`POST /honours/{id}/<action>`) calls exactly one service. A refused rule
  answers 400 with its code and field (`quota_full`, `no_quota`, `ineligible`, `notice_running`,
  `objection_open`, …); a step the status does not allow 409 `wrong_stage`.
- Lists: keyset pagination, newest first: `?after=<next_after>&limit=1..200`; counts are capped.
"""

import datetime
from typing import Literal

from ninja import Field, Header, Query, Router
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
from gonghui.members.models import Membership, Person
from gonghui.orgs.models import Enterprise, Org

from .models.awards import (
    HolderKind,
    HonourCategory,
    HonourLevel,
    HonourType,
    NominationStatus,
    ObjectionStatus,
)
from .policies import awards as policies
from .selectors import awards as selectors
from .services import awards as services

router = Router(tags=["honours"])


# --- schemas ----------------------------------------------------------------------------------------

class NominationRow(ApiSchema):
    id: int
    honour_type: Ref
    year: int
    org: Ref = Field(description="The nominating union.")
    person: Ref | None
    team_name: str
    status: NominationStatus
    submitted_on: datetime.date
    notice_starts_on: datetime.date | None
    notice_ends_on: datetime.date | None
    conferred_on: datetime.date | None


class NominationPage(PageMeta):
    items: list[NominationRow]


class CheckOut(ApiSchema):
    code: str
    ok: bool
    text: str


class ObjectionOut(ApiSchema):
    id: int
    received_on: datetime.date
    objector: str
    content: str
    status: ObjectionStatus
    decided_on: datetime.date | None
    decision_note: str


class ActionsOut(ApiSchema):
    town_review: bool
    district_review: bool
    objection: bool
    decide_objection: bool
    confer: bool
    withdraw: bool


class NominationDetail(NominationRow):
    quota: int
    enterprise: Ref | None
    deeds: str
    wage_arrears: bool
    no_social_insurance: bool
    serious_accident_on: datetime.date | None
    eligibility: list[CheckOut]
    town_reviewed_on: datetime.date | None
    town_comments: str
    district_reviewed_on: datetime.date | None
    district_comments: str
    certificate_no: str
    rejected_on: datetime.date | None
    reject_reason: str
    withdrawn_on: datetime.date | None
    record: int | None = Field(description="The honour record written at conferral (GET /honour-records/{id}).")
    objections: list[ObjectionOut]
    actions: ActionsOut


class FiltersIn(PageParams):
    honour_type: Id | None = None
    status: NominationStatus | None = None
    org: Id | None = Field(None, description="Only nominations of this town's or union's subtree.")
    year: int | None = Field(None, ge=2000, le=2100)
    q: Text(60) | None = Field(None, description="Part of the nominee's, the team's or the union's name.")
    due: Literal["review", "confer"] | None = Field(
        None, description="review (waiting for a review) or confer (public notice over).")


class NominateIn(ApiSchema):
    model_config = ConfigDict(extra="forbid")

    honour_type: Id
    org: Id = Field(description="The nominating grassroots union.")
    year: int | None = Field(None, description="Default: the year of submission.")
    person: Id | None = Field(None, description="For an award to a person: a live member of the union.")
    team_name: Text(120) = Field("", description="For 工人先锋号.")
    enterprise: Id | None = Field(None, description="For 工人先锋号: the team's enterprise.")
    deeds: Text(4000)
    wage_arrears: bool = False
    no_social_insurance: bool = False
    serious_accident_on: datetime.date | None = None
    submitted_on: datetime.date | None = None


class TownReviewIn(ApiSchema):
    model_config = ConfigDict(extra="forbid")

    decision: Literal["forward", "reject"]
    reviewed_on: datetime.date | None = None
    comments: Text(400) = ""
    reason: Text(400) = Field("", description="Required to reject.")


class DistrictReviewIn(ApiSchema):
    model_config = ConfigDict(extra="forbid")

    decision: Literal["approve", "reject"]
    reviewed_on: datetime.date | None = None
    notice_starts_on: datetime.date | None = Field(None, description="Approve: the 公示 starts (default: review day).")
    comments: Text(400) = ""
    reason: Text(400) = Field("", description="Required to reject.")


class ObjectionIn(ApiSchema):
    model_config = ConfigDict(extra="forbid")

    content: Text(4000)
    objector: Text(64) = ""
    received_on: datetime.date | None = None


class DecideIn(ApiSchema):
    model_config = ConfigDict(extra="forbid")

    objection: Id
    decision: Literal["uphold", "dismiss"]
    note: Text(400)
    decided_on: datetime.date | None = None


class ConferIn(ApiSchema):
    model_config = ConfigDict(extra="forbid")

    conferred_on: datetime.date | None = None
    certificate_no: Text(64) = ""


class WithdrawIn(ApiSchema):
    model_config = ConfigDict(extra="forbid")

    withdrawn_on: datetime.date | None = None
    reason: Text(400) = ""


class QuotaOut(ApiSchema):
    id: int
    org: Ref
    year: int
    places: int
    used: int


class TypeOut(ApiSchema):
    id: int
    kind: str
    name: str
    holder_kind: HolderKind
    level: HonourLevel
    is_active: bool
    quotas: list[QuotaOut] = Field(description="The quotas of `year` (default this year) the caller can see.")


class TypeList(ApiSchema):
    items: list[TypeOut]


class QuotaIn(ApiSchema):
    model_config = ConfigDict(extra="forbid")

    org: Id
    year: int
    places: int = Field(ge=0, le=999)


class TypeIn(ApiSchema):
    model_config = ConfigDict(extra="forbid")

    name: Text(120)
    is_active: bool
    description: Text(400) = ""


class RecordRow(ApiSchema):
    id: int
    holder_kind: HolderKind
    person: Ref | None
    team_name: str
    title: str
    category: HonourCategory
    level: HonourLevel
    year: int
    conferred_on: datetime.date
    conferred_by: str
    org: Ref
    source_label: str


class RecordPage(PageMeta):
    items: list[RecordRow]


class RecordFiltersIn(PageParams):
    category: HonourCategory | None = None
    level: HonourLevel | None = None
    year: int | None = Field(None, ge=2000, le=2100)
    org: Id | None = None
    person: Id | None = None
    q: Text(60) | None = None


# --- output -------------------------------------------------------------------------------------------

def nomination_row(n):
    return {"id": n.pk, "honour_type": ref(n.honour_type), "year": n.year, "org": ref(n.org),
            "person": ref(n.person), "team_name": n.team_name, "status": n.status, "submitted_on": n.submitted_on,
            "notice_starts_on": n.notice_starts_on, "notice_ends_on": n.notice_ends_on,
            "conferred_on": n.conferred_on}


def nomination_out(user, nomination):
    n = selectors.nomination_detail(nomination)
    fields = ("deeds", "wage_arrears", "no_social_insurance", "serious_accident_on", "town_reviewed_on",
              "town_comments", "district_reviewed_on", "district_comments", "certificate_no", "rejected_on",
              "reject_reason", "withdrawn_on")
    return {**nomination_row(n), **{f: getattr(n, f) for f in fields}, "quota": n.quota_id,
            "enterprise": ref(n.enterprise), "eligibility": n.eligibility or [], "record": n.record_id,
            "objections": [{"id": o.pk, "received_on": o.received_on, "objector": o.objector, "content": o.content,
                            "status": o.status, "decided_on": o.decided_on, "decision_note": o.decision_note}
                           for o in n.objections.all()],
            "actions": vars(policies.nomination_actions(user, n))}


def _nomination(user, nomination_id):
    n = selectors.nominations(user).select_related("org", "honour_type").filter(pk=nomination_id).first()
    if n is None:
        raise not_found()
    return n


def record_row(r):
    return {"id": r.pk, "holder_kind": r.holder_kind, "person": ref(r.person), "team_name": r.team_name,
            "title": r.title, "category": r.category, "level": r.level, "year": r.year,
            "conferred_on": r.conferred_on, "conferred_by": r.conferred_by, "org": ref(r.org),
            "source_label": r.source_label}


# --- nominations ---------------------------------------------------------------------------------------

@router.get("/honours", response={200: NominationPage, **READ_ERRORS}, summary="List honour nominations")
def list_nominations(request, filters: Query[FiltersIn]):
    user = request.auth
    org = Org.objects.visible_to(user, policies.VIEW).filter(pk=filters.org).first() if filters.org else None
    honour_type = HonourType.objects.filter(pk=filters.honour_type).first() if filters.honour_type else None
    qs = selectors.filtered(user, selectors.NominationFilters(
        q=filters.q or "", org=org, honour_type=honour_type, status=filters.status or "", year=filters.year,
        due=filters.due or ""))
    if (filters.org is not None and org is None) or (filters.honour_type is not None and honour_type is None):
        qs = qs.none()
    return paginate(qs, filters, row=nomination_row, load=selectors.page_rows())


@router.get("/honours/{nomination_id}", response={200: NominationDetail, **READ_ERRORS},
            summary="Get a nomination with its eligibility checks, objections and the steps allowed now")
def get_nomination(request, nomination_id: Id):
    user = request.auth
    return nomination_out(user, _nomination(user, nomination_id))


@router.post("/honours", response={201: NominationDetail, **WRITE_ERRORS}, summary="Nominate (a union)")
def create_nomination(request, payload: NominateIn,
                      idempotency_key: str | None = Header(None, alias="Idempotency-Key",
                                                           description=IDEMPOTENCY_HEADER_DOC)):
    """Within the quota of the nearest org above the union (400 `quota_full` / `no_quota`); a
    工人先锋号 team is checked against the records (400 `ineligible` with the reasons)."""
    user = request.auth

    def run():
        org = resolve(Org.objects.visible_to(user, policies.VIEW), payload.org, field="org")
        honour_type = resolve(HonourType.objects.all(), payload.honour_type, field="honour_type")
        live = Membership.objects.live().filter(union__path__startswith=org.path).values("person_id")
        person = resolve(Person.objects.filter(pk__in=live), payload.person, field="person")
        enterprise = resolve(Enterprise.objects.filter(union__path__startswith=org.path), payload.enterprise,
                             field="enterprise")
        n = services.nominate_honour(actor=user, honour_type=honour_type, org=org, year=payload.year, person=person,
                                     team_name=payload.team_name, enterprise=enterprise, deeds=payload.deeds,
                                     wage_arrears=payload.wage_arrears, no_social_insurance=payload.no_social_insurance,
                                     serious_accident_on=payload.serious_accident_on,
                                     submitted_on=payload.submitted_on)
        return 201, nomination_out(user, n)

    return idempotent(request, idempotency_key, payload, run, schema=NominationDetail)


_action = workflow_actions(router, path="/honours", id_param="nomination_id", load=_nomination,
                           render=nomination_out, response=NominationDetail, operation_prefix="honour_nomination")


@_action("town-review", "Town review: forward to the district or reject", TownReviewIn)
def town_review(user, n, p):
    services.review_by_town(actor=user, nomination=n, decision=p.decision, comments=p.comments, reason=p.reason,
                            reviewed_on=p.reviewed_on)


@_action("district-review", "District review: approve (opens the 公示) or reject", DistrictReviewIn)
def district_review(user, n, p):
    services.review_by_district(actor=user, nomination=n, decision=p.decision, comments=p.comments,
                                reason=p.reason, reviewed_on=p.reviewed_on, notice_starts_on=p.notice_starts_on)


@_action("objections", "Record an objection received during the 公示", ObjectionIn)
def objection(user, n, p):
    services.add_objection(actor=user, nomination=n, content=p.content, objector=p.objector,
                           received_on=p.received_on)


@_action("decide-objection", "Decide an objection: uphold (not conferred) or dismiss", DecideIn)
def decide_objection(user, n, p):
    o = resolve(n.objections.all(), p.objection, field="objection")
    services.decide_objection(actor=user, objection=o, decision=p.decision, note=p.note, decided_on=p.decided_on)


@_action("confer", "Confer the award after the 公示 (no open objection); writes the honour record", ConferIn)
def confer(user, n, p):
    services.confer_award(actor=user, nomination=n, conferred_on=p.conferred_on, certificate_no=p.certificate_no)


@_action("withdraw", "Withdraw the nomination before the 公示", WithdrawIn)
def withdraw(user, n, p):
    services.withdraw_nomination(actor=user, nomination=n, reason=p.reason, withdrawn_on=p.withdrawn_on)


# --- types and quotas ----------------------------------------------------------------------------------

def _types_out(user, year):
    quotas = {}
    for q in selectors.quotas(user, year):
        quotas.setdefault(q.honour_type_id, []).append({"id": q.pk, "org": ref(q.org), "year": q.year,
                                                        "places": q.places, "used": q.used})
    return [{"id": t.pk, "kind": t.kind, "name": t.name, "holder_kind": t.holder_kind, "level": t.level,
             "is_active": t.is_active, "quotas": quotas.get(t.pk, [])} for t in selectors.award_types()]


@router.get("/honour-types", response={200: TypeList, **READ_ERRORS}, summary="Award types with the year's quotas")
def list_types(request, year: int | None = Query(None, ge=2000, le=2100)):
    user = request.auth
    if not policies.can(user, policies.VIEW):
        return {"items": []}
    return {"items": _types_out(user, year or services.today().year)}


@router.get("/honour-types/{type_id}", response={200: TypeOut, **READ_ERRORS}, summary="One award type")
def get_type(request, type_id: Id, year: int | None = Query(None, ge=2000, le=2100)):
    user = request.auth
    if not policies.can(user, policies.VIEW):
        raise not_found()
    for t in _types_out(user, year or services.today().year):
        if t["id"] == type_id:
            return t
    raise not_found()


@router.post("/honour-types/{type_id}", response={200: TypeOut, **WRITE_ERRORS},
             summary="Change an award type: name, open for nominations, description (district)")
def update_type(request, type_id: Id, payload: TypeIn):
    user = request.auth
    t = HonourType.objects.filter(pk=type_id).first() if policies.can(user, policies.VIEW) else None
    if t is None:
        raise not_found()
    services.update_award_type(actor=user, honour_type=t, name=payload.name, is_active=payload.is_active,
                               description=payload.description)
    return next(x for x in _types_out(user, services.today().year) if x["id"] == t.pk)


@router.post("/honour-types/{type_id}/quotas", response={200: TypeOut, **WRITE_ERRORS},
             summary="Set a quota of the type for a town or union and a year (district)")
def set_quota(request, type_id: Id, payload: QuotaIn):
    user = request.auth
    if not policies.can(user, policies.VIEW):
        raise not_found()
    t = HonourType.objects.filter(pk=type_id).first()
    if t is None:
        raise not_found()
    org = resolve(Org.objects.visible_to(user, policies.VIEW), payload.org, field="org")
    services.set_quota(actor=user, honour_type=t, org=org, year=payload.year, places=payload.places)
    return next(x for x in _types_out(user, payload.year) if x["id"] == t.pk)


# --- records -------------------------------------------------------------------------------------------

@router.get("/honour-records", response={200: RecordPage, **READ_ERRORS}, summary="List honour records")
def list_records(request, filters: Query[RecordFiltersIn]):
    user = request.auth
    org = Org.objects.visible_to(user, policies.VIEW).filter(pk=filters.org).first() if filters.org else None
    qs = selectors.filtered_records(user, selectors.RecordFilters(
        q=filters.q or "", org=org, category=filters.category or "", level=filters.level or "", year=filters.year))
    if filters.person is not None:
        qs = qs.filter(person_id=filters.person)
    if filters.org is not None and org is None:
        qs = qs.none()
    return paginate(qs, filters, row=record_row, load=selectors.record_rows())


@router.get("/honour-records/{record_id}", response={200: RecordRow, **READ_ERRORS}, summary="One honour record")
def get_record(request, record_id: Id):
    r = selectors.records(request.auth).select_related("org", "person").filter(pk=record_id).first()
    if r is None:
        raise not_found()
    return record_row(r)
