"""/courses API: list (scoped, query count), create with specific errors, workflow actions,
sessions, 404 out of scope."""

import datetime

import pytest
from django.utils import timezone

from gonghui.core.testing.api import api_as
from gonghui.training.models.courses import Course, CourseStatus
from gonghui.training.testing.courses import course, school, teacher

pytestmark = pytest.mark.django_db
YEAR = timezone.localdate().year


def test_list_is_scoped_and_flat_in_queries(tree, django_assert_max_num_queries):
    for i in range(5):
        course(tree, title=f"班{i}")
    other = course(tree, org=tree.town2, actor=tree.town2_cadre)
    api = api_as(tree.town1_cadre)
    with django_assert_max_num_queries(12):
        r = api.get("/courses?limit=50")
    assert r.status_code == 200
    ids = {x["id"] for x in r.json()["items"]}
    assert len(ids) == 5 and other.pk not in ids
    assert api.get(f"/courses/{other.pk}").status_code == 404


def test_create_edit_and_workflow(tree):
    s = school(tree)
    t = teacher(tree)
    api = api_as(tree.union1_chair)
    r = api.post("/courses", {"org": tree.union1.pk, "title": "电工班", "programme": "SKILLS",
                                   "mode": "INDEPENDENT", "capacity": 20})
    assert r.status_code == 400 and r.json()["field"] == "school" and r.json()["code"] == "school_required"
    r = api.post("/courses", {"org": tree.union1.pk, "title": "电工班", "programme": "SKILLS",
                                   "mode": "INDEPENDENT", "capacity": 20, "school": s.pk, "bogus": 1})
    assert r.status_code == 422
    r = api.post("/courses", {"org": tree.union1.pk, "title": "电工班", "programme": "SKILLS",
                                   "mode": "INDEPENDENT", "capacity": 20, "school": s.pk,
                                   "target_trades": ["电工"], "year": YEAR})
    assert r.status_code == 201, r.json()
    cid = r.json()["id"]
    assert r.json()["code"] == f"PX{YEAR}-0001" and r.json()["actions"]["open"]
    assert api.post(f"/courses/{cid}/open", {}).json()["code"] == "no_sessions"
    day = timezone.localdate() + datetime.timedelta(days=4)
    if day.year != YEAR:
        pytest.skip("year end")
    r = api.post(f"/courses/{cid}/sessions", {"starts_at": f"{day}T09:00:00+08:00",
                                                   "ends_at": f"{day}T12:00:00+08:00", "teacher": t.pk})
    assert r.status_code == 201 and len(r.json()["sessions"]) == 1
    r = api.post(f"/courses/{cid}/sessions", {"starts_at": f"{day}T10:00:00+08:00",
                                                   "ends_at": f"{day}T11:00:00+08:00"})
    assert r.status_code == 400 and r.json()["code"] == "session_overlap"
    r = api.patch(f"/courses/{cid}", {"capacity": 25})
    assert r.status_code == 200 and r.json()["capacity"] == 25
    assert api.post(f"/courses/{cid}/open", {}).json()["status"] == "OPEN"
    r = api.post(f"/courses/{cid}/open", {})
    assert r.status_code == 409 and r.json()["code"] == "wrong_stage"
    r = api.post(f"/courses/{cid}/cancel", {"reason": "改期"})
    assert r.status_code == 200 and r.json()["status"] == "CANCELLED"


def test_out_of_scope_is_404_and_forbidden_is_403(tree):
    x = course(tree)
    assert api_as(tree.town2_cadre).post(f"/courses/{x.pk}/open", {}).status_code == 404
    assert api_as(tree.union2_chair).patch(f"/courses/{x.pk}", {"capacity": 3}).status_code == 404
    r = api_as(tree.union2_chair).post("/courses", {"org": tree.union1.pk, "title": "x", "programme": "SKILLS",
                                                         "mode": "COMMISSIONED", "provider": "p", "capacity": 3})
    assert r.status_code == 400 and r.json()["code"] == "unknown_reference"
    assert Course.objects.get(pk=x.pk).status == CourseStatus.DRAFT


def test_session_edit_and_cancel(tree):
    x = course(tree)
    s = x.sessions.first()
    api = api_as(tree.town1_cadre)
    start = timezone.localtime(s.starts_at)
    r = api.patch(f"/courses/{x.pk}/sessions/{s.pk}", {"starts_at": start.isoformat(),
                                                       "ends_at": (start + datetime.timedelta(hours=2)).isoformat(),
                                                       "place": "二楼教室"})
    assert r.status_code == 200 and r.json()["sessions"][0]["place"] == "二楼教室"
    assert str(r.json()["sessions"][0]["hours"]) in ("2.0", "2")
    r = api.post(f"/courses/{x.pk}/sessions/{s.pk}/cancel", {"reason": ""})
    assert r.status_code in (400, 422)
    r = api.post(f"/courses/{x.pk}/sessions/{s.pk}/cancel", {"reason": "停电"})
    assert r.status_code == 200 and r.json()["sessions"][0]["is_cancelled"]
    assert api.post(f"/courses/{x.pk}/sessions/999999/cancel", {"reason": "x"}).status_code == 404
