"""Permission matrix of the 职工之家 assessment: role × action × in scope / out of scope.

A union1 (town1) assessment: the union prepares and submits it (chair, staff; the district), the
town reviews (town1's cadre; the district), only the district awards and configures standards.
At the service level a refusal is PermissionDenied and nothing changes; through the pages and the
API a record out of the user's subtree is 404 and a visible one the user may not act on is 403."""

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from gonghui.core.testing.api import api_as
from gonghui.grassroots.models.homes import HomeAssessment, HomeAssessmentStatus
from gonghui.grassroots.services import homes as services
from gonghui.grassroots.testing.homes import assessment, full_scores, published_standard

pytestmark = pytest.mark.django_db

ROLES = ["district_staff", "town1_cadre", "town2_cadre", "union1_chair", "union1_staff", "union2_chair",
         "member_user", "outsider"]
PREPARERS = {"district_staff", "town1_cadre", "union1_chair", "union1_staff"}
ALLOWED = {
    "start": PREPARERS,
    "self_score": PREPARERS,
    "withdraw": PREPARERS,
    "recheck": PREPARERS,
    "submit": {"district_staff", "union1_chair", "union1_staff"},
    "town_review": {"district_staff", "town1_cadre"},
    "district_review": {"district_staff"},
    "configure": {"district_staff"},
}
# action: (status to build first, call, the status after success)
ACTIONS = {
    "start": (None, lambda u, a, t: services.start_assessment(actor=u, org=t.union1, level="DISTRICT"), None),
    "self_score": (HomeAssessmentStatus.DRAFT, lambda u, a, t: services.save_self_scores(
        actor=u, assessment=a, scores={"FINANCE": {"score": 3}}), HomeAssessmentStatus.DRAFT),
    "withdraw": (HomeAssessmentStatus.DRAFT, lambda u, a, t: services.withdraw_assessment(actor=u, assessment=a),
                 HomeAssessmentStatus.WITHDRAWN),
    "submit": (HomeAssessmentStatus.DRAFT, lambda u, a, t: services.submit_assessment(actor=u, assessment=a),
               HomeAssessmentStatus.SUBMITTED),
    "town_review": (HomeAssessmentStatus.SUBMITTED, lambda u, a, t: services.town_review(
        actor=u, assessment=a, decision="forward", scores=full_scores(a)), HomeAssessmentStatus.FORWARDED),
    "district_review": (HomeAssessmentStatus.FORWARDED, lambda u, a, t: services.district_review(
        actor=u, assessment=a, decision="award", certificate_no="C-1"), HomeAssessmentStatus.AWARDED),
    "recheck": (HomeAssessmentStatus.AWARDED, lambda u, a, t: services.start_recheck(actor=u, award=a), None),
    "configure": (None, lambda u, a, t: services.create_standard(actor=u, level="CITY", effective_year=2026), None),
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", list(ACTIONS))
def test_service_matrix(tree, role, action):
    published_standard(tree.district_staff, pass_mark=30)
    status, call, after = ACTIONS[action]
    a = assessment(tree, status) if status else None
    user = getattr(tree, role)
    before = HomeAssessment.objects.count()
    if role in ALLOWED[action]:
        result = call(user, a, tree)
        assert result is not None
        if after:
            assert HomeAssessment.objects.get(pk=a.pk).status == after
    else:
        with pytest.raises(PermissionDenied):
            call(user, a, tree)
        assert HomeAssessment.objects.count() == before
        if a is not None:
            assert HomeAssessment.objects.get(pk=a.pk).status == status


VIEWERS = {"district_staff", "town1_cadre", "union1_chair", "union1_staff"}


@pytest.mark.parametrize("role", ROLES)
def test_pages_404_out_of_scope_403_when_visible(tree, role):
    a = assessment(tree, HomeAssessmentStatus.FORWARDED)
    c = Client()
    c.force_login(getattr(tree, role))
    detail = c.get(reverse("grassroots:home_detail", args=[a.pk]))
    award = c.post(reverse("grassroots:home_score", args=[a.pk, "district"]),
                   {"decision": "award", "decided_on": services.today().isoformat(), "certificate_no": "X"})
    if role in VIEWERS:
        assert detail.status_code == 200
        assert award.status_code == (302 if role == "district_staff" else 403)
    else:
        assert detail.status_code == 404 and award.status_code == 404
    expected = HomeAssessmentStatus.AWARDED if role == "district_staff" else HomeAssessmentStatus.FORWARDED
    assert HomeAssessment.objects.get(pk=a.pk).status == expected


@pytest.mark.parametrize("role", ROLES)
def test_api_404_out_of_scope_403_when_visible(tree, role):
    a = assessment(tree, HomeAssessmentStatus.SUBMITTED)
    api = api_as(getattr(tree, role))
    get = api.get(f"/home-assessments/{a.pk}")
    review = api.post(f"/home-assessments/{a.pk}/town-review", {"decision": "forward", "scores": {
        code: {"score": s["score"]} for code, s in full_scores(a).items()}})
    if role in VIEWERS:
        assert get.status_code == 200
        assert review.status_code == (200 if role in ("district_staff", "town1_cadre") else 403)
    else:
        assert get.status_code == 404 and review.status_code == 404
