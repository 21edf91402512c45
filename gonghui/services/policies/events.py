"""Who may do what with events.

- `services.view`: see the events of the subtree and their registrations (also the members'
  union's registrations);
- `services.change`: the organiser's subtree creates, edits, publishes, closes, finishes and
  cancels events, registers anyone eligible, checks people in on the list, rotates the QR code,
  uploads and removes photos; a union registers its own live members (bulk) and cancels their
  places;
- `services.export`: the Excel exports (registrations, statistics);
- members have no role action: they register, cancel and check in themselves on the member
  pages (`person_of_account`).

These helpers decide which buttons a page shows; the services check again (`require`).
"""

from ..models.events import EventStatus, RegistrationStatus

VIEW = "services.view"
CHANGE = "services.change"
EXPORT = "services.export"

EDITABLE = (EventStatus.DRAFT, EventStatus.PUBLISHED, EventStatus.CLOSED)
RUNNING = (EventStatus.PUBLISHED, EventStatus.CLOSED)
CANCELLABLE = (RegistrationStatus.REGISTERED, RegistrationStatus.WAITLISTED)

# status -> the steps that may follow it
STEPS = {
    EventStatus.DRAFT: ("publish", "cancel"),
    EventStatus.PUBLISHED: ("close", "cancel"),
    EventStatus.CLOSED: ("reopen", "finish", "cancel"),
    EventStatus.FINISHED: (),
    EventStatus.CANCELLED: (),
}


def can(user, action, org=None) -> bool:
    return bool(user and user.is_authenticated and user.can(action, org))


def steps_for(user, event) -> tuple:
    return STEPS.get(event.status, ()) if can(user, CHANGE, event.org) else ()


def may_cancel_registration(user, x) -> bool:
    if x.status not in CANCELLABLE or x.event.status not in RUNNING:
        return False
    return can(user, CHANGE, x.event.org) or (x.union_id is not None and can(user, CHANGE, x.union))
