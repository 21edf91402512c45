"""Permission matrix of the model-worker registry: role × action × in scope / out of scope.

A union1 (town1) model worker: care and the story are `honours.change` (union chair and staff,
town1's cadre, the district); titles, the entry, publishing and removing care are
`honours.register` (the district only). At the service level a refusal is PermissionDenied and
nothing changes; through the pages and the API an entry out of the user's subtree is 404 and a
visible one the user may not act on is 403."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from gonghui.core.models import AuditEvent
from gonghui.core.testing.api import api_as
from gonghui.honours.models.modelworkers import ModelWorker, ModelWorkerCare
from gonghui.honours.services import modelworkers as services
from gonghui.honours.testing.modelworkers import care, model_worker

pytestmark = pytest.mark.django_db

ROLES = ["district_staff", "town1_cadre", "town2_cadre", "union1_chair", "union1_staff", "union2_chair",
         "member_user", "outsider"]
VIEWERS = {"district_staff", "town1_cadre", "union1_chair", "union1_staff"}
CHANGERS = VIEWERS
ALLOWED = {
    "care": CHANGERS,
    "story": CHANGERS,
    "title": {"district_staff"},
    "edit": {"district_staff"},
    "publish": {"district_staff"},
    "remove_care": {"district_staff"},
}
ON = datetime.date(2025, 6, 1)


def _prepare(tree, action):
    w = model_worker(tree)
    if action == "publish":
        services.save_story(actor=tree.district_staff, worker=w, story_title="标题", story="事迹")
    if action == "remove_care":
        care(tree, w, on=ON)
    return w


ACTIONS = {
    "care": lambda u, w, t: services.add_care(actor=u, worker=w, kind="HEALTH_CHECK", happened_on=ON),
    "story": lambda u, w, t: services.save_story(actor=u, worker=w, story_title="标题", story="新事迹"),
    "title": lambda u, w, t: services.enter_title(actor=u, person=w.person, org=w.org, level="CITY", year=2024,
                                                  title="2024年度杭州市劳动模范", conferred_on=ON),
    "edit": lambda u, w, t: services.update_worker(actor=u, worker=w, org=w.org, note="备注"),
    "publish": lambda u, w, t: services.publish_story(actor=u, worker=w),
    "remove_care": lambda u, w, t: services.remove_care(actor=u, care=w.care_records.get()),
}


def _state(w):
    w.refresh_from_db()
    return (w.story, w.story_published, w.note, w.titles.count(), w.care_records.count())


@pytest.mark.parametrize("role", ROLES)
def test_service_matrix(tree, role):
    user = getattr(tree, role)
    for action, call in ACTIONS.items():
        w = _prepare(tree, action)
        before, events = _state(w), AuditEvent.objects.count()
        if role in ALLOWED[action]:
            call(user, w, tree)
            assert _state(w) != before, action
            assert AuditEvent.objects.count() > events, action
        else:
            with pytest.raises(PermissionDenied):
                call(user, w, tree)
            assert _state(w) == before and AuditEvent.objects.count() == events, action


@pytest.mark.parametrize("role", ROLES)
def test_pages_404_out_of_scope_403_when_visible(tree, role):
    w = model_worker(tree)
    c = Client()
    c.force_login(getattr(tree, role))
    detail = c.get(reverse("honours:modelworker_detail", args=[w.pk]))
    cared = c.post(reverse("honours:modelworker_step", args=[w.pk, "care"]),
                   {"care-kind": "VISIT", "care-happened_on": ON.isoformat(), "care-description": "走访"})
    titled = c.post(reverse("honours:modelworker_step", args=[w.pk, "title"]), {
        "title-level": "CITY", "title-year": "2024", "title-title": "市劳模", "title-conferred_on": ON.isoformat()})
    if role in VIEWERS:
        assert detail.status_code == 200
        assert cared.status_code == 302
        assert titled.status_code == (302 if role == "district_staff" else 403)
    else:
        assert {detail.status_code, cared.status_code, titled.status_code} == {404}
    assert ModelWorkerCare.objects.count() == (1 if role in VIEWERS else 0)
    assert w.titles.count() == (2 if role == "district_staff" else 1)


@pytest.mark.parametrize("role", ROLES)
def test_api_404_out_of_scope_403_when_visible(tree, role):
    w = model_worker(tree)
    api = api_as(getattr(tree, role))
    get = api.get(f"/model-workers/{w.pk}")
    cared = api.post(f"/model-workers/{w.pk}/care", {"kind": "HEALTH_CHECK", "happened_on": ON.isoformat()})
    story = api.post(f"/model-workers/{w.pk}/story", {"story_title": "标题", "story": "事迹"})
    publish = api.post(f"/model-workers/{w.pk}/publish-story", {})
    if role in VIEWERS:
        assert get.status_code == 200
        assert cared.status_code == 201 and story.status_code == 200
        assert publish.status_code == (200 if role == "district_staff" else 403)
    else:
        assert {get.status_code, cared.status_code, story.status_code, publish.status_code} == {404}
    assert ModelWorker.objects.get().story_published == (role == "district_staff")


@pytest.mark.parametrize("role", ["town1_cadre", "union1_chair", "member_user"])
def test_registering_is_district_only(tree, role):
    person = tree.member(tree.union1).person
    user = getattr(tree, role)
    with pytest.raises(PermissionDenied):
        services.enter_title(actor=user, person=person, org=tree.union1, level="DISTRICT", year=2025,
                             title="区劳模", conferred_on=ON)
    c = Client()
    c.force_login(user)
    assert c.get(reverse("honours:modelworker_create")).status_code == 403
    r = api_as(user).post("/model-workers", {"person": person.pk, "org": tree.union1.pk, "level": "DISTRICT",
                                             "year": 2025, "title": "区劳模", "conferred_on": ON.isoformat()})
    assert r.status_code == (400 if role == "member_user" else 403)  # a member cannot name the union (400)
    assert not ModelWorker.objects.exists()


def test_story_page_needs_a_published_story(tree):
    w = model_worker(tree)
    c = Client()
    c.force_login(tree.union2_chair)  # out of the entry's scope: a published story is for everyone
    url = reverse("honours:modelworker_story", args=[w.pk])
    assert c.get(url).status_code == 404
    services.save_story(actor=tree.district_staff, worker=w, story_title="扎根一线", story="事迹正文")
    assert c.get(url).status_code == 404
    services.publish_story(actor=tree.district_staff, worker=w)
    r = c.get(url)
    assert r.status_code == 200 and "扎根一线" in r.content.decode() and "事迹正文" in r.content.decode()
    assert Client().get(url).status_code == 302  # signed-in users only
