"""/study-sessions: cadre study sessions, their invitees' attendance and materials.

- Reads are scoped (the organiser's subtree, `publicity.view`); a session outside it answers 404
  like a missing one. `GET /study-sessions?mine=true` lists the sessions the caller is invited to
  (any signed-in caller; own invitations only).
- Writes: `POST /study-sessions` (create), and workflow actions `POST /study-sessions/{id}/<action>`
  (update, invite, attendance, hold, cancel), each calling one service; a refusal answers 400
  with its code and field, a step the status does not allow 409 `wrong_stage`.
- `GET /study-sessions/stats?year=` the yearly counts by town.
- Lists: keyset pagination, newest first: `?after=<next_after>&limit=1..200`.
- Materials: `POST /study-sessions/{id}/materials` (multipart `file`; PDF, Word .docx, PowerPoint
  .pptx, JPG or PNG by content, size and count limits, nothing stored on a bad file: 400 on `file`;
  `publicity.change` on the organiser, not on a cancelled session: 409 `wrong_stage`),
  `GET …/materials/{material_id}` (the file, private: for the users who see the session and for its
  invitees, like the pages; attachment, no cache), `DELETE …/materials/{material_id}`
  (`publicity.change` on the organiser, like the page).
"""

import datetime

from django.urls import reverse
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
from gonghui.orgs.models import Org

from .models.studies import StudyAttendance, StudyInvitee, StudyMaterial, StudySession, StudyStatus
from .policies import studies as policies
from .selectors import studies as selectors
from .services import studies as services

router = Router(tags=["publicity-studies"])


class SessionRow(ApiSchema):
    id: int
    org: Ref = Field(description="The organiser.")
    town: Ref | None = Field(description="The organiser's town; null for the district's own sessions.")
    kind: str = Field(description="A code of the configured kinds (rules `kinds`).")
    kind_label: str
    title: str
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    place: str
    online_url: str
    speaker: str
    status: StudyStatus
    invited: int
    attended: int = Field(description="Invitees present or late.")


class SessionPage(PageMeta):
    items: list[SessionRow]


class InviteeOut(ApiSchema):
    id: int
    user: Ref = Field(description="The cadre (user id and display name).")
    org: Ref | None
    status: str = Field(description="StudyAttendance code, empty while not recorded.")
    reason: str
    method: str
    recorded_at: datetime.datetime | None


class MaterialOut(ApiSchema):
    id: int
    name: str
    kind: str
    size: int
    uploaded_at: datetime.datetime
    url: str = Field(description="The private page URL of the file (session login, scope checked).")
    api_url: str = Field(description="The same file through the API (token; scope or invitation checked).")


class SessionDetail(SessionRow):
    topic: str
    cancel_reason: str
    attendance_locked_after: datetime.date = Field(description="The last day attendance can be recorded.")
    rate: float | None = Field(description="Attended ÷ invited × 100, one decimal; null with no invitee.")
    invitees: list[InviteeOut]
    materials: list[MaterialOut]


class FiltersIn(PageParams):
    org: Id | None = Field(None, description="Only sessions organised in this org's subtree.")
    kind: Text(20) | None = None
    status: StudyStatus | None = None
    year: int | None = Field(None, ge=2000, le=2100)
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None
    q: Text(60) | None = Field(None, description="Part of the title or organiser, start of the speaker.")
    mine: bool = Field(False, description="Only the sessions the caller is invited to (no role needed).")


class SessionIn(ApiSchema):
    model_config = ConfigDict(extra="forbid")

    kind: Text(20)
    title: Text(120)
    topic: Text(2000) = ""
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    place: Text(120) = ""
    online_url: Text(300) = ""
    speaker: Text(60) = ""


class CreateIn(SessionIn):
    org: Id = Field(description="The organiser: an org in the caller's reach (publicity.change).")


class InviteIn(ApiSchema):
    model_config = ConfigDict(extra="forbid")

    whole_subtree: bool = False
    orgs: list[Id] = Field(default_factory=list, max_length=200)
    users: list[Id] = Field(default_factory=list, max_length=500)


class EntryIn(ApiSchema):
    model_config = ConfigDict(extra="forbid")

    invitee: Id
    status: StudyAttendance
    reason: Text(200) = ""


