"""/members and /transfers: the real-name member registry and transfers between unions.

- ID card and mobile numbers are masked everywhere (`id_number_masked`, `phone_masked`);
  `POST /members/{person_id}/reveal` returns them in full to roles allowed to, and is audited.
- Searching by ID card or mobile number is a POST (`/members/search`): the number must not
  land in a URL, where access logs keep it. `GET /members?q=` takes names and pinyin initials
  only and refuses anything that looks like a number (400).
- Lists: keyset pagination, newest first: `?after=<next_after>&limit=1..200`; counts are capped.
- `POST /members` and `POST /members/{person_id}/transfers` honour `Idempotency-Key`.
"""

import datetime
import re
from typing import Literal

from django.http import HttpResponse
from django.utils.translation import gettext as _
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
    error_responses,
    get_visible,
    idempotent,
    invalid_fields,
    paginate,
    ref,
    resolve,
)
from gonghui.orgs.models import Enterprise, Org

from . import selectors, services
from .models import Education, JoinKind, MembershipStatus, Person, SkillLevel, Transfer, TransferStatus
from .validation import MemberInputError, clean_member_input

router = Router()

PII_COLUMNS = ("person__id_number_enc", "person__phone_enc")


# --- schemas -----------------------------------------------------------------------------------

StatusFilter = Literal["live", "all", "ACTIVE", "TRANSFER_PENDING", "TRANSFERRED_OUT", "LEFT"]


class MemberRow(ApiSchema):
    membership_id: int
    person_id: int
    name: str
    gender: str
    id_number_masked: str
    phone_masked: str
    is_migrant: bool
    hometown_province: str
    union: Ref
    enterprise: Ref | None
    status: MembershipStatus
    joined_on: datetime.date
    ended_on: datetime.date | None


class MemberPage(PageMeta):
    items: list[MemberRow]


class MembershipOut(ApiSchema):
    id: int
    union: Ref
    enterprise: Ref | None
    status: MembershipStatus
    join_kind: JoinKind
    joined_on: datetime.date
    ended_on: datetime.date | None
    end_reason: str


class MemberDetail(ApiSchema):
    person_id: int
    name: str
    name_initials: str
    gender: str
    birth_on: datetime.date
    id_number_masked: str
    phone_masked: str
    hometown_province: str
    is_migrant: bool
    education: Education | None
    skill_level: SkillLevel
    live_membership_id: int | None = Field(description="The current (active or transfer-pending) period.")
    memberships: list[MembershipOut] = Field(description="Periods in the caller's subtree, newest first.")


class RevealedOut(ApiSchema):
    id_number: str
    phone: str


class MemberFilterFields(ApiSchema):
    org: Id | None = Field(None, description="Only members of unions in this org's subtree.")
    status: StatusFilter = Field("live", description="live = ACTIVE or TRANSFER_PENDING; all = any.")
    migrant: bool | None = None
    enterprise: Id | None = None


class MemberListFilters(PageParams, MemberFilterFields):
    q: Text(64) | None = Field(None, description="Start of the name, or pinyin initials (zs → 张三). "
                                                 "ID card and mobile numbers: use POST /members/search.")


class MemberSearchIn(PageParams, MemberFilterFields):
    model_config = ConfigDict(extra="forbid")

    q: Text(64) | None = Field(None, description="An ID card number, a mobile number, the start of a name "
                                                 "or pinyin initials.")


class MemberCreateIn(ApiSchema):
    model_config = ConfigDict(extra="forbid")

    union: Id = Field(description="The grassroots union the member joins.")
    enterprise: Id | None = Field(None, description="The employer (an enterprise of that union).")
    name: Text(200)
    id_number: Text(40) = Field(description="居民身份证号, 18 characters.")
    phone: Text(40) | None = None
    hometown_province: Text(40) | None = Field(None, description="Defaults from the ID card number.")
    is_migrant: bool | None = Field(None, description="Defaults to: hometown outside the local province.")
    education: Education | None = None
    skill_level: SkillLevel | None = None
    joined_on: datetime.date | None = Field(None, description="Defaults to today.")


class MemberUpdateIn(ApiSchema):
    """Only the fields sent change. The ID card number identifies the person and cannot change.
    `phone: null` clears the number; `is_migrant: null` derives it from the hometown again."""

    model_config = ConfigDict(extra="forbid")

    name: Text(200) = None
    phone: Text(40) | None = None
    hometown_province: Text(40) = None
    is_migrant: bool | None = None
    education: Education | None = None
    skill_level: SkillLevel = None


