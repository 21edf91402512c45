"""Every write of cadre study sessions. Atomic, checked (`require`), the session row locked,
validated (DomainError naming the field), audited (`publicity.study_*`).

- `create_session` / `update_session` (PLANNED only) / `cancel_session` (PLANNED, a reason) /
  `mark_held` (PLANNED once started; the nightly task `hold_finished_sessions` does it for the
  sessions that ended);
- `invite`: the cadres of the organiser's subtree (every user holding a non-member role there), of
  chosen orgs inside it, or chosen users holding such a role; the invited are notified;
  `remove_invitee` while their attendance is blank;
- `record_attendance`: the organiser's sheet, one status per invitee (leave needs a reason), all or
  nothing, from the start until `lock_after_days` after the session's date (`attendance_locked`);
- `checkin_url` / `check_in`: the QR code carries a signed token keyed with the session's
  `checkin_token` (django.core.signing); an invited cadre opening it inside the window is
  recorded present (late after `late_after_minutes`); `rotate_checkin_token`;
- `add_material` / `delete_material`: PDF, Word (.docx), PowerPoint (.pptx), JPG, PNG by content;
- `export_sessions`, `export_town_counts`: Excel, audited.
"""

import datetime
import hashlib
import hmac
import secrets
import tempfile
import uuid
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from gonghui.accounts.models import RoleAssignment, User
from gonghui.accounts.roles import Role
from gonghui.core import audit
from gonghui.core.errors import DomainError
from gonghui.core.locking import lock_one
from gonghui.core.notifications import notify
from gonghui.core.policies import require
from gonghui.core.uploads import sniff
from gonghui.orgs.models import Org, OrgLevel

from ..models.studies import StudyAttendance, StudyCheckinMethod, StudyInvitee, StudyMaterial, StudySession, StudyStatus
from ..policies.studies import CHANGE, EXPORT
from ..rules.studies import kind_label, rules

CHECKIN_SALT = "gonghui.publicity.studies.checkin"
TITLE_MAX, TOPIC_MAX, PLACE_MAX, SPEAKER_MAX, URL_MAX, REASON_MAX, LEAVE_MAX = 120, 2000, 120, 60, 300, 400, 200
# Roles that make a user a cadre who can be invited (members are not cadres).
CADRE_ROLES = (Role.DISTRICT_STAFF, Role.TOWN_CADRE, Role.UNION_CHAIR, Role.UNION_STAFF)
EDITABLE = ("kind", "title", "topic", "starts_at", "ends_at", "place", "online_url", "speaker")


def now():
    return timezone.now()


def today():
    return timezone.localdate()


# --- rules shared by pages, API and the task -------------------------------------------------------

def lock_day(session) -> datetime.date:
    """The last day attendance of `session` can still be recorded."""
    return timezone.localdate(session.starts_at) + datetime.timedelta(days=rules().lock_after_days)


def attendance_locked(session, on=None) -> bool:
    return (on or today()) > lock_day(session)


def town_of(org) -> Org | None:
    return None if org.level == OrgLevel.DISTRICT else org.town()


def _text(value, limit, field, label, *, required=False):
    value = (value or "").replace("\x00", "").strip()
    if required and not value:
        raise DomainError(_("Enter the %(label)s.") % {"label": label}, code="required", field=field)
    if len(value) > limit:
        raise DomainError(_("The %(label)s is longer than %(n)s characters.") % {"label": label, "n": limit},
                          code="too_long", field=field)
    return value