class AttendanceIn(ApiSchema):
    model_config = ConfigDict(extra="forbid")

    entries: list[EntryIn] = Field(min_length=1, max_length=2000)


class CancelIn(ApiSchema):
    model_config = ConfigDict(extra="forbid")

    reason: Text(400)


class EmptyIn(ApiSchema):
    model_config = ConfigDict(extra="forbid")


class TownLineOut(ApiSchema):
    town: Ref | None = Field(description="null: the district's own sessions (or the total).")
    sessions: int
    invited: int
    attended: int
    leave: int
    absent: int
    rate: float | None


class StatsOut(ApiSchema):
    year: int
    lines: list[TownLineOut]
    total: TownLineOut


def _user_ref(user):
    return {"id": user.pk, "name": str(user)}


def row(s):
    return {"id": s.pk, "org": ref(s.org), "town": ref(s.town), "kind": s.kind, "kind_label": str(s.kind_label),
            "title": s.title, "starts_at": s.starts_at, "ends_at": s.ends_at, "place": s.place,
            "online_url": s.online_url, "speaker": s.speaker, "status": s.status, "invited": s.n_invited,
            "attended": s.n_present + s.n_late}


def detail(user, s):
    s = selectors.session_rows().get(pk=s.pk)
    counts = selectors.sheet_counts(s)
    return {**row(s), "topic": s.topic, "cancel_reason": s.cancel_reason,
            "attendance_locked_after": services.lock_day(s),
            "rate": float(counts.rate) if counts.rate is not None else None,
            "invitees": [{"id": i.pk, "user": _user_ref(i.user), "org": ref(i.org), "status": i.status,
                          "reason": i.reason, "method": i.method, "recorded_at": i.recorded_at}
                         for i in selectors.invitees_of(s)],
            "materials": [{"id": m.pk, "name": m.name, "kind": m.kind, "size": m.size, "uploaded_at": m.uploaded_at,
                           "url": reverse("publicity:study_material", args=[s.pk, m.pk]),
                           "api_url": f"/api/v1/study-sessions/{s.pk}/materials/{m.pk}"}
                          for m in selectors.materials_of(s)]}


def _load(user, session_id):
    s = selectors.sessions(user).select_related("org", "town").filter(pk=session_id).first()
    if s is None:
        raise not_found()
    return s


@router.get("/study-sessions", response={200: SessionPage, **READ_ERRORS}, summary="List study sessions")
def list_sessions(request, filters: Query[FiltersIn]):
    user = request.auth
    if filters.mine:
        qs = StudySession.objects.filter(pk__in=StudyInvitee.objects.filter(user=user).values("session_id"))
        return paginate(qs, filters, row=row, load=selectors.session_rows())
    require(user, policies.VIEW)
    org = None
    if filters.org is not None:
        org = Org.objects.visible_to(user, policies.VIEW).filter(pk=filters.org).first()
    qs = selectors.filtered_sessions(user, selectors.StudyFilters(
        q=filters.q or "", org=org, kind=filters.kind or "", status=filters.status or "", year=filters.year,
        date_from=filters.date_from, date_to=filters.date_to))
    if filters.org is not None and org is None:
        qs = qs.none()
    return paginate(qs, filters, row=row, load=selectors.session_rows())


@router.get("/study-sessions/stats", response={200: StatsOut, **READ_ERRORS},
            summary="Study sessions by town for a year")
def stats(request, year: int = Query(..., ge=2000, le=2100)):
    user = request.auth
    require(user, policies.VIEW)
    table = selectors.town_counts(user, year)

    def line(x):
        return {"town": {"id": x.town_id, "name": str(x.label)} if x.town_id else None, "sessions": x.sessions,
                "invited": x.invited, "attended": x.attended, "leave": x.leave, "absent": x.absent,
                "rate": float(x.rate) if x.rate is not None else None}

    return {"year": year, "lines": [line(x) for x in table.lines], "total": line(table.total)}


@router.get("/study-sessions/{session_id}", response={200: SessionDetail, **READ_ERRORS},
            summary="Get a study session with its invitees' attendance and materials")
