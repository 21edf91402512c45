"""Permission matrix of intake: the staff entry page (voice.change: district, towns, union chairs
and staff, each for its own org), the member pages (only a linked member, only own appeals), the
public pages (anyone)."""

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from gonghui.members.models import Person
from gonghui.voice.models.appeals import Appeal
from gonghui.voice.testing.intake import member_appeal

pytestmark = pytest.mark.django_db

ROLES = ["district_staff", "town1_cadre", "town2_cadre", "union1_chair", "union1_staff", "union2_chair",
         "member_user", "outsider", None]
STAFF = {"district_staff", "town1_cadre", "town2_cadre", "union1_chair", "union1_staff", "union2_chair"}


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()


def client_for(user):
    c = Client()
    if user is not None:
        c.force_login(user)
    return c


@pytest.mark.parametrize("role", ROLES)
def test_staff_entry_page(tree, role):
    user = getattr(tree, role) if role else None
    c = client_for(user)
    r = c.get(reverse("voice:appeal_create"))
    if role is None:
        assert r.status_code == 302
    elif role in STAFF:
        assert r.status_code == 200
        orgs = list(r.context["form"].fields["entering_org"].queryset)
        assert orgs == [ra.org for ra in user.role_assignments.all()]
    else:
        assert r.status_code in (403, 404)
    data = {"channel": "PHONE", "category": "OTHER", "title": "来电", "content": "咨询", "contact_name": "李",
            "contact_phone": "13900001111", "handle_here": "on"}
    if role in STAFF:
        data["entering_org"] = user.role_assignments.first().org_id
        assert c.post(reverse("voice:appeal_create"), data).status_code == 302
        assert Appeal.objects.get().org_id == data["entering_org"]
    elif role is not None:
        data["entering_org"] = tree.union1.pk
        assert c.post(reverse("voice:appeal_create"), data).status_code in (403, 404)
        assert Appeal.objects.count() == 0


def test_staff_cannot_enter_for_another_org(tree):
    c = client_for(tree.town2_cadre)
    r = c.post(reverse("voice:appeal_create"), {
        "channel": "PHONE", "entering_org": tree.town1.pk, "category": "OTHER", "title": "x", "content": "y",
        "contact_name": "李", "contact_phone": "13900001111"})
    assert r.status_code == 400 and "entering_org" in r.context["form"].errors and Appeal.objects.count() == 0


def test_staff_entry_finds_the_registry_member_in_reach(tree):
    m = tree.member(union=tree.union1)
    number = m.person.id_number()
    data = {"channel": "VISIT", "category": "OTHER", "title": "来访", "content": "反映问题", "id_number": number}
    r = client_for(tree.town2_cadre).post(reverse("voice:appeal_create"), {**data, "entering_org": tree.town2.pk})
    assert r.status_code == 400 and "id_number" in r.context["form"].errors
    r = client_for(tree.town1_cadre).post(reverse("voice:appeal_create"), {**data, "entering_org": tree.town1.pk})
    assert r.status_code == 302 and Appeal.objects.get().person == m.person


@pytest.mark.parametrize("role", ROLES)
def test_member_pages_matrix(tree, role):
    owner = tree.member(union=tree.union1).person
    Person.objects.filter(pk=owner.pk).update(account=tree.member_user)
    a = member_appeal(tree.member_user, owner)
    user = getattr(tree, role) if role else None
    c = client_for(user)
    urls = [reverse("voice:my_appeals"), reverse("voice:my_appeal_new"), reverse("voice:my_appeal_detail", args=[a.pk])]
    for url in urls:
        r = c.get(url)
        if role == "member_user":
            assert r.status_code == 200, url
        elif role is None:
            assert r.status_code == 302, url
        else:
            assert r.status_code == 404, url


@pytest.mark.parametrize("role", ROLES)
def test_public_pages_open_to_all(tree, role):
    c = client_for(getattr(tree, role) if role else None)
    assert c.get(reverse("voice:public_submit")).status_code == 200
    assert c.get(reverse("voice:public_track")).status_code == 200