class LeaveIn(ApiSchema):
    model_config = ConfigDict(extra="forbid")

    reason: Text(200)
    ended_on: datetime.date | None = Field(None, description="Defaults to today.")


class TransferRequestIn(ApiSchema):
    model_config = ConfigDict(extra="forbid")

    to_union: Id = Field(description="Any active grassroots union of the district.")
    effective_on: datetime.date
    reason: Text(200) = ""
    to_enterprise: Id | None = None


class TransferOut(ApiSchema):
    id: int
    person: Ref
    from_union: Ref
    to_union: Ref
    to_enterprise: Ref | None
    status: TransferStatus
    reason: str
    effective_on: datetime.date
    requested_at: datetime.datetime
    decided_at: datetime.datetime | None
    decision_note: str
    from_membership_id: int
    to_membership_id: int | None


class TransferPage(PageMeta):
    items: list[TransferOut]


class TransferFilters(PageParams):
    direction: Literal["in", "out", "all"] = Field("all", description="in: into the caller's subtree; "
                                                                     "out: out of it.")
    status: TransferStatus | None = Field(None, description="Any status when left out.")


class DecisionIn(ApiSchema):
    model_config = ConfigDict(extra="forbid")

    note: Text(200) = ""


class RejectIn(ApiSchema):
    model_config = ConfigDict(extra="forbid")

    note: Text(200) = Field(description="Why the transfer is refused (required).")


# --- output --------------------------------------------------------------------------------------

# What member_row reads: the page's 50 rows are loaded with these columns only (whole person,
# union and enterprise rows were ~200 model instances and ~350 timestamps parsed a page).
MEMBER_ROW_COLUMNS = ("status", "joined_on", "ended_on", "person__name", "person__gender",
                      "person__id_number_masked", "person__phone_masked", "person__is_migrant",
                      "person__hometown_province", "union__name", "enterprise__name")


def member_row(m):
    p = m.person
    return {"membership_id": m.pk, "person_id": p.pk, "name": p.name, "gender": p.gender,
            "id_number_masked": p.id_number_masked, "phone_masked": p.phone_masked, "is_migrant": p.is_migrant,
            "hometown_province": p.hometown_province, "union": ref(m.union), "enterprise": ref(m.enterprise),
            "status": m.status, "joined_on": m.joined_on, "ended_on": m.ended_on}


def _membership_out(m):
    return {"id": m.pk, "union": ref(m.union), "enterprise": ref(m.enterprise), "status": m.status,
            "join_kind": m.join_kind, "joined_on": m.joined_on, "ended_on": m.ended_on, "end_reason": m.end_reason}


def member_detail(user, person):
    periods = selectors.person_periods(user, person)
    live = selectors.live_period(periods)
    return {"person_id": person.pk, "name": person.name, "name_initials": person.name_initials,
            "gender": person.gender, "birth_on": person.birth_on, "id_number_masked": person.id_number_masked,
            "phone_masked": person.phone_masked, "hometown_province": person.hometown_province,
            "is_migrant": person.is_migrant, "education": person.education or None,
            "skill_level": person.skill_level, "live_membership_id": live.pk if live else None,
            "memberships": [_membership_out(m) for m in periods]}


def transfer_out(t):
    return {"id": t.pk, "person": ref(t.person), "from_union": ref(t.from_union), "to_union": ref(t.to_union),
            "to_enterprise": ref(t.to_enterprise), "status": t.status, "reason": t.reason,
            "effective_on": t.effective_on, "requested_at": t.requested_at, "decided_at": t.decided_at,
            "decision_note": t.decision_note, "from_membership_id": t.from_membership_id,
            "to_membership_id": t.to_membership_id}


# --- helpers -------------------------------------------------------------------------------------

NUMBER_RUN = re.compile(r"[0-9]{6,}")


def _looks_like_a_number(q):
    return selectors.is_pii_query(q) or bool(NUMBER_RUN.search(q or ""))


def _filters(user, f, q):
    """MemberFilters from request values. An org or enterprise the caller cannot see matches nothing."""
    org = enterprise = None
    nothing = False
    if f.org is not None:
        org = Org.objects.visible_to(user, "members.view").filter(pk=f.org).first()
        nothing = org is None
    if f.enterprise is not None:
        enterprise = Enterprise.objects.visible_to(user).filter(pk=f.enterprise).first()
        nothing = nothing or enterprise is None
    return selectors.MemberFilters(q=q or "", org=org, status=f.status, migrant=f.migrant,
                                   enterprise=enterprise), nothing


