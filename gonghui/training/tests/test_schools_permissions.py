"""Permission matrix of worker schools and teachers: role × action × in scope / out of scope.

A town1 school: only the district and town1's cadre run it (`training.approve`); town2 gets 404,
union staff cannot see a town's school. A union1 teacher: registered and managed by whoever has
`training.change` over union1 (the district, town1's cadre, union1's chair and staff); union2 and
town2 get 404. Members and outsiders: 403 on the lists, 404 on records. At the service level a
refusal is PermissionDenied and nothing changes."""

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from gonghui.core.testing.api import api_as
from gonghui.training.models.schools import SchoolStatus, Teacher, WorkerSchool
from gonghui.training.services import schools as services
from gonghui.training.testing.schools import school, teacher

pytestmark = pytest.mark.django_db

ROLES = ["district_staff", "town1_cadre", "town2_cadre", "union1_chair", "union1_staff", "union2_chair",
         "member_user", "outsider"]
SCHOOL_MANAGERS = {"district_staff", "town1_cadre"}
SCHOOL_VIEWERS = SCHOOL_MANAGERS
# A town's school is shared down the tree for reading (a union picks it for its courses): read, not changed.
SCHOOL_READERS = SCHOOL_MANAGERS | {"union1_chair", "union1_staff"}
TEACHER_MANAGERS = {"district_staff", "town1_cadre", "union1_chair", "union1_staff"}
TEACHER_VIEWERS = TEACHER_MANAGERS
LIST_READERS = {"district_staff", "town1_cadre", "town2_cadre", "union1_chair", "union1_staff", "union2_chair"}

ACTIONS = {  # action: (allowed roles, build, call, check it changed)
    "school_create": (SCHOOL_MANAGERS, lambda t: None, lambda u, x, t: services.create_school(
        actor=u, org=t.town1, name=f"新校{u.pk}", address="某路1号", capacity=30, modes=["INDEPENDENT"]),
        lambda x, t: WorkerSchool.objects.count() == 1),
    "school_update": (SCHOOL_MANAGERS, school, lambda u, x, t: services.update_school(
        actor=u, school=x, name=x.name, address="改址9号", capacity=31, modes=x.modes),
        lambda x, t: WorkerSchool.objects.get(pk=x.pk).capacity == 31),
    "school_close": (SCHOOL_MANAGERS, school, lambda u, x, t: services.close_school(actor=u, school=x, reason="撤"),
                     lambda x, t: WorkerSchool.objects.get(pk=x.pk).status == SchoolStatus.CLOSED),
    "teacher_create": (TEACHER_MANAGERS, lambda t: None, lambda u, x, t: services.create_teacher(
        actor=u, org=t.union1, kind="EXTERNAL", name="讲师", employer="某院", specialities=["电工"]),
        lambda x, t: Teacher.objects.count() == 1),
    "teacher_update": (TEACHER_MANAGERS, teacher, lambda u, x, t: services.update_teacher(
        actor=u, teacher=x, name=x.name, employer=x.employer, specialities=["钳工"]),
        lambda x, t: Teacher.objects.get(pk=x.pk).specialities == ["钳工"]),
    "teacher_deactivate": (TEACHER_MANAGERS, teacher, lambda u, x, t: services.deactivate_teacher(
        actor=u, teacher=x, reason="退休"), lambda x, t: not Teacher.objects.get(pk=x.pk).is_active),
}


@pytest.mark.parametrize("action", list(ACTIONS))
@pytest.mark.parametrize("role", ROLES)
def test_service_matrix(tree, action, role):
    allowed, build, call, changed = ACTIONS[action]
    x = build(tree)
    user = getattr(tree, role)
    if role in allowed:
        call(user, x, tree)
        assert changed(x, tree), role
    else:
        with pytest.raises(PermissionDenied):
            call(user, x, tree)
        assert not changed(x, tree), role


