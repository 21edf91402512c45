"""/foundings: union founding applications (组建), and /foundings/unorganised-enterprises (未建会企业).

- Reads go through `selectors/foundings.py` (scope: the enterprise's town, or the union once
  formed or joined). An application outside the caller's scope answers 404 like a missing one;
  an enterprise or joint union named in a body that the caller cannot use is 400
  `unknown_reference` on that field.
- Every workflow action (`POST /foundings/{id}/<action>`) calls exactly one service. A rule that
  refuses the step answers 400 with its code and field; a step the application's status does not
  allow answers 409 `wrong_stage`; a visible application the caller may not act on answers 403.
- Lists: keyset pagination, newest first: `?after=<next_after>&limit=1..200`; counts are capped.
  Contact phones are always masked.
- `POST /foundings` honours `Idempotency-Key`.
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
from gonghui.orgs.models import Enterprise, Industry, Org

from .models.foundings import ApplicantKind, FoundingForm, FoundingStatus
from .policies import foundings as policies
from .selectors import foundings as selectors
from .services import foundings as services

router = Router(tags=["foundings"])

Name = Text(64)
Reason = Text(400)


# --- schemas ------------------------------------------------------------------------------------

class FoundingRow(ApiSchema):
    id: int
    enterprise: Ref
    town: Ref = Field(description="The upper union that reviews and approves (the enterprise's town).")
    applicant_kind: ApplicantKind
    contact_name: str
    contact_phone: str = Field(description="Masked (e.g. 139****5678).")
    members_count: int = Field(description="Workers who wish to join.")
    form: FoundingForm
    joint_union: Ref | None
    proposed_name: str
    status: FoundingStatus
    submitted_on: datetime.date | None
    step_due_on: datetime.date | None = Field(description="Deadline of the upper union's current step.")
    overdue: bool
    union: Ref | None = Field(description="The union formed (registered) or joined.")


class FoundingPage(PageMeta):
    items: list[FoundingRow]


class FoundingActionsOut(ApiSchema):
    """What the caller may record now (the actions answer 403 or 409 otherwise)."""

    submit: bool
    review: bool
    approve: bool
    register_union: bool = Field(description="POST …/register (district only).")
    return_to_applicant: bool = Field(description="POST …/return.")
    refuse: bool
    withdraw: bool


class FoundingDetail(FoundingRow):
    headcount: int
    meeting_on: datetime.date | None
    term_years: int | None
    chair_name: str
    vice_chairs: list[str]
    committee_members: list[str]
    note: str
    returned_on: datetime.date | None
    return_reason: str
    reviewed_on: datetime.date | None
    review_note: str
    approved_on: datetime.date | None
    decision_no: str
    registered_on: datetime.date | None
    legal_cert_no: str
    joined_on: datetime.date | None
    refused_on: datetime.date | None
    refuse_reason: str
    withdrawn_on: datetime.date | None
    withdraw_reason: str
    committee: int | None = Field(description="The first committee seated at registration (see /committees).")
    actions: FoundingActionsOut


class FoundingFiltersIn(PageParams):
    status: FoundingStatus | None = None
    form: FoundingForm | None = None
    org: Id | None = Field(None, description="Only applications of this town's or union's subtree.")
    q: Text(64) | None = Field(None, description="Part of the enterprise's, the new union's or the contact's name.")
    year: int | None = Field(None, ge=1990, le=2100, description="Submitted in this year.")
    due: Literal["overdue", "soon"] | None = Field(None, description="Waiting steps past or near their deadline.")
    open: bool = Field(False, description="Only applications still in progress.")


class FoundingContentIn(ApiSchema):
    model_config = ConfigDict(extra="forbid")

    applicant_kind: ApplicantKind
    contact_name: Name
    contact_phone: Text(20)
    members_count: int = Field(ge=1, le=10_000_000, description="Workers who wish to join.")
    form: FoundingForm = Field(description="COMMITTEE from 25 members (rules), else ORGANISER or JOINT.")
    joint_union: Id | None = Field(None, description="For JOINT: an active joint union in the enterprise's town.")
    proposed_name: Text(120) = ""
    meeting_on: datetime.date | None = Field(None, description="The founding meeting, if already held.")
    term_years: Literal[3, 5] | None = None
    chair_name: Name = Field("", description="The chair (or organiser) elected at the founding meeting.")
    vice_chairs: list[Name] = Field([], max_length=10)
    committee_members: list[Name] = Field([], max_length=60)
    note: Text(4000) = ""


class FoundingIn(FoundingContentIn):
    enterprise: Id = Field(description="An enterprise without a union in the caller's towns.")
    submit_on: datetime.date | None = Field(None, description="Submit at once, on this date (else a draft).")


class SubmitIn(ApiSchema):
    model_config = ConfigDict(extra="forbid")

    submitted_on: datetime.date


class ReviewIn(ApiSchema):
    model_config = ConfigDict(extra="forbid")

    reviewed_on: datetime.date
    note: Reason = ""


class ReturnIn(ApiSchema):
    model_config = ConfigDict(extra="forbid")

    returned_on: datetime.date
    reason: Reason


class RefuseIn(ApiSchema):
    model_config = ConfigDict(extra="forbid")

    refused_on: datetime.date
    reason: Reason


class ApproveIn(ApiSchema):
    model_config = ConfigDict(extra="forbid")

    approved_on: datetime.date
    decision_no: Text(64)


class RegisterIn(ApiSchema):
    model_config = ConfigDict(extra="forbid")

    registered_on: datetime.date
    legal_cert_no: Text(64)
    code: Text(32) = Field("", description="The new union's code; empty: the town's code and the application id.")


class WithdrawIn(ApiSchema):
    model_config = ConfigDict(extra="forbid")

    withdrawn_on: datetime.date
    reason: Reason = ""


class UnorganisedRow(ApiSchema):
    id: int
    name: str
    town: Ref
    industry: Industry
    headcount: int
    above_scale: bool
    top100: bool
    open_application: bool


class UnorganisedPage(PageMeta):
    items: list[UnorganisedRow]


class UnorganisedFiltersIn(PageParams):
    town: Id | None = None
    industry: Industry | None = None
    size: Literal["lt25", "25_99", "100_499", "500"] | None = None
    above_scale: bool = False
    top100: bool = False
    application: Literal["open", "none"] | None = None
    q: Text(64) | None = None


# --- output -------------------------------------------------------------------------------------

def founding_row(a, on=None):
    return {"id": a.pk, "enterprise": ref(a.enterprise), "town": ref(a.town), "applicant_kind": a.applicant_kind,
            "contact_name": a.contact_name, "contact_phone": a.contact_phone_masked,
            "members_count": a.members_count, "form": a.form, "joint_union": ref(a.joint_union),
            "proposed_name": a.proposed_name, "status": a.status, "submitted_on": a.submitted_on,
            "step_due_on": a.step_due_on, "overdue": a.is_overdue(on or selectors.today()), "union": ref(a.union)}


def founding_out(user, application):
    a = selectors.founding_detail(application)
    actions = policies.founding_actions(user, a)
    return {
        **founding_row(a), "headcount": a.headcount, "meeting_on": a.meeting_on, "term_years": a.term_years,
        "chair_name": a.chair_name, "vice_chairs": a.vice_chairs(), "committee_members": a.committee_members(),
        "note": a.note, "returned_on": a.returned_on, "return_reason": a.return_reason,
        "reviewed_on": a.reviewed_on, "review_note": a.review_note, "approved_on": a.approved_on,
        "decision_no": a.decision_no, "registered_on": a.registered_on, "legal_cert_no": a.legal_cert_no,
        "joined_on": a.joined_on, "refused_on": a.refused_on, "refuse_reason": a.refuse_reason,
        "withdrawn_on": a.withdrawn_on, "withdraw_reason": a.withdraw_reason, "committee": a.committee_id,
        "actions": {"submit": actions.submit, "review": actions.review, "approve": actions.approve,
                    "register_union": actions.register, "return_to_applicant": actions.return_,
                    "refuse": actions.refuse, "withdraw": actions.withdraw},
    }


def _application(user, application_id):
    application = (selectors.applications(user).select_related("town", "union", "enterprise")
                   .filter(pk=application_id).first())
    if application is None:
        raise not_found()
    return application


def _filter_org(user, org_id):
    """(org, nothing): an org filter the caller cannot see matches nothing."""
    if org_id is None:
        return None, False
    org = Org.objects.visible_to(user, policies.VIEW).filter(pk=org_id).first()
    return org, org is None


def _content(user, payload):
    joint = resolve(Org.objects.visible_to(user, policies.VIEW), payload.joint_union, field="joint_union")
    return services.FoundingInput(
        applicant_kind=payload.applicant_kind, contact_name=payload.contact_name,
        contact_phone=payload.contact_phone, members_count=payload.members_count, form=payload.form,
        joint_union=joint, proposed_name=payload.proposed_name, meeting_on=payload.meeting_on,
        term_years=payload.term_years, chair_name=payload.chair_name, vice_chair_names="、".join(payload.vice_chairs),
        committee_member_names="、".join(payload.committee_members), note=payload.note)


# --- endpoints ----------------------------------------------------------------------------------

@router.get("/foundings", response={200: FoundingPage, **READ_ERRORS}, summary="List union founding applications")
def list_foundings(request, filters: Query[FoundingFiltersIn]):
    """Applications the caller can see (the towns' and the unions' they formed), newest first."""
    user = request.auth
    org, nothing = _filter_org(user, filters.org)
    on = selectors.today()
    qs = selectors.filtered(user, selectors.FoundingFilters(
        q=filters.q or "", status=filters.status or "", form=filters.form or "", org=org, year=filters.year,
        due=filters.due or "", open=filters.open), on=on)
    if nothing:
        qs = qs.none()
    return paginate(qs, filters, row=lambda a: founding_row(a, on), load=selectors.page_rows())


@router.get("/foundings/unorganised-enterprises", response={200: UnorganisedPage, **READ_ERRORS},
            summary="List enterprises without a union (未建会企业)")
def list_unorganised(request, filters: Query[UnorganisedFiltersIn]):
    """Enterprises of the caller's towns with no union, newest first (the page sorts by headcount)."""
    user = request.auth
    town, nothing = _filter_org(user, filters.town)
    qs = selectors.unorganised(user, selectors.UnorganisedFilters(
        q=filters.q or "", town=town, industry=filters.industry or "", size=filters.size or "",
        above_scale=filters.above_scale, top100=filters.top100, application=filters.application or ""))
    if nothing:
        qs = qs.none()
    load = Enterprise.objects.select_related("town").annotate(has_open=selectors.open_application_exists())
    return paginate(qs, filters, load=load, row=lambda e: {
        "id": e.pk, "name": e.name, "town": ref(e.town), "industry": e.industry, "headcount": e.headcount,
        "above_scale": e.above_scale, "top100": e.top100, "open_application": e.has_open})


