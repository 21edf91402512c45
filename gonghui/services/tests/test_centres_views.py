"""Pages of centres: lists filter, search and export (audited) with a constant number of queries;
placing an order on the form (a refusal shows on its field, nothing saved); workflow cards show
only the permitted steps; the history panel; creating centres, items and projects."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from gonghui.core.models import AuditEvent
from gonghui.services.models.centres import OrderStatus, ProjectStatus, ServiceCentre, ServiceItem, ServiceOrder
from gonghui.services.testing.centres import centre, item, order, project, today

pytestmark = pytest.mark.django_db


def _client(user):
    c = Client()
    c.force_login(user)
    return c


@pytest.mark.parametrize("name", ["order_list", "project_list", "item_list"])
def test_lists_filter_and_keep_constant_queries(tree, name, django_assert_max_num_queries):
    for _ in range(3):
        order(tree, OrderStatus.DELIVERED)
    project(tree, ProjectStatus.RUNNING)
    c = _client(tree.town1_cadre)
    url = reverse(f"services:{name}")
    assert c.get(url).status_code == 200
    with django_assert_max_num_queries(25):
        r = c.get(url, {"q": "法律", "org": tree.town1.pk})
    assert r.status_code == 200
    assert c.get(url, {"year": "abc", "status": "NOPE"}).status_code == 200  # bad filters are ignored


def test_order_list_filters(tree):
    late = order(tree)
    ServiceOrder.objects.filter(pk=late.pk).update(accept_due_on=today() - datetime.timedelta(days=1))
    done = order(tree, OrderStatus.RATED)
    c = _client(tree.town1_cadre)
    page = c.get(reverse("services:order_list"), {"overdue": "1"}).context["page"]
    assert [o.pk for o in page.items] == [late.pk]
    page = c.get(reverse("services:order_list"), {"status": "RATED"}).context["page"]
    assert [o.pk for o in page.items] == [done.pk]
    page = c.get(reverse("services:order_list"), {"q": done.number}).context["page"]
    assert [o.pk for o in page.items] == [done.pk]


@pytest.mark.parametrize("name", ["order_export", "project_export", "centre_export", "item_export"])
def test_exports_are_audited(tree, name):
    order(tree)
    project(tree)
    r = _client(tree.town1_cadre).get(reverse(f"services:{name}"))
    assert r.status_code == 200 and r["Content-Type"].startswith("application/vnd.openxmlformats")
    assert AuditEvent.objects.filter(action=f"services.{name.split('_')[0]}_export").exists()


def test_place_an_order_on_the_form(tree):
    c1 = centre(tree)
    i = item(tree)
    c = _client(tree.union1_chair)
    url = reverse("services:order_create")
    assert c.get(url).status_code == 200  # the chair's one union is taken directly
    bad = c.post(url, {"org": tree.union1.pk, "centre": c1.pk, "item": i.pk, "headcount": "10", "place": "会议室",
                       "wanted_on": (today() - datetime.timedelta(days=1)).isoformat()})
    assert bad.status_code == 400 and "wanted_on" in bad.context["form"].errors
    assert ServiceOrder.objects.count() == 0
    ok = c.post(url, {"org": tree.union1.pk, "centre": c1.pk, "item": i.pk, "headcount": "10", "place": "会议室",
                      "wanted_on": today().isoformat()})
    o = ServiceOrder.objects.get()
    assert ok.status_code == 302 and ok.url == reverse("services:order_detail", args=[o.pk])


def test_step_cards_and_history(tree):
    o = order(tree)
    centre_side = _client(tree.town1_cadre).get(reverse("services:order_detail", args=[o.pk]))
    assert set(centre_side.context["step_forms"]) == {"accept", "decline"}
    orderer = _client(tree.union1_chair).get(reverse("services:order_detail", args=[o.pk]))
    assert set(orderer.context["step_forms"]) == {"cancel"}
    assert orderer.context["history"]
    c = _client(tree.town1_cadre)
    bad = c.post(reverse("services:order_step", args=[o.pk, "accept"]),
                 {"accept-scheduled_on": today().isoformat(), "accept-delivered_by": "PARTNER"})
    assert bad.status_code == 400 and "partner" in bad.context["step_forms"]["accept"].errors
    ok = c.post(reverse("services:order_step", args=[o.pk, "accept"]),
                {"accept-scheduled_on": today().isoformat(), "accept-delivered_by": "PARTNER",
                 "accept-partner": "浙江某律师事务所"})
    assert ok.status_code == 302 and ServiceOrder.objects.get(pk=o.pk).status == OrderStatus.ACCEPTED
    assert c.post(reverse("services:order_step", args=[o.pk, "nope"])).status_code == 404


def test_create_centre_item_and_project_pages(tree):
    c = _client(tree.town1_cadre)
    r = c.post(reverse("services:centre_create"), {"org": tree.town1.pk, "name": "城厢职工服务中心", "address": "路1号",
                                                   "is_active": "on"})
    cen = ServiceCentre.objects.get()
    assert r.status_code == 302 and cen.org == tree.town1
    dup = c.post(reverse("services:centre_create"), {"org": tree.town1.pk, "name": "城厢职工服务中心", "address": "x"})
    assert dup.status_code == 400 and "name" in dup.context["form"].errors
    r = c.post(reverse("services:item_create"), {"org": tree.town1.pk, "name": "心理咨询", "category": "PSYCHOLOGY",
                                                 "delivery": "BOTH", "is_active": "on"})
    it = ServiceItem.objects.get()
    assert r.status_code == 302
    r = c.post(reverse("services:project_create"), {"centre": cen.pk, "title": "心理关爱进企业", "item": it.pk,
                                                    "starts_on": today().isoformat(), "ends_on": today().isoformat(),
                                                    "planned_beneficiaries": "50", "budget": "1000"})
    assert r.status_code == 302
    # town2 cannot create in town1 (404: not in its reach)
    assert _client(tree.town2_cadre).get(reverse("services:centre_create"), {"org": tree.town1.pk}).status_code == 404
    # a union chair's item page is read-only
    page = _client(tree.union1_chair).get(reverse("services:item_edit", args=[it.pk]))
    assert page.status_code == 200 and page.context["readonly"]


def test_district_orders_for_any_union_and_a_town_is_not_a_union(tree):
    centre(tree)
    c = _client(tree.district_staff)
    assert c.get(reverse("services:order_create"), {"org": tree.union1.pk}).status_code == 200
    assert c.get(reverse("services:order_create"), {"org": tree.town1.pk}).status_code == 404
    assert c.get(reverse("services:facility_create"), {"org": tree.union2.pk}).status_code == 200


def test_district_picks_a_union_anywhere_by_name(tree):
    """The picker searches the whole subtree (union1 sits under town1, not under the district)."""
    centre(tree)
    c = _client(tree.district_staff)
    for name in ("services:order_create", "services:facility_create"):
        page = c.get(reverse(name), {"union_q": tree.union1.name})
        assert page.status_code == 200 and tree.union1 in page.context["unions"]
        assert f"?org={tree.union1.pk}" in page.content.decode()
    # a chair's only union is taken directly, with no "choose another"
    page = _client(tree.union1_chair).get(reverse("services:order_create"))
    assert page.context["org"] == tree.union1 and not page.context["choose_again"]


def test_delivery_union_typed_when_the_area_is_large(tree, monkeypatch):
    """Past UNION_OPTIONS unions (a district centre) the union is typed by name or code, not picked
    from a menu that would hide most of them."""
    from gonghui.services.forms import centres as centre_forms

    monkeypatch.setattr(centre_forms, "UNION_OPTIONS", 1)
    p = project(tree, ProjectStatus.RUNNING)
    c = _client(tree.district_staff)
    url = reverse("services:project_delivery", args=[p.pk])
    data = {"delivery-delivered_on": today().isoformat(), "delivery-people_served": "20"}
    bad = c.post(url, {**data, "delivery-union": "没有这个工会"})
    assert bad.status_code == 400 and p.deliveries.count() == 0
    assert c.post(url, {**data, "delivery-union": tree.union1.name}).status_code == 302
    assert p.deliveries.get().union == tree.union1
