"""/congresses and /congress-sessions: workers' congress terms (职代会届), their delegate rolls and
their sessions from the plan to the report to the upper union.

- Reads go through `selectors.bodies` (scope: the enterprise union's subtree). A record outside
  the caller's scope answers 404 like a missing one; members and outsiders see nothing.
- Every action calls exactly one service. A rule that refuses it answers 400 with its code and
  field (e.g. `no_quorum` on `present`, `manager_share` on `category`); a step the session's
  status does not allow (`wrong_stage`) or a second current term (`already_open`) answers 409.
- Lists: keyset pagination, newest first: `?after=<next_after>&limit=1..200`; counts are capped.
- `POST /congresses`, `POST /congresses/{id}/delegates` and `POST /congress-sessions` honour
  `Idempotency-Key`.
"""

import datetime
from typing import Annotated, Literal

from django.db.models import Count
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
from gonghui.members.models import Person
from gonghui.orgs.models import Enterprise, Org

from . import policies
from . import rules as congress_rules
from .deadlines import papers_in_time
from .models import AgendaKind, BodyKind, BodyStatus, CongressBody, Delegate, DelegateCategory, SessionStatus
from .selectors import bodies as selectors
from .services import bodies as services
from .services import sessions as session_services

router = Router(tags=["congresses"])


MAX_COUNT = 10_000_000
Count_ = Annotated[int, Field(ge=0, le=MAX_COUNT)]


# --- schemas -----------------------------------------------------------------------------------

class CongressRow(ApiSchema):
    id: int
    org: Ref = Field(description="The enterprise's union.")
    enterprise: Ref
    kind: BodyKind = Field(description="From the headcount at constitution: CONGRESS from 100 staff.")
    term_number: int
    term_years: int
    term_starts_on: datetime.date
    term_ends_on: datetime.date
    status: BodyStatus
    headcount: int
    delegate_quota: int = Field(description="0 for an all-staff meeting (every worker attends).")
    delegates: int = Field(description="Current delegates on the roll, substitutes not counted.")


class CongressPage(PageMeta):
    items: list[CongressRow]


class CategoryCount(ApiSchema):
    category: DelegateCategory
    count: int


class DelegateOut(ApiSchema):
    id: int
    name: str
    person: int | None = Field(description="The member in the registry, when linked.")
    group: str
    category: DelegateCategory
    is_substitute: bool
    elected_on: datetime.date
    ended_on: datetime.date | None
    end_reason: str


class SessionRef(ApiSchema):
    id: int
    number: int
    title: str
    status: SessionStatus


class CongressDetail(CongressRow):
    substitutes: int
    managers: int
    managers_allowed: int = Field(description="At most 20% of the current delegates.")
    quota_gap: int = Field(description="Delegates minus quota: negative = under the quota (0 for all-staff).")
    by_category: list[CategoryCount]
    roll: list[DelegateOut] = Field(description="Every delegate of the term, current and former.")
    sessions: list[SessionRef]


class CongressFilters(PageParams):
    org: Id | None = Field(None, description="Only terms whose union is in this org's subtree.")
    kind: BodyKind | None = None
    status: BodyStatus | None = None
    q: Text(64) | None = Field(None, description="Part of the enterprise's or the union's name.")
    ending_within: int | None = Field(None, ge=0, le=3650, description="Current terms ending within N days.")


class CongressCreateIn(ApiSchema):
    model_config = ConfigDict(extra="forbid")

    enterprise: Id = Field(description="An enterprise whose union is in the caller's subtree.")
    term_starts_on: datetime.date
    term_years: int = Field(description="3 to 5.")
    headcount: int | None = Field(None, ge=1, le=MAX_COUNT, description="Default: the enterprise's headcount.")
    kind: BodyKind | None = Field(None, description="Optional; must match the form the headcount gives.")


class DelegateIn(ApiSchema):
    model_config = ConfigDict(extra="forbid")

    name: Text(64) = Field("", description="Default: the member's name.")
    person: Id | None = Field(None, description="A current member of the term's union.")
    category: DelegateCategory
    group: Text(60) = ""
    is_substitute: bool = False
    elected_on: datetime.date


class AgendaItemOut(ApiSchema):
    id: int
    position: int
    kind: AgendaKind
    title: str
    requires_vote: bool
    votes_for: int | None
    votes_against: int | None
    abstentions: int | None
    passed: bool | None
    resolution: str


