"""Attendance and certificate pages: the session sheet (all or nothing) with its QR code, the phone
check-in, scores, completion and issuing from the panel, the certificates list (fixed query count,
filters, export), a certificate's page and revoking, the member's PDF, the public verification."""

import io
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.http import QueryDict
from django.shortcuts import resolve_url
from django.template import Context, Template
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _t
from django.utils.translation import pgettext
from openpyxl import load_workbook

from gonghui.core.models import AuditEvent
from gonghui.training.models import Attendance, Certificate, CertificateStatus, CourseStatus, EnrolmentStatus
from gonghui.training.services import attendance as services
from gonghui.training.testing import attendance as build

pytestmark = pytest.mark.django_db
D = Decimal


def client_for(user):
    c = Client()
    if user is not None:
        c.force_login(user)
    return c


def test_session_sheet_shows_trainees_and_qr_and_saves_all_or_nothing(tree):
    c = build.course(tree)
    s = build.session(c, days_ago=1)
    a, b = build.trainee(tree, c), build.trainee(tree, c)
    web = client_for(tree.town1_cadre)
    url = reverse("training:session_attendance", args=[s.pk])
    r = web.get(url)
    html = r.content.decode()
    assert r.status_code == 200 and a.person.name in html and b.person.name in html
    assert "<svg" in html and "/training/checkin/" in html and "<script" not in html.split("<main")[-1]
    r = web.post(url, {f"status_{a.pk}": "PRESENT", f"status_{b.pk}": "BOGUS"})
    assert r.status_code == 400 and b.person.name in r.content.decode()
    assert not Attendance.objects.exists()
    r = web.post(url, {f"status_{a.pk}": "PRESENT", f"status_{b.pk}": "ABSENT"})
    assert r.status_code == 302
    assert dict(Attendance.objects.values_list("enrolment_id", "status")) == {a.pk: "PRESENT", b.pk: "ABSENT"}
    assert client_for(tree.town2_cadre).get(url).status_code == 404
    assert client_for(tree.town2_cadre).post(url, {f"status_{a.pk}": "ABSENT"}).status_code == 404
    # the union's chair does not reach a course its town organises
    assert client_for(tree.union1_chair).post(url, {f"status_{a.pk}": "ABSENT"}).status_code == 404


def test_rotating_the_code_invalidates_the_old_one(tree):
    c = build.course(tree)
    s = build.session(c)
    old = services.checkin_token(s)
    r = client_for(tree.town1_cadre).post(reverse("training:session_rotate", args=[s.pk]))
    assert r.status_code == 302
    s.refresh_from_db()
    assert services.checkin_token(s) != old


def test_member_checks_in_on_the_phone(tree):
    c = build.course(tree)
    s = build.session(c)
    e = build.trainee(tree, c)
    e.person.account = tree.member_user
    e.person.save(update_fields=["account"])
    url = reverse("training:checkin", args=[s.pk]) + "?t=" + services.checkin_token(s)
    assert services.checkin_url(s).endswith(url)
    anonymous = client_for(None).get(url)
    assert anonymous.status_code == 302 and "login" in anonymous["Location"]
    phone = client_for(tree.member_user)
    r = phone.get(url)
    assert r.status_code == 200 and c.title in r.content.decode()
    assert Attendance.objects.get().method == "QR"
    assert phone.get(url).status_code == 200 and Attendance.objects.count() == 1
    bad = phone.get(reverse("training:checkin", args=[s.pk]) + "?t=nonsense")
    assert bad.status_code == 400
    # a staff account without a person: a clear refusal, nothing written
    r = client_for(tree.town1_cadre).get(url)
    assert r.status_code == 400 and Attendance.objects.count() == 1


def test_scores_page_rejects_bad_scores_and_saves_good_ones(tree):
    c = build.course(tree)
    a = build.trainee(tree, c)
    url = reverse("training:course_scores", args=[c.pk])
    web = client_for(tree.town1_cadre)
    assert web.get(url).status_code == 200
    r = web.post(url, {f"score_{a.pk}": "120"})
    assert r.status_code == 400 and a.person.name in r.content.decode()
    assert web.post(url, {f"score_{a.pk}": "88.5"}).status_code == 302
    a.refresh_from_db()
    assert a.assessment_score == D("88.5")
    assert client_for(tree.town2_cadre).get(url).status_code == 404


