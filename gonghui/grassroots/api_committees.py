"""/committees: union committees term by term (read), their term states, and entering a
committee from paper records.

- Reads go through the scope (the union's subtree); a committee outside it answers 404 like a
  missing one; a union named in a body that the caller cannot use is 400 `unknown_reference`.
- `GET /committees`: keyset pagination, newest first (`?after=<next_after>&limit=1..200`);
  filters `org` (a town's or union's subtree), `status`, `expiry` (EXPIRED / EXPIRING / LATER:
  current committees only), `source`, `q` (union name), `year` (elected in).
- `GET /committees/summary`: unions of the caller's reach per term state, with "none on record".
- `POST /committees`: record a committee from paper (`grassroots.change` on the union); rules
  refused → 400 with code and field; honours `Idempotency-Key`.
Committees seated by foundings and elections are written by those areas' workflows.
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
    get_visible,
    idempotent,
    paginate,
    ref,
    resolve,
)
from gonghui.orgs.models import Org, OrgLevel

from .models.committees import Committee, CommitteePosition, CommitteeSource, CommitteeStatus
from .policies import committees as policies
from .selectors import committees as selectors
from .services import committees as services

router = Router(tags=["committees"])

Expiry = Literal["EXPIRED", "EXPIRING", "LATER"]


class CommitteeRow(ApiSchema):
    id: int
    org: Ref = Field(description="The grassroots union.")
    term_number: int
    term_years: int
    elected_on: datetime.date
    term_ends_on: datetime.date
    status: CommitteeStatus
    ended_on: datetime.date | None
    source: CommitteeSource
    election: int | None = Field(description="The election that seated it (source ELECTION).")
    members_at_election: int
    chair: str | None
    seats: int = Field(description="People on the committee.")
    term_state: str = Field(description="EXPIRED / EXPIRING / LATER for a current committee, REPLACED otherwise.")


class CommitteePage(PageMeta):
    items: list[CommitteeRow]


class MemberOut(ApiSchema):
    name: str
    position: CommitteePosition
    person: int | None
    gender: str


class ReminderOut(ApiSchema):
    point: str
    sent_on: datetime.date
    recipients: int


class CommitteeDetail(CommitteeRow):
    note: str
    members: list[MemberOut]
    reminders: list[ReminderOut]
    can_record: bool = Field(description="The caller may record a newer committee of this union from paper.")


class CommitteeFiltersIn(PageParams):
    org: Id | None = Field(None, description="Only committees of this town's or union's subtree.")
    status: CommitteeStatus | None = None
    expiry: Expiry | None = Field(None, description="Current committees whose term has expired, expires within "
                                                   "the rules' months, or runs longer.")
    source: CommitteeSource | None = None
    q: Text(60) | None = Field(None, description="Part of the union's name.")
    year: int | None = Field(None, ge=1950, le=2100, description="Elected in this year.")


class SummaryOut(ApiSchema):
    expired: int
    expiring: int
    later: int
    none: int = Field(description="Active grassroots unions with no current committee on record.")
    expiring_months: int


class MemberIn(ApiSchema):
    model_config = ConfigDict(extra="forbid")

    name: Text(64)
    position: CommitteePosition = CommitteePosition.MEMBER
    gender: Literal["", "M", "F"] = ""


class CommitteeIn(ApiSchema):
    model_config = ConfigDict(extra="forbid")

    org: Id = Field(description="The grassroots union.")
    elected_on: datetime.date
    term_years: Literal[3, 5]
    members: list[MemberIn] = Field(min_length=1, max_length=60, description="Exactly one CHAIR.")
    members_at_election: int | None = Field(None, ge=0, le=10_000_000,
                                            description="Default: the union's live members now.")
    note: Text(400) = ""


def committee_row(c, on=None):
    return {"id": c.pk, "org": ref(c.org), "term_number": c.term_number, "term_years": c.term_years,
            "elected_on": c.elected_on, "term_ends_on": c.term_ends_on, "status": c.status, "ended_on": c.ended_on,
            "source": c.source, "election": c.election_id, "members_at_election": c.members_at_election,
            "chair": getattr(c, "chair", None), "seats": getattr(c, "seats", 0),
            "term_state": selectors.term_state(c, on)}


def committee_out(user, committee):
    c = selectors.committee_rows().get(pk=committee.pk)
    members, reminders = selectors.committee_detail(c)
    return {**committee_row(c), "note": c.note,
            "members": [{"name": m.name, "position": m.position, "person": m.person_id, "gender": m.gender}
                        for m in members],
            "reminders": [{"point": r.point, "sent_on": r.sent_on, "recipients": r.recipients} for r in reminders],
            "can_record": c.is_current and policies.can_record(user, c.org)}


@router.get("/committees", response={200: CommitteePage, **READ_ERRORS}, summary="List union committees")
def list_committees(request, filters: Query[CommitteeFiltersIn]):
    """Committees (every term) of the unions the caller can see, newest first."""
    user = request.auth
    org = None
    if filters.org is not None:
        org = Org.objects.visible_to(user, policies.VIEW).filter(pk=filters.org).first()
    qs = selectors.filtered_committees(user, org=org, status=filters.status or "", expiry=filters.expiry or "",
                                       source=filters.source or "", q=filters.q or "", year=filters.year)
    if filters.org is not None and org is None:
        qs = qs.none()
    on = selectors.today()
    return paginate(qs, filters, row=lambda c: committee_row(c, on), load=selectors.committee_rows())


@router.get("/committees/summary", response={200: SummaryOut, **READ_ERRORS},
            summary="Unions per committee term state")
def committee_summary(request):
    from .rules.committees import rules

    return {**selectors.state_counts(request.auth), "expiring_months": rules().expiring_months}


@router.get("/committees/{committee_id}", response={200: CommitteeDetail, **READ_ERRORS},
            summary="Get a committee with its members")
def get_committee(request, committee_id: Id):
    user = request.auth
    return committee_out(user, get_visible(Committee.objects.select_related("org"), user, committee_id))


@router.post("/committees", response={201: CommitteeDetail, **WRITE_ERRORS},
             summary="Record a committee from paper records")
def record_committee(request, payload: CommitteeIn,
                     idempotency_key: str | None = Header(None, alias="Idempotency-Key",
                                                          description=IDEMPOTENCY_HEADER_DOC)):
    """The committee becomes the union's current committee (replacing an older current one);
    the union's chair name follows. Needs `grassroots.change` on the union."""
    user = request.auth

    def run():
        union = resolve(Org.objects.visible_to(user, policies.VIEW).filter(level=OrgLevel.GRASSROOTS),
                        payload.org, field="org")
        committee = services.record_committee(
            actor=user, union=union, elected_on=payload.elected_on, term_years=payload.term_years,
            members=[{"name": m.name, "position": m.position, "gender": m.gender, "person": None}
                     for m in payload.members],
            members_at_election=payload.members_at_election, note=payload.note)
        return 201, committee_out(user, committee)

    return idempotent(request, idempotency_key, payload, run, schema=CommitteeDetail)
