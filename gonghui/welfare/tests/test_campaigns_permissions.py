"""Permission matrix of campaigns: role × action × in scope / out of scope.

A district 金秋助学 campaign with budgets for town1 and town2, and an application of a union1
member: the union applies (union1 chair and staff, district), town1 reviews, the district approves,
the district or town1 (whose budget paid) records the payment. town2 and union2 get 404 on the
application; members and outsiders have no staff page (403 on lists, 404 on records) and act only
through /welfare/my/applications/. A refusal at the service level is PermissionDenied and nothing
changes."""

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from gonghui.core.testing.api import api_as
from gonghui.welfare.models.campaigns import CampaignApplication
from gonghui.welfare.services import campaigns as services
from gonghui.welfare.testing.campaigns import CHILD, applied, approved, campaign, reviewed

pytestmark = pytest.mark.django_db

ROLES = ["district_staff", "town1_cadre", "town2_cadre", "union1_chair", "union1_staff", "union2_chair",
         "member_user", "outsider"]
VIEWERS = {"district_staff", "town1_cadre", "union1_chair", "union1_staff"}
ALLOWED = {
    "apply": {"district_staff", "union1_chair", "union1_staff"},   # welfare.submit on union1
    "review": {"district_staff", "town1_cadre"},                   # welfare.review on town1
    "approve": {"district_staff"},                                 # welfare.approve on the organiser
    "pay": {"district_staff", "town1_cadre"},                      # welfare.change on the organiser or town1
}


def _prepare(action, tree, c):
    if action == "apply":
        return tree.member().person
    if action == "review":
        return applied(tree, c)
    if action == "approve":
        return reviewed(tree, c)
    return approved(tree, c)


def _call(action, user, tree, c, thing):
    if action == "apply":
        return services.apply_for_member(actor=user, campaign=c, union=tree.union1, person=thing, data=CHILD)
    if action == "review":
        return services.review_application(actor=user, application=thing)
    if action == "approve":
        return services.approve_application(actor=user, application=thing)
    return services.record_payment(actor=user, application=thing, paid_on=timezone.localdate(), method="CASH")


@pytest.mark.parametrize("action", list(ALLOWED))
def test_service_matrix(tree, action):
    c = campaign(tree, budgets={tree.town1: "100000"})
    for role in ROLES:
        user = getattr(tree, role)
        thing = _prepare(action, tree, c)
        if role in ALLOWED[action]:
            assert _call(action, user, tree, c, thing) is not None, role
        else:
            before = list(CampaignApplication.objects.order_by("pk").values_list("pk", "status"))
            with pytest.raises(PermissionDenied):
                _call(action, user, tree, c, thing)
            assert list(CampaignApplication.objects.order_by("pk").values_list("pk", "status")) == before, role


@pytest.mark.parametrize("role", ROLES)
def test_pages_404_out_of_scope_403_when_not_allowed(tree, role):
    c = campaign(tree)
    x = applied(tree, c)
    web = Client()
    web.force_login(getattr(tree, role))
    detail = web.get(reverse("welfare:application_detail", args=[x.pk])).status_code
    review = web.post(reverse("welfare:application_step", args=[x.pk, "review"]), {"review-note": ""}).status_code
    lists = tuple(web.get(reverse(f"welfare:{name}")).status_code
                  for name in ("application_list", "application_export", "campaign_list", "payment_list",
                               "goods_list"))
    campaign_page = web.get(reverse("welfare:campaign_detail", args=[c.pk])).status_code
    x.refresh_from_db()
    if role in ("district_staff", "town1_cadre"):
        assert (detail, review, campaign_page) == (200, 302, 200), role
        assert x.status == "TOWN_REVIEWED"
    elif role in ("union1_chair", "union1_staff"):
        assert (detail, review, campaign_page) == (200, 403, 200), role
    elif role in ("town2_cadre", "union2_chair"):
        assert (detail, review, campaign_page) == (404, 404, 200), role
    else:
        assert (detail, review, campaign_page) == (404, 404, 404), role
    if role in ("member_user", "outsider"):
        assert lists == (403,) * 5, role
        assert x.status == "SUBMITTED"
    else:
        assert lists == (200,) * 5, role


@pytest.mark.parametrize("role", ROLES)
def test_api_404_out_of_scope(tree, role):
    c = campaign(tree)
    x = applied(tree, c)
    api = api_as(getattr(tree, role))
    get = api.get(f"/campaign-applications/{x.pk}").status_code
    review = api.post(f"/campaign-applications/{x.pk}/review", {}).status_code
    if role in ("district_staff", "town1_cadre"):
        assert (get, review) == (200, 200), role
    elif role in VIEWERS:
        assert (get, review) == (200, 403), role
    else:
        assert (get, review) == (404, 404), role
    create = api.post("/campaign-applications", {"campaign": c.pk, "union": tree.union1.pk,
                                                 "person": tree.member().person.pk, **CHILD}).status_code
    if role in ALLOWED["apply"]:
        assert create == 201, role
    elif role == "town1_cadre":
        assert create == 403, role  # sees union1, may not submit for it
    else:
        assert create in (400, 403), role
