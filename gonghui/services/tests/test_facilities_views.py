"""Pages and API of facility requests: the list (filters, export audited), the union's form
(refusal on the field, nothing saved), the step cards by side, 404 out of scope, the API flow."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from gonghui.core.models import AuditEvent
from gonghui.core.testing.api import api_as
from gonghui.services.models.facilities import FacilityRequest, FacilityStatus
from gonghui.services.testing.facilities import request

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def _client(user):
    c = Client()
    c.force_login(user)
    return c


def test_list_filters_and_export(tree, django_assert_max_num_queries):
    a = request(tree, FacilityStatus.OPEN)
    request(tree, org=tree.union2)
    c = _client(tree.town1_cadre)
    with django_assert_max_num_queries(25):
        r = c.get(reverse("services:facility_list"), {"kind": "ATM", "q": "ATM"})
    assert [x.pk for x in r.context["page"].items] == [a.pk]
    assert c.get(reverse("services:facility_list"), {"status": "SUBMITTED"}).context["page"].items == []
    r = c.get(reverse("services:facility_export"))
    assert r.status_code == 200
    assert AuditEvent.objects.filter(action="services.facility_export").exists()


def test_request_form_and_steps(tree):
    c = _client(tree.union1_chair)
    url = reverse("services:facility_create")
    bad = c.post(url, {"org": tree.union1.pk, "kind": "BATH", "title": "浴室", "workers_served": "0",
                       "justification": "无"})
    assert bad.status_code == 400 and "workers_served" in bad.context["form"].errors
    assert FacilityRequest.objects.count() == 0
    ok = c.post(url, {"org": tree.union1.pk, "kind": "BATH", "title": "浴室", "workers_served": "80",
                      "location": "宿舍区", "justification": "夏季高温无洗浴条件"})
    r = FacilityRequest.objects.get()
    assert ok.status_code == 302
    assert set(c.get(reverse("services:facility_detail", args=[r.pk])).context["step_forms"]) == {"withdraw"}
    town = _client(tree.town1_cadre)
    page = town.get(reverse("services:facility_detail", args=[r.pk]))
    assert set(page.context["step_forms"]) == {"approve", "reject"} and page.context["history"]
    # the union cannot approve its own request: warned, nothing changes
    assert c.post(reverse("services:facility_step", args=[r.pk, "approve"])).status_code == 302
    assert FacilityRequest.objects.get(pk=r.pk).status == FacilityStatus.SUBMITTED
    assert town.post(reverse("services:facility_step", args=[r.pk, "approve"])).status_code == 302
    bad = town.post(reverse("services:facility_step", args=[r.pk, "start"]), {"start-partner": "",
                                                                              "start-planned_open_on": "x"})
    assert bad.status_code == 400
    assert FacilityRequest.objects.get(pk=r.pk).status == FacilityStatus.APPROVED
    for role in ("town2_cadre", "union2_chair"):
        other = _client(getattr(tree, role))
        assert other.get(reverse("services:facility_detail", args=[r.pk])).status_code == 404
        assert other.post(reverse("services:facility_step", args=[r.pk, "start"])).status_code == 404


def test_api_flow_and_scope(tree):
    union = api_as(tree.union1_chair)
    r = union.post("/facility-requests", {"org": tree.union1.pk, "kind": "BUS_STOP", "title": "园区公交站",
                                          "location": "园区北门", "workers_served": 500, "justification": "无公交"})
    assert r.status_code == 201, r.json()
    rid = r.json()["id"]
    town = api_as(tree.town1_cadre)
    assert union.post(f"/facility-requests/{rid}/approve", {}).status_code == 403
    assert town.post(f"/facility-requests/{rid}/approve", {}).json()["status"] == FacilityStatus.APPROVED
    r = town.post(f"/facility-requests/{rid}/start", {"partner": "萧山公交公司", "planned_open_on": TODAY.isoformat()})
    assert r.status_code == 200 and r.json()["actions"]["open"] is True
    r = town.post(f"/facility-requests/{rid}/open", {"opened_on": TODAY.isoformat()})
    assert r.json()["status"] == FacilityStatus.OPEN
    assert town.post(f"/facility-requests/{rid}/open", {"opened_on": TODAY.isoformat()}).status_code == 409
    assert union.post(f"/facility-requests/{rid}/rate", {"rating": 5}).status_code == 200
    assert api_as(tree.town2_cadre).get(f"/facility-requests/{rid}").status_code == 404
    assert api_as(tree.town2_cadre).get("/facility-requests").json()["items"] == []
    assert union.post("/facility-requests", {"org": tree.union1.pk, "kind": "X"}).status_code == 422