@pytest.mark.parametrize("role", ROLES)
def test_pages_404_out_of_scope_403_when_not_allowed(tree, role):
    s, t = school(tree), teacher(tree)
    c = Client()
    c.force_login(getattr(tree, role))
    school_detail = c.get(reverse("training:school_detail", args=[s.pk])).status_code
    close = c.post(reverse("training:school_step", args=[s.pk, "close"]), {"close-reason": "撤并"}).status_code
    teacher_detail = c.get(reverse("training:teacher_detail", args=[t.pk])).status_code
    deactivate = c.post(reverse("training:teacher_step", args=[t.pk, "deactivate"]),
                        {"deactivate-reason": "退休"}).status_code
    edit = c.get(reverse("training:teacher_edit", args=[t.pk])).status_code
    if role in SCHOOL_VIEWERS:
        assert (school_detail, close) == (200, 302), role
    elif role in SCHOOL_READERS:
        assert (school_detail, close) == (200, 404), role
    else:
        assert (school_detail, close) == (404, 404), role
    if role in TEACHER_VIEWERS:
        assert (teacher_detail, deactivate, edit) == (200, 302, 200), role
    else:
        assert (teacher_detail, deactivate, edit) == (404, 404, 404), role
    assert (WorkerSchool.objects.get().status == SchoolStatus.CLOSED) == (role in SCHOOL_MANAGERS)
    assert (not Teacher.objects.get().is_active) == (role in TEACHER_MANAGERS)
    lists = [c.get(reverse(n)).status_code for n in ("training:school_list", "training:teacher_list",
                                                     "training:school_export", "training:teacher_export")]
    assert lists == ([200] * 4 if role in LIST_READERS else [403] * 4), role
    create = [c.get(reverse("training:school_create")).status_code,
              c.get(reverse("training:teacher_create")).status_code]
    assert create == [200 if role in {"district_staff", "town1_cadre", "town2_cadre"} else 403,
                      200 if role in LIST_READERS else 403], role


@pytest.mark.parametrize("role", ROLES)
def test_api_404_out_of_scope_403_when_not_allowed(tree, role):
    s, t = school(tree), teacher(tree)
    api = api_as(getattr(tree, role))
    get_s, get_t = api.get(f"/worker-schools/{s.pk}").status_code, api.get(f"/teachers/{t.pk}").status_code
    patch_s = api.patch(f"/worker-schools/{s.pk}", {"capacity": 99}).status_code
    patch_t = api.patch(f"/teachers/{t.pk}", {"title": "教授"}).status_code
    assert (get_s, patch_s) == ((200, 200) if role in SCHOOL_VIEWERS else (200, 404) if role in SCHOOL_READERS
                                else (404, 404)), role
    assert (get_t, patch_t) == ((200, 200) if role in TEACHER_VIEWERS else (404, 404)), role
    assert (WorkerSchool.objects.get().capacity == 99) == (role in SCHOOL_MANAGERS)
    created = api.post("/worker-schools", {"org": tree.town1.pk, "name": "新校", "address": "某路",
                                           "capacity": 10, "modes": ["INDEPENDENT"]}).status_code
    # Who cannot see town1 cannot name it: 400 unknown_reference on `org` (members: 403 or 400).
    if role in SCHOOL_MANAGERS:
        assert created == 201, role
    elif role in ("member_user", "outsider"):
        assert created in (400, 403), role
    else:
        assert created == 400, role
    assert WorkerSchool.objects.filter(name="新校").exists() == (role in SCHOOL_MANAGERS)


def test_a_district_school_is_read_not_managed_below_the_district(tree):
    """A school run by the district is shared down the tree: a town's cadre reads it, cannot change
    it (404); a town's school is hidden from another town."""
    s = school(tree, org=tree.district)
    other = school(tree, org=tree.town2)
    c = Client()
    c.force_login(tree.town1_cadre)
    assert c.get(reverse("training:school_detail", args=[s.pk])).status_code == 200
    assert c.get(reverse("training:school_edit", args=[s.pk])).status_code == 404
    assert c.post(reverse("training:school_step", args=[s.pk, "close"]), {"close-reason": "撤"}).status_code == 404
    assert c.get(reverse("training:school_detail", args=[other.pk])).status_code == 404
    c.force_login(tree.district_staff)
    assert c.get(reverse("training:school_detail", args=[s.pk])).status_code == 200