def _clean_fields(data: dict) -> dict:
    """The session's fields checked, each refusal naming its field."""
    clean = {}
    kind = data.get("kind") or ""
    if kind not in dict(rules().kinds):
        raise DomainError(_("Choose a kind of study from the list."), code="invalid", field="kind")
    clean["kind"] = kind
    clean["title"] = _text(data.get("title"), TITLE_MAX, "title", _("title"), required=True)
    clean["topic"] = _text(data.get("topic"), TOPIC_MAX, "topic", _("topic"))
    clean["place"] = _text(data.get("place"), PLACE_MAX, "place", _("place"))
    clean["speaker"] = _text(data.get("speaker"), SPEAKER_MAX, "speaker", _("speaker"))
    url = _text(data.get("online_url"), URL_MAX, "online_url", _("online meeting link"))
    if url and not url.lower().startswith(("https://", "http://")):
        raise DomainError(_("The online meeting link must start with https:// or http://."), code="invalid",
                          field="online_url")
    clean["online_url"] = url
    if not clean["place"] and not url:
        raise DomainError(_("Enter the place, or the online meeting link for an online session."),
                          code="required", field="place")
    starts, ends = data.get("starts_at"), data.get("ends_at")
    if starts is None:
        raise DomainError(_("Enter when the session starts."), code="required", field="starts_at")
    if ends is None:
        raise DomainError(_("Enter when the session ends."), code="required", field="ends_at")
    if ends <= starts:
        raise DomainError(_("The session must end after it starts."), code="invalid", field="ends_at")
    if ends - starts > datetime.timedelta(days=3):
        raise DomainError(_("A study session lasts at most 3 days; enter each day as its own session."),
                          code="invalid", field="ends_at")
    clean["starts_at"], clean["ends_at"] = starts, ends
    return clean


def _lock(session) -> StudySession:
    return lock_one(StudySession, session.pk)


def _wrong_stage(session):
    return DomainError(_("This step cannot be taken now: the session is “%(status)s”.")
                       % {"status": session.get_status_display()}, code="wrong_stage")


# --- sessions ------------------------------------------------------------------------------------------

@transaction.atomic
def create_session(*, actor, org, **data) -> StudySession:
    require(actor, CHANGE, org)
    if not org.is_active:
        raise DomainError(_("This organisation is no longer active."), code="invalid", field="org")
    clean = _clean_fields(data)
    session = StudySession.objects.create(org=org, town=town_of(org), created_by=actor if actor.pk else None,
                                          **clean)
    audit.record(actor=actor, action="publicity.study_create", obj=session, org=org,
                 after=audit.snapshot(session, ["kind", "title", "starts_at", "ends_at", "place", "speaker"]))
    return session


@transaction.atomic
def update_session(*, actor, session, **data) -> StudySession:
    require(actor, CHANGE, session.org)
    session = _lock(session)
    if session.status != StudyStatus.PLANNED:
        raise _wrong_stage(session)
    clean = _clean_fields({**{f: getattr(session, f) for f in EDITABLE}, **data})
    before = audit.snapshot(session, list(EDITABLE))
    for name, value in clean.items():
        setattr(session, name, value)
    session.save()
    after = audit.snapshot(session, list(EDITABLE))
    old, new = audit.changed(before, after)
    if new:
        audit.record(actor=actor, action="publicity.study_update", obj=session, org=session.org, before=old,
                     after=new)
    return session


@transaction.atomic
def cancel_session(*, actor, session, reason) -> StudySession:
    require(actor, CHANGE, session.org)
    session = _lock(session)
    if session.status != StudyStatus.PLANNED:
        raise _wrong_stage(session)
    reason = _text(reason, REASON_MAX, "reason", _("reason for cancelling"), required=True)
    session.status, session.cancel_reason = StudyStatus.CANCELLED, reason
    session.save(update_fields=["status", "cancel_reason", "updated_at"])
    audit.record(actor=actor, action="publicity.study_cancel", obj=session, org=session.org,
                 after={"status": session.status, "reason": reason})
    users = User.objects.filter(study_invitations__session=session)
    notify(recipients=users, key=f"publicity.study_cancel:{session.pk}",
           title=_("Study session cancelled: %(title)s") % {"title": session.title}, body=reason,
           url=reverse("publicity:my_studies"), org=session.org)
    return session


@transaction.atomic
def mark_held(*, actor, session) -> StudySession:
    require(actor, CHANGE, session.org)
    session = _lock(session)
    if session.status != StudyStatus.PLANNED:
        raise _wrong_stage(session)
    if session.starts_at > now():
        raise DomainError(_("The session has not started yet: mark it held once it has taken place."),
                          code="not_started")
    session.status, session.held_at = StudyStatus.HELD, now()
    session.save(update_fields=["status", "held_at", "updated_at"])
    audit.record(actor=actor, action="publicity.study_hold", obj=session, org=session.org,
                 after={"status": session.status})
    return session


