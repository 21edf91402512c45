"""Concurrent writes of attendance and certificates: a double tap on the phone plus the organiser's
list at the same moment leave one mark per trainee and session; two "issue certificates" at once
issue each certificate once; two revocations, one wins. The course row (the certificate row for
revoking) is locked first; the unique constraints are the last guard. Staged on PostgreSQL."""

import pytest
from django.db import connection

from gonghui.core.testing.factories import Tree
from gonghui.core.testing.race import race
from gonghui.training.models import Attendance, Certificate, CertificateStatus, CourseStatus
from gonghui.training.services import attendance as services
from gonghui.training.testing import attendance as build

needs_postgres = pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent writers (PostgreSQL)")


@pytest.mark.postgres
@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_check_ins_and_the_list_at_once_leave_one_mark():
    tree = Tree()
    c = build.course(tree)
    s = build.session(c)
    e = build.trainee(tree, c)
    token = services.checkin_token(s)
    outcome = race([lambda: services.check_in(actor=tree.member_user, person=e.person, session_pk=s.pk, token=token),
                    lambda: services.check_in(actor=tree.member_user, person=e.person, session_pk=s.pk, token=token),
                    lambda: services.record_attendance(actor=tree.town1_cadre, session=s, entries={e.pk: "PRESENT"})])
    assert outcome == ["won", "won", "won"]
    assert Attendance.objects.filter(enrolment=e, session=s).count() == 1


@pytest.mark.postgres
@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_two_issues_at_once_issue_each_certificate_once():
    tree = Tree()
    c = build.course(tree, status=CourseStatus.FINISHED, assessment_required=False)
    s = build.session(c, days_ago=2)
    for _ in range(5):
        build.mark(build.trainee(tree, c), s)
    services.decide_completion(actor=tree.town1_cadre, course=c)
    outcome = race([lambda: services.issue_certificates(actor=tree.town1_cadre, course=c),
                    lambda: services.issue_certificates(actor=tree.district_staff, course=c)])
    assert outcome == ["nothing_to_issue", "won"]
    assert Certificate.objects.count() == 5


@pytest.mark.postgres
@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_two_revocations_one_wins():
    tree = Tree()
    _c, _e, cert = build.finished_course_with_certificate(tree)
    outcome = race([lambda: services.revoke_certificate(actor=tree.town1_cadre, certificate=cert, reason="甲"),
                    lambda: services.revoke_certificate(actor=tree.district_staff, certificate=cert, reason="乙")])
    assert outcome == ["won", "wrong_stage"]
    assert Certificate.objects.get().status == CertificateStatus.REVOKED