class SessionRow(ApiSchema):
    id: int
    congress: int
    org: Ref
    enterprise: Ref
    number: int
    title: str
    status: SessionStatus
    planned_on: datetime.date
    venue: str
    papers_sent_on: datetime.date | None
    papers_in_time: bool = Field(description="Papers reached the delegates ≥7 days before the session.")
    papers_late_reason: str
    held_on: datetime.date | None
    entitled: int | None
    present: int | None
    report_due_on: datetime.date | None
    reported_on: datetime.date | None
    report_overdue: bool
    cancel_reason: str


class SessionPage(PageMeta):
    items: list[SessionRow]


class SessionDetail(SessionRow):
    resolutions: str
    quorum_needed: int | None
    agenda: list[AgendaItemOut]


class SessionFilters(PageParams):
    congress: Id | None = Field(None, description="Only the sessions of this term.")
    org: Id | None = None
    status: SessionStatus | None = None
    year: int | None = Field(None, ge=1990, le=2100, description="Held (or, not yet held, planned) in this year.")
    due: Literal["overdue", "soon"] | None = Field(None, description="Report to the upper union overdue / due soon.")
    q: Text(64) | None = None


class AgendaIn(ApiSchema):
    model_config = ConfigDict(extra="forbid")

    kind: AgendaKind = AgendaKind.OTHER
    title: Text(200)
    requires_vote: bool = True


class SessionCreateIn(ApiSchema):
    model_config = ConfigDict(extra="forbid")

    congress: Id
    title: Text(120)
    planned_on: datetime.date
    venue: Text(120) = ""
    agenda: list[AgendaIn] = Field([], max_length=50)


class PapersIn(ApiSchema):
    model_config = ConfigDict(extra="forbid")

    papers_sent_on: datetime.date


class HeldIn(ApiSchema):
    model_config = ConfigDict(extra="forbid")

    held_on: datetime.date
    present: Count_
    entitled: int | None = Field(None, ge=1, le=MAX_COUNT,
                                 description="Default: delegates on the roll that day (staff for all-staff); "
                                             "for a congress never fewer than that roll (400 "
                                             "`entitled_below_roll`).")
    resolutions: Text(10000) = ""
    papers_late_reason: Text(200) = Field("", description="Required when the papers were not sent 7 days before.")


class VoteIn(ApiSchema):
    model_config = ConfigDict(extra="forbid")

    item: Id
    votes_for: Count_ | None = None
    votes_against: Count_ | None = None
    abstentions: Count_ | None = None
    resolution: Text(4000) = ""


class VotesIn(ApiSchema):
    model_config = ConfigDict(extra="forbid")

    votes: list[VoteIn] = Field(max_length=50)
    resolutions: Text(10000) | None = None


class ReportedIn(ApiSchema):
    model_config = ConfigDict(extra="forbid")

    reported_on: datetime.date


class CancelIn(ApiSchema):
    model_config = ConfigDict(extra="forbid")

    reason: Text(200)


# --- output --------------------------------------------------------------------------------------

def _seated_counts(ids):
    rows = (Delegate.objects.filter(body_id__in=ids, ended_on__isnull=True, is_substitute=False)
            .values("body_id").annotate(n=Count("id")).order_by())
    return {r["body_id"]: r["n"] for r in rows}


def _body_row(b, seated):
    return {"id": b.pk, "org": ref(b.org), "enterprise": ref(b.enterprise), "kind": b.kind,
            "term_number": b.term_number, "term_years": b.term_years, "term_starts_on": b.term_starts_on,
            "term_ends_on": b.term_ends_on, "status": b.status, "headcount": b.headcount,
            "delegate_quota": b.delegate_quota, "delegates": seated}


def body_rows(bodies):
    counts = _seated_counts([b.pk for b in bodies]) if bodies else {}
    return [_body_row(b, counts.get(b.pk, 0)) for b in bodies]


def _delegate(d):
    return {"id": d.pk, "name": d.name, "person": d.person_id, "group": d.group, "category": d.category,
            "is_substitute": d.is_substitute, "elected_on": d.elected_on, "ended_on": d.ended_on,
            "end_reason": d.end_reason}


def body_out(body):
    roll = selectors.roll_of(body)
    return {
        **_body_row(body, roll.seated), "substitutes": len(roll.substitutes), "managers": roll.managers,
        "managers_allowed": roll.managers_allowed, "quota_gap": roll.quota_gap,
        "by_category": [{"category": code, "count": sum(1 for d in roll.delegates if d.category == code)}
                        for code in DelegateCategory.values],
        "roll": [_delegate(d) for d in roll.delegates + roll.substitutes + roll.ended],
        "sessions": [{"id": s.pk, "number": s.number, "title": s.title, "status": s.status}
                     for s in selectors.body_sessions(body)],
    }