def hold_finished_sessions(*, at=None) -> int:
    """The nightly task: PLANNED sessions that have ended become HELD (idempotent: only PLANNED
    rows change). Returns how many."""
    at = at or now()
    done = 0
    for pk in StudySession.objects.filter(status=StudyStatus.PLANNED, ends_at__lt=at).values_list("pk", flat=True):
        with transaction.atomic():
            session = lock_one(StudySession, pk)
            if session.status != StudyStatus.PLANNED:
                continue
            session.status, session.held_at = StudyStatus.HELD, at
            session.save(update_fields=["status", "held_at", "updated_at"])
            audit.record(actor=None, action="publicity.study_hold", obj=session, org=session.org,
                         after={"status": session.status, "automatic": True})
            done += 1
    return done


# --- invitees ---------------------------------------------------------------------------------------

def cadres_under(orgs) -> dict:
    """{user id: org} of the active users holding a cadre role at any org in the subtrees of `orgs`
    (the org of their highest role there)."""
    paths = [o.path for o in orgs]
    if not paths:
        return {}
    from django.db.models import Q

    where = Q()
    for path in paths:
        where |= Q(org__path__startswith=path)
    found = {}
    rows = (RoleAssignment.objects.filter(where, role__in=CADRE_ROLES, user__is_active=True, org__is_active=True)
            .order_by("org__depth", "pk").values_list("user_id", "org_id"))
    for user_id, org_id in rows:
        found.setdefault(user_id, org_id)
    return found


@transaction.atomic
def invite(*, actor, session, whole_subtree=False, orgs=(), users=()) -> int:
    """Invite cadres: all of the organiser's subtree, the subtrees of `orgs` (inside the
    organiser's), and/or `users` (each must hold a cadre role there). Already invited: skipped.
    Returns how many were added."""
    require(actor, CHANGE, session.org)
    session = _lock(session)
    if session.status == StudyStatus.CANCELLED or attendance_locked(session):
        raise _wrong_stage(session)
    orgs, users = list(orgs or ()), list(users or ())
    if not whole_subtree and not orgs and not users:
        raise DomainError(_("Choose whom to invite: the whole subtree, organisations or cadres."), code="required",
                          field="orgs")
    for org in orgs:
        if not org.path.startswith(session.org.path):
            raise DomainError(_("“%(org)s” is not under the organiser.") % {"org": org.name}, code="invalid",
                              field="orgs")
    reach = cadres_under([session.org])
    chosen = dict(reach) if whole_subtree else cadres_under(orgs)
    for user in users:
        if user.pk not in reach:
            raise DomainError(_("%(user)s holds no cadre role under the organiser.") % {"user": user},
                              code="invalid", field="users")
        chosen.setdefault(user.pk, reach[user.pk])
    existing = set(StudyInvitee.objects.filter(session=session).values_list("user_id", flat=True))
    rows = [StudyInvitee(session=session, user_id=uid, org_id=oid) for uid, oid in chosen.items()
            if uid not in existing]
    StudyInvitee.objects.bulk_create(rows, ignore_conflicts=True)
    audit.record(actor=actor, action="publicity.study_invite", obj=session, org=session.org,
                 after={"added": len(rows), "whole_subtree": bool(whole_subtree),
                        "orgs": [o.name for o in orgs][:20], "users": [str(u) for u in users][:20]})
    if rows:
        local = timezone.localtime(session.starts_at)
        notify(recipients=User.objects.filter(pk__in=[r.user_id for r in rows]),
               key=f"publicity.study_invite:{session.pk}",
               title=_("You are invited to a study session: %(title)s") % {"title": session.title},
               body=_("%(when)s, %(place)s") % {"when": local.strftime("%Y-%m-%d %H:%M"),
                                                "place": session.place or _("online")},
               url=reverse("publicity:my_studies"), org=session.org)
    return len(rows)


@transaction.atomic
def remove_invitee(*, actor, session, invitee_id) -> None:
    require(actor, CHANGE, session.org)
    session = _lock(session)
    row = StudyInvitee.objects.select_related("user").filter(session=session, pk=invitee_id).first()
    if row is None:
        raise DomainError(_("This cadre is not invited to the session."), code="not_found")
    if row.status:
        raise DomainError(_("%(user)s already has attendance recorded; change it on the sheet instead.")
                          % {"user": row.user}, code="wrong_stage")
    row.delete()
    audit.record(actor=actor, action="publicity.study_uninvite", obj=session, org=session.org,
                 before={"cadre": str(row.user)})


