"""Permission matrix of attendance and certificates: role × action × in scope / out of scope.

A course organised by town1 with a trainee of union1. Recording attendance, scores, deciding
completion and issuing need training.change on the organiser (town1 cadre, the district); revoking
needs training.approve (town1 cadre, the district). Through the pages, a course or certificate
outside the user's reach is 404; a visible one the user may not act on is 403. Members have no
role actions (they check in through their own person)."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from gonghui.training.models import Attendance, Certificate, CertificateStatus, CourseStatus, EnrolmentStatus
from gonghui.training.services import attendance as services
from gonghui.training.testing import attendance as build

pytestmark = pytest.mark.django_db

ROLES = ["district_staff", "town1_cadre", "town2_cadre", "union1_chair", "union1_staff", "union2_chair",
         "member_user", "outsider"]
ORGANISER = {"district_staff", "town1_cadre"}
ALLOWED = {"attendance": ORGANISER, "scores": ORGANISER, "complete": ORGANISER, "issue": ORGANISER,
           "revoke": ORGANISER}
# Who sees the course's pages (organiser's subtree) and its certificates (also the trainee's union).
SEES_COURSE = ORGANISER
SEES_CERTIFICATE = ORGANISER | {"union1_chair", "union1_staff"}


def _setup(tree):
    c = build.course(tree, status=CourseStatus.FINISHED)
    s = build.session(c, days_ago=1)
    e = build.trainee(tree, c, score=Decimal("80"))
    return c, s, e


ACTIONS = {
    "attendance": lambda u, t, c, s, e: services.record_attendance(actor=u, session=s, entries={e.pk: "PRESENT"}),
    "scores": lambda u, t, c, s, e: services.record_scores(actor=u, course=c, scores={e.pk: "90"}),
    "complete": lambda u, t, c, s, e: services.decide_completion(actor=u, course=c),
    "issue": lambda u, t, c, s, e: services.issue_certificate(actor=u, enrolment=e),
    "revoke": lambda u, t, c, s, e: services.revoke_certificate(
        actor=u, certificate=Certificate.objects.get(enrolment=e), reason="撤销"),
}


def _prepare(action, tree, c, s, e):
    if action in ("issue", "revoke"):
        build.mark(e, s)
        services.decide_completion(actor=tree.district_staff, course=c)
    if action == "revoke":
        services.issue_certificate(actor=tree.district_staff, enrolment=e)


@pytest.mark.parametrize("action", list(ACTIONS))
@pytest.mark.parametrize("role", ROLES)
def test_service_matrix(tree, role, action):
    c, s, e = _setup(tree)
    _prepare(action, tree, c, s, e)
    user = getattr(tree, role)
    if role in ALLOWED[action]:
        ACTIONS[action](user, tree, c, s, e)
    else:
        with pytest.raises(PermissionDenied):
            ACTIONS[action](user, tree, c, s, e)
        e.refresh_from_db()
        if action == "attendance":
            assert not Attendance.objects.exists()
        if action == "scores":
            assert e.assessment_score == Decimal("80")
        if action == "complete":
            assert e.status == EnrolmentStatus.ENROLLED
        if action == "issue":
            assert not Certificate.objects.exists()
        if action == "revoke":
            assert Certificate.objects.get().status == CertificateStatus.VALID


@pytest.mark.parametrize("role", ROLES)
def test_pages_answer_404_out_of_reach_and_403_when_seen_but_not_allowed(tree, role):
    c, s, e = _setup(tree)
    build.mark(e, s)
    services.decide_completion(actor=tree.district_staff, course=c)
    cert = services.issue_certificate(actor=tree.district_staff, enrolment=e)
    web = Client()
    web.force_login(getattr(tree, role))
    sheet = web.get(reverse("training:session_attendance", args=[s.pk])).status_code
    assert sheet == (200 if role in SEES_COURSE else 404)
    scores = web.get(reverse("training:course_scores", args=[c.pk])).status_code
    assert scores == (200 if role in ALLOWED["scores"] else 404)
    page = web.get(reverse("training:certificate_detail", args=[cert.pk])).status_code
    assert page == (200 if role in SEES_CERTIFICATE else 404)
    revoke = web.post(reverse("training:certificate_revoke", args=[cert.pk]), {"reason": "x"}).status_code
    if role in ALLOWED["revoke"]:
        assert revoke == 302
    elif role in SEES_CERTIFICATE:
        assert revoke == 403
    else:
        assert revoke == 404
    cert.refresh_from_db()
    assert (cert.status == CertificateStatus.REVOKED) == (role in ALLOWED["revoke"])
