"""/study-sessions: scoped list and detail (404 out of scope), create with the field named on bad
input, workflow actions (invite, attendance, hold, cancel), mine=true, the yearly stats."""

import pytest
from django.utils import timezone

from gonghui.core.testing.api import api_as
from gonghui.publicity.models.studies import StudyInvitee, StudySession
from gonghui.publicity.testing.studies import session, started

pytestmark = pytest.mark.django_db


def test_list_detail_scope(tree):
    a = session(tree)
    b = session(tree, org=tree.town2)
    r = api_as(tree.town1_cadre).get("/study-sessions")
    assert r.status_code == 200 and [x["id"] for x in r.json()["items"]] == [a.pk]
    assert r.json()["items"][0]["invited"] == 3
    assert api_as(tree.town1_cadre).get(f"/study-sessions/{b.pk}").status_code == 404
    d = api_as(tree.district_staff).get(f"/study-sessions/{a.pk}").json()
    assert len(d["invitees"]) == 3 and d["rate"] == 0.0
    mine = api_as(tree.union2_chair).get("/study-sessions", {"mine": "true"}).json()
    assert [x["id"] for x in mine["items"]] == [b.pk]
    assert api_as(tree.member_user).get("/study-sessions").status_code == 403
    assert api_as(None).get("/study-sessions").status_code == 401


def test_create_and_actions(tree):
    api = api_as(tree.town1_cadre)
    body = {"org": tree.town1.pk, "kind": "THEORY", "title": "理论学习", "starts_at": "2026-12-20T09:00:00+08:00",
            "ends_at": "2026-12-20T08:00:00+08:00", "place": "会议室"}
    r = api.post("/study-sessions", body)
    assert r.status_code == 400 and r.json()["field"] == "ends_at"
    r = api.post("/study-sessions", {**body, "org": tree.town2.pk, "ends_at": "2026-12-20T11:00:00+08:00"})
    assert r.status_code == 400 and r.json()["field"] == "org"
    r = api.post("/study-sessions", {**body, "ends_at": "2026-12-20T11:00:00+08:00"})
    assert r.status_code == 201
    sid = r.json()["id"]
    r = api.post(f"/study-sessions/{sid}/invite", {"whole_subtree": True})
    assert r.status_code == 200 and len(r.json()["invitees"]) == 3
    r = api.post(f"/study-sessions/{sid}/cancel", {"reason": "改期"})
    assert r.status_code == 200 and r.json()["status"] == "CANCELLED"
    r = api.post(f"/study-sessions/{sid}/cancel", {"reason": "改期"})
    assert r.status_code == 409
    assert api_as(tree.town2_cadre).post(f"/study-sessions/{sid}/cancel", {"reason": "x"}).status_code == 404


def test_attendance_hold_and_stats(tree):
    s = started(tree)
    api = api_as(tree.district_staff)
    ids = list(StudyInvitee.objects.filter(session=s).values_list("pk", flat=True))
    r = api.post(f"/study-sessions/{s.pk}/attendance", {"entries": [{"invitee": ids[0], "status": "LEAVE"}]})
    assert r.status_code == 400
    r = api.post(f"/study-sessions/{s.pk}/attendance", {"entries": [
        {"invitee": ids[0], "status": "PRESENT"}, {"invitee": ids[1], "status": "ABSENT"}]})
    assert r.status_code == 200 and r.json()["attended"] == 1 and r.json()["rate"] == 33.3
    assert api.post(f"/study-sessions/{s.pk}/hold", {}).status_code == 200
    assert StudySession.objects.get(pk=s.pk).status == "HELD"
    r = api.get("/study-sessions/stats", {"year": timezone.localdate().year}).json()
    assert r["total"]["sessions"] == 1 and r["total"]["attended"] == 1 and r["lines"][0]["town"]["id"] == tree.town1.pk
