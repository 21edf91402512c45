"""Permission matrix of 和谐劳动关系: role × action × in/out of scope, at the services and on the
pages (out of scope = 404 like a missing record, visible but not allowed = 403)."""

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client

from gonghui.grassroots.models.harmony import HarmonyAssessment, HarmonyStatus, IndicatorSet
from gonghui.grassroots.services import harmony as services
from gonghui.grassroots.testing.harmony import SELF_SCORES, assessment, published_set

pytestmark = pytest.mark.django_db
TODAY = services.today()
YEAR = TODAY.year

ROLES = ["district_staff", "town1_cadre", "town2_cadre", "union1_chair", "union1_staff", "union2_chair",
         "member_user", "outsider"]
PREPARE = {"district_staff", "town1_cadre", "union1_chair", "union1_staff"}
# action: (status to build first, call, who may on union1's record)
ACTIONS = {
    "start": (None, lambda u, a, t: services.start_assessment(actor=u, enterprise=t.enterprise1, year=YEAR), PREPARE),
    "scores": (HarmonyStatus.DRAFT, lambda u, a, t: services.save_self_scores(
        actor=u, assessment=a, scores={"contracts": {"score": 1}}), PREPARE),
    "submit": (HarmonyStatus.DRAFT, lambda u, a, t: services.submit_assessment(
        actor=u, assessment=a, submitted_on=TODAY), {"district_staff", "union1_chair", "union1_staff"}),
    "return": (HarmonyStatus.SUBMITTED, lambda u, a, t: services.return_assessment(
        actor=u, assessment=a, reason="补充材料", returned_on=TODAY), {"district_staff", "town1_cadre"}),
    "forward": (HarmonyStatus.SUBMITTED, lambda u, a, t: services.forward_assessment(
        actor=u, assessment=a, reviewed_on=TODAY, scores={}), {"district_staff", "town1_cadre"}),
    "rate": (HarmonyStatus.FORWARDED, lambda u, a, t: services.rate_assessment(
        actor=u, assessment=a, rated_on=TODAY), {"district_staff"}),
    "configure": (None, lambda u, a, t: services.create_indicator_set(actor=u, year=YEAR + 1), {"district_staff"}),
}
EXPECTED_STATUS = {"scores": HarmonyStatus.DRAFT, "submit": HarmonyStatus.SUBMITTED,
                   "return": HarmonyStatus.RETURNED, "forward": HarmonyStatus.FORWARDED,
                   "rate": HarmonyStatus.RATED}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", list(ACTIONS))
def test_service_matrix(tree, role, action):
    published_set(actor=tree.district_staff)
    status, call, allowed = ACTIONS[action]
    record = None
    if status is not None:
        record = assessment(actor=tree.union1_chair, enterprise=tree.enterprise1, status=status,
                            reviewer=tree.town1_cadre, rater=tree.district_staff)
    user = getattr(tree, role)
    if role in allowed:
        call(user, record, tree)
        if action == "start":
            assert HarmonyAssessment.objects.filter(enterprise=tree.enterprise1, year=YEAR).exists()
        elif action == "configure":
            assert IndicatorSet.objects.filter(year=YEAR + 1).exists()
        else:
            assert HarmonyAssessment.objects.get(pk=record.pk).status == EXPECTED_STATUS[action]
    else:
        with pytest.raises(PermissionDenied):
            call(user, record, tree)
        if record is not None:
            assert HarmonyAssessment.objects.get(pk=record.pk).status == status


VISIBLE = {"district_staff", "town1_cadre", "union1_chair", "union1_staff"}


@pytest.mark.parametrize("role", ROLES)
def test_visibility_of_union1s_assessment(tree, role):
    published_set(actor=tree.district_staff)
    a = assessment(actor=tree.union1_chair, enterprise=tree.enterprise1)
    user = getattr(tree, role)
    assert HarmonyAssessment.objects.visible_to(user).filter(pk=a.pk).exists() == (role in VISIBLE)
    client = Client()
    client.force_login(user)
    response = client.get(f"/grassroots/harmony/{a.pk}/")
    assert response.status_code == (200 if role in VISIBLE else 404)


# (role, step, expected) for POSTed steps on pages: 404 out of scope, 403 visible but not allowed.
@pytest.mark.parametrize(("role", "url", "status", "expected"), [
    ("town2_cadre", "review/", HarmonyStatus.SUBMITTED, 404),
    ("union2_chair", "submit/", HarmonyStatus.DRAFT, 404),
    ("union1_chair", "review/", HarmonyStatus.SUBMITTED, 403),
    ("union1_chair", "rate/", HarmonyStatus.FORWARDED, 403),
    ("town1_cadre", "rate/", HarmonyStatus.FORWARDED, 403),
    ("town1_cadre", "submit/", HarmonyStatus.DRAFT, 403),
    ("town2_cadre", "self-assessment/", HarmonyStatus.DRAFT, 404),
    ("union1_chair", "self-assessment/", HarmonyStatus.DRAFT, 400),  # score_contracts 99 > 15
    ("town1_cadre", "return/", HarmonyStatus.SUBMITTED, 400),
])
def test_pages_answer_404_out_of_scope_and_403_when_not_allowed(tree, role, url, status, expected):
    published_set(actor=tree.district_staff)
    a = assessment(actor=tree.union1_chair, enterprise=tree.enterprise1, status=status, reviewer=tree.town1_cadre,
                   rater=tree.district_staff)
    client = Client()
    client.force_login(getattr(tree, role))
    # a bad POST: allowed users see the form's errors (400), nothing else gets that far
    response = client.post(f"/grassroots/harmony/{a.pk}/{url}", {"score_contracts": "99"})
    assert response.status_code == expected
    assert HarmonyAssessment.objects.get(pk=a.pk).status == status


def test_only_the_district_edits_indicator_sets(tree):
    s = services.create_indicator_set(actor=tree.district_staff, year=YEAR)
    client = Client()
    client.force_login(tree.town1_cadre)
    assert client.get(f"/grassroots/harmony/indicators/{s.pk}/").status_code == 200
    rows = {"title": "x", "submit_due_on": f"{YEAR}-09-30", "rows-0-code": "a", "rows-0-name": "甲",
            "rows-0-max_score": "100", "rows-0-source": "SELF"}
    assert client.post(f"/grassroots/harmony/indicators/{s.pk}/", rows).status_code == 403
    assert client.post(f"/grassroots/harmony/indicators/{s.pk}/publish/").status_code == 403
    assert client.post("/grassroots/harmony/indicators/new/", {"year": YEAR + 1}).status_code == 403
    assert IndicatorSet.objects.get(pk=s.pk).indicators.count() == 7


def test_submit_scores_fixture_is_complete():
    assert set(SELF_SCORES) == {"contracts", "wages", "insurance", "safety", "responsibility"}