def _session_row(s, today):
    check_day = s.held_on or s.planned_on
    return {"id": s.pk, "congress": s.body_id, "org": ref(s.org), "enterprise": ref(s.body.enterprise),
            "number": s.number, "title": s.title, "status": s.status, "planned_on": s.planned_on, "venue": s.venue,
            "papers_sent_on": s.papers_sent_on, "papers_in_time": papers_in_time(s.papers_sent_on, check_day),
            "papers_late_reason": s.papers_late_reason, "held_on": s.held_on, "entitled": s.entitled,
            "present": s.present, "report_due_on": s.report_due_on, "reported_on": s.reported_on,
            "report_overdue": bool(s.status == SessionStatus.HELD and s.report_due_on and s.report_due_on < today),
            "cancel_reason": s.cancel_reason}


def session_rows(items):
    today = selectors.today()
    return [_session_row(s, today) for s in items]


def session_out(session):
    s = selectors.session_detail(session)
    return {**_session_row(s, selectors.today()), "resolutions": s.resolutions,
            "quorum_needed": congress_rules.quorum_needed(s.entitled) if s.entitled else None,
            "agenda": [{"id": i.pk, "position": i.position, "kind": i.kind, "title": i.title,
                        "requires_vote": i.requires_vote, "votes_for": i.votes_for, "votes_against": i.votes_against,
                        "abstentions": i.abstentions, "passed": i.passed, "resolution": i.resolution}
                       for i in s.agenda_items.all()]}


# --- helpers -------------------------------------------------------------------------------------

def _body(user, pk):
    body = selectors.bodies(user).filter(pk=pk).first()
    if body is None:
        raise not_found()
    return body


def _session(user, pk):
    session = selectors.sessions(user).filter(pk=pk).first()
    if session is None:
        raise not_found()
    return session


def _org_filter(user, org_id):
    """(org, nothing): an org the caller cannot see matches nothing (like /members)."""
    if org_id is None:
        return None, False
    org = Org.objects.visible_to(user, policies.VIEW).filter(pk=org_id).first()
    return org, org is None


# --- congresses ----------------------------------------------------------------------------------

@router.get("/congresses", response={200: CongressPage, **READ_ERRORS}, summary="List congress terms")
def list_congresses(request, filters: Query[CongressFilters]):
    user = request.auth
    org, nothing = _org_filter(user, filters.org)
    qs = selectors.filtered_bodies(user, selectors.BodyFilters(
        q=filters.q or "", org=org, kind=filters.kind or "", status=filters.status or "",
        ending_within=filters.ending_within))
    if nothing:
        qs = qs.none()
    return paginate(qs, filters, rows=body_rows, load=CongressBody.objects.select_related("org", "enterprise"))


@router.get("/congresses/{congress_id}", response={200: CongressDetail, **READ_ERRORS},
            summary="Get a congress term with its roll, delegate counts and quota")
def get_congress(request, congress_id: Id):
    user = request.auth
    return body_out(_body(user, congress_id))


@router.post("/congresses", response={201: CongressDetail, **WRITE_ERRORS}, summary="Constitute a congress term")
def create_congress(request, payload: CongressCreateIn,
                    idempotency_key: str | None = Header(None, alias="Idempotency-Key",
                                                         description=IDEMPOTENCY_HEADER_DOC)):
    """The form and the delegate quota follow from the headcount. An enterprise with a current term
    is refused (409 `already_open`); end that term first."""
    user = request.auth

    def run():
        unions = Org.objects.visible_to(user, policies.CHANGE).values("pk")
        enterprise = resolve(Enterprise.objects.select_related("union").filter(union__in=unions), payload.enterprise,
                             field="enterprise")
        body = services.constitute_body(actor=user, enterprise=enterprise, term_starts_on=payload.term_starts_on,
                                        term_years=payload.term_years, headcount=payload.headcount,
                                        kind=payload.kind)
        return 201, body_out(body)

    return idempotent(request, idempotency_key, payload, run, schema=CongressDetail)


@router.post("/congresses/{congress_id}/delegates", response={201: DelegateOut, **WRITE_ERRORS},
             summary="Add a delegate or substitute to the roll")
