"""Metrics of the services unions deliver to workers (DOMAIN.md §7): service orders and projects,
facilities, culture and sports events, the art troupe and film team, 会员普惠.

Definitions (docs/reports-metrics.md has the table). Days are local (Asia/Shanghai); "in year Y"
means from 1 January to the end of the year or as_of, whichever comes first.
- a *service order completed* in Y: DELIVERED or RATED with `delivered_on` in Y, held by the
  ordering union (`ServiceOrder.org`);
- a *project delivery* in Y: a `ProjectDelivery` of a project (项目式) with `delivered_on` in Y,
  held by the union served, else the centre's org running the project;
- *people served*: `people_served` of those orders and deliveries, held the same way;
- a *facility opened* in Y: a facility request with `opened_on` in Y (whatever its status since),
  held by the requesting union;
- an *event held* in Y: an event that starts in Y, on or before as_of, and was published (status
  PUBLISHED, CLOSED or FINISHED: drafts and cancelled events are not), held by its organiser;
  its *participants* are its registrations holding a place (REGISTERED; waiting-list and
  cancelled ones are not), held by the participant's union (else the organiser), and its
  *check-ins* those of them checked in;
- a *performance* of the art troupe: status DONE, starting in Y (its wanted day when no time was
  set, as the programme list does); a *film screening*: SHOWN,
  starting in Y; held by the host org;
- a *redemption* (普惠 use) in Y: a `Redemption` logged in Y, held by the member's union at that
  moment (`Redemption.union`), not by the merchant's signing org: the figure says how much the
  members of a union used the offers.
"""

import datetime
from urllib.parse import urlencode

from django.db.models import Count, Q, Sum
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gonghui.services.models import (
    Event,
    EventStatus,
    FacilityRequest,
    OrderStatus,
    Performance,
    PerformanceStatus,
    ProjectDelivery,
    Redemption,
    Registration,
    RegistrationStatus,
    Screening,
    ScreeningStatus,
    ServiceOrder,
)

from . import Metric, register
from . import drill_list as _drill
from . import grouped_rows as _rows

SECTION = "services"
DONE_ORDER_STATUSES = (OrderStatus.DELIVERED, OrderStatus.RATED)
HELD_EVENT_STATUSES = (EventStatus.PUBLISHED, EventStatus.CLOSED, EventStatus.FINISHED)


def _redemptions_drill(org, year):
    params = {"org": org.pk, "date_from": f"{year}-01-01", "date_to": f"{year}-12-31"}
    return f"{reverse('services:redemption_list')}?{urlencode(params)}"


METRICS = [
    Metric(code="services.orders", label=_("Service orders completed"), section=SECTION,
           drill=_drill("services:order_list"),
           help=_("Service orders (订单式) delivered in the year, at the ordering union.")),
    Metric(code="services.project_deliveries", label=_("Service project deliveries"), section=SECTION,
           drill=_drill("services:project_list"),
           help=_("Deliveries of service projects (项目式) in the year, at the union served.")),
    Metric(code="services.people_served", label=_("People served"), section=SECTION, unit="people",
           drill=_drill("services:order_list"),
           help=_("People served by those orders and project deliveries (person-times).")),
    Metric(code="services.facilities_opened", label=_("Facilities opened"), section=SECTION,
           drill=_drill("services:facility_list"),
           help=_("Facilities for remote enterprises opened in the year, at the requesting union.")),
    Metric(code="services.events", label=_("Culture and sports events"), section=SECTION,
           drill=_drill("services:event_list"),
           help=_("Published events that took place in the year, by organiser.")),
    Metric(code="services.event_participants", label=_("Event participants"), section=SECTION, unit="people",
           drill=_drill("services:registration_list", status=RegistrationStatus.REGISTERED),
           help=_("Places held on those events (person-times), at the participant's union.")),
    Metric(code="services.event_checkins", label=_("Event check-ins"), section=SECTION, unit="people",
           drill=_drill("services:registration_list", status=RegistrationStatus.REGISTERED, checked_in="yes"),
           help=_("Participants of those events who checked in.")),
    Metric(code="services.performances", label=_("Art troupe performances"), section=SECTION,
           drill=_drill("services:programme_list", status=PerformanceStatus.DONE),
           help=_("Performances of the workers' art troupe given in the year, at the host.")),
    Metric(code="services.screenings", label=_("Film screenings"), section=SECTION,
           drill=_drill("services:screening_list", status=ScreeningStatus.SHOWN),
           help=_("Films shown by the workers' film team in the year, at the host.")),
    Metric(code="services.redemptions", label=_("Member benefit uses"), section=SECTION,
           drill=_redemptions_drill,
           help=_("Uses of member offers (会员普惠) logged in the year, at the member's union.")),
]


