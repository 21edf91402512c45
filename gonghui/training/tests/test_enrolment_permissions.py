"""Permission matrix of enrolments: role × action × in scope / out of scope.

A town1 course with a union1 member's place: the district, town1 (organiser) and union1 (the
trainee's union) see it and may cancel it; town2 and union2 get 404; members and outsiders have no
staff page (403 on lists, 404 on records) and act only through /training/my/. At the service level
a refusal is PermissionDenied and nothing changes."""

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from gonghui.core.testing.api import api_as
from gonghui.training.models.enrolment import Enrolment
from gonghui.training.services import enrolment as services
from gonghui.training.testing.enrolment import course, enrolled

pytestmark = pytest.mark.django_db

ROLES = ["district_staff", "town1_cadre", "town2_cadre", "union1_chair", "union1_staff", "union2_chair",
         "member_user", "outsider"]
VIEWERS = {"district_staff", "town1_cadre", "union1_chair", "union1_staff"}
ALLOWED = {
    "enrol": {"district_staff", "town1_cadre"},       # the organiser's subtree (town1 course)
    "bulk": {"district_staff", "town1_cadre", "union1_chair", "union1_staff"},  # change on union1
    "cancel": VIEWERS,
}


def _call(action, user, tree, c):
    if action == "enrol":
        return services.enrol(actor=user, course=c, person=tree.member().person)
    if action == "bulk":
        return services.enrol_members(actor=user, course=c, union=tree.union1, people=[tree.member().person])
    return services.cancel_enrolment(actor=user, enrolment=enrolled(tree, c))


@pytest.mark.parametrize("action", list(ALLOWED))
def test_service_matrix(tree, action):
    for role in sorted(ROLES, key=lambda r: r in ALLOWED[action]):
        c = course(tree, capacity=50)
        user = getattr(tree, role)
        if role in ALLOWED[action]:
            assert _call(action, user, tree, c) is not None, role
        else:
            before = list(Enrolment.objects.order_by("pk").values_list("pk", "status"))
            with pytest.raises(PermissionDenied):
                if action == "cancel":
                    x = enrolled(tree, c)
                    before = list(Enrolment.objects.order_by("pk").values_list("pk", "status"))
                    services.cancel_enrolment(actor=user, enrolment=x)
                else:
                    _call(action, user, tree, c)
            assert list(Enrolment.objects.order_by("pk").values_list("pk", "status")) == before, role


@pytest.mark.parametrize("role", ROLES)
def test_pages_404_out_of_scope_403_when_not_allowed(tree, role):
    c = course(tree)
    x = enrolled(tree, c)
    web = Client()
    web.force_login(getattr(tree, role))
    detail = web.get(reverse("training:enrolment_detail", args=[x.pk])).status_code
    cancel = web.post(reverse("training:enrolment_cancel", args=[x.pk]), {"cancel-reason": ""}).status_code
    lst = web.get(reverse("training:enrolment_list")).status_code
    export = web.get(reverse("training:enrolment_export")).status_code
    create = web.get(reverse("training:enrolment_create")).status_code
    if role in VIEWERS:
        assert (detail, cancel, lst, export, create) == (200, 302, 200, 200, 200), role
        assert Enrolment.objects.get(pk=x.pk).status == "CANCELLED"
    elif role in ("town2_cadre", "union2_chair"):
        assert (detail, cancel, lst, export, create) == (404, 404, 200, 200, 200), role
        assert Enrolment.objects.get(pk=x.pk).status == "ENROLLED"
    else:
        assert (detail, cancel, lst, export, create) == (404, 404, 403, 403, 403), role
        assert Enrolment.objects.get(pk=x.pk).status == "ENROLLED"


@pytest.mark.parametrize("role", ROLES)
def test_api_404_out_of_scope(tree, role):
    c = course(tree)
    x = enrolled(tree, c)
    api = api_as(getattr(tree, role))
    get = api.get(f"/enrolments/{x.pk}").status_code
    cancel = api.post(f"/enrolments/{x.pk}/cancel", {}).status_code
    if role in VIEWERS:
        assert (get, cancel) == (200, 200), role
    else:
        assert (get, cancel) == (404, 404), role
    create = api.post("/enrolments", {"course": c.pk, "person": tree.member().person.pk}).status_code
    if role in ALLOWED["enrol"]:
        assert create == 201, role
    elif role in ("union1_chair", "union1_staff"):
        assert create == 400, role  # the town course is not theirs to see: unknown reference
    else:
        assert create in (400, 403), role