def test_complete_and_issue_from_the_panel(tree):
    c = build.course(tree, status=CourseStatus.FINISHED)
    s = build.session(c, days_ago=2)
    e = build.trainee(tree, c, score=D("70"))
    build.mark(e, s)
    web = client_for(tree.town1_cadre)
    assert web.post(reverse("training:course_complete", args=[c.pk])).status_code == 302
    e.refresh_from_db()
    assert e.status == EnrolmentStatus.COMPLETED
    request = RequestFactory().get("/")
    request.user = tree.town1_cadre
    html = Template("{% load training_attendance %}{% attendance_panel course %}").render(
        Context({"course": c, "request": request}))
    assert "/training/attendance/courses/" in html and "/certificates/" in html and "80%" in html
    assert web.post(reverse("training:course_issue", args=[c.pk])).status_code == 302
    assert Certificate.objects.filter(enrolment=e).exists()
    request.user = tree.union1_chair  # sees, cannot act
    html = Template("{% load training_attendance %}{% attendance_panel course %}").render(
        Context({"course": c, "request": request}))
    assert "/certificates/\"" not in html and "completion/" not in html


def test_certificate_list_filters_export_and_queries_do_not_grow(tree, django_assert_max_num_queries):
    _c, e, cert = build.finished_course_with_certificate(tree)
    web = client_for(tree.district_staff)
    url = reverse("training:certificate_list")
    web.get(url)
    with django_assert_max_num_queries(20) as few:
        r = web.get(url)
    assert r.status_code == 200 and cert.number in r.content.decode()
    for _ in range(3):
        build.finished_course_with_certificate(tree)
    with django_assert_max_num_queries(len(few.captured_queries)):
        r = web.get(url)
    assert r.content.decode().count("/training/certificates/") >= 4
    assert cert.number not in web.get(url, {"status": "REVOKED"}).content.decode()
    assert cert.number in web.get(url, {"q": e.person.name}).content.decode()
    assert web.get(url, {"year": "abc"}).status_code == 200
    r = web.get(reverse("training:certificate_export"))
    assert r.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(r.streaming_content) if r.streaming else r.content)).active
    assert sheet.max_row == 5
    assert AuditEvent.objects.filter(action="training.certificate_export").exists()
    # town2 sees none of town1's certificates
    assert cert.number not in client_for(tree.town2_cadre).get(url).content.decode()


