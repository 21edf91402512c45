"""On-the-job activities (岗位成才/建功/练兵): services (validation, participants are live members
of the organiser's subtree, once each, audited), the permission matrix (services, pages, API), the
list page and endpoint (scoped, filtered, fixed query count), export."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from gonghui.competitions.models.activities import ActivityParticipant, JobActivity
from gonghui.competitions.selectors.activities import overview_card
from gonghui.competitions.services import activities as services
from gonghui.competitions.testing.activities import activity
from gonghui.core.errors import DomainError
from gonghui.core.models import AuditEvent
from gonghui.core.testing.api import api_as

pytestmark = pytest.mark.django_db
ROLES = ["district_staff", "town1_cadre", "town2_cadre", "union1_chair", "union1_staff", "union2_chair",
         "member_user", "outsider"]
CHANGERS = {"district_staff", "town1_cadre", "union1_chair", "union1_staff"}


def _client(user):
    c = Client()
    c.force_login(user)
    return c


def test_validation_saves_nothing_partial(tree):
    kwargs = {"actor": tree.union1_chair, "org": tree.union1, "kind": "TRAINING", "title": "练兵",
              "held_on": datetime.date(2026, 5, 1)}
    for change, code in (({"kind": "NOPE"}, "invalid_kind"), ({"title": " "}, "required"),
                         ({"held_on": None}, "required"), ({"ends_on": datetime.date(2026, 4, 1)}, "date_order")):
        with pytest.raises(DomainError) as exc:
            services.create_activity(**{**kwargs, **change})
        assert exc.value.code == code
    assert not JobActivity.objects.exists()


def test_participants_are_members_of_the_organiser_once(tree):
    a = activity(tree, participants=2)
    assert a.participant_count == 2
    p = ActivityParticipant.objects.filter(activity=a).first()
    with pytest.raises(DomainError) as exc:
        services.add_participant(actor=tree.union1_chair, activity=a, person=p.person)
    assert exc.value.code == "already_exists"
    outsider = tree.member(union=tree.union2).person
    with pytest.raises(DomainError) as exc:
        services.add_participant(actor=tree.union1_chair, activity=a, person=outsider)
    assert exc.value.code == "not_a_member"
    services.remove_participant(actor=tree.union1_chair, participant=p)
    assert JobActivity.objects.get(pk=a.pk).participant_count == 1
    codes = set(AuditEvent.objects.filter(object_id=str(a.pk), object_type="competitions.JobActivity")
                .values_list("action", flat=True))
    assert {"competitions.activity_create", "competitions.activity_participant_add",
            "competitions.activity_participant_remove"} <= codes


@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix(tree, role):
    a = activity(tree)
    user = getattr(tree, role)
    person = tree.member(union=tree.union1).person
    calls = [
        lambda: services.create_activity(actor=user, org=tree.union1, kind="MERIT", title="建功",
                                         held_on=datetime.date(2026, 6, 1)),
        lambda: services.update_activity(actor=user, activity=a, kind="TALENT", title="成才", held_on=a.held_on),
        lambda: services.add_participant(actor=user, activity=a, person=person),
    ]
    for call in calls:
        if role in CHANGERS:
            assert call() is not None
        else:
            with pytest.raises(PermissionDenied):
                call()
    detail = _client(user).get(reverse("competitions:activity_detail", args=[a.pk]))
    api = api_as(user)
    get = api.get(f"/competition-activities/{a.pk}")
    delete = api.delete(f"/competition-activities/{a.pk}")
    if role in CHANGERS:
        assert detail.status_code == 200 and get.status_code == 200 and delete.status_code == 204
    else:
        assert detail.status_code == 404 and get.status_code == 404 and delete.status_code == 404
        assert JobActivity.objects.filter(pk=a.pk).exists()


def test_a_visible_activity_the_user_may_not_change_is_403(tree):
    from gonghui.accounts.roles import Role
    from gonghui.core.testing.factories import user_with_role

    viewer = user_with_role(tree.union1, Role.UNION_STAFF, username="viewer")
    a = activity(tree)
    # A town cadre sees town1's activities and may change them; a member sees nothing (404 above).
    assert _client(viewer).get(reverse("competitions:activity_detail", args=[a.pk])).status_code == 200
    r = _client(tree.town2_cadre).post(reverse("competitions:activity_delete", args=[a.pk]))
    assert r.status_code == 404


def test_list_page_and_endpoint_are_scoped_filtered_with_fixed_queries(tree, django_assert_max_num_queries):
    activity(tree, participants=1)
    activity(tree, org=tree.union2, kind="MERIT", title="丙企业岗位建功")
    client = _client(tree.district_staff)
    url = reverse("competitions:activity_list")
    client.get(url)
    with django_assert_max_num_queries(14) as few:
        assert client.get(url).status_code == 200
    page_queries = len(few.captured_queries)  # read now: the next request resets the log
    api = api_as(tree.district_staff)
    api.get("/competition-activities")
    with django_assert_max_num_queries(8) as api_few:
        assert api.get("/competition-activities").json()["count"] == 2
    api_queries = len(api_few.captured_queries)
    for n in range(3):
        activity(tree, title=f"练兵{n}", participants=1)
    with django_assert_max_num_queries(page_queries):
        assert client.get(url).status_code == 200
    with django_assert_max_num_queries(api_queries):
        assert api.get("/competition-activities").json()["count"] == 5
    assert api.get("/competition-activities", {"kind": "MERIT"}).json()["count"] == 1
    assert "丙企业岗位建功" not in _client(tree.town1_cadre).get(url).content.decode()
    assert "丙企业岗位建功" in client.get(url, {"q": "丙企业"}).content.decode()
    export = client.get(reverse("competitions:activity_export"))
    assert export.status_code == 200 and AuditEvent.objects.filter(action="competitions.activity_export").exists()
    assert overview_card(tree.union1_chair) is not None and overview_card(tree.member_user) is None


def test_pages_record_and_add_participants(tree):
    client = _client(tree.union1_chair)
    r = client.post(reverse("competitions:activity_create"), {"org": tree.union1.pk, "kind": "TRAINING",
                                                              "title": "焊工练兵", "held_on": "2026-05-01",
                                                              "ends_on": "2026-04-01"})
    assert r.status_code == 400 and not JobActivity.objects.exists()
    r = client.post(reverse("competitions:activity_create"), {"org": tree.union1.pk, "kind": "TRAINING",
                                                              "title": "焊工练兵", "held_on": "2026-05-01"})
    assert r.status_code == 302
    a = JobActivity.objects.get()
    person = tree.member(union=tree.union1, name="王焊工").person
    page = client.get(reverse("competitions:activity_detail", args=[a.pk]), {"person_q": "王焊"})
    assert "王焊工" in page.content.decode()
    r = client.post(reverse("competitions:activity_participant_add", args=[a.pk]),
                    {"person": person.pk, "result": "技术能手"})
    assert r.status_code == 302 and a.participants.get().result == "技术能手"
    api = api_as(tree.union1_chair)
    r = api.post(f"/competition-activities/{a.pk}/participants", {"person": person.pk})
    assert r.status_code == 400 and r.json()["code"] == "already_exists"
    r = api.post("/competition-activities", {"org": tree.union1.pk, "kind": "TALENT", "title": "岗位成才",
                                             "held_on": "2026-06-01"})
    assert r.status_code == 201


def test_api_edit_and_remove_a_participant(tree):
    import json

    from gonghui.core.testing.api import API

    a = activity(tree, participants=1)
    api = api_as(tree.union1_chair)
    body = {"kind": "MERIT", "title": "节能降耗岗位建功", "held_on": "2026-05-12", "ends_on": "2026-05-01"}
    r = api.client.put(f"{API}/competition-activities/{a.pk}", json.dumps(body), content_type="application/json")
    assert r.status_code == 400 and r.json()["field"] == "ends_on"
    body["ends_on"] = "2026-05-20"
    r = api.client.put(f"{API}/competition-activities/{a.pk}", json.dumps(body), content_type="application/json")
    assert r.status_code == 200 and r.json()["title"] == "节能降耗岗位建功"
    p = r.json()["participant_list"][0]
    r = api.delete(f"/competition-activities/{a.pk}/participants/{p['id']}")
    assert r.status_code == 200 and r.json()["participants"] == 0
    assert api_as(tree.union2_chair).delete(f"/competition-activities/{a.pk}/participants/1").status_code == 404


def test_the_date_held_is_checked_on_a_leap_day(tree, monkeypatch):
    monkeypatch.setattr(services, "today", lambda: datetime.date(2028, 2, 29))
    a = services.create_activity(actor=tree.union1_chair, org=tree.union1, kind="TRAINING", title="练兵",
                                 held_on=datetime.date(2028, 2, 29))
    with pytest.raises(DomainError) as exc:
        services.update_activity(actor=tree.union1_chair, activity=a, kind="TRAINING", title="练兵",
                                 held_on=datetime.date(2029, 3, 2))
    assert exc.value.code == "invalid_date"


def test_removing_a_participant_twice_is_audited_once(tree):
    a = activity(tree, participants=1)
    p = ActivityParticipant.objects.get(activity=a)
    services.remove_participant(actor=tree.union1_chair, participant=p)
    services.remove_participant(actor=tree.union1_chair, participant=p)
    assert JobActivity.objects.get(pk=a.pk).participant_count == 0
    assert AuditEvent.objects.filter(action="competitions.activity_participant_remove").count() == 1


def test_a_second_click_does_not_record_the_activity_twice(tree):
    kwargs = {"actor": tree.union1_chair, "org": tree.union1, "kind": "TRAINING", "title": "练兵",
              "held_on": datetime.date(2026, 5, 1)}
    services.create_activity(**kwargs)
    with pytest.raises(DomainError) as exc:
        services.create_activity(**kwargs)
    assert exc.value.code == "already_exists" and JobActivity.objects.count() == 1