@router.get("/foundings/{application_id}", response={200: FoundingDetail, **READ_ERRORS},
            summary="Get a union founding application")
def get_founding(request, application_id: Id):
    user = request.auth
    return founding_out(user, _application(user, application_id))


@router.post("/foundings", response={201: FoundingDetail, **WRITE_ERRORS}, summary="Record a founding application")
def create_founding(request, payload: FoundingIn,
                    idempotency_key: str | None = Header(None, alias="Idempotency-Key",
                                                         description=IDEMPOTENCY_HEADER_DOC)):
    """Recorded on the enterprise's (or its workers') behalf by the town's cadres: a draft, or
    submitted at once with `submit_on`. The form must match the number of members (a committee
    from 25, else an organiser or joining a joint union of the same town)."""
    user = request.auth

    def run():
        enterprise = selectors.enterprise_for_application(user, payload.enterprise)
        if enterprise is None:
            resolve(Enterprise.objects.none(), payload.enterprise, field="enterprise")
        application = services.create_application(actor=user, enterprise=enterprise,
                                                  data=_content(user, payload), submit_on=payload.submit_on)
        return 201, founding_out(user, application)

    return idempotent(request, idempotency_key, payload, run, schema=FoundingDetail)


_action = workflow_actions(router, path="/foundings", id_param="application_id", load=_application,
                           render=founding_out, response=FoundingDetail, operation_prefix="founding")