# --- attendance -------------------------------------------------------------------------------------

def _attendance_open(session):
    if session.status == StudyStatus.CANCELLED:
        raise DomainError(_("The session is cancelled: no attendance is recorded for it."), code="wrong_stage")
    if session.starts_at > now():
        raise DomainError(_("The session has not started yet: record its attendance once it starts."),
                          code="not_started")
    if attendance_locked(session):
        raise DomainError(_("The attendance of this session was locked on %(day)s.")
                          % {"day": lock_day(session).isoformat()}, code="locked")


@transaction.atomic
def record_attendance(*, actor, session, entries: dict) -> int:
    """The sheet: `entries` maps invitee id → (status, reason). All or nothing; every bad row is
    named. A blank status leaves the row as it is. Returns how many rows changed."""
    require(actor, CHANGE, session.org)
    session = _lock(session)
    _attendance_open(session)
    rows = {r.pk: r for r in StudyInvitee.objects.filter(session=session).select_related("user")}
    errors, clean = [], {}
    for raw_id, (status, reason) in entries.items():
        try:
            row = rows.get(int(raw_id))
        except (TypeError, ValueError):
            row = None
        if row is None:
            errors.append(_("Row %(id)s is not an invitee of this session.") % {"id": raw_id})
            continue
        if not status:
            continue
        if status not in StudyAttendance.values:
            errors.append(_("%(user)s: “%(status)s” is not an attendance status.") % {"user": row.user,
                                                                                      "status": status})
            continue
        reason = (reason or "").replace("\x00", "").strip()
        if status == StudyAttendance.LEAVE and not reason:
            errors.append(_("%(user)s: enter the reason for leave.") % {"user": row.user})
            continue
        if len(reason) > LEAVE_MAX:
            errors.append(_("%(user)s: the reason is longer than %(n)s characters.") % {"user": row.user,
                                                                                       "n": LEAVE_MAX})
            continue
        clean[row.pk] = (status, reason if status == StudyAttendance.LEAVE else "")
    if errors:
        raise DomainError(" ".join(errors), code="invalid_rows", field="entries")
    if not clean:
        raise DomainError(_("Choose an attendance status for at least one cadre."), code="required", field="entries")
    at, changed = now(), []
    for pk, (status, reason) in clean.items():
        row = rows[pk]
        if (row.status, row.reason) != (status, reason):
            row.status, row.reason, row.method = status, reason, StudyCheckinMethod.SHEET
            row.recorded_at, row.recorded_by = at, actor if actor.pk else None
            changed.append(row)
    StudyInvitee.objects.bulk_update(changed, ["status", "reason", "method", "recorded_at", "recorded_by"])
    counts = {s.lower(): sum(1 for v in clean.values() if v[0] == s) for s in StudyAttendance.values}
    audit.record(actor=actor, action="publicity.study_attendance", obj=session, org=session.org,
                 after={"changed": len(changed), **counts})
    return len(changed)


# --- QR check-in --------------------------------------------------------------------------------------

def _key_of(session) -> str:
    return hashlib.sha256(f"study-checkin:{session.checkin_token}".encode()).hexdigest()[:16]


def checkin_token(session) -> str:
    if not session.checkin_token:
        StudySession.objects.filter(pk=session.pk, checkin_token="").update(checkin_token=secrets.token_urlsafe(32))
        session.refresh_from_db(fields=["checkin_token"])
    return signing.dumps({"s": session.pk, "k": _key_of(session)}, salt=CHECKIN_SALT, compress=True)


def checkin_url(session) -> str:
    path = reverse("publicity:study_checkin", kwargs={"pk": session.pk})
    return f"{settings.SITE_URL.rstrip('/')}{path}?t={checkin_token(session)}"


def checkin_window(session):
    r = rules()
    return (session.starts_at - datetime.timedelta(minutes=r.checkin_opens_minutes),
            session.ends_at + datetime.timedelta(minutes=r.checkin_closes_minutes))