def test_certificate_page_pdf_and_revoke(tree):
    _c, _e, cert = build.finished_course_with_certificate(tree)
    web = client_for(tree.town1_cadre)
    r = web.get(reverse("training:certificate_detail", args=[cert.pk]))
    assert r.status_code == 200 and services.display_code(cert.code) in r.content.decode()
    pdf = web.get(reverse("training:certificate_pdf", args=[cert.pk]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    revoke = reverse("training:certificate_revoke", args=[cert.pk])
    assert web.post(revoke, {"reason": ""}).status_code == 400
    assert client_for(tree.union1_chair).post(revoke, {"reason": "x"}).status_code == 403
    assert client_for(tree.town2_cadre).post(revoke, {"reason": "x"}).status_code == 404
    assert web.post(revoke, {"reason": "材料不实"}).status_code == 302
    cert.refresh_from_db()
    assert cert.status == CertificateStatus.REVOKED
    page = web.get(reverse("training:certificate_detail", args=[cert.pk])).content.decode()
    # the history names the action and its author in words (in the page's language), with the reason
    label = str(pgettext("audit action", "Training certificate revoked"))
    assert "材料不实" in page and f">{label}<" in page
    event = AuditEvent.objects.get(action="training.certificate_revoke")
    assert event.actor == tree.town1_cadre and event.after["reason"] == "材料不实"
    assert web.post(revoke, {"reason": "again"}).status_code in (400, 404)  # once only
    assert AuditEvent.objects.filter(action="training.certificate_revoke").count() == 1


def test_member_downloads_only_their_own_certificate(tree):
    _c, e, cert = build.finished_course_with_certificate(tree)
    _c2, _e2, other = build.finished_course_with_certificate(tree)
    e.person.account = tree.member_user
    e.person.save(update_fields=["account"])
    phone = client_for(tree.member_user)
    assert phone.get(reverse("training:my_certificate_pdf", args=[cert.pk])).status_code == 200
    assert phone.get(reverse("training:my_certificate_pdf", args=[other.pk])).status_code == 404
    assert phone.get(reverse("training:certificate_detail", args=[cert.pk])).status_code in (403, 404)
    html = Template("{% include 'training/attendance/_my_certificates.html' %}").render(Context({"person": e.person}))
    assert cert.number in html and other.number not in html


def test_public_verification_page(tree):
    _c, e, cert = build.finished_course_with_certificate(tree)
    e.person.name = "张小三"
    public = client_for(None)
    shown = services.display_code(cert.code)
    r = public.get(reverse("training:verify"), {"code": cert.code.lower()})
    assert r.status_code == 302 and r["Location"].endswith(f"/training/verify/{shown}/")
    page = public.get(r["Location"]).content.decode()
    assert cert.course_title in page and cert.holder_name not in page
    assert services.mask_name(cert.holder_name) in page
    tampered = cert.code[:-1] + ("A" if cert.code[-1] != "A" else "B")
    bad = public.get(reverse("training:verify_code", args=[tampered])).content.decode()
    unknown = public.get(reverse("training:verify_code", args=[services.new_code()])).content.decode()
    assert cert.course_title not in bad and cert.course_title not in unknown
    assert public.get(reverse("training:verify")).status_code == 200
    services.revoke_certificate(actor=tree.district_staff, certificate=cert, reason="撤销")
    revoked = public.get(reverse("training:verify_code", args=[shown])).content.decode()
    assert cert.number in revoked and cert.course_title not in revoked


def test_checkin_is_never_cached_and_login_comes_back_to_it(tree, settings):
    c = build.course(tree)
    s = build.session(c)
    e = build.trainee(tree, c)
    e.person.account = tree.member_user
    e.person.save(update_fields=["account"])
    url = reverse("training:checkin", args=[s.pk]) + "?t=" + services.checkin_token(s)
    anonymous = client_for(None).get(url)
    assert anonymous.status_code == 302 and "no-store" in anonymous["Cache-Control"]
    login, _q, query = anonymous["Location"].partition("?")
    # the login page sends the member back to the same code, token kept
    assert login == resolve_url(settings.LOGIN_URL) and QueryDict(query)["next"] == url
    phone = client_for(tree.member_user)
    r = phone.get(url)
    assert r.status_code == 200 and "no-store" in r["Cache-Control"]
    html = r.content.decode()
    assert c.title in html and timezone.localtime(s.starts_at).strftime("%Y-%m-%d %H:%M") in html
    # a refusal for a genuine code names the course; a forged code names nothing
    other = build.session(build.course(tree))
    stranger = client_for(tree.member_user).get(reverse("training:checkin", args=[other.pk]) + "?t="
                                                + services.checkin_token(other))
    assert stranger.status_code == 400 and "no-store" in stranger["Cache-Control"]
    assert other.course.title in stranger.content.decode()
    forged = client_for(tree.member_user).get(reverse("training:checkin", args=[other.pk]) + "?t=x")
    assert forged.status_code == 400 and other.course.title not in forged.content.decode()
    # the course's history shows the check-in in words: the status's label, the trainee, the local start
    from gonghui.core.audit_display import change_rows
    from gonghui.training.models import AttendanceStatus

    rows = {row.key: row for row in change_rows(AuditEvent.objects.get(action="training.attendance_checkin"))}
    assert rows["attendance"].after == str(AttendanceStatus(Attendance.objects.get().status).label)
    assert rows["trainee"].after == e.person.name
    shown = rows["starts_at"].after  # formatted in local time, not the stored ISO text
    assert "T" not in shown and timezone.localtime(s.starts_at).strftime("%H:%M") in shown


def test_public_verification_is_rate_limited_per_ip(tree, settings):
    cache.clear()
    settings.TRAINING_ATTENDANCE_RULES = {"verify_rate": "3/d"}
    _c, _e, cert = build.finished_course_with_certificate(tree)
    shown = services.display_code(cert.code)
    url = reverse("training:verify_code", args=[shown])
    public = Client(REMOTE_ADDR="203.0.113.7")
    for _ in range(3):
        assert public.get(url).status_code == 200
    r = public.get(url)
    assert r.status_code == 429 and int(r["Retry-After"]) > 0
    page = r.content.decode()
    assert cert.course_title not in page and cert.number not in page
    assert "秒后再试" in page  # "Please wait N seconds" in the page's language (zh-hans by default)
    assert 'name="code"' in page  # the form stays
    # the API shares the same budget per address; another address is not affected
    blocked = Client(REMOTE_ADDR="203.0.113.7").get(f"/api/v1/certificates/verify/{shown}")
    assert blocked.status_code == 429 and blocked.json()["code"] == "rate_limited"
    assert Client(REMOTE_ADDR="203.0.113.8").get(url).status_code == 200
    cache.clear()


def test_certified_course_shows_its_sheet_and_scores_read_only_with_the_reason(tree):
    c, e, _cert = build.finished_course_with_certificate(tree)
    s = c.sessions.get()
    web = client_for(tree.town1_cadre)
    sheet = web.get(reverse("training:session_attendance", args=[s.pk])).content.decode()
    reason = str(_t("Certificates of this course are issued: its attendance can no longer change."))
    assert reason in sheet
    assert 'name="note"' not in sheet and "/training/checkin/" not in sheet  # no save, no QR code
    assert sheet.count("<fieldset") == sheet.count("<fieldset class=\"d-flex flex-wrap gap-2\" disabled")
    url = reverse("training:course_scores", args=[c.pk])
    scores = web.get(url).content.decode()
    reason = str(_t("Certificates of this course are issued: its scores can no longer change."))
    assert reason in scores and 'type="submit"' not in scores.split("<main")[-1] and " disabled" in scores
    r = web.post(url, {f"score_{e.pk}": "99"})
    assert r.status_code == 400 and reason in r.content.decode()
    e.refresh_from_db()
    assert e.assessment_score == D("85")


def test_certificates_reach_is_the_enrolments_reach(tree):
    """`selectors.certificates` shapes the enrolment scope for PostgreSQL (the organiser's courses
    by id, the trainee's union): the same certificates as `Enrolment.objects.visible_to`, for every
    kind of user and action."""
    from gonghui.training.models import Enrolment
    from gonghui.training.selectors import attendance as selectors

    made = []
    for org, union in ((tree.town1, tree.union1), (tree.town1, tree.union2), (tree.town2, tree.union1b),
                       (tree.district, tree.union2), (tree.town2, None)):
        c = build.course(tree, org=org, status=CourseStatus.FINISHED)
        s = build.session(c, days_ago=3)
        e = build.trainee(tree, c, union=union or tree.union2, score=Decimal("85"))
        if union is None:
            Enrolment.objects.filter(pk=e.pk).update(union=None, town=None)
        build.mark(e, s)
        services.decide_completion(actor=tree.district_staff, course=c)
        made += services.issue_certificates(actor=tree.district_staff, course=c)
    assert len(made) == 5
    users = (tree.district_staff, tree.town1_cadre, tree.town2_cadre, tree.union1_chair, tree.union1_staff,
             tree.union2_chair, tree.member_user, tree.outsider)
    for user in users:
        for action in (selectors.VIEW, selectors.CHANGE):
            expected = set(Certificate.objects.filter(
                enrolment__in=Enrolment.objects.visible_to(user, action).values("pk")).values_list("pk", flat=True))
            assert set(selectors.certificates(user, action).values_list("pk", flat=True)) == expected, (user, action)
    assert len(set(selectors.certificates(tree.town2_cadre).values_list("pk", flat=True))) == 4


def test_certificate_list_reads_its_count_from_the_status_counts(tree, django_assert_num_queries):
    """The list page counts the statuses anyway: the page's capped count is read from them (no
    third pass of the scope), with the same figure and cap."""
    from django.test import override_settings

    from gonghui.training.selectors import attendance as selectors

    for _ in range(3):
        build.finished_course_with_certificate(tree)
    user, f = tree.district_staff, selectors.CertificateFilters()
    counts = selectors.status_counts(user, f)
    with django_assert_num_queries(2):  # the page's keys and rows
        page = selectors.certificate_page(user, f, counts=counts)
    assert (page.count, page.count_capped) == (3, False) == (selectors.certificate_page(user, f).count, False)
    revoked = selectors.CertificateFilters(status=CertificateStatus.REVOKED)
    assert selectors.certificate_page(user, revoked, counts=counts).count == 0
    with override_settings(LIST_COUNT_CAP=2):
        assert (selectors.certificate_page(user, f, counts=counts).count,
                selectors.certificate_page(user, f, counts=counts).count_capped) == (2, True)
        assert selectors.certificate_page(user, f).count_capped