def add_delegate(request, congress_id: Id, payload: DelegateIn,
                 idempotency_key: str | None = Header(None, alias="Idempotency-Key",
                                                      description=IDEMPOTENCY_HEADER_DOC)):
    """Managers are at most 20% of the current delegates (400 `manager_share` with the numbers)."""
    user = request.auth
    body = _body(user, congress_id)

    def run():
        person = resolve(Person.objects.filter(memberships__union=body.org).distinct(), payload.person,
                         field="person")
        delegate = services.add_delegate(actor=user, body=body, data=services.DelegateInput(
            name=payload.name, category=payload.category, elected_on=payload.elected_on, group=payload.group,
            is_substitute=payload.is_substitute, person=person))
        return 201, _delegate(delegate)

    return idempotent(request, idempotency_key, payload, run, schema=DelegateOut)


# --- sessions ------------------------------------------------------------------------------------

@router.get("/congress-sessions", response={200: SessionPage, **READ_ERRORS}, summary="List congress sessions")
def list_sessions(request, filters: Query[SessionFilters]):
    user = request.auth
    org, nothing = _org_filter(user, filters.org)
    body = None
    if filters.congress is not None:
        body = selectors.bodies(user).filter(pk=filters.congress).first()
        nothing = nothing or body is None
    qs = selectors.filtered_sessions(user, selectors.SessionFilters(
        q=filters.q or "", org=org, status=filters.status or "", year=filters.year, due=filters.due or "",
        body=body))
    if nothing:
        qs = qs.none()
    return paginate(qs, filters, rows=session_rows, load=selectors.session_rows())


@router.get("/congress-sessions/{session_id}", response={200: SessionDetail, **READ_ERRORS},
            summary="Get a session with its agenda and votes")
def get_session(request, session_id: Id):
    return session_out(_session(request.auth, session_id))


@router.post("/congress-sessions", response={201: SessionDetail, **WRITE_ERRORS},
             summary="Plan a session (with its agenda)")
def create_session(request, payload: SessionCreateIn,
                   idempotency_key: str | None = Header(None, alias="Idempotency-Key",
                                                        description=IDEMPOTENCY_HEADER_DOC)):
    """The number follows the term's last session. The agenda items are added in the order sent;
    all or nothing."""
    user = request.auth

    def run():
        from django.db import transaction

        body = resolve(selectors.bodies(user), payload.congress, field="congress")
        with transaction.atomic():
            session = session_services.plan_session(actor=user, body=body, title=payload.title,
                                                    planned_on=payload.planned_on, venue=payload.venue)
            for item in payload.agenda:
                session_services.add_agenda_item(actor=user, session=session, kind=item.kind, title=item.title,
                                                 requires_vote=item.requires_vote)
        return 201, session_out(session)

    return idempotent(request, idempotency_key, payload, run, schema=SessionDetail)


_action = workflow_actions(router, path="/congress-sessions", id_param="session_id", load=_session,
                           render=lambda user, session: session_out(session), response=SessionDetail,
                           operation_prefix="congress_session")


@_action("agenda", "Add an agenda item (planned sessions)", AgendaIn)
def agenda(user, session, p):
    session_services.add_agenda_item(actor=user, session=session, kind=p.kind, title=p.title,
                                     requires_vote=p.requires_vote)


@_action("papers", "Record the date the papers reached the delegates", PapersIn)
def papers(user, session, p):
    session_services.record_papers_sent(actor=user, session=session, papers_sent_on=p.papers_sent_on)


@_action("held", "Record the session as held (attendance against the quorum)", HeldIn)
def held(user, session, p):
    """Two thirds of those entitled must be present (400 `no_quorum`). Papers sent less than 7 days
    before need `papers_late_reason` (400 `papers_late`)."""
    session_services.record_held(actor=user, session=session, held_on=p.held_on, present=p.present,
                                 entitled=p.entitled, resolutions=p.resolutions,
                                 papers_late_reason=p.papers_late_reason)


@_action("votes", "Record the votes per agenda item", VotesIn)
def votes(user, session, p):
    """An item passes with more than half of ALL entitled in favour; for + against + abstaining
    must not exceed those present."""
    session_services.record_votes(
        actor=user, session=session, resolutions=p.resolutions,
        votes=[session_services.VoteInput(item_id=v.item, votes_for=v.votes_for, votes_against=v.votes_against,
                                          abstentions=v.abstentions, resolution=v.resolution) for v in p.votes])


@_action("reported", "Record the report to the upper union", ReportedIn)
def reported(user, session, p):
    session_services.record_reported(actor=user, session=session, reported_on=p.reported_on)


@_action("cancel", "Cancel a planned session", CancelIn)
def cancel(user, session, p):
    session_services.cancel_session(actor=user, session=session, reason=p.reason)