@transaction.atomic
def rotate_checkin_token(*, actor, session) -> StudySession:
    require(actor, CHANGE, session.org)
    session = _lock(session)
    session.checkin_token = secrets.token_urlsafe(32)
    session.save(update_fields=["checkin_token", "updated_at"])
    audit.record(actor=actor, action="publicity.study_checkin_rotate", obj=session, org=session.org, after={})
    return session


@dataclass(frozen=True)
class CheckIn:
    invitee: StudyInvitee
    already: bool


@transaction.atomic
def check_in(*, actor, session_pk, token) -> CheckIn:
    """The signed-in cadre checks in at `session_pk` with its QR token. Refused with a message:
    wrong or old code, not invited, cancelled, outside the window."""
    invalid = DomainError(pgettext("study check-in", "This check-in code is not valid for this session. Scan the "
                                   "code shown in the room again."), code="invalid_token", field="token")
    try:
        data = signing.loads(token or "", salt=CHECKIN_SALT)
    except signing.BadSignature as exc:
        raise invalid from exc
    if not isinstance(data, dict) or data.get("s") != session_pk:
        raise invalid
    session = StudySession.objects.filter(pk=session_pk).first()
    if session is None or not session.checkin_token or not hmac.compare_digest(str(data.get("k")),
                                                                               _key_of(session)):
        raise invalid
    if session.status == StudyStatus.CANCELLED:
        raise DomainError(_("The session is cancelled: there is nothing to check in to."), code="wrong_stage")
    opens, closes = checkin_window(session)
    at = now()
    if at < opens:
        raise DomainError(_("Check-in opens at %(time)s.") % {"time": timezone.localtime(opens)
                                                              .strftime("%Y-%m-%d %H:%M")}, code="too_early")
    if at > closes or attendance_locked(session):
        raise DomainError(_("Check-in closed at %(time)s. Ask the organiser to record your attendance.")
                          % {"time": timezone.localtime(closes).strftime("%Y-%m-%d %H:%M")}, code="too_late")
    session = _lock(session)  # serialises with the organiser's sheet
    row = StudyInvitee.objects.filter(session=session, user=actor).first()
    if row is None:
        raise DomainError(_("You are not invited to “%(title)s”. Ask the organiser to invite you.")
                          % {"title": session.title}, code="not_invited")
    if row.status in (StudyAttendance.PRESENT, StudyAttendance.LATE):
        return CheckIn(row, already=True)
    late = at > session.starts_at + datetime.timedelta(minutes=rules().late_after_minutes)
    row.status = StudyAttendance.LATE if late else StudyAttendance.PRESENT
    row.reason, row.method, row.recorded_at, row.recorded_by = "", StudyCheckinMethod.QR, at, actor
    row.save(update_fields=["status", "reason", "method", "recorded_at", "recorded_by"])
    audit.record(actor=actor, action="publicity.study_checkin", obj=session, org=session.org,
                 after={"cadre": str(actor), "attendance": row.status})
    return CheckIn(row, already=False)


# --- materials ----------------------------------------------------------------------------------------

# Word and PowerPoint are ZIP packages: the document part of the kind, declared in the package's
# [Content_Types].xml with the content type of a plain document. Macro-enabled (.docm/.pptm),
# templates, slide shows and Excel workbooks declare other types and are refused.
OFFICE_PARTS = {
    "docx": ("word/document.xml", "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"),
    "pptx": ("ppt/presentation.xml",
             "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml"),
}
CONTENT_TYPES_MAX = 256 * 1024
EXTENSIONS = {"pdf": "pdf", "jpeg": "jpg", "png": "png", "docx": "docx", "pptx": "pptx"}
# The name's extension must say what the content is: a Word file called .pdf is refused.
NAME_EXTENSIONS = {"pdf": ("pdf",), "jpeg": ("jpg", "jpeg"), "png": ("png",), "docx": ("docx",), "pptx": ("pptx",)}
KIND_LABELS = {"pdf": "PDF", "jpeg": "JPG", "png": "PNG", "docx": "Word", "pptx": "PowerPoint"}


