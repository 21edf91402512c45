"""/liaison-visits and /liaison-assignments (联系基层工作点).

- Reads go through the scope (the enterprise's town, or its union: a chair sees the visits to
  their enterprise). A record outside it answers 404 like a missing one; an enterprise or cadre
  named in a body that the caller cannot use is 400 `unknown_reference` on that field.
- Writes need `grassroots.liaise` on the enterprise's town (403 otherwise); each calls one
  service; a rule that refuses answers 400 with its code and field, a step the record's state
  does not allow 409 `wrong_stage`, a second live assignment of the same cadre 409 `already_open`.
- Lists: keyset pagination, newest first: `?after=<next_after>&limit=1..200`; counts are capped.
- `POST /liaison-visits` honours `Idempotency-Key`.
"""

import datetime

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
)
from gonghui.orgs.models import Org

from .models.liaison import AssignmentStatus, FollowUpStatus, LiaisonTopic
from .policies import liaison as policies
from .selectors import liaison as selectors
from .services import liaison as services

router = Router(tags=["liaison"])

LongText = Text(5000)


# --- schemas ----------------------------------------------------------------------------------

class FollowUpOut(ApiSchema):
    id: int
    action: str
    owner: int | None = Field(description="The owner's user id, when the owner has an account.")
    owner_name: str
    due_on: datetime.date
    status: FollowUpStatus
    overdue: bool
    closed_on: datetime.date | None
    closure_note: str


class VisitRow(ApiSchema):
    id: int
    town: Ref
    enterprise: Ref
    top100: bool
    visited_on: datetime.date
    cadre: int | None = Field(description="The cadre's user id, when the cadre has an account.")
    cadre_name: str
    topics: list[LiaisonTopic]
    open_follow_ups: int
    overdue_follow_ups: int


class VisitPage(PageMeta):
    items: list[VisitRow]


class VisitDetail(VisitRow):
    companions: str
    topic_other: str
    notes: str
    problems: str
    follow_ups: list[FollowUpOut]
    may_liaise: bool = Field(description="The caller may add and close follow-up actions.")


class VisitFiltersIn(PageParams):
    org: Id | None = Field(None, description="Only visits in this town's (or union's) subtree.")
    enterprise: Id | None = None
    topic: LiaisonTopic | None = None
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None
    top100: bool = False
    open_follow_ups: bool = Field(False, description="Only visits with an open follow-up action.")
    q: Text(60) | None = Field(None, description="Part of the enterprise's or a cadre's name.")


class FollowUpIn(ApiSchema):
    model_config = ConfigDict(extra="forbid")

    action: Text(300)
    due_on: datetime.date
    owner: Id | None = Field(None, description="A cadre's user id (see the cadres the caller may pick).")
    owner_name: Text(64) = Field("", description="The owner's name, when they have no account.")


class VisitIn(ApiSchema):
    model_config = ConfigDict(extra="forbid")

    enterprise: Id
    visited_on: datetime.date
    topics: list[LiaisonTopic] = Field(min_length=1, max_length=len(LiaisonTopic.values))
    cadre: Id | None = Field(None, description="The cadre's user id; default: the caller when a cadre.")
    cadre_name: Text(64) = Field("", description="The cadre's name, when they have no account.")
    companions: Text(200) = ""
    topic_other: Text(100) = ""
    notes: LongText = ""
    problems: LongText = ""
    follow_ups: list[FollowUpIn] = Field(default_factory=list, max_length=20)


class CloseIn(ApiSchema):
    model_config = ConfigDict(extra="forbid")

    closed_on: datetime.date | None = Field(None, description="Default: today.")
    note: Text(500)


class AssignmentOut(ApiSchema):
    id: int
    town: Ref
    enterprise: Ref
    top100: bool
    cadre: int | None
    cadre_name: str
    starts_on: datetime.date
    ends_on: datetime.date | None
    status: AssignmentStatus
    note: str


class AssignmentPage(PageMeta):
    items: list[AssignmentOut]


class AssignmentsOut(ApiSchema):
    items: list[AssignmentOut]


class AssignmentFiltersIn(PageParams):
    org: Id | None = None
    status: AssignmentStatus | None = Field(None, description="Default: every status.")
    cadre: Id | None = Field(None, description="A cadre's user id.")
    top100: bool = False
    q: Text(60) | None = None


class AssignIn(ApiSchema):
    model_config = ConfigDict(extra="forbid")

    cadre: Id
    enterprises: list[Id] = Field(min_length=1, max_length=500)
    starts_on: datetime.date
    ends_on: datetime.date | None = None
    note: Text(200) = ""


