"""/events API: list and filters, create with coded errors, workflow, registration (one, bulk all
or nothing with one error per person), the organiser's check-in list, cancellation."""

import datetime

import pytest
from django.utils import timezone

from gonghui.core.testing.api import api_as
from gonghui.services.models.events import Event, Registration
from gonghui.services.testing.events import event, people, registered

pytestmark = pytest.mark.django_db


def _body(org, **kw):
    starts = timezone.now() + datetime.timedelta(days=4)
    b = {"org": org.pk, "title": "职工乒乓球赛", "kind": "SPORTS", "place": "文体中心",
         "starts_at": starts.isoformat(), "ends_at": (starts + datetime.timedelta(hours=3)).isoformat(),
         "capacity": 20, "waitlist_limit": 5}
    b.update(kw)
    return b


def test_list_scoped_and_filtered(tree):
    event(tree, title="甲")
    event(tree, org=tree.town2, title="乙", kind="OUTING")
    r = api_as(tree.town1_cadre).get("/events")
    assert r.status_code == 200 and [i["title"] for i in r.json()["items"]] == ["甲"]
    r = api_as(tree.district_staff).get("/events", {"kind": "OUTING"})
    assert [i["title"] for i in r.json()["items"]] == ["乙"]


def test_create_publish_and_errors(tree):
    api = api_as(tree.town1_cadre)
    r = api.post("/events", _body(tree.town1, capacity=0))
    assert r.status_code in (400, 422)
    starts = timezone.now() + datetime.timedelta(days=4)
    r = api.post("/events", _body(tree.town1, ends_at=starts.isoformat(), starts_at=starts.isoformat()))
    assert r.status_code == 400 and (r.json()["code"], r.json()["field"]) == ("end_before_start", "ends_at")
    r = api.post("/events", _body(tree.town2))
    assert r.status_code == 400 and r.json()["field"] == "org"
    assert not Event.objects.exists()
    r = api.post("/events", _body(tree.town1))
    assert r.status_code == 201 and r.json()["status"] == "DRAFT" and r.json()["actions"]["steps"] == ["publish",
                                                                                                      "cancel"]
    pk = r.json()["id"]
    r = api.post(f"/events/{pk}/publish", {})
    assert r.status_code == 200 and r.json()["status"] == "PUBLISHED"
    r = api.post(f"/events/{pk}/publish", {})
    assert r.status_code == 409 and r.json()["code"] == "wrong_stage"
    r = api.post(f"/events/{pk}/cancel", {})
    assert r.status_code == 400 and r.json()["field"] == "reason"


def test_register_one_and_full(tree):
    e = event(tree, capacity=1, waitlist_limit=0)
    api = api_as(tree.town1_cadre)
    a, b = people(tree, 2)
    r = api.post(f"/events/{e.pk}/registrations", {"person": a.pk})
    assert r.status_code == 201 and r.json()["status"] == "REGISTERED"
    r = api.post(f"/events/{e.pk}/registrations", {"person": b.pk})
    assert r.status_code == 400 and r.json()["code"] == "full"
    r = api.get(f"/events/{e.pk}/registrations")
    assert r.json()["count"] == 1


def test_bulk_errors_per_person_then_success(tree):
    e = event(tree, capacity=3, waitlist_limit=1)
    api = api_as(tree.union1_chair)
    ps = people(tree, 2)
    taken = registered(tree, e).person
    r = api.post(f"/events/{e.pk}/registrations/bulk", {"union": tree.union1.pk, "people": [ps[0].pk, taken.pk]})
    body = r.json()
    assert r.status_code == 400 and body["code"] == "not_eligible"
    assert [x["field"] for x in body["errors"]] == ["people[1]"]
    assert Registration.objects.filter(event=e).count() == 1
    r = api.post(f"/events/{e.pk}/registrations/bulk", {"union": tree.union1.pk, "people": [p.pk for p in ps]})
    assert r.status_code == 201 and (r.json()["registered"], r.json()["waitlisted"]) == (2, 0)
    r = api_as(tree.union2_chair).post(f"/events/{e.pk}/registrations/bulk",
                                       {"union": tree.union2.pk, "people": [people(tree, 1, tree.union2)[0].pk]})
    assert r.status_code == 404  # a town1 event is not open to union2


def test_check_in_list_and_cancel(tree):
    e = event(tree, capacity=1, waitlist_limit=1)
    x = registered(tree, e)
    w = registered(tree, e)
    Event.objects.filter(pk=e.pk).update(starts_at=timezone.now(), ends_at=timezone.now() + datetime.timedelta(hours=1))
    api = api_as(tree.town1_cadre)
    r = api.post(f"/events/{e.pk}/check-in", {"registrations": [w.pk]})
    assert r.status_code == 400 and r.json()["field"] == "registrations"
    r = api.post(f"/events/{e.pk}/check-in", {"registrations": [x.pk]})
    assert r.status_code == 200 and r.json()["checked_in"] == 1
    r = api.post(f"/event-registrations/{w.pk}/cancel", {"reason": "有事"})
    assert r.status_code == 200 and r.json()["status"] == "CANCELLED"