def _office_kind(upload) -> str | None:
    """"docx", "pptx" or None for a ZIP upload: read only the central directory and the small
    content-types part (never the documents), so a crafted archive costs nothing."""
    try:
        with zipfile.ZipFile(upload) as package:
            infos = {i.filename: i for i in package.infolist()}
            types = infos.get("[Content_Types].xml")
            if types is None or types.file_size > CONTENT_TYPES_MAX or any(
                    n.lower().endswith("vbaproject.bin") for n in infos):
                return None
            declared = package.read(types).decode("utf-8", "replace")
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, NotImplementedError, RuntimeError):
        return None
    finally:
        upload.seek(0)
    if "macroEnabled" in declared:
        return None
    return next((k for k, (part, main) in OFFICE_PARTS.items()
                 if part in infos and f'ContentType="{main}"' in declared), None)


def material_kind(upload) -> str:
    """The material's kind by its content, or a DomainError on `file`. The name's extension, when
    it has one, must be one of that kind's (a renamed file is refused)."""
    name = (getattr(upload, "name", "") or "").rsplit("/", 1)[-1] or _("(no name)")
    size = getattr(upload, "size", 0) or 0
    if not size:
        raise DomainError(_("The file “%(name)s” is empty.") % {"name": name}, code="empty", field="file")
    limit = rules().material_max_bytes
    if size > limit:
        raise DomainError(_("The file “%(name)s” is larger than %(n)s MB.") % {"name": name,
                                                                               "n": round(limit / 2**20)},
                          code="too_large", field="file")
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    kind = sniff(head, ("pdf", "jpeg", "png"))
    if kind is None and head.startswith(b"PK\x03\x04"):
        kind = _office_kind(upload)
    if kind is None:
        raise DomainError(_("The file “%(name)s” is not a PDF, Word (.docx), PowerPoint (.pptx), JPG or PNG file.")
                          % {"name": name}, code="wrong_type", field="file")
    extension = name.rsplit(".", 1)[1].lower() if "." in name.strip(".") else ""
    if extension and extension not in NAME_EXTENSIONS[kind]:
        raise DomainError(_("The file “%(name)s” is a %(kind)s file by its content but its name ends in .%(ext)s: "
                            "rename it to .%(right)s and upload it again.")
                          % {"name": name, "kind": KIND_LABELS[kind], "ext": extension,
                             "right": EXTENSIONS[kind]}, code="wrong_type", field="file")
    return kind


@transaction.atomic
def add_material(*, actor, session, upload) -> StudyMaterial:
    require(actor, CHANGE, session.org)
    session = _lock(session)
    if session.status == StudyStatus.CANCELLED:
        raise _wrong_stage(session)
    if upload is None:
        raise DomainError(_("Choose a file to upload."), code="required", field="file")
    kind = material_kind(upload)
    if StudyMaterial.objects.filter(session=session).count() >= rules().materials_per_session:
        raise DomainError(_("A session has at most %(n)s materials.") % {"n": rules().materials_per_session},
                          code="too_many", field="file")
    original = ((getattr(upload, "name", "") or "").rsplit("/", 1)[-1] or "material")[:190]
    if "." not in original.strip("."):  # the download gets the extension of its content
        original = f"{original}.{EXTENSIONS[kind]}"
    upload.name = f"{uuid.uuid4().hex}.{EXTENSIONS[kind]}"
    material = StudyMaterial.objects.create(session=session, file=upload, name=original, kind=kind,
                                            size=upload.size, uploaded_by=actor if actor.pk else None)
    audit.record(actor=actor, action="publicity.study_material_add", obj=session, org=session.org,
                 after={"material": original, "kind": KIND_LABELS[kind]})
    return material


@transaction.atomic
def delete_material(*, actor, session, material_id) -> None:
    require(actor, CHANGE, session.org)
    session = _lock(session)
    material = StudyMaterial.objects.filter(session=session, pk=material_id).first()
    if material is None:
        raise DomainError(_("No such material on this session."), code="not_found")
    name = material.name
    material.file.delete(save=False)
    material.delete()
    audit.record(actor=actor, action="publicity.study_material_delete", obj=session, org=session.org,
                 before={"material": name})


# --- exports --------------------------------------------------------------------------------------------

def _audit_export(actor, action, object_type, filters_audit, rows, org):
    audit.record_export(actor=actor, action=action, object_type=object_type, org=org, reach_action=EXPORT,
                        after={"filters": filters_audit, "rows": rows})


