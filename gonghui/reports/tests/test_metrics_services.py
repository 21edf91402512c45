"""Service metrics (reports.metrics.services) on known records: orders delivered and project
deliveries with the people served, facilities opened, events held with their participants and
check-ins, performances, screenings, benefit uses — drafts, cancelled and declined records, other
years, days after as_of and local-day boundaries handled, the holding org right, drill links that
open, a fixed number of queries."""

import datetime
import itertools
from urllib.parse import parse_qs, urlparse

import pytest
from django.utils import timezone

from gonghui.reports import metrics
from gonghui.reports.metrics import services
from gonghui.services.models import (
    Event,
    EventStatus,
    FacilityRequest,
    FacilityStatus,
    Merchant,
    Offer,
    OrderStatus,
    Performance,
    PerformanceStatus,
    ProjectDelivery,
    Redemption,
    Registration,
    RegistrationStatus,
    Screening,
    ScreeningStatus,
    ServiceCentre,
    ServiceItem,
    ServiceOrder,
    ServiceProject,
)

pytestmark = pytest.mark.django_db

YEAR = 2025
END = datetime.date(YEAR, 12, 31)
_seq = itertools.count(1)
d = datetime.date


def at(day, hour=10, minute=0):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def values(year=YEAR, as_of=END):
    out = {}
    for org_id, code, value in services.provide(year, as_of):
        assert (org_id, code) not in out, "one value per org and metric"
        out[org_id, code] = value
    return out


def of(vals, org):
    return {code.removeprefix("services."): v for (org_id, code), v in vals.items() if org_id == org.pk}


@pytest.fixture
def centre(tree):
    c = ServiceCentre.objects.create(org=tree.town1, name="城厢职工服务中心", address="城厢路1号")
    return c, ServiceItem.objects.create(org=tree.town1, centre=c, name="劳动法律咨询", category="LEGAL")


def order(centre, org, status, delivered_on=None, people=None):
    c, item = centre
    n = next(_seq)
    submitted = (delivered_on or d(YEAR, 6, 1)) - datetime.timedelta(days=10)
    return ServiceOrder.objects.create(number=f"FW{n:06d}", org=org, centre=c, item=item, place="车间",
                                       wanted_on=submitted, headcount=30, status=status, submitted_on=submitted,
                                       accept_due_on=submitted, delivered_on=delivered_on, people_served=people)


def delivery(centre, project_org, day, people, union=None):
    c, item = centre
    p = ServiceProject.objects.create(org=project_org, centre=c, item=item, title=f"送法进企业{next(_seq)}",
                                      starts_on=d(YEAR - 1, 1, 1), ends_on=d(YEAR + 1, 12, 31),
                                      planned_beneficiaries=100)
    return ProjectDelivery.objects.create(project=p, delivered_on=day, union=union, people_served=people)


def facility(org, opened_on, status=FacilityStatus.OPEN):
    n = next(_seq)
    return FacilityRequest.objects.create(number=f"SS{n:06d}", org=org, kind="ATM", title="厂区ATM", location="东门",
                                          workers_served=300, justification="偏远", status=status,
                                          submitted_on=d(YEAR - 1, 6, 1), decide_due_on=d(YEAR - 1, 6, 15),
                                          opened_on=opened_on)


def event(org, starts, status=EventStatus.FINISHED):
    return Event.objects.create(org=org, kind="SPORTS", title=f"职工篮球赛{next(_seq)}", starts_at=starts,
                                ends_at=starts + datetime.timedelta(hours=3), capacity=100, status=status)


def register(tree, e, union, status=RegistrationStatus.REGISTERED, checked_in=False):
    position = next(_seq) if status == RegistrationStatus.WAITLISTED else None
    now = timezone.now()
    return Registration.objects.create(event=e, person=tree.member(union=union or tree.union1).person, union=union,
                                       status=status, waitlist_position=position, channel="UNION",
                                       registered_at=now, checked_in_at=now if checked_in else None)


def redeem(tree, offer, union, when):
    return Redemption.objects.create(org=offer.merchant.org, merchant=offer.merchant, offer=offer,
                                     person=tree.member(union=union).person, union=union, redeemed_at=when)


@pytest.fixture
def offer(tree):
    m = Merchant.objects.create(org=tree.district, code="M0001", name="职工书店", category="SHOPPING", address="x",
                                agreement_start=d(YEAR - 1, 1, 1), agreement_end=d(YEAR + 2, 1, 1))
    return Offer.objects.create(merchant=m, title="会员九折", discount="九折", valid_from=d(YEAR - 1, 1, 1),
                                valid_to=d(YEAR + 2, 1, 1))


def test_orders_projects_and_people_served(tree, centre):
    order(centre, tree.union1, OrderStatus.DELIVERED, d(YEAR, 3, 1), 40)
    order(centre, tree.union1, OrderStatus.RATED, d(YEAR, 8, 1), None)  # people not recorded
    order(centre, tree.union1, OrderStatus.ACCEPTED)
    order(centre, tree.union1, OrderStatus.DECLINED)
    order(centre, tree.union2, OrderStatus.DELIVERED, d(YEAR - 1, 12, 31), 10)
    delivery(centre, tree.town1, d(YEAR, 4, 1), 25, union=tree.union1)
    delivery(centre, tree.town1, d(YEAR, 5, 1), 15)  # no union named: the project's org
    delivery(centre, tree.town1, d(YEAR + 1, 1, 1), 99, union=tree.union1)
    v = values()
    assert of(v, tree.union1) == {"orders": 2, "project_deliveries": 1, "people_served": 65}
    assert of(v, tree.town1) == {"project_deliveries": 1, "people_served": 15}
    assert of(v, tree.union2) == {}
    assert of(values(as_of=d(YEAR, 3, 31)), tree.union1) == {"orders": 1, "people_served": 40}


