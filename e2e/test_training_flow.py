"""One training course from creation to certificate, through the pages: the town cadre (desktop)
creates a course with the guided form (an incomplete form is refused first), adds a session that
began 90 minutes ago and ended half an hour ago (so its QR check-in is still open and the course can
be finished) and opens enrolment; the union's chair enrols two of its members on the union enrol
page; member1 opens the check-in link of the session page on a 390 px phone and is checked in; the
cadre records the other trainee on the attendance list, enters the scores, finishes the course
(completion is decided), issues the certificates and opens the PDF; the public verification page,
signed out, shows the certificate valid with the holder's name masked, then revoked."""

import datetime
from urllib.parse import urlsplit

import pytest
from django.utils import timezone

from gonghui.core.testing.factories import Tree
from gonghui.members.models import Person
from gonghui.training.models import Certificate, Course, CourseStatus, Enrolment
from gonghui.training.models.attendance import AttendanceStatus, CertificateStatus
from gonghui.training.models.enrolment import EnrolmentStatus

from .pages import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def local(dt):
    return timezone.localtime(dt).strftime("%Y-%m-%dT%H:%M")


def path_of(url):
    """The link shown on the page carries SITE_URL's host; the live server has its own."""
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def submit(page, form):
    with page.expect_navigation():
        page.locator(form).locator("button[type=submit]").first.click()


def step(page, title):
    """Click the button of a step card of the course page (its aria-label is the step's title)."""
    submit(page, f'section[aria-label="{title}"] form')


def switch(page, username):
    page.context.clear_cookies()
    sign_in(page, username)


