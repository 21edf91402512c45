"""Permission matrix of centres: role × action × in scope / out of scope.

An order of union1 (town1) to town1's centre: the centre's side (town1 cadre, district) accepts,
declines, delivers; the orderer (union1 chair and staff, the district) orders, cancels, rates.
town2, union2, a member and an outsider see nothing (404 on pages and API)."""

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from gonghui.core.testing.api import api_as
from gonghui.services.models.centres import OrderStatus, ProjectStatus, ServiceOrder
from gonghui.services.services import centres as services
from gonghui.services.testing.centres import centre, item, order, project, today

pytestmark = pytest.mark.django_db

ROLES = ["district_staff", "town1_cadre", "town2_cadre", "union1_chair", "union1_staff", "union2_chair",
         "member_user", "outsider"]
CENTRE_SIDE = {"district_staff", "town1_cadre"}
ORDERER = {"district_staff", "union1_chair", "union1_staff"}
ACTIONS = {  # action: (status first, call, who may)
    "order": (None, lambda u, o, t: services.create_order(actor=u, org=t.union1, centre=centre(t), item=item(t),
                                                          wanted_on=today(), headcount=3, place="厂区"), ORDERER),
    "accept": (OrderStatus.SUBMITTED, lambda u, o, t: services.accept_order(actor=u, order=o, scheduled_on=today()),
               CENTRE_SIDE),
    "decline": (OrderStatus.SUBMITTED, lambda u, o, t: services.decline_order(actor=u, order=o, reason="x"),
                CENTRE_SIDE),
    "deliver": (OrderStatus.ACCEPTED, lambda u, o, t: services.deliver_order(actor=u, order=o, delivered_on=today(),
                                                                             people_served=2), CENTRE_SIDE),
    "rate": (OrderStatus.DELIVERED, lambda u, o, t: services.rate_order(actor=u, order=o, rating=3), ORDERER),
    "cancel": (OrderStatus.SUBMITTED, lambda u, o, t: services.cancel_order(actor=u, order=o, reason="x"), ORDERER),
    "centre": (None, lambda u, o, t: services.create_centre(actor=u, org=t.town1, name=f"中心{u.pk}", address="路1号"),
               CENTRE_SIDE),
    "project": (None, lambda u, o, t: services.create_project(
        actor=u, centre=centre(t), item=item(t), title="p", starts_on=today(), ends_on=today(),
        planned_beneficiaries=3), CENTRE_SIDE),
}


@pytest.mark.parametrize("action", list(ACTIONS))
def test_service_matrix(tree, action):
    status, call, allowed = ACTIONS[action]
    for role in ROLES:
        o = order(tree, status) if status else None
        user = getattr(tree, role)
        count = ServiceOrder.objects.count()
        if role in allowed:
            assert call(user, o, tree) is not None, role
        else:
            with pytest.raises(PermissionDenied):
                call(user, o, tree)
            assert ServiceOrder.objects.count() == count, role
            if o is not None:
                assert ServiceOrder.objects.get(pk=o.pk).status == status, role


VIEWERS = {"district_staff", "town1_cadre", "union1_chair", "union1_staff"}


@pytest.mark.parametrize("role", ROLES)
def test_pages_and_api_404_out_of_scope(tree, role):
    o = order(tree)
    p = project(tree, ProjectStatus.RUNNING)
    user = getattr(tree, role)
    c = Client()
    c.force_login(user)
    got = {
        "order": c.get(reverse("services:order_detail", args=[o.pk])).status_code,
        "order_api": api_as(user).get(f"/service-orders/{o.pk}").status_code,
        "centre": c.get(reverse("services:centre_detail", args=[o.centre.pk])).status_code,
        "accept": c.post(reverse("services:order_step", args=[o.pk, "accept"]),
                         {"accept-scheduled_on": today().isoformat(), "accept-delivered_by": "STAFF"}).status_code,
    }
    project_page = c.get(reverse("services:project_detail", args=[p.pk])).status_code
    if role in VIEWERS:
        assert got["order"] == got["order_api"] == 200, role
        # the union sees the order (and the centre of its town), but only the centre's side accepts it
        assert got["accept"] == 302, role
        expected = OrderStatus.ACCEPTED if role in CENTRE_SIDE else OrderStatus.SUBMITTED
        assert ServiceOrder.objects.get(pk=o.pk).status == expected, role
        assert project_page == (200 if role in CENTRE_SIDE else 404), role
    else:
        assert set(got.values()) <= {403, 404} and project_page in (403, 404), (role, got)
        if role not in ("member_user", "outsider"):
            assert got["order"] == got["order_api"] == got["accept"] == 404, role
        assert ServiceOrder.objects.get(pk=o.pk).status == OrderStatus.SUBMITTED, role


def test_served_union_reads_and_rates_the_project(tree):
    p = project(tree, ProjectStatus.DONE)  # served union1
    c = Client()
    c.force_login(tree.union1_chair)
    assert c.get(reverse("services:project_detail", args=[p.pk])).status_code == 200
    r = c.post(reverse("services:project_rate", args=[p.pk]), {"rate-union": tree.union1.pk, "rate-rating": "5"})
    assert r.status_code == 302 and p.ratings.get().rating == 5
    assert c.post(reverse("services:project_step", args=[p.pk, "cancel"]), {"cancel-reason": "x"}).status_code == 404
    c.force_login(tree.union2_chair)
    assert c.get(reverse("services:project_detail", args=[p.pk])).status_code == 404