def test_facilities_opened(tree):
    facility(tree.union1, d(YEAR, 5, 1))
    facility(tree.union1, d(YEAR, 6, 1), status=FacilityStatus.CLOSED)  # opened in the year, closed since
    facility(tree.union1, None, status=FacilityStatus.IN_PROGRESS)
    facility(tree.union2, d(YEAR - 1, 5, 1))
    assert of(values(), tree.union1) == {"facilities_opened": 2}
    assert of(values(), tree.union2) == {}


def test_events_held_and_their_participants(tree):
    big = event(tree.town1, at(d(YEAR, 5, 1)))
    register(tree, big, tree.union1, checked_in=True)
    register(tree, big, tree.union1)
    register(tree, big, tree.union2, checked_in=True)
    register(tree, big, tree.union2, status=RegistrationStatus.WAITLISTED)
    register(tree, big, tree.union2, status=RegistrationStatus.CANCELLED)
    register(tree, big, None)  # no union on record: the organiser's
    register(tree, event(tree.union1, at(d(YEAR, 9, 1)), status=EventStatus.CLOSED), tree.union1)
    register(tree, event(tree.union1, at(d(YEAR, 9, 2)), status=EventStatus.CANCELLED), tree.union1)
    event(tree.union1, at(d(YEAR, 9, 3)), status=EventStatus.DRAFT)
    register(tree, event(tree.union2, at(d(YEAR - 1, 12, 31), 23, 30)), tree.union2)  # last year, local time
    register(tree, event(tree.union2, at(d(YEAR + 1, 1, 1), 0, 30)), tree.union2)  # next year, local time
    v = values()
    assert of(v, tree.town1) == {"events": 1, "event_participants": 1}
    assert of(v, tree.union1) == {"events": 1, "event_participants": 3, "event_checkins": 1}
    assert of(v, tree.union2) == {"event_participants": 1, "event_checkins": 1}
    assert of(values(as_of=d(YEAR, 6, 30)), tree.union1) == {"event_participants": 2, "event_checkins": 1}
    assert of(values(YEAR - 1, d(YEAR - 1, 12, 31)), tree.union2) == {"events": 1, "event_participants": 1}


def test_performances_and_screenings(tree):
    Performance.objects.create(org=tree.town2, title="送文化进企业", status=PerformanceStatus.DONE,
                               starts_at=at(d(YEAR, 5, 1)), audience=200)
    Performance.objects.create(org=tree.town2, title="未定时间", status=PerformanceStatus.DONE, wanted_on=d(YEAR, 6, 1))
    Performance.objects.create(org=tree.town2, title="已排期", status=PerformanceStatus.SCHEDULED,
                               starts_at=at(d(YEAR, 7, 1)))
    Screening.objects.create(org=tree.union2, film="长津湖", starts_at=at(d(YEAR, 8, 1)), site="食堂",
                             status=ScreeningStatus.SHOWN, audience=80)
    Screening.objects.create(org=tree.union2, film="流浪地球", starts_at=at(d(YEAR, 8, 2)), site="食堂",
                             status=ScreeningStatus.CANCELLED)
    v = values()
    assert of(v, tree.town2) == {"performances": 2}
    assert of(v, tree.union2) == {"screenings": 1}


def test_benefit_uses_at_the_members_union(tree, offer):
    redeem(tree, offer, tree.union1, at(d(YEAR, 3, 1)))
    redeem(tree, offer, tree.union1, at(d(YEAR, 12, 31), 23, 59))
    redeem(tree, offer, tree.union2, at(d(YEAR + 1, 1, 1), 0, 1))
    assert of(values(), tree.union1) == {"redemptions": 2}
    assert of(values(), tree.district) == {}  # the merchant's signing org holds none
    assert of(values(), tree.union2) == {}


def test_a_fixed_number_of_queries(tree, centre, offer, django_assert_num_queries):
    order(centre, tree.union1, OrderStatus.DELIVERED, d(YEAR, 3, 1), 40)
    delivery(centre, tree.town1, d(YEAR, 4, 1), 25)
    register(tree, event(tree.town1, at(d(YEAR, 5, 1))), tree.union1)
    redeem(tree, offer, tree.union1, at(d(YEAR, 3, 1)))
    with django_assert_num_queries(8):
        list(services.provide(YEAR, END))


def test_the_contract_codes_are_registered():
    codes = {m.code for m in metrics.all_metrics() if m.section == "services"}
    assert {"services.orders", "services.events", "services.event_participants", "services.redemptions"} <= codes


@pytest.mark.parametrize("code", [m.code for m in services.METRICS])
def test_drill_links_open_their_list(tree, client, code):
    client.force_login(tree.town1_cadre)
    url = metrics.metric(code).drill(tree.town1, YEAR)
    assert parse_qs(urlparse(url).query)["org"] == [str(tree.town1.pk)]
    assert client.get(url).status_code == 200


def test_the_redemption_drill_covers_the_year(tree, offer, client):
    inside = redeem(tree, offer, tree.union1, at(d(YEAR, 12, 31), 23, 59))
    redeem(tree, offer, tree.union1, at(d(YEAR + 1, 1, 1), 0, 1))
    redeem(tree, offer, tree.union2, at(d(YEAR, 6, 1)))
    client.force_login(tree.district_staff)
    response = client.get(metrics.metric("services.redemptions").drill(tree.union1, YEAR))
    assert [r.pk for r in response.context["page"].items] == [inside.pk]