def _member_page(user, f, q):
    filters, nothing = _filters(user, f, q)
    qs = selectors.search_memberships(user, filters).defer(*PII_COLUMNS)
    if nothing:
        qs = qs.none()
    return paginate(qs, f, row=member_row, load=selectors.member_rows(MEMBER_ROW_COLUMNS))


def _person(user, person_id, *, clear_values=False):
    qs = Person.objects.all() if clear_values else Person.objects.defer("id_number_enc", "phone_enc")
    return get_visible(qs, user, person_id)


def _live_membership(person):
    membership = services.current_membership(person)
    if membership is None:
        raise ApiError(400, "not_active", _("This person has no membership."))
    return membership


def _transfer(user, transfer_id):
    return get_visible(Transfer.objects.select_related("person", "from_union", "to_union", "to_enterprise"),
                       user, transfer_id)


def _transfer_out_by_pk(pk):
    return transfer_out(Transfer.objects.select_related("person", "from_union", "to_union", "to_enterprise")
                        .get(pk=pk))


# --- members -------------------------------------------------------------------------------------

@router.get("/members", response={200: MemberPage, **error_responses(400, 401, 422)}, tags=["members"],
            summary="List members")
def list_members(request, filters: Query[MemberListFilters]):
    """Memberships in the caller's subtree with the person's masked details, newest first."""
    if filters.q and _looks_like_a_number(filters.q):
        raise ApiError(400, "use_post_search", _(
            "Search by ID card or mobile number with POST /api/v1/members/search (the number in the request "
            "body), so it never appears in a URL or an access log."), field="q")
    return _member_page(request.auth, filters, filters.q)


@router.post("/members/search", response={200: MemberPage, **error_responses(401, 422)}, tags=["members"],
             summary="Search members (by ID card, mobile, name or initials)")
def search_members(request, payload: MemberSearchIn):
    return _member_page(request.auth, payload, payload.q)


@router.get("/members/{person_id}", response={200: MemberDetail, **READ_ERRORS}, tags=["members"],
            summary="Get a member")
def get_member(request, person_id: Id):
    user = request.auth
    return member_detail(user, _person(user, person_id))


@router.post("/members", response={201: MemberDetail, **WRITE_ERRORS}, tags=["members"],
             summary="Register a member")
def create_member(request, payload: MemberCreateIn,
                  idempotency_key: str | None = Header(None, alias="Idempotency-Key",
                                                       description=IDEMPOTENCY_HEADER_DOC)):
    """Enrol a person in a union. Someone with a live membership anywhere is refused (409) with
    the name of their union: that union requests a transfer instead."""
    user = request.auth

    def run():
        union = resolve(Org.objects.visible_to(user, "members.view"), payload.union, field="union")
        enterprise = resolve(Enterprise.objects.visible_to(user), payload.enterprise, field="enterprise")
        try:
            data = clean_member_input(payload.model_dump(exclude={"union", "enterprise"}))
        except MemberInputError as exc:
            raise invalid_fields(exc.errors) from exc
        membership = services.register_member(actor=user, union=union, data=data, enterprise=enterprise)
        return 201, member_detail(user, _person(user, membership.person_id))

    return idempotent(request, idempotency_key, payload, run, schema=MemberDetail)


@router.patch("/members/{person_id}", response={200: MemberDetail, **WRITE_ERRORS}, tags=["members"],
              summary="Correct a member's details")
def update_member(request, person_id: Id, payload: MemberUpdateIn):
    user = request.auth
    person = _person(user, person_id, clear_values=True)
    # The service takes a whole validated record: start from the stored values (decrypted
    # here only to re-validate them, never sent back), overlay what was sent.
    raw = {"name": person.name, "id_number": person.id_number(), "phone": person.phone(),
           "hometown_province": person.hometown_province, "is_migrant": person.is_migrant,
           "education": person.education, "skill_level": person.skill_level}
    raw.update(payload.model_dump(exclude_unset=True))
    try:
        data = clean_member_input(raw)
    except MemberInputError as exc:
        raise invalid_fields(exc.errors) from exc
    person = services.update_person(actor=user, person=person, data=data)
    return member_detail(user, person)


