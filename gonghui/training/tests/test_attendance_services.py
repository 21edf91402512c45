"""Attendance, QR check-in, the completion rule, scores, certificates and their verification."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from gonghui.core.audit import AuditEvent
from gonghui.core.errors import DomainError
from gonghui.training.models import (
    Attendance,
    AttendanceMethod,
    AttendanceStatus,
    Certificate,
    CertificateStatus,
    CourseStatus,
    EnrolmentStatus,
)
from gonghui.training.services import attendance as services
from gonghui.training.testing import attendance as build

pytestmark = pytest.mark.django_db
D = Decimal


# --- the completion rule (pure) ----------------------------------------------------------------------

SEVENTY, SHARE, MARK = D("70"), D("0.80"), D("60")


def rule(attended, total, score=SEVENTY, required=True, share=SHARE, mark=MARK):
    return services.completion_outcome(attended_hours=D(attended), total_hours=D(total), min_attendance=share,
                                       assessment_required=required, score=score, pass_mark=mark)


def test_exactly_the_minimum_share_completes_and_just_under_does_not():
    assert rule("8", "10").completed
    assert rule("16", "20").completed
    assert not rule("7.9", "10").completed
    assert not rule("15.9", "20").attendance_ok
    # a share that is not a finite decimal: 4 of 5 hours is exactly 80%, 3.9 of 4.9 is 79.59…%
    assert rule("4", "5").completed
    assert not rule("3.9", "4.9").completed


def test_the_assessment_pass_fail_and_missing():
    assert rule("10", "10", score=D("60")).completed  # the pass mark itself passes
    assert not rule("10", "10", score=D("59.9")).completed
    missing = rule("10", "10", score=None)
    assert not missing.completed and missing.attendance_ok and not missing.assessment_ok
    assert rule("10", "10", score=None, required=False).completed


def test_no_hours_held_completes_nobody():
    assert not rule("0", "0").completed


# --- decide_completion on a course -----------------------------------------------------------------------

def test_cancelled_sessions_are_left_out_of_the_hours(tree):
    c = build.course(tree, status=CourseStatus.FINISHED)
    held = [build.session(c, days_ago=d, hours=D("2")) for d in (10, 9, 8, 7)]  # 8 hours held
    build.session(c, days_ago=6, hours=D("4"), is_cancelled=True)  # would make it 12
    exact = build.trainee(tree, c, score=D("75"))  # 6.4 needed of 8: attends 3 × 2 = 6 → under
    full = build.trainee(tree, c, score=D("75"))
    for s in held[:3]:
        build.mark(exact, s)
    for s in held:
        build.mark(full, s, AttendanceStatus.LATE)  # late still counts
    build.mark(exact, held[3], AttendanceStatus.EXCUSED)  # excused does not
    d = services.decide_completion(actor=tree.town1_cadre, course=c)
    assert (d.completed, d.not_completed) == (1, 1)
    exact.refresh_from_db()
    full.refresh_from_db()
    assert exact.status == EnrolmentStatus.NOT_COMPLETED and exact.attended_hours == D("6")
    assert full.status == EnrolmentStatus.COMPLETED and full.attended_hours == D("8")
    assert full.completion_decided_at is not None


def test_exactly_80_percent_with_a_cancelled_session_and_the_course_own_share(tree):
    c = build.course(tree, status=CourseStatus.FINISHED, assessment_required=False)
    held = [build.session(c, days_ago=d) for d in (9, 8, 7, 6, 5)]  # 10 hours
    build.session(c, days_ago=4, is_cancelled=True)
    e = build.trainee(tree, c)
    for s in held[:4]:
        build.mark(e, s)
    services.decide_completion(actor=tree.town1_cadre, course=c)
    e.refresh_from_db()
    assert e.status == EnrolmentStatus.COMPLETED  # 8 / 10 = exactly 80%
    c.min_attendance = D("0.90")
    c.save()
    services.decide_completion(actor=tree.town1_cadre, course=c)
    e.refresh_from_db()
    assert e.status == EnrolmentStatus.NOT_COMPLETED


def test_the_rules_default_share_is_configurable(tree, settings):
    settings.TRAINING_ATTENDANCE_RULES = {"min_attendance": D("0.5")}
    c = build.course(tree, status=CourseStatus.FINISHED, assessment_required=False)
    a, _b = build.session(c, days_ago=3), build.session(c, days_ago=2)
    e = build.trainee(tree, c)
    build.mark(e, a)
    services.decide_completion(actor=tree.town1_cadre, course=c)
    e.refresh_from_db()
    assert e.status == EnrolmentStatus.COMPLETED


def test_assessment_missing_fails_and_waitlisted_or_cancelled_are_not_decided(tree):
    c = build.course(tree, status=CourseStatus.FINISHED)
    s = build.session(c, days_ago=2)
    no_score = build.trainee(tree, c)
    failed = build.trainee(tree, c, score=D("40"))
    waiting = build.trainee(tree, c, status=EnrolmentStatus.WAITLISTED)
    for e in (no_score, failed):
        build.mark(e, s)
    services.decide_completion(actor=tree.town1_cadre, course=c)
    for e in (no_score, failed, waiting):
        e.refresh_from_db()
    assert no_score.status == failed.status == EnrolmentStatus.NOT_COMPLETED
    assert waiting.status == EnrolmentStatus.WAITLISTED and waiting.completion_decided_at is None


def test_completion_waits_for_the_course_to_finish(tree):
    c = build.course(tree, status=CourseStatus.OPEN)
    build.session(c, days_ago=2)
    with pytest.raises(DomainError) as err:
        services.decide_completion(actor=tree.town1_cadre, course=c)
    assert err.value.code == "wrong_stage"
    closed = build.course(tree, status=CourseStatus.CLOSED)
    build.session(closed, days_ago=2)
    build.session(closed, starts_at=timezone.now() + datetime.timedelta(days=2))
    with pytest.raises(DomainError) as err:
        services.decide_completion(actor=tree.town1_cadre, course=closed)
    assert err.value.code == "sessions_pending"


# --- list entry --------------------------------------------------------------------------------------------

def test_list_entry_is_all_or_nothing_and_names_the_bad_rows(tree):
    c = build.course(tree)
    s = build.session(c, days_ago=1)
    a, b = build.trainee(tree, c), build.trainee(tree, c)
    other = build.trainee(tree, build.course(tree))
    with pytest.raises(DomainError) as err:
        services.record_attendance(actor=tree.town1_cadre, session=s, entries={
            a.pk: "PRESENT", b.pk: "MAYBE", other.pk: "PRESENT"})
    assert err.value.code == "invalid_rows"
    assert b.person.name in err.value.text and str(other.pk) in err.value.text
    assert not Attendance.objects.exists()
    assert services.record_attendance(actor=tree.town1_cadre, session=s,
                                      entries={a.pk: "PRESENT", b.pk: "ABSENT"}) == 2
    assert services.record_attendance(actor=tree.town1_cadre, session=s,
                                      entries={a.pk: "PRESENT", b.pk: "EXCUSED"}) == 1  # one changed
    assert dict(Attendance.objects.values_list("enrolment_id", "status")) == {a.pk: "PRESENT", b.pk: "EXCUSED"}
    assert AuditEvent.objects.filter(action="training.attendance_record", object_id=str(c.pk)).count() == 2


def test_list_entry_refuses_future_cancelled_sessions_and_waitlisted(tree):
    c = build.course(tree)
    future = build.session(c, starts_at=timezone.now() + datetime.timedelta(days=1))
    cancelled = build.session(c, days_ago=1, is_cancelled=True)
    held = build.session(c, days_ago=2)
    e = build.trainee(tree, c)
    w = build.trainee(tree, c, status=EnrolmentStatus.WAITLISTED)
    for s, code in ((future, "session_not_started"), (cancelled, "session_cancelled")):
        with pytest.raises(DomainError) as err:
            services.record_attendance(actor=tree.town1_cadre, session=s, entries={e.pk: "PRESENT"})
        assert err.value.code == code
    with pytest.raises(DomainError):
        services.record_attendance(actor=tree.town1_cadre, session=held, entries={w.pk: "PRESENT"})
    with pytest.raises(PermissionDenied):
        services.record_attendance(actor=tree.town2_cadre, session=held, entries={e.pk: "PRESENT"})
    assert not Attendance.objects.exists()


# --- QR check-in -------------------------------------------------------------------------------------------

def _member_account(tree, e):
    e.person.account = tree.member_user
    e.person.save(update_fields=["account"])
    return tree.member_user


def test_checkin_inside_the_window_once(tree):
    c = build.course(tree)
    s = build.session(c)  # started an hour ago
    e = build.trainee(tree, c)
    user = _member_account(tree, e)
    token = services.checkin_token(s)
    first = services.check_in(actor=user, person=e.person, session_pk=s.pk, token=token)
    assert not first.already and first.attendance.method == AttendanceMethod.QR
    assert first.attendance.status == AttendanceStatus.LATE  # an hour after the start
    again = services.check_in(actor=user, person=e.person, session_pk=s.pk, token=token)
    assert again.already and Attendance.objects.count() == 1


def test_checkin_refuses_outside_the_window(tree):
    c = build.course(tree)
    early = build.session(c, starts_at=timezone.now() + datetime.timedelta(minutes=90))
    soon = build.session(c, starts_at=timezone.now() + datetime.timedelta(minutes=30), title="soon")
    past = build.session(c, starts_at=timezone.now() - datetime.timedelta(hours=4), minutes=120)
    e = build.trainee(tree, c)
    for s, code in ((early, "too_early"), (past, "too_late")):
        with pytest.raises(DomainError) as err:
            services.check_in(actor=tree.member_user, person=e.person, session_pk=s.pk,
                              token=services.checkin_token(s))
        assert err.value.code == code
    on_time = services.check_in(actor=tree.member_user, person=e.person, session_pk=soon.pk,
                                token=services.checkin_token(soon))
    assert on_time.attendance.status == AttendanceStatus.PRESENT


def test_checkin_token_of_another_session_tampered_or_rotated_is_refused(tree):
    c = build.course(tree)
    s, other = build.session(c), build.session(c, title="其他")
    e = build.trainee(tree, c)
    token = services.checkin_token(s)
    for sid, tok in ((other.pk, token), (s.pk, token[:-2] + ("AA" if token[-2:] != "AA" else "BB")), (s.pk, "")):
        with pytest.raises(DomainError) as err:
            services.check_in(actor=tree.member_user, person=e.person, session_pk=sid, token=tok)
        assert err.value.code == "invalid_token"
    services.rotate_checkin_token(actor=tree.town1_cadre, session=s)
    with pytest.raises(DomainError) as err:
        services.check_in(actor=tree.member_user, person=e.person, session_pk=s.pk, token=token)
    assert err.value.code == "invalid_token"
    assert not Attendance.objects.exists()


def test_checkin_by_a_member_not_enrolled_or_waitlisted_or_without_person(tree):
    c = build.course(tree)
    s = build.session(c)
    token = services.checkin_token(s)
    stranger = tree.member().person
    w = build.trainee(tree, c, status=EnrolmentStatus.WAITLISTED)
    for person in (stranger, w.person):
        with pytest.raises(DomainError) as err:
            services.check_in(actor=tree.member_user, person=person, session_pk=s.pk, token=token)
        assert err.value.code == "not_enrolled" and c.title in err.value.text
    with pytest.raises(DomainError) as err:
        services.check_in(actor=tree.member_user, person=None, session_pk=s.pk, token=token)
    assert err.value.code == "no_person"
    assert not Attendance.objects.exists()


# --- scores --------------------------------------------------------------------------------------------------

def test_scores_are_checked_and_saved_all_or_nothing(tree):
    c = build.course(tree)
    a, b = build.trainee(tree, c), build.trainee(tree, c)
    for bad in ("101", "-1", "abc", "60.55", "NaN"):
        with pytest.raises(DomainError) as err:
            services.record_scores(actor=tree.town1_cadre, course=c, scores={a.pk: "80", b.pk: bad})
        assert b.person.name in err.value.text
    a.refresh_from_db()
    assert a.assessment_score is None
    assert services.record_scores(actor=tree.town1_cadre, course=c, scores={a.pk: "80", b.pk: "59.5"}) == 2
    assert services.record_scores(actor=tree.town1_cadre, course=c, scores={a.pk: "", b.pk: "59.5"}) == 1
    a.refresh_from_db()
    assert a.assessment_score is None


# --- certificates and verification -----------------------------------------------------------------------------

def test_issue_verify_valid_tampered_revoked_unknown(tree):
    c, e, cert = build.finished_course_with_certificate(tree)
    assert cert.number == f"PX-{c.year}-{e.pk:07d}" and cert.holder_name == e.person.name
    assert len(cert.code) == 16 and services.code_is_well_formed(cert.code)
    shown = services.display_code(cert.code)
    v = services.verify_code(shown.lower())
    assert v.result == "valid" and v.certificate == cert
    # one character changed anywhere: the check characters fail, no lookup
    for i in (0, 7, 15):
        ch = cert.code[i]
        tampered = cert.code[:i] + ("1" if ch != "1" else "2") + cert.code[i + 1:]
        assert services.verify_code(tampered).result == "invalid"
    # an unknown code that is well formed (made with the key) answers the same as a tampered one
    assert services.verify_code(services.new_code()).result == "invalid"
    assert services.verify_code("").result == "invalid"
    services.revoke_certificate(actor=tree.town1_cadre, certificate=cert, reason="考勤记录造假")
    v = services.verify_code(cert.code)
    assert v.result == "revoked" and v.certificate.revoked_at is not None
    assert AuditEvent.objects.filter(action="training.certificate_revoke", object_id=str(cert.pk)).exists()


def test_codes_are_random_and_distinct():
    codes = {services.new_code() for _ in range(500)}
    assert len(codes) == 500 and all(services.code_is_well_formed(c) for c in codes)


def test_masked_names():
    assert services.mask_name("张三") == "张*"
    assert services.mask_name("张小三") == "张*三"
    assert services.mask_name("欧阳小三") == "欧**三"


def test_certificates_only_for_completed_and_only_once(tree):
    c = build.course(tree, status=CourseStatus.FINISHED)
    s = build.session(c, days_ago=2)
    ok, ko = build.trainee(tree, c, score=D("90")), build.trainee(tree, c, score=D("10"))
    build.mark(ok, s)
    build.mark(ko, s)
    with pytest.raises(DomainError) as err:
        services.issue_certificates(actor=tree.town1_cadre, course=c)
    assert err.value.code == "nothing_to_issue"
    services.decide_completion(actor=tree.town1_cadre, course=c)
    certs = services.issue_certificates(actor=tree.town1_cadre, course=c)
    assert [x.enrolment_id for x in certs] == [ok.pk]
    with pytest.raises(DomainError):
        services.issue_certificates(actor=tree.town1_cadre, course=c)
    with pytest.raises(DomainError) as err:
        services.issue_certificate(actor=tree.town1_cadre, enrolment=ko)
    assert err.value.code == "not_completed"
    # attendance is frozen once certificates exist
    with pytest.raises(DomainError) as err:
        services.record_attendance(actor=tree.town1_cadre, session=s, entries={ok.pk: "ABSENT"})
    assert err.value.code == "certificates_issued"
    assert Certificate.objects.count() == 1


def test_revoke_needs_approve_and_a_reason_and_happens_once(tree):
    _c, _e, cert = build.finished_course_with_certificate(tree)
    with pytest.raises(PermissionDenied):
        services.revoke_certificate(actor=tree.union1_chair, certificate=cert, reason="x")
    with pytest.raises(DomainError) as err:
        services.revoke_certificate(actor=tree.town1_cadre, certificate=cert, reason="  ")
    assert err.value.field == "reason"
    services.revoke_certificate(actor=tree.district_staff, certificate=cert, reason="重复发证")
    with pytest.raises(DomainError) as err:
        services.revoke_certificate(actor=tree.district_staff, certificate=cert, reason="again")
    assert err.value.code == "wrong_stage"
    cert.refresh_from_db()
    assert cert.status == CertificateStatus.REVOKED and cert.revoke_reason == "重复发证"


def test_the_pdf_has_the_chinese_text_code_and_url(tree):
    from gonghui.core.pdf import cjk_font_available, pdf_text

    if not cjk_font_available():
        pytest.skip("no CJK font")
    c, e, cert = build.finished_course_with_certificate(tree, title="数控车工技能提升班")
    text = pdf_text(services.render_certificate_pdf(actor=tree.town1_cadre, certificate=cert)).replace(" ", "")
    assert e.person.name in text
    assert "数控车工技能提升班" in text
    assert services.display_code(cert.code) in text
    assert cert.number in text
    assert "/training/verify/" in text


def test_finishing_a_course_decides_completion(tree):
    from gonghui.training.services import courses as course_services

    c = build.course(tree, status=CourseStatus.CLOSED)
    s = build.session(c, days_ago=2)
    ok, ko = build.trainee(tree, c, score=D("90")), build.trainee(tree, c, score=D("90"))
    build.mark(ok, s)
    build.mark(ko, s, AttendanceStatus.ABSENT)
    course_services.finish_course(actor=tree.town1_cadre, course=c)
    ok.refresh_from_db()
    ko.refresh_from_db()
    assert (ok.status, ko.status) == (EnrolmentStatus.COMPLETED, EnrolmentStatus.NOT_COMPLETED)
    assert ok.attended_hours == D("2")


def test_overview_card_counts_in_scope(tree):
    from gonghui.training.selectors import attendance as selectors

    _c, _e, cert = build.finished_course_with_certificate(tree)
    card = selectors.overview_card(tree.town1_cadre)
    assert card.rows[0].value == 1
    assert selectors.overview_card(tree.town2_cadre).rows[0].value == 0
    assert selectors.overview_card(tree.member_user) is None