def get_session(request, session_id: Id):
    user = request.auth
    return detail(user, _load(user, session_id))


@router.post("/study-sessions", response={201: SessionDetail, **WRITE_ERRORS}, summary="Create a study session")
def create_session(request, payload: CreateIn,
                   idempotency_key: str | None = Header(None, alias="Idempotency-Key",
                                                        description=IDEMPOTENCY_HEADER_DOC)):
    user = request.auth

    def run():
        org = resolve(Org.objects.visible_to(user, policies.VIEW), payload.org, field="org")
        require(user, policies.CHANGE, org)
        data = payload.dict(exclude={"org"})
        s = services.create_session(actor=user, org=org, **data)
        return 201, detail(user, s)

    return idempotent(request, idempotency_key, payload, run, schema=SessionDetail)


_action = workflow_actions(router, path="/study-sessions", id_param="session_id", load=_load, render=detail,
                           response=SessionDetail, operation_prefix="study_session")


@_action("update", "Change a planned session", SessionIn)
def update(user, s, p):
    services.update_session(actor=user, session=s, **p.dict())


@_action("invite", "Invite cadres: the whole subtree, orgs inside it, or chosen users", InviteIn)
def invite(user, s, p):
    from gonghui.accounts.models import User

    # Both resolved inside the organiser's subtree: an id outside it is an unknown reference (400),
    # never a refusal that names the user or org.
    orgs = [resolve(Org.objects.filter(path__startswith=s.org.path), pk, field="orgs") for pk in p.orgs]
    reach = User.objects.filter(pk__in=list(services.cadres_under([s.org])))
    users = [resolve(reach, pk, field="users") for pk in p.users]
    services.invite(actor=user, session=s, whole_subtree=p.whole_subtree, orgs=orgs, users=users)


@_action("attendance", "Record attendance (the sheet): one status per invitee, all or nothing", AttendanceIn)
def attendance(user, s, p):
    services.record_attendance(actor=user, session=s,
                               entries={e.invitee: (e.status, e.reason) for e in p.entries})


@_action("hold", "Mark a started session held", EmptyIn)
def hold(user, s, p):
    services.mark_held(actor=user, session=s)


@_action("cancel", "Cancel a planned session (reason required)", CancelIn)
def cancel(user, s, p):
    services.cancel_session(actor=user, session=s, reason=p.reason)


# --- materials ------------------------------------------------------------------------------------

def _material(session, material_id):
    material = StudyMaterial.objects.filter(session=session, pk=material_id).first()
    if material is None:
        raise not_found()
    return material


@router.post("/study-sessions/{session_id}/materials", response={201: SessionDetail, **WRITE_ERRORS},
             summary="Add a material (multipart: file; PDF, Word .docx, PowerPoint .pptx, JPG or PNG)",
             operation_id="study_session_material_add")
def add_material(request, session_id: Id, file: File[UploadedFile] = None):
    user = request.auth
    s = _load(user, session_id)
    require(user, policies.CHANGE, s.org)  # rights before reading the upload
    services.add_material(actor=user, session=s, upload=file)
    return 201, detail(user, s)


@router.get("/study-sessions/{session_id}/materials/{material_id}", response={200: None, **READ_ERRORS},
            summary="Download a material (the users who see the session, or its invitees)",
            operation_id="study_session_material_get")
def get_material(request, session_id: Id, material_id: Id):
    user = request.auth
    s = selectors.sessions(user).filter(pk=session_id).first()
    if s is None:  # an invitee sees the materials of their session, whoever organised it
        invitation = selectors.my_invitation(user, session_id)
        s = invitation.session if invitation is not None else None
    if s is None:
        raise not_found()
    material = _material(s, material_id)
    return private_file_response(material.file, material.name)


@router.delete("/study-sessions/{session_id}/materials/{material_id}", response={200: SessionDetail, **WRITE_ERRORS},
               summary="Remove a material", operation_id="study_session_material_delete")
def delete_material(request, session_id: Id, material_id: Id):
    user = request.auth
    s = _load(user, session_id)
    require(user, policies.CHANGE, s.org)
    material = _material(s, material_id)
    services.delete_material(actor=user, session=s, material_id=material.pk)
    return detail(user, s)
