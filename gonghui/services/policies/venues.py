"""Who may do what with venues, rooms, bookings, performances and screenings.

- `services.view`: see venues and rooms of the subtree, the bookings made by the subtree's unions
  or at the subtree's venues, performances and screenings hosted in the subtree;
- `services.change`: add and edit venues and rooms of one's org (district, town cadres; union
  chairs and staff for their own union's venues), request a booking for one's union (of a room of
  a venue run by the union or an org above it), cancel it; request a performance for one's union
  (送文化进企业); plan and record screenings hosted in the subtree; record a performance's
  audience;
- `services.approve`: confirm or reject the bookings of a venue of the subtree (the venue's org:
  the district for the cultural palace, a town for its centre); cancel them; schedule, decline and
  cancel performances — the art troupe is the district's, so only `services.approve` at the
  district (district staff);
- `services.export`: the Excel exports.

Members have no role here. These helpers decide which buttons a page shows; the services check
again (`require`).
"""

from dataclasses import dataclass

from django.utils import timezone

from ..models.venues import BookingStatus, PerformanceStatus, ScreeningStatus

VIEW = "services.view"
CHANGE = "services.change"
APPROVE = "services.approve"
EXPORT = "services.export"


def can(user, action, org=None) -> bool:
    return bool(user and user.is_authenticated and user.can(action, org))


def district_of(org):
    """The district org above `org` (the root of its tree)."""
    from gonghui.orgs.models import Org

    return Org.objects.get(path=org.path[:Org.steplen]) if org.depth > 1 else org


def can_run_troupe(user, org) -> bool:
    return can(user, APPROVE, district_of(org))


@dataclass(frozen=True)
class BookingActions:
    confirm: bool = False
    reject: bool = False
    cancel: bool = False

    @property
    def any(self):
        return any(vars(self).values())


def booking_actions(user, b) -> BookingActions:
    venue_org = b.room.venue.org
    approver = can(user, APPROVE, venue_org)
    pending = b.status == BookingStatus.REQUESTED
    holding = b.status in (BookingStatus.REQUESTED, BookingStatus.CONFIRMED) and b.ends_at > timezone.now()
    return BookingActions(confirm=pending and approver and b.starts_at > timezone.now(), reject=pending and approver,
                          cancel=holding and (approver or can(user, CHANGE, b.org)))


@dataclass(frozen=True)
class PerformanceActions:
    schedule: bool = False
    decline: bool = False
    done: bool = False
    cancel: bool = False

    @property
    def any(self):
        return any(vars(self).values())


def performance_actions(user, p) -> PerformanceActions:
    troupe = can_run_troupe(user, p.org)
    requested, scheduled = p.status == PerformanceStatus.REQUESTED, p.status == PerformanceStatus.SCHEDULED
    started = scheduled and p.starts_at is not None and p.starts_at <= timezone.now()
    return PerformanceActions(schedule=requested and troupe, decline=requested and troupe,
                              done=started and can(user, CHANGE, p.org),
                              cancel=(requested and (troupe or can(user, CHANGE, p.org))) or (scheduled and troupe))


@dataclass(frozen=True)
class ScreeningActions:
    done: bool = False
    cancel: bool = False

    @property
    def any(self):
        return any(vars(self).values())


def screening_actions(user, s) -> ScreeningActions:
    planned = s.status == ScreeningStatus.PLANNED and can(user, CHANGE, s.org)
    return ScreeningActions(done=planned and s.starts_at <= timezone.now(), cancel=planned)
