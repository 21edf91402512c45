"""Permission matrix of awards: role × action × in scope / out of scope.

A union1 (town1) nomination: the union nominates (chair, staff; the district), the town reviews
and takes in objections (town1's cadre; the district), only the district approves (opening the
公示), decides objections, confers and configures. At the service level a refusal is
PermissionDenied and nothing changes; through the pages and the API a record out of the user's
subtree is 404 and a visible one the user may not act on is 403."""

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from gonghui.core.testing.api import api_as
from gonghui.honours.models.awards import HonourNomination, HonourObjection, NominationStatus
from gonghui.honours.services import awards as services
from gonghui.honours.testing.awards import member, nomination, quota, types

pytestmark = pytest.mark.django_db

ROLES = ["district_staff", "town1_cadre", "town2_cadre", "union1_chair", "union1_staff", "union2_chair",
         "member_user", "outsider"]
ALLOWED = {
    "nominate": {"district_staff", "union1_chair", "union1_staff"},
    "town_review": {"district_staff", "town1_cadre"},
    "district_review": {"district_staff"},
    "objection": {"district_staff", "town1_cadre"},
    "decide": {"district_staff"},
    "confer": {"district_staff"},
    "withdraw": {"district_staff", "town1_cadre", "union1_chair", "union1_staff"},
    "configure": {"district_staff"},
}


def _nominate(u, n, t):
    return services.nominate_honour(actor=u, honour_type=types(t)["GOLD_GEAR"], org=t.union1,
                                    person=member(t, name="赵六"), deeds="事迹")


def _decide(u, n, t):
    o = services.add_objection(actor=t.district_staff, nomination=n, content="异议")
    return services.decide_objection(actor=u, objection=o, decision="dismiss", note="不属实")


ACTIONS = {  # action: (status to build first, call, the status after success)
    "nominate": (None, _nominate, None),
    "town_review": (NominationStatus.SUBMITTED, lambda u, n, t: services.review_by_town(
        actor=u, nomination=n, decision="forward"), NominationStatus.FORWARDED),
    "district_review": (NominationStatus.FORWARDED, lambda u, n, t: services.review_by_district(
        actor=u, nomination=n, decision="approve"), NominationStatus.NOTICE),
    "objection": (NominationStatus.NOTICE, lambda u, n, t: services.add_objection(
        actor=u, nomination=n, content="异议"), NominationStatus.NOTICE),
    "decide": (NominationStatus.NOTICE, _decide, NominationStatus.NOTICE),
    "confer": (NominationStatus.NOTICE, lambda u, n, t: services.confer_award(actor=u, nomination=n),
               NominationStatus.CONFERRED),
    "withdraw": (NominationStatus.SUBMITTED, lambda u, n, t: services.withdraw_nomination(actor=u, nomination=n),
                 NominationStatus.WITHDRAWN),
    "configure": (None, lambda u, n, t: services.set_quota(actor=u, honour_type=types(t)["SILVER_GEAR"],
                                                            org=t.town2, year=2026, places=2), None),
}


@pytest.mark.parametrize("action", list(ACTIONS))
def test_service_matrix(tree, action):
    """Every role on a record of the action's status (roles in one test: fewer set-ups); a refused
    role leaves the record as it was, so the next role reuses it and only a success builds anew."""
    quota(tree, places=20)
    status, call, after = ACTIONS[action]
    n = None
    for role in ROLES:
        if status and n is None:
            n = nomination(tree, status)
        user = getattr(tree, role)
        before = (HonourNomination.objects.count(), HonourObjection.objects.filter(status="OPEN").count())
        if role in ALLOWED[action]:
            assert call(user, n, tree) is not None, role
            if after:
                assert HonourNomination.objects.get(pk=n.pk).status == after, role
            n = None
        else:
            with pytest.raises(PermissionDenied):
                call(user, n, tree)
            assert HonourNomination.objects.count() == before[0], role
            if n is not None:
                assert HonourNomination.objects.get(pk=n.pk).status == status, role
                if action != "decide":
                    assert HonourObjection.objects.filter(status="OPEN").count() == before[1], role


VIEWERS = {"district_staff", "town1_cadre", "union1_chair", "union1_staff"}


@pytest.mark.parametrize("role", ROLES)
def test_pages_404_out_of_scope_403_when_visible(tree, role):
    n = nomination(tree, NominationStatus.FORWARDED)
    c = Client()
    c.force_login(getattr(tree, role))
    detail = c.get(reverse("honours:nomination_detail", args=[n.pk]))
    approve = c.post(reverse("honours:nomination_step", args=[n.pk, "district"]), {
        "district-decision": "approve", "district-reviewed_on": services.today().isoformat()})
    if role in VIEWERS:
        assert detail.status_code == 200
        assert approve.status_code == (302 if role == "district_staff" else 403)
    else:
        assert detail.status_code == 404 and approve.status_code == 404
    expected = NominationStatus.NOTICE if role == "district_staff" else NominationStatus.FORWARDED
    assert HonourNomination.objects.get(pk=n.pk).status == expected


@pytest.mark.parametrize("role", ROLES)
def test_api_404_out_of_scope_403_when_visible(tree, role):
    n = nomination(tree, NominationStatus.SUBMITTED)
    api = api_as(getattr(tree, role))
    get = api.get(f"/honours/{n.pk}")
    review = api.post(f"/honours/{n.pk}/town-review", {"decision": "forward"})
    if role in VIEWERS:
        assert get.status_code == 200
        assert review.status_code == (200 if role in ("district_staff", "town1_cadre") else 403)
    else:
        assert get.status_code == 404 and review.status_code == 404
