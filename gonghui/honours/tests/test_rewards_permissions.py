"""Permission matrix of skill training rewards: role × action × in scope / out of scope.

A union1 (town1) claim: the union prepares, submits and withdraws it (chair, staff; the district),
the town reviews it (town1's cadre; the district), only the district approves (`honours.confer`)
and pays (`honours.pay`). At the service level a refusal is PermissionDenied and nothing changes;
through the pages and the API a claim outside the user's subtree is 404 and a visible one the user
may not act on is 403."""

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from gonghui.core.testing.api import api_as
from gonghui.honours.models.rewards import RewardClaimStatus, SkillRewardClaim
from gonghui.honours.services import rewards as services
from gonghui.honours.testing.rewards import certificate_no, claim, scan, worker

pytestmark = pytest.mark.django_db
S = RewardClaimStatus

ROLES = ["district_staff", "town1_cadre", "town2_cadre", "union1_chair", "union1_staff", "union2_chair",
         "member_user", "outsider"]
UNION_SIDE = {"district_staff", "union1_chair", "union1_staff"}
ALLOWED = {
    "create": UNION_SIDE,
    "scan": UNION_SIDE,
    "submit": UNION_SIDE,
    "withdraw": UNION_SIDE,
    "town_review": {"district_staff", "town1_cadre"},
    "district_review": {"district_staff"},
    "pay": {"district_staff"},
}
ACTIONS = {  # action: (status to build first, call, status after success)
    "create": (None, lambda u, c, t, p: services.create_claim(
        actor=u, org=t.union1, person=p, level="LEVEL4", trade="焊工", certificate_no=certificate_no(),
        certificate_on=services.today()), None),
    "scan": (S.DRAFT, lambda u, c, t, p: services.attach_scan(actor=u, claim=c, upload=scan()), S.DRAFT),
    "submit": (S.DRAFT, lambda u, c, t, p: services.submit_claim(actor=u, claim=c), S.SUBMITTED),
    "withdraw": (S.DRAFT, lambda u, c, t, p: services.withdraw_claim(actor=u, claim=c), S.WITHDRAWN),
    "town_review": (S.SUBMITTED, lambda u, c, t, p: services.town_review(actor=u, claim=c, decision="pass"),
                    S.TOWN_PASSED),
    "district_review": (S.TOWN_PASSED, lambda u, c, t, p: services.district_review(
        actor=u, claim=c, decision="approve"), S.APPROVED),
    "pay": (S.APPROVED, lambda u, c, t, p: services.pay_claims(actor=u, claim_ids=[c.pk],
                                                               paid_on=services.today(), reference="P-1"), S.PAID),
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", list(ACTIONS))
def test_service_matrix(tree, role, action):
    status, call, after = ACTIONS[action]
    c = claim(tree, status) if status else None
    person = worker(tree)
    user = getattr(tree, role)
    before = SkillRewardClaim.objects.count()
    if role in ALLOWED[action]:
        assert call(user, c, tree, person) is not None
        if after:
            assert SkillRewardClaim.objects.get(pk=c.pk).status == after
    else:
        with pytest.raises(PermissionDenied):
            call(user, c, tree, person)
        assert SkillRewardClaim.objects.count() == before
        if c is not None:
            assert SkillRewardClaim.objects.get(pk=c.pk).status == status


VIEWERS = {"district_staff", "town1_cadre", "union1_chair", "union1_staff"}


@pytest.mark.parametrize("role", ROLES)
def test_pages_404_out_of_scope_403_when_visible(tree, role):
    c = claim(tree, S.TOWN_PASSED)
    client = Client()
    client.force_login(getattr(tree, role))
    detail = client.get(reverse("honours:reward_detail", args=[c.pk]))
    approve = client.post(reverse("honours:reward_step", args=[c.pk, "district"]),
                          {"district-decision": "approve", "district-decided_on": services.today().isoformat()})
    if role in VIEWERS:
        assert detail.status_code == 200
        assert approve.status_code == (302 if role == "district_staff" else 403)
    else:
        assert detail.status_code == 404 and approve.status_code == 404
    expected = S.APPROVED if role == "district_staff" else S.TOWN_PASSED
    assert SkillRewardClaim.objects.get(pk=c.pk).status == expected
    listing = client.get(reverse("honours:reward_list"))
    assert listing.status_code == (200 if role in VIEWERS | {"town2_cadre", "union2_chair"} else 403)


@pytest.mark.parametrize("role", ROLES)
def test_api_404_out_of_scope_403_when_visible(tree, role):
    c = claim(tree, S.SUBMITTED)
    api = api_as(getattr(tree, role))
    get = api.get(f"/skill-rewards/{c.pk}")
    review = api.post(f"/skill-rewards/{c.pk}/town-review", {"decision": "pass"})
    if role in VIEWERS:
        assert get.status_code == 200
        assert review.status_code == (200 if role in ("district_staff", "town1_cadre") else 403)
    else:
        assert get.status_code == 404 and review.status_code == 404
    listed = api.get("/skill-rewards")
    if listed.status_code == 200:
        assert listed.json()["count"] == (1 if role in VIEWERS else 0)