def export_sessions(*, actor, filters):
    """(rewound temporary file, rows): the filtered sessions with their attendance figures."""
    from gonghui.core.excel import XlsxStream

    from ..selectors.studies import filtered_sessions, with_counts

    require(actor, EXPORT, filters.org) if filters.org else require(actor, EXPORT)
    exportable = StudySession.objects.visible_to(actor, EXPORT).values("pk")
    qs = with_counts(filtered_sessions(actor, filters).filter(pk__in=exportable)).select_related("org", "town")
    statuses = dict(StudyStatus.choices)
    headers = [_("Title"), _("Kind of study"), _("Organiser"), _("Town"), _("Starts at"), _("Ends at"), _("Place"),
               _("Online meeting link"), _("Speaker"), _("Status"), _("Invited"),
               pgettext("study attendance", "Present"), pgettext("study attendance", "Late"),
               pgettext("study attendance", "Absent"), _("On leave"), _("Not recorded"), _("Attendance rate (%)")]
    handle = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 — the response closes it
    rows = 0

    def when(v):
        return timezone.localtime(v).strftime("%Y-%m-%d %H:%M")

    with XlsxStream(handle) as book:
        sheet = book.sheet(_("Study sessions"), headers=headers,
                           widths=[30, 14, 24, 16, 16, 16, 20, 24, 10, 8, 8, 8, 8, 8, 8, 8, 10])
        for s in qs.order_by("-starts_at", "-id").iterator(chunk_size=1000):
            rate = round(100 * (s.n_present + s.n_late) / s.n_invited, 1) if s.n_invited else ""
            sheet.append([s.title, str(kind_label(s.kind)), s.org.name, s.town.name if s.town else "",
                          when(s.starts_at), when(s.ends_at), s.place, s.online_url, s.speaker,
                          str(statuses.get(s.status, s.status)), s.n_invited, s.n_present, s.n_late, s.n_absent,
                          s.n_leave, s.n_invited - s.n_present - s.n_late - s.n_absent - s.n_leave, rate])
            rows += 1
    _audit_export(actor, "publicity.study_export", "publicity.StudySessionExport", filters.as_audit(), rows,
                  filters.org)
    handle.seek(0)
    return handle, rows


def export_town_counts(*, actor, year):
    """(file, rows): the yearly counts by town and the definitions."""
    from gonghui.core.excel import XlsxStream

    from ..selectors.studies import town_counts

    require(actor, EXPORT)
    table = town_counts(actor, year)
    handle = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115
    rows = 0
    with XlsxStream(handle) as book:
        sheet = book.sheet(_("By town"), headers=[_("Town"), _("Sessions held"), _("Invited (person-times)"),
                                                   _("Attended (person-times)"), _("On leave"),
                                                   pgettext("study attendance", "Absent"),
                                                   _("Attendance rate (%)")], widths=[30, 12, 14, 14, 10, 10, 12])
        for line in [*table.lines, table.total]:
            sheet.append([str(line.label), line.sessions, line.invited, line.attended, line.leave, line.absent,
                          float(line.rate) if line.rate is not None else ""])
            rows += 1
        notes = book.sheet(_("Definitions"), headers=[_("Figure"), _("Definition")], widths=[24, 90])
        for figure, text in definitions():
            notes.append([str(figure), str(text)])
    _audit_export(actor, "publicity.study_stats_export", "publicity.StudyStatsExport", {"year": year}, rows, None)
    handle.seek(0)
    return handle, rows


def definitions():
    from django.utils.translation import gettext_lazy

    return [
        (gettext_lazy("Sessions held"), gettext_lazy(
            "Sessions with status Held whose start falls in the year, counted in the town of the organiser "
            "(sessions of the district federation itself in the district's row). Planned and cancelled sessions "
            "are not counted.")),
        (gettext_lazy("Invited (person-times)"), gettext_lazy(
            "Invitees of those sessions; a cadre invited to three sessions counts three times.")),
        (gettext_lazy("Attended (person-times)"), gettext_lazy("Invitees recorded present or late.")),
        (gettext_lazy("Attendance rate"), gettext_lazy(
            "Attended ÷ invited × 100, one decimal; leave counts as not attended (it is shown on its own); "
            "empty when nobody was invited.")),
    ]