def _moments(first, until):
    """[start, end) aware datetimes of the local days first..until."""
    tz = timezone.get_current_timezone()
    start = timezone.make_aware(datetime.datetime.combine(first, datetime.time.min), tz)
    end = timezone.make_aware(datetime.datetime.combine(until + datetime.timedelta(days=1), datetime.time.min), tz)
    return start, end


def _orders_and_projects(first, until):
    orders = ServiceOrder.objects.filter(status__in=DONE_ORDER_STATUSES, delivered_on__gte=first,
                                         delivered_on__lte=until)
    deliveries = (ProjectDelivery.objects.filter(delivered_on__gte=first, delivered_on__lte=until)
                  .annotate(holder=Coalesce("union_id", "project__org_id")))
    served = {}
    rows = orders.order_by().values("org_id").annotate(n=Count("pk"), people=Sum("people_served"))
    for row in rows.values_list("org_id", "n", "people"):
        yield row[0], "services.orders", row[1]
        served[row[0]] = served.get(row[0], 0) + (row[2] or 0)
    for org_id, n, people in deliveries.order_by().values("holder").annotate(
            n=Count("pk"), people=Sum("people_served")).values_list("holder", "n", "people"):
        yield org_id, "services.project_deliveries", n
        served[org_id] = served.get(org_id, 0) + (people or 0)
    for org_id, people in served.items():
        if people:
            yield org_id, "services.people_served", people


def _events(start, end):
    held = Event.objects.filter(starts_at__gte=start, starts_at__lt=end, status__in=HELD_EVENT_STATUSES)
    yield from _rows(held, "org_id", "services.events", Count("pk"))
    places = (Registration.objects.filter(event__in=held, status=RegistrationStatus.REGISTERED)
              .annotate(holder=Coalesce("union_id", "event__org_id")))
    rows = places.order_by().values("holder").annotate(n=Count("pk"),
                                                       c=Count("pk", filter=Q(checked_in_at__isnull=False)))
    for org_id, n, checked in rows.values_list("holder", "n", "c"):
        yield org_id, "services.event_participants", n
        if checked:
            yield org_id, "services.event_checkins", checked


def provide(year: int, as_of: datetime.date):
    first, until = datetime.date(year, 1, 1), min(datetime.date(year, 12, 31), as_of)
    if until < first:
        return
    start, end = _moments(first, until)
    yield from _orders_and_projects(first, until)
    yield from _rows(FacilityRequest.objects.filter(opened_on__gte=first, opened_on__lte=until), "org_id",
                     "services.facilities_opened", Count("pk"))
    yield from _events(start, end)
    given = Q(starts_at__gte=start, starts_at__lt=end) | Q(starts_at__isnull=True, wanted_on__gte=first,
                                                             wanted_on__lte=until)
    yield from _rows(Performance.objects.filter(given, status=PerformanceStatus.DONE), "org_id",
                     "services.performances", Count("pk"))
    yield from _rows(Screening.objects.filter(status=ScreeningStatus.SHOWN, starts_at__gte=start, starts_at__lt=end),
                     "org_id", "services.screenings", Count("pk"))
    yield from _rows(Redemption.objects.filter(redeemed_at__gte=start, redeemed_at__lt=end), "union_id",
                     "services.redemptions", Count("pk"))


register(METRICS, provide)