def test_course_to_certificate(page_for, tour_screenshots):
    tree = Tree()
    wang = tree.member(tree.union1, name="王建国").person
    li = tree.member(tree.union1, name="李秀英").person
    Person.objects.filter(pk=wang.pk).update(account=tree.member_user)  # member1 is 王建国
    now = timezone.now().replace(second=0, microsecond=0)
    starts, ends = now - datetime.timedelta(minutes=90), now - datetime.timedelta(minutes=30)
    year = timezone.localtime(starts).year

    # The town cadre: the guided form (organiser first), an incomplete form refused, then created.
    desk = page_for(1280)
    sign_in(desk, "town1")
    desk.goto("/training/courses/new/")
    if desk.locator(f'a.list-group-item:has-text("{tree.town1.name}")').count():
        with desk.expect_navigation():
            desk.click(f'a.list-group-item:has-text("{tree.town1.name}")')
    assert tree.town1.name in desk.locator("main").inner_text()
    desk.fill("input[name=title]", "2026年数控车工技能提升班")
    desk.select_option("select[name=programme]", "SKILLS")
    desk.fill("input[name=year]", str(year))
    desk.check("input[name=mode][value=COMMISSIONED]")
    desk.fill("input[name=capacity]", "10")
    submit(desk, "main form[method=post]")  # no provider named for a commissioned class
    assert not Course.objects.exists()
    assert "委托办班须填写受委托机构" in desk.locator("main").inner_text()  # the field and the reason
    desk.fill("input[name=provider]", "萧山技师学院")
    desk.fill("input[name=pass_mark]", "60")
    submit(desk, "main form[method=post]")
    course = Course.objects.get()
    assert desk.url.endswith(f"/training/courses/{course.pk}/")
    assert course.code in desk.locator("main").inner_text()

    # A session that began 90 minutes ago, then enrolment is opened.
    desk.fill("input[name=session-title]", "数控编程基础")
    desk.fill("input[name=session-starts_at]", local(starts))
    desk.fill("input[name=session-ends_at]", local(ends))
    desk.fill("input[name=session-place]", "二楼实训室")
    step(desk, "添加课次")
    assert course.sessions.count() == 1 and "数控编程基础" in desk.locator("main").inner_text()
    step(desk, "开放报名")
    assert "已开放报名" in desk.locator(".alert").first.inner_text()
    course.refresh_from_db()
    assert course.status == CourseStatus.OPEN
    session = course.sessions.get()

    # The union's chair enrols both members (the chair's one union is taken directly).
    union = page_for(1280)
    sign_in(union, "union1")
    union.goto(f"/training/enrolments/new/?course={course.pk}")
    union.check(f"input[name=people][value='{wang.pk}']")
    union.check(f"input[name=people][value='{li.pk}']")
    submit(union, "form:has(input[name=people])")
    seats = Enrolment.objects.filter(course=course, status=EnrolmentStatus.ENROLLED)
    assert set(seats.values_list("person_id", flat=True)) == {wang.pk, li.pk}
    assert union.locator(".alert-success").count() == 1

    # The check-in link of the session page (under the QR code), opened on member1's phone.
    desk.goto(f"/training/attendance/sessions/{session.pk}/")
    assert desk.locator("section[aria-labelledby=qr-title] svg").count() == 1
    link = desk.locator("section[aria-labelledby=qr-title] a").first.inner_text().strip()
    assert "/training/checkin/" in link and "?t=" in link
    phone = page_for(390)
    sign_in(phone, "member1")
    phone.goto(path_of(link))
    assert "签到成功" in phone.locator("main").inner_text()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 391
    if tour_screenshots:
        phone.screenshot(path=str(tour_screenshots / "training-checkin-390.png"), full_page=True)
    mark = session.attendances.get()
    assert mark.enrolment.person_id == wang.pk and mark.status in (AttendanceStatus.PRESENT, AttendanceStatus.LATE)

    # The cadre records the other trainee on the list, enters scores, finishes the course.
    seat = {e.person_id: e for e in seats}
    desk.reload()
    desk.check(f"input[name=status_{seat[li.pk].pk}][value=PRESENT]")
    submit(desk, "form:has(input[type=radio])")
    assert "考勤已保存" in desk.locator(".alert-success").first.inner_text()
    assert session.attendances.count() == 2
    desk.goto(f"/training/attendance/courses/{course.pk}/scores/")
    desk.fill(f"input[name=score_{seat[wang.pk].pk}]", "101")  # out of range: nothing saved
    desk.fill(f"input[name=score_{seat[li.pk].pk}]", "78")
    submit(desk, "main form[method=post]")
    assert desk.locator(".alert-danger").count() == 1
    assert not Enrolment.objects.filter(course=course, assessment_score__isnull=False).exists()
    desk.fill(f"input[name=score_{seat[wang.pk].pk}]", "92.5")
    submit(desk, "main form[method=post]")
    assert "成绩已保存" in desk.locator(".alert-success").first.inner_text()
    desk.goto(f"/training/courses/{course.pk}/")
    step(desk, "课程结业")
    course.refresh_from_db()
    assert course.status == CourseStatus.FINISHED
    assert set(Enrolment.objects.filter(course=course).values_list("status", flat=True)) == {EnrolmentStatus.COMPLETED}

    # Certificates: issued from the course page, then the holder's one and its PDF.
    submit(desk, f"form[action='/training/attendance/courses/{course.pk}/certificates/']")
    assert Certificate.objects.filter(enrolment__course=course).count() == 2
    cert = Certificate.objects.get(enrolment=seat[wang.pk])
    desk.goto(f"/training/certificates/?course={course.pk}")
    with desk.expect_navigation():
        desk.click(f"a:has-text('{cert.number}')")
    assert "王建国" in desk.locator("main").inner_text()
    pdf = desk.context.request.get(desk.locator("a:has-text('PDF')").first.get_attribute("href"))
    assert pdf.ok and pdf.headers["content-type"].startswith("application/pdf")
    assert pdf.body().startswith(b"%PDF")
    verify = path_of(desk.locator("dd a[href*='/training/verify/']").first.inner_text().strip())

    # Anyone, signed out, verifies the code: valid, the holder masked.
    public = page_for(390)
    public.goto(verify)
    text = public.locator("main").inner_text()
    assert "该证书真实有效" in text and "王*国" in text and "王建国" not in text
    assert "2026年数控车工技能提升班" in text and cert.number in text
    assert public.evaluate("document.documentElement.scrollWidth") <= 391
    if tour_screenshots:
        public.screenshot(path=str(tour_screenshots / "training-verify-390.png"), full_page=True)

    # The cadre revokes it; the public page then says so.
    desk.fill("section[aria-labelledby=revoke-title] [name=reason]", "培训记录有误，重新核查")
    submit(desk, "section[aria-labelledby=revoke-title] form")
    cert.refresh_from_db()
    assert cert.status == CertificateStatus.REVOKED
    public.goto(verify)
    text = public.locator("main").inner_text()
    assert "已被撤销" in text and "该证书真实有效" not in text and "王" not in text