@router.post("/members/{person_id}/reveal", response={200: RevealedOut, **WRITE_ERRORS}, tags=["members"],
             summary="Reveal the full ID card and mobile number (audited)")
def reveal_member(request, person_id: Id, response: HttpResponse):
    """Needs `members.reveal_pii` (union chairs, cadres); every call is written to the audit trail.
    The answer is marked `Cache-Control: no-store`."""
    user = request.auth
    person = _person(user, person_id, clear_values=True)
    response["Cache-Control"] = "no-store"
    return services.reveal_person_pii(actor=user, person=person)


@router.post("/members/{person_id}/leave", response={200: MemberDetail, **WRITE_ERRORS}, tags=["members"],
             summary="End a membership (the member leaves)")
def leave_member(request, person_id: Id, payload: LeaveIn):
    user = request.auth
    person = _person(user, person_id)
    services.end_membership(actor=user, membership=_live_membership(person),
                            ended_on=payload.ended_on or datetime.date.today(), reason=payload.reason)
    return member_detail(user, person)


@router.post("/members/{person_id}/transfers", response={201: TransferOut, **WRITE_ERRORS},
             tags=["transfers"], summary="Request a transfer to another union")
def request_transfer(request, person_id: Id, payload: TransferRequestIn,
                     idempotency_key: str | None = Header(None, alias="Idempotency-Key",
                                                          description=IDEMPOTENCY_HEADER_DOC)):
    """The releasing union asks; the member stays theirs until the receiving union accepts."""
    user = request.auth

    def run():
        person = _person(user, person_id)
        to_union = resolve(selectors.transfer_target_queryset(), payload.to_union, field="to_union")
        # Only the receiving union's employers can be named: any other id answers like a
        # missing one (no probing other towns' enterprises by id).
        to_enterprise = resolve(selectors.employers_of(to_union), payload.to_enterprise, field="to_enterprise")
        transfer = services.request_transfer(actor=user, membership=_live_membership(person), to_union=to_union,
                                             effective_on=payload.effective_on, reason=payload.reason,
                                             to_enterprise=to_enterprise)
        return 201, _transfer_out_by_pk(transfer.pk)

    return idempotent(request, idempotency_key, payload, run, schema=TransferOut)


# --- transfers -----------------------------------------------------------------------------------

@router.get("/transfers", response={200: TransferPage, **READ_ERRORS}, tags=["transfers"],
            summary="List transfers")
def list_transfers(request, filters: Query[TransferFilters]):
    """Transfers into or out of the caller's subtree, newest first."""
    qs = selectors.transfers_for(request.auth, direction=filters.direction, status=filters.status)
    return paginate(qs.select_related("to_enterprise").defer(*PII_COLUMNS), filters, row=transfer_out)


@router.get("/transfers/{transfer_id}", response={200: TransferOut, **READ_ERRORS}, tags=["transfers"],
            summary="Get a transfer")
def get_transfer(request, transfer_id: Id):
    return transfer_out(_transfer(request.auth, transfer_id))


@router.post("/transfers/{transfer_id}/accept", response={200: TransferOut, **WRITE_ERRORS}, tags=["transfers"],
             summary="Accept a transfer (receiving union)")
def accept_transfer(request, transfer_id: Id, payload: DecisionIn | None = None):
    user = request.auth
    transfer = _transfer(user, transfer_id)
    services.accept_transfer(actor=user, transfer=transfer, note=payload.note if payload else "")
    return _transfer_out_by_pk(transfer.pk)


@router.post("/transfers/{transfer_id}/reject", response={200: TransferOut, **WRITE_ERRORS}, tags=["transfers"],
             summary="Reject a transfer (receiving union)")
def reject_transfer(request, transfer_id: Id, payload: RejectIn):
    user = request.auth
    transfer = _transfer(user, transfer_id)
    services.reject_transfer(actor=user, transfer=transfer, note=payload.note)
    return _transfer_out_by_pk(transfer.pk)


@router.post("/transfers/{transfer_id}/cancel", response={200: TransferOut, **WRITE_ERRORS}, tags=["transfers"],
             summary="Cancel a transfer (releasing union)")
def cancel_transfer(request, transfer_id: Id, payload: DecisionIn | None = None):
    user = request.auth
    transfer = _transfer(user, transfer_id)
    services.cancel_transfer(actor=user, transfer=transfer, note=payload.note if payload else "")
    return _transfer_out_by_pk(transfer.pk)