@_action("edit", "Change a draft or a returned application (the whole content)", FoundingContentIn)
def edit(user, application, p):
    """The same content as `POST /foundings` (the contact phone is typed again: it is never shown)."""
    services.update_application(actor=user, application=application, data=_content(user, p))


@_action("submit", "Submit to the upper union", SubmitIn)
def submit(user, application, p):
    """A draft or a returned application; the town's review is due within the rules' working days."""
    services.submit_application(actor=user, application=application, submitted_on=p.submitted_on)


@_action("review", "Accept at the town's review and forward for approval", ReviewIn)
def review(user, application, p):
    services.review_application(actor=user, application=application, reviewed_on=p.reviewed_on, note=p.note)


@_action("return", "Return to the applicant for changes (with the reason)", ReturnIn)
def return_(user, application, p):
    services.return_application(actor=user, application=application, returned_on=p.returned_on, reason=p.reason)


@_action("refuse", "Refuse (with the reason)", RefuseIn)
def refuse(user, application, p):
    services.refuse_application(actor=user, application=application, refused_on=p.refused_on, reason=p.reason)


@_action("approve", "Approve (批复, with the decision's number)", ApproveIn)
def approve(user, application, p):
    """A JOINT application ends here: the enterprise joins the joint union."""
    services.approve_application(actor=user, application=application, approved_on=p.approved_on,
                                 decision_no=p.decision_no)


@_action("register", "Register the union (法人资格证书); it appears in the tree", RegisterIn)
def register(user, application, p):
    """District only. Creates the union under the town, links the enterprise and seats the first
    committee listed in the application."""
    services.register_union(actor=user, application=application, registered_on=p.registered_on,
                            legal_cert_no=p.legal_cert_no, code=p.code)


@_action("withdraw", "Withdraw at the applicant's request", WithdrawIn)
def withdraw(user, application, p):
    services.withdraw_application(actor=user, application=application, withdrawn_on=p.withdrawn_on,
                                  reason=p.reason)