class EndIn(ApiSchema):
    model_config = ConfigDict(extra="forbid")

    ends_on: datetime.date | None = Field(None, description="Default: today.")
    note: Text(200) = ""


# --- output -------------------------------------------------------------------------------------

def _topic_codes(visit):
    return sorted((t.topic for t in visit.topics.all()), key=list(LiaisonTopic.values).index)


def visit_row(v):
    return {"id": v.pk, "town": ref(v.town), "enterprise": ref(v.enterprise), "top100": v.enterprise.top100,
            "visited_on": v.visited_on, "cadre": v.cadre_id, "cadre_name": v.cadre_name, "topics": _topic_codes(v),
            "open_follow_ups": v.open_count, "overdue_follow_ups": v.overdue_count}


def follow_up_out(f, on):
    return {"id": f.pk, "action": f.action, "owner": f.owner_id, "owner_name": f.owner_name, "due_on": f.due_on,
            "status": f.status, "overdue": f.is_overdue(on), "closed_on": f.closed_on,
            "closure_note": f.closure_note}


def visit_out(user, visit):
    v = selectors.visit_detail(visit)
    on = selectors.today()
    ups = list(v.follow_ups.all())
    v.open_count = sum(1 for f in ups if f.status == FollowUpStatus.OPEN)
    v.overdue_count = sum(1 for f in ups if f.is_overdue(on))
    return {**visit_row(v), "companions": v.companions, "topic_other": v.topic_other, "notes": v.notes,
            "problems": v.problems, "follow_ups": [follow_up_out(f, on) for f in ups],
            "may_liaise": policies.may_liaise(user, v)}


def assignment_out(a):
    return {"id": a.pk, "town": ref(a.town), "enterprise": ref(a.enterprise), "top100": a.enterprise.top100,
            "cadre": a.cadre_id, "cadre_name": a.cadre_name, "starts_on": a.starts_on, "ends_on": a.ends_on,
            "status": a.status, "note": a.note}


# --- helpers ------------------------------------------------------------------------------------

def _visit(user, visit_id):
    visit = selectors.visits(user).select_related("town", "enterprise").filter(pk=visit_id).first()
    if visit is None:
        raise not_found()
    return visit


def _filter_org(user, org_id):
    if org_id is None:
        return None, False
    org = Org.objects.visible_to(user, policies.VIEW).filter(pk=org_id).first()
    return org, org is None


def _cadre(user, cadre_id, field):
    if cadre_id is None:
        return None
    cadre = selectors.cadre_by_id(user, cadre_id)
    if cadre is None:
        raise ApiError(400, "unknown_reference", _unknown(cadre_id), field=field,
                       errors=[{"field": field, "code": "unknown_reference", "message": _unknown(cadre_id)}])
    return cadre


def _unknown(pk):
    from django.utils.translation import gettext as _

    return _("No record with id %(id)s that you can use here.") % {"id": pk}


def _follow_up_input(user, item):
    return services.FollowUpInput(action=item.action, due_on=item.due_on, owner=_cadre(user, item.owner, "owner"),
                                  owner_name=item.owner_name)


# --- visits -------------------------------------------------------------------------------------

@router.get("/liaison-visits", response={200: VisitPage, **READ_ERRORS}, summary="List liaison visits")
def list_visits(request, filters: Query[VisitFiltersIn]):
    """Visits to enterprises the caller can see, newest first."""
    user = request.auth
    org, nothing = _filter_org(user, filters.org)
    enterprise = None
    if filters.enterprise is not None:
        enterprise = selectors.enterprises_in_reach(user).filter(pk=filters.enterprise).first()
        nothing = nothing or enterprise is None
    qs = selectors.filtered_visits(user, selectors.VisitFilters(
        q=filters.q or "", org=org, topic=filters.topic or "", date_from=filters.date_from, date_to=filters.date_to,
        top100=filters.top100, open_follow_ups=filters.open_follow_ups, enterprise=enterprise))
    if nothing:
        qs = qs.none()
    return paginate(qs, filters, row=visit_row, load=selectors.visit_rows())


@router.get("/liaison-visits/{visit_id}", response={200: VisitDetail, **READ_ERRORS},
            summary="Get a liaison visit with its follow-up actions")
def get_visit(request, visit_id: Id):
    user = request.auth
    return visit_out(user, _visit(user, visit_id))


