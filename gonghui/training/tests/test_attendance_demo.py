"""seed_demo's attendance, completion and certificates at small scale: rows the services could
have written (marks only on held sessions for seat holders, every finished seat decided by the
rule, a certificate for every completed seat whose code verifies), one revoked, member1 holds a
valid certificate, and the demo accounts see data."""

import io

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from gonghui.accounts.models import User
from gonghui.members.selectors import person_of_account
from gonghui.training.models import (
    SEAT_STATUSES,
    Attendance,
    Certificate,
    CertificateStatus,
    CourseStatus,
    Enrolment,
    EnrolmentStatus,
)
from gonghui.training.selectors import attendance as selectors
from gonghui.training.services import attendance as services

pytestmark = pytest.mark.django_db


# The small demo, seeded once per worker for every module that sets this (conftest.SharedDemo).
SHARED_DEMO = True


@pytest.fixture
def seeded():
    call_command("seed_demo", "--scale", "small", "--force", stdout=io.StringIO(), stderr=io.StringIO())
    return {u.username: u for u in User.objects.all()}


def test_demo_attendance_completion_and_certificates(seeded):
    marks = Attendance.objects.select_related("session", "enrolment")
    assert marks.exists()
    now = timezone.now()
    for a in marks:
        assert a.session.starts_at < now and not a.session.is_cancelled
        assert a.session.course_id == a.enrolment.course_id and a.enrolment.status in SEAT_STATUSES
    finished = Enrolment.objects.filter(course__status=CourseStatus.FINISHED, status__in=SEAT_STATUSES) \
        .select_related("course")
    assert finished.exists()
    for e in finished:
        assert e.status in (EnrolmentStatus.COMPLETED, EnrolmentStatus.NOT_COMPLETED)
        c = e.course
        outcome = services.completion_outcome(
            attended_hours=services.attended_hours_by_enrolment(c).get(e.pk, 0), total_hours=services.total_hours(c),
            min_attendance=services.min_share(c), assessment_required=c.assessment_required,
            score=e.assessment_score, pass_mark=c.pass_mark)
        assert outcome.completed == (e.status == EnrolmentStatus.COMPLETED)
    completed = set(finished.filter(status=EnrolmentStatus.COMPLETED).values_list("pk", flat=True))
    certs = list(Certificate.objects.all())
    assert {c.enrolment_id for c in certs} == completed
    results = {services.verify_code(c.code).result for c in certs}
    assert results == {"valid", "revoked"}
    assert Certificate.objects.filter(status=CertificateStatus.REVOKED).count() >= 1
    member1 = person_of_account(seeded["member1"])
    mine = Certificate.objects.filter(enrolment__person=member1)
    assert mine.filter(status=CertificateStatus.VALID).exists()
    for name in ("district", "town1", "town2", "union1"):
        assert selectors.certificates(seeded[name]).exists(), name
    web = Client()
    web.force_login(seeded["district"])
    assert web.get(reverse("training:certificate_list")).status_code == 200
    phone = Client()
    phone.force_login(seeded["member1"])
    page = phone.get(reverse("training:my_courses")).content.decode()
    assert mine.first().number in page
