"""Who may do what with study sessions.

- `publicity.view`: see the sessions organised in the subtree, their sheets, materials and counts;
- `publicity.change`: create and edit sessions of an org in the subtree, invite, record
  attendance, add materials, mark held, cancel;
- `publicity.export`: the Excel exports (list and counts by town).
Any signed-in user sees the sessions they are invited to ("my study sessions") and checks in with
the QR code; the invitation is the right, no role is needed for that. Out of scope: 404.
"""

from dataclasses import dataclass

VIEW = "publicity.view"
CHANGE = "publicity.change"
EXPORT = "publicity.export"


def can(user, action, org=None) -> bool:
    return bool(user and user.is_authenticated and user.can(action, org))


@dataclass(frozen=True)
class SessionActions:
    edit: bool
    invite: bool
    attendance: bool
    materials: bool
    hold: bool
    cancel: bool
    qr: bool


def session_actions(user, session, *, now=None) -> SessionActions:
    """Which steps the user may take on `session` now (buttons; the services check again)."""
    from django.utils import timezone

    from ..models.studies import StudyStatus
    from ..services.studies import attendance_locked

    now = now or timezone.now()
    change = can(user, CHANGE, session.org)
    planned = session.status == StudyStatus.PLANNED
    live = session.status != StudyStatus.CANCELLED
    locked = attendance_locked(session)
    return SessionActions(
        edit=change and planned,
        invite=change and live and not locked,
        attendance=change and live and not locked and session.starts_at <= now,
        materials=change and live,
        hold=change and planned and session.starts_at <= now,
        cancel=change and planned,
        qr=change and live and not locked,
    )