@router.post("/liaison-visits", response={201: VisitDetail, **WRITE_ERRORS}, summary="Log a liaison visit")
def create_visit(request, payload: VisitIn,
                 idempotency_key: str | None = Header(None, alias="Idempotency-Key",
                                                      description=IDEMPOTENCY_HEADER_DOC)):
    """A visit by a district or town cadre (`grassroots.liaise`) with its topics, notes, problems
    found and the follow-up actions agreed."""
    user = request.auth

    def run():
        enterprise = resolve(selectors.enterprises_in_reach(user).select_related("town", "union"),
                             payload.enterprise, field="enterprise")
        visit = services.record_visit(actor=user, enterprise=enterprise, data=services.VisitInput(
            visited_on=payload.visited_on, topics=list(payload.topics), cadre=_cadre(user, payload.cadre, "cadre"),
            cadre_name=payload.cadre_name, companions=payload.companions, topic_other=payload.topic_other,
            notes=payload.notes, problems=payload.problems,
            follow_ups=[_follow_up_input(user, item) for item in payload.follow_ups]))
        return 201, visit_out(user, visit)

    return idempotent(request, idempotency_key, payload, run, schema=VisitDetail)


@router.post("/liaison-visits/{visit_id}/follow-ups", response={201: VisitDetail, **WRITE_ERRORS},
             summary="Add a follow-up action to a visit")
def add_follow_up(request, visit_id: Id, payload: FollowUpIn):
    user = request.auth
    visit = _visit(user, visit_id)
    services.add_follow_up(actor=user, visit=visit, data=_follow_up_input(user, payload))
    return 201, visit_out(user, visit)


@router.post("/liaison-visits/{visit_id}/follow-ups/{follow_up_id}/close", response={200: VisitDetail, **WRITE_ERRORS},
             summary="Close a follow-up action")
def close_follow_up(request, visit_id: Id, follow_up_id: Id, payload: CloseIn):
    user = request.auth
    visit = _visit(user, visit_id)
    follow_up = selectors.follow_ups(user).filter(pk=follow_up_id, visit=visit).first()
    if follow_up is None:
        raise not_found()
    services.close_follow_up(actor=user, follow_up=follow_up, closed_on=payload.closed_on, note=payload.note)
    return visit_out(user, visit)


# --- assignments --------------------------------------------------------------------------------

def _assignment_rows():
    return selectors.assignment_rows().select_related("enterprise", "town")


@router.get("/liaison-assignments", response={200: AssignmentPage, **READ_ERRORS},
            summary="List liaison assignments")
def list_assignments(request, filters: Query[AssignmentFiltersIn]):
    user = request.auth
    org, nothing = _filter_org(user, filters.org)
    qs = selectors.filtered_assignments(user, selectors.AssignmentFilters(
        q=filters.q or "", org=org, status=filters.status or "", top100=filters.top100))
    if filters.cadre is not None:
        qs = qs.filter(cadre_id=filters.cadre)
    if nothing:
        qs = qs.none()
    return paginate(qs, filters, row=assignment_out, load=_assignment_rows())


@router.get("/liaison-assignments/{assignment_id}", response={200: AssignmentOut, **READ_ERRORS},
            summary="Get a liaison assignment")
def get_assignment(request, assignment_id: Id):
    user = request.auth
    assignment = selectors.assignments(user).select_related("town", "enterprise").filter(pk=assignment_id).first()
    if assignment is None:
        raise not_found()
    return assignment_out(assignment)


@router.post("/liaison-assignments", response={201: AssignmentsOut, **WRITE_ERRORS},
             summary="Assign enterprises to a liaison cadre (bulk)")
def create_assignments(request, payload: AssignIn):
    """One cadre becomes the liaison of every listed enterprise (all or nothing)."""
    user = request.auth
    cadre = _cadre(user, payload.cadre, "cadre")
    ids = list(dict.fromkeys(payload.enterprises))
    found = {e.pk: e for e in selectors.enterprises_in_reach(user).select_related("town").filter(pk__in=ids)}
    for pk in ids:
        if pk not in found:
            resolve(Org.objects.none(), pk, field="enterprises")
    created = services.assign_cadre(actor=user, cadre=cadre, enterprises=[found[pk] for pk in ids],
                                    starts_on=payload.starts_on, ends_on=payload.ends_on, note=payload.note)
    return 201, {"items": [assignment_out(a) for a in created]}


@router.post("/liaison-assignments/{assignment_id}/end", response={200: AssignmentOut, **WRITE_ERRORS},
             summary="End a liaison assignment")
def end_assignment(request, assignment_id: Id, payload: EndIn):
    user = request.auth
    assignment = selectors.assignments(user).select_related("town", "enterprise").filter(pk=assignment_id).first()
    if assignment is None:
        raise not_found()
    done = services.end_assignment(actor=user, assignment=assignment, ends_on=payload.ends_on, note=payload.note)
    done.enterprise, done.town = assignment.enterprise, assignment.town
    return assignment_out(done)
