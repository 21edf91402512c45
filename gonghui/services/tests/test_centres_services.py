"""Services of centres: numbering, the catalogue a centre offers, the order workflow and its
checks (one specific code per bad input, nothing saved), acceptance due in working days,
projects (deliveries in the period, ratings once per served union), due source and card."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from gonghui.core import workdays
from gonghui.core.errors import DomainError
from gonghui.core.models import AuditEvent
from gonghui.services.models.centres import OrderStatus, ProjectStatus, ServiceOrder, ServiceProject
from gonghui.services.selectors import centres as selectors
from gonghui.services.services import centres as services
from gonghui.services.testing.centres import centre, item, order, project

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def _order_kw(tree, **kw):
    return {"org": tree.union1, "centre": centre(tree), "item": item(tree),
            "wanted_on": TODAY + datetime.timedelta(days=5), "headcount": 20, "place": "会议室", **kw}


def test_orders_are_numbered_and_due_in_working_days(tree):
    a = services.create_order(actor=tree.union1_chair, **_order_kw(tree))
    b = services.create_order(actor=tree.union1_chair, **_order_kw(tree))
    assert (a.number, b.number) == (f"FW{TODAY.year}-0001", f"FW{TODAY.year}-0002")
    assert a.status == OrderStatus.SUBMITTED and a.submitted_on == TODAY
    assert a.accept_due_on == workdays.add_working_days(TODAY, 3)
    assert AuditEvent.objects.filter(action="services.order_submit", object_id=str(a.pk)).exists()


def test_number_taken_outside_the_counter_is_skipped(tree):
    a = services.create_order(actor=tree.union1_chair, **_order_kw(tree))
    ServiceOrder.objects.filter(pk=a.pk).update(number=f"FW{TODAY.year}-0002")
    assert services.create_order(actor=tree.union1_chair, **_order_kw(tree)).number == f"FW{TODAY.year}-0003"


def test_acceptance_window_is_configurable(tree, settings):
    settings.SERVICES_CENTRES_RULES = {"accept_within_working_days": 7}
    o = services.create_order(actor=tree.union1_chair, **_order_kw(tree))
    assert o.accept_due_on == workdays.add_working_days(TODAY, 7)


@pytest.mark.parametrize(("kw", "field", "code"), [
    ({"headcount": 0}, "headcount", "out_of_range"),
    ({"wanted_on": TODAY - datetime.timedelta(days=1)}, "wanted_on", "date_past"),
    ({"wanted_on": "2026-13-40"}, "wanted_on", "invalid"),
    ({"place": "  "}, "place", "required"),
    ({"org": "town1"}, "org", "invalid_org"),
    ({"centre": "town2"}, "centre", "centre_out_of_area"),
    ({"item": "project_only"}, "item", "item_not_offered"),
    ({"enterprise": "enterprise2"}, "enterprise", "enterprise_out_of_area"),
])
def test_bad_order_input_is_refused_and_nothing_saved(tree, kw, field, code):
    resolve = {"town1": tree.town1, "town2": centre(tree, org=tree.town2), "enterprise2": tree.enterprise2,
               "project_only": item(tree, name="心理讲座项目", category="PSYCHOLOGY", delivery="PROJECT")}
    kw = {k: resolve.get(v, v) if isinstance(v, str) else v for k, v in kw.items()}
    actor = tree.district_staff if "org" in kw else tree.union1_chair
    with pytest.raises(DomainError) as exc:
        services.create_order(actor=actor, **_order_kw(tree, **kw))
    assert (exc.value.code, exc.value.field) == (code, field)
    assert ServiceOrder.objects.count() == 0


def test_items_a_centre_offers(tree):
    c1, c2 = centre(tree), centre(tree, org=tree.town2)
    district = item(tree)
    town1 = item(tree, org=tree.town1, name="城厢心理咨询", category="PSYCHOLOGY")
    own = item(tree, org=tree.town1, name="中心自有服务", category="OTHER", centre_=c1)
    assert set(services.items_of_centre(c1)) == {district, town1, own}
    assert set(services.items_of_centre(c2)) == {district}
    services.update_item(actor=tree.town1_cadre, item=town1, is_active=False)
    assert town1 not in set(services.items_of_centre(c1))
    with pytest.raises(DomainError) as exc:
        services.create_item(actor=tree.town1_cadre, org=tree.town1, name="x", category="OTHER", delivery="BOTH",
                             centre=c2)
    assert exc.value.code == "centre_out_of_area"


def test_order_workflow(tree):
    o = order(tree, OrderStatus.RATED)
    assert (o.status, o.rating, o.people_served) == (OrderStatus.RATED, 5, 25)
    actions = list(AuditEvent.objects.filter(object_id=str(o.pk), object_type="services.ServiceOrder")
                   .order_by("id").values_list("action", flat=True))
    assert actions == ["services.order_submit", "services.order_accept", "services.order_deliver",
                       "services.order_rate"]


@pytest.mark.parametrize(("step", "status"), [
    (lambda t, o: services.accept_order(actor=t.district_staff, order=o, scheduled_on=TODAY), OrderStatus.ACCEPTED),
    (lambda t, o: services.cancel_order(actor=t.union1_chair, order=o, reason="x"), OrderStatus.CANCELLED),
    (lambda t, o: services.rate_order(actor=t.union1_chair, order=o, rating=4), OrderStatus.RATED),
])
def test_steps_in_the_wrong_status_are_refused(tree, step, status):
    o = order(tree, status)
    with pytest.raises(DomainError) as exc:
        step(tree, o)
    assert exc.value.code == "wrong_stage"


@pytest.mark.parametrize(("kw", "field", "code"), [
    ({"scheduled_on": TODAY - datetime.timedelta(days=1)}, "scheduled_on", "date_past"),
    ({"delivered_by": "PARTNER", "partner": ""}, "partner", "required"),
    ({"delivered_by": "ROBOT"}, "delivered_by", "invalid_delivered_by"),
])
def test_bad_acceptance(tree, kw, field, code):
    o = order(tree)
    with pytest.raises(DomainError) as exc:
        services.accept_order(actor=tree.town1_cadre, order=o, **{"scheduled_on": TODAY, **kw})
    assert (exc.value.code, exc.value.field) == (code, field)
    assert ServiceOrder.objects.get(pk=o.pk).status == OrderStatus.SUBMITTED


def test_delivery_and_rating_checks(tree):
    o = order(tree, OrderStatus.ACCEPTED)
    for kw, code in (({"delivered_on": TODAY + datetime.timedelta(days=1)}, "date_future"),
                     ({"delivered_on": TODAY - datetime.timedelta(days=1)}, "date_order"),
                     ({"people_served": 0}, "out_of_range")):
        with pytest.raises(DomainError) as exc:
            services.deliver_order(actor=tree.town1_cadre, order=o, **{"delivered_on": TODAY, "people_served": 3,
                                                                       **kw})
        assert exc.value.code == code
    o = services.deliver_order(actor=tree.town1_cadre, order=o, delivered_on=TODAY, people_served=3)
    for bad in (0, 6, "x", True):
        with pytest.raises(DomainError) as exc:
            services.rate_order(actor=tree.union1_chair, order=o, rating=bad)
        assert exc.value.field == "rating"


def test_project_workflow_deliveries_and_ratings(tree):
    p = project(tree, ProjectStatus.RUNNING)
    with pytest.raises(DomainError) as exc:
        services.add_delivery(actor=tree.town1_cadre, project=p, delivered_on=p.starts_on - datetime.timedelta(days=1),
                              people_served=3)
    assert exc.value.code == "date_out_of_period"
    with pytest.raises(DomainError) as exc:
        services.add_delivery(actor=tree.town1_cadre, project=p, delivered_on=TODAY, people_served=3,
                              union=tree.union2)
    assert exc.value.code == "union_out_of_area"
    services.add_delivery(actor=tree.town1_cadre, project=p, delivered_on=TODAY, people_served=30, union=tree.union1)
    p = services.finish_project(actor=tree.town1_cadre, project=p)
    with pytest.raises(DomainError) as exc:
        services.rate_project(actor=tree.district_staff, project=p, union=tree.union1b, rating=4)
    assert exc.value.code == "not_served"
    services.rate_project(actor=tree.union1_chair, project=p, union=tree.union1, rating=4, comment="好")
    with pytest.raises(DomainError) as exc:
        services.rate_project(actor=tree.union1_chair, project=p, union=tree.union1, rating=5)
    assert exc.value.code == "already_rated"
    row = selectors.project_detail(p)
    assert (row.served, row.delivery_count, row.avg_rating) == (30, 1, 4)


@pytest.mark.parametrize(("kw", "field", "code"), [
    ({"ends_on": TODAY - datetime.timedelta(days=1), "starts_on": TODAY}, "ends_on", "date_order"),
    ({"budget": "-1"}, "budget", "out_of_range"),
    ({"budget": "1.234"}, "budget", "invalid"),
    ({"planned_beneficiaries": 0}, "planned_beneficiaries", "out_of_range"),
])
def test_bad_project_input(tree, kw, field, code):
    base = {"item": item(tree), "title": "项目", "starts_on": TODAY, "ends_on": TODAY, "planned_beneficiaries": 5,
            "budget": Decimal("0")}
    with pytest.raises(DomainError) as exc:
        services.create_project(actor=tree.town1_cadre, centre=centre(tree), **{**base, **kw})
    assert (exc.value.code, exc.value.field) == (code, field)
    assert ServiceProject.objects.count() == 0


def test_finish_needs_a_delivery(tree):
    p = project(tree, ProjectStatus.RUNNING)
    with pytest.raises(DomainError) as exc:
        services.finish_project(actor=tree.town1_cadre, project=p)
    assert exc.value.code == "no_deliveries"


def test_due_source_and_overview_card(tree, django_assert_num_queries):
    o = order(tree)
    ServiceOrder.objects.filter(pk=o.pk).update(accept_due_on=TODAY - datetime.timedelta(days=1))
    order(tree)
    ServiceOrder.objects.filter(pk=order(tree, org=tree.union2).pk).update(
        accept_due_on=TODAY - datetime.timedelta(days=2))
    selectors.due_orders_summary(tree.town1_cadre)  # the user's roles are read once per request
    with django_assert_num_queries(1):
        due = selectors.due_orders_summary(tree.town1_cadre)
    assert (due.overdue, due.soon) == (1, 0) or (due.overdue, due.soon) == (1, 1)
    assert selectors.due_orders_summary(tree.district_staff).overdue == 2
    assert selectors.due_orders_summary(tree.union1_chair) is None  # the union runs no centre
    card = selectors.overview_card(tree.town1_cadre)
    values = {str(r.label): r.value for r in card.rows}
    assert values[str(selectors._("Orders awaiting acceptance"))] == 2
