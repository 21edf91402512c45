"""/worker-schools and /teachers: scoped lists with a fixed query count, filters, create and
update with specific errors and nothing saved on refusal, the steps, idempotent creation."""

import pytest

from gonghui.core.testing.api import api_as
from gonghui.training.models.schools import SchoolStatus, Teacher, TeacherKind, WorkerSchool
from gonghui.training.testing.schools import model_worker_person, school, teacher

pytestmark = pytest.mark.django_db


def test_school_list_is_scoped_filtered_and_its_queries_do_not_grow(tree, django_assert_max_num_queries):
    school(tree, name="临浦职工学校", modes=("COMMISSIONED",))
    school(tree, org=tree.town2, name="河上职工学校")
    api = api_as(tree.district_staff)
    api.get("/worker-schools")
    with django_assert_max_num_queries(8) as few:
        body = api.get("/worker-schools").json()
    assert body["count"] == 2
    for i in range(3):
        school(tree, name=f"分校{i}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert api.get("/worker-schools").json()["count"] == 5
    assert api.get("/worker-schools", {"mode": "COMMISSIONED"}).json()["count"] == 1
    assert api.get("/worker-schools", {"org": tree.town2.pk}).json()["count"] == 1
    assert api.get("/worker-schools", {"q": "河上"}).json()["items"][0]["name"] == "河上职工学校"
    assert api.get("/worker-schools", {"status": "NOPE"}).status_code == 422
    town2 = api_as(tree.town2_cadre)
    assert town2.get("/worker-schools").json()["count"] == 1
    assert town2.get("/worker-schools", {"org": tree.town1.pk}).json()["count"] == 0


def test_school_create_update_close_reopen(tree):
    api = api_as(tree.town1_cadre)
    body = {"org": tree.town1.pk, "name": "衙前职工学校", "address": "衙前路1号", "capacity": 60,
            "modes": ["INDEPENDENT"]}
    r = api.post("/worker-schools", {**body, "capacity": 0})
    assert r.status_code == 400 and r.json()["field"] == "capacity" and r.json()["code"] == "invalid_capacity"
    r = api.post("/worker-schools", {**body, "modes": ["BY_POST"]})
    assert r.status_code == 422
    r = api.post("/worker-schools", {**body, "org": tree.town2.pk})
    assert r.status_code == 400 and r.json()["code"] == "unknown_reference" and r.json()["field"] == "org"
    r = api.post("/worker-schools", {**body, "extra": 1})
    assert r.status_code == 422
    assert not WorkerSchool.objects.exists()
    r = api.post("/worker-schools", body, **{"Idempotency-Key": "k-1"})
    again = api.post("/worker-schools", body, **{"Idempotency-Key": "k-1"})
    assert r.status_code == 201 and again.status_code == 201 and WorkerSchool.objects.count() == 1
    sid = r.json()["id"]
    assert r.json()["actions"] == {"edit": True, "close": True, "reopen": False}
    r = api.post("/worker-schools", body)
    assert r.status_code == 400 and r.json()["code"] == "name_taken"
    r = api.patch(f"/worker-schools/{sid}", {"capacity": 90, "modes": ["IN_ENTERPRISE", "COMMISSIONED"]})
    assert r.status_code == 200 and r.json()["capacity"] == 90 and r.json()["modes"] == ["COMMISSIONED",
                                                                                         "IN_ENTERPRISE"]
    assert r.json()["address"] == "衙前路1号"
    r = api.post(f"/worker-schools/{sid}/close", {"reason": ""})
    assert r.status_code == 400 and r.json()["field"] == "reason"
    r = api.post(f"/worker-schools/{sid}/close", {"reason": "改造"})
    assert r.status_code == 200 and r.json()["status"] == "CLOSED"
    assert api.post(f"/worker-schools/{sid}/close", {"reason": "改造"}).status_code == 409
    assert api.post(f"/worker-schools/{sid}/reopen", {}).json()["status"] == SchoolStatus.ACTIVE
    assert api_as(tree.town2_cadre).get(f"/worker-schools/{sid}").status_code == 404
    assert api.get("/worker-schools/999999").status_code == 404


def test_teacher_list_filters_and_fixed_queries(tree, django_assert_max_num_queries):
    teacher(tree, name="孙讲师", specialities=("安全生产",))
    teacher(tree, TeacherKind.INTERNAL_MASTER, specialities=("电工",))
    teacher(tree, name="周讲师", specialities=("电工技术",), active=False)
    api = api_as(tree.union1_chair)
    api.get("/teachers")
    with django_assert_max_num_queries(8) as few:
        assert api.get("/teachers").json()["count"] == 3
    for _i in range(3):
        teacher(tree, TeacherKind.MODEL_WORKER, specialities=("焊工",))
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert api.get("/teachers").json()["count"] == 6
    assert api.get("/teachers", {"speciality": "电工"}).json()["count"] == 1
    assert api.get("/teachers", {"kind": "MODEL_WORKER"}).json()["count"] == 3
    assert api.get("/teachers", {"active": "false"}).json()["count"] == 1
    assert api.get("/teachers", {"q": "孙"}).json()["count"] == 1
    assert api_as(tree.union2_chair).get("/teachers").json()["count"] == 0


def test_teacher_create_update_and_steps(tree):
    api = api_as(tree.union1_chair)
    person = tree.member().person
    body = {"org": tree.union1.pk, "kind": "INTERNAL_MASTER", "person": person.pk, "specialities": ["电工"]}
    r = api.post("/teachers", {**body, "specialities": []})
    assert r.status_code == 400 and r.json()["field"] == "specialities"
    r = api.post("/teachers", {**body, "kind": "MODEL_WORKER"})
    assert r.status_code == 400 and r.json()["code"] == "not_a_model_worker"
    stranger = tree.member(union=tree.union2).person
    r = api.post("/teachers", {**body, "person": stranger.pk})
    assert r.status_code == 400 and r.json()["code"] == "unknown_reference" and r.json()["field"] == "person"
    assert not Teacher.objects.exists()
    r = api.post("/teachers", {**body, "phone": "13912345678"})
    assert r.status_code == 201 and r.json()["name"] == person.name and r.json()["person"]["id"] == person.pk
    assert r.json()["phone"] == "139****5678"  # stored encrypted, answered masked
    tid = r.json()["id"]
    assert api.post("/teachers", body).json()["code"] == "already_in_pool"
    mw = model_worker_person(tree)
    r = api.post("/teachers", {**body, "person": mw.pk, "kind": "MODEL_WORKER"})
    assert r.status_code == 201
    r = api.patch(f"/teachers/{tid}", {"specialities": ["电工", "钳工"], "title": "高级技师"})
    assert r.status_code == 200 and r.json()["specialities"] == ["电工", "钳工"] and r.json()["title"] == "高级技师"
    assert Teacher.objects.get(pk=tid).phone() == "13912345678"  # a patch without the phone keeps it
    r = api.patch(f"/teachers/{tid}", {"kind": "EXTERNAL"})
    assert r.status_code == 400 and r.json()["code"] == "invalid_kind"
    r = api.post(f"/teachers/{tid}/deactivate", {"reason": "调离"})
    assert r.status_code == 200 and r.json()["is_active"] is False
    assert api.post(f"/teachers/{tid}/deactivate", {"reason": "x"}).status_code == 409
    r = api.post(f"/teachers/{tid}/reactivate", {})
    assert r.status_code == 200 and r.json()["is_active"] is True
    r = api.get(f"/teachers/{tid}")
    assert r.json()["totals"]["sessions"] == 0 and r.json()["sessions"] == []
    assert api_as(tree.union2_chair).get(f"/teachers/{tid}").status_code == 404
