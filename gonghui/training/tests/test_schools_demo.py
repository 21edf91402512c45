"""The demo rows of the schools area (core.demo.training.schools) on the test tree standing in for
the generated district: rows the services would accept, the seed's four schools, teachers of
every kind, data visible to town1 and town2, deterministic."""

from types import SimpleNamespace

import pytest
from django.test import Client
from django.urls import reverse

from gonghui.core.demo.generator import TOWN1, TOWN2
from gonghui.core.demo.training import schools as demo
from gonghui.core.testing.factories import add_org
from gonghui.members.models import LIVE_STATUSES, Membership
from gonghui.orgs.models import OrgLevel
from gonghui.training.models.schools import SchoolStatus, Teacher, TeacherKind, WorkerSchool
from gonghui.training.services.schools import specialities_key
from gonghui.training.testing.schools import model_worker_person

pytestmark = pytest.mark.django_db


def _node(org, town=None):
    return SimpleNamespace(id=org.pk, town=town)


def fake_gen(tree, scale="small"):
    towns = {TOWN1: tree.town1, TOWN2: tree.town2}
    for name in ("衙前镇", "临浦镇", "河上镇", "瓜沥镇", "宁围街道", "新塘街道", "义桥镇"):
        towns[name] = add_org(tree.district, f"{name}总工会", OrgLevel.TOWN)
    other = add_org(towns["衙前镇"], "衙前某企业工会", OrgLevel.GRASSROOTS)
    for _ in range(2):
        tree.member()
    tree.member(union=tree.union1b)
    tree.member(union=tree.union2)
    tree.member(union=other)
    model_worker_person(tree)
    model_worker_person(tree, union=tree.union2)
    by_name = {name: _node(org) for name, org in towns.items()}
    t1, t2 = by_name[TOWN1], by_name[TOWN2]
    union1 = _node(tree.union1, t1)
    unions = [union1, _node(tree.union1b, t1), _node(tree.union2, t2), _node(other, by_name["衙前镇"])]
    return SimpleNamespace(seed=2026, scale=SimpleNamespace(name=scale), town_by_name=by_name,
                           root=_node(tree.district), union1=union1, unions=unions,
                           writer=SimpleNamespace(reset_sequences=lambda models: None))


def test_demo_rows_follow_the_rules_and_reach_town1_and_town2(tree):
    counts = demo.seed(fake_gen(tree))
    names = set(WorkerSchool.objects.values_list("name", flat=True))
    assert {"红山职工学校", "衙前职工学校", "临浦职工学校", "河上职工学校"} <= names
    assert counts["schools"] == WorkerSchool.objects.count() == 7
    assert WorkerSchool.objects.filter(status=SchoolStatus.CLOSED, closed_on__isnull=False).count() == 1
    for s in WorkerSchool.objects.all():
        s.full_clean()
        assert s.modes and s.capacity > 0
    kinds = set(Teacher.objects.values_list("kind", flat=True))
    assert kinds == set(TeacherKind.values)
    for t in Teacher.objects.all():
        t.full_clean()
        assert t.specialities and t.specialities_key == specialities_key(t.specialities)
        if t.person_id:
            assert t.name == t.person.name
            assert Membership.objects.filter(person_id=t.person_id, status__in=LIVE_STATUSES).exists()
        if t.kind == TeacherKind.MODEL_WORKER:
            assert hasattr(t.person, "model_worker")
    for user in (tree.town1_cadre, tree.town2_cadre):
        c = Client()
        c.force_login(user)
        for name in ("training:school_list", "training:teacher_list"):
            body = c.get(reverse(name)).content.decode()
            assert "<tbody>" in body, (user, name)
    assert Teacher.objects.filter(org=tree.union1).exists()


def test_demo_is_deterministic(tree):
    gen = fake_gen(tree)
    demo.seed(gen)
    first = list(Teacher.objects.order_by("id").values_list("name", "kind", "specialities", "phone_masked"))
    for model in reversed(demo.MODELS):
        model.objects.all().delete()
    demo.seed(gen)
    assert list(Teacher.objects.order_by("id").values_list("name", "kind", "specialities", "phone_masked")) == first
