"""The attendance and certificate API: list entry all or nothing, check-in, scores, completion,
issuing, the scoped certificate list (fixed query count), revoking, public verification."""

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from gonghui.core.testing.api import api_as
from gonghui.training.models import Attendance, Certificate, CourseStatus, EnrolmentStatus
from gonghui.training.services import attendance as services
from gonghui.training.testing import attendance as build

pytestmark = pytest.mark.django_db


def test_attendance_scores_completion_and_issue_through_the_api(tree):
    c = build.course(tree, status=CourseStatus.FINISHED)
    s = build.session(c, days_ago=2)
    a, b = build.trainee(tree, c), build.trainee(tree, c)
    api = api_as(tree.town1_cadre)
    url = f"/course-sessions/{s.pk}/attendance"
    r = api.post(url, {"rows": [{"enrolment": a.pk, "status": "PRESENT"}, {"enrolment": 999999, "status": "PRESENT"}]})
    assert r.status_code == 400 and r.json()["code"] == "invalid_rows" and "999999" in r.json()["message"]
    assert api.post(url, {"rows": [{"enrolment": a.pk, "status": "MAYBE"}]}).status_code == 422
    assert api.post(url, {"rows": []}).status_code == 422
    assert not Attendance.objects.exists()
    r = api.post(url, {"rows": [{"enrolment": a.pk, "status": "PRESENT"}, {"enrolment": b.pk, "status": "ABSENT"}]})
    assert r.status_code == 200 and r.json()["written"] == 2
    sheet = api.get(url).json()
    assert {(x["enrolment"], x["status"]) for x in sheet["rows"]} == {(a.pk, "PRESENT"), (b.pk, "ABSENT")}
    assert api_as(tree.town2_cadre).get(url).status_code == 404
    r = api.post(f"/courses/{c.pk}/scores", {"rows": [{"enrolment": a.pk, "score": "150"}]})
    assert r.status_code == 400 and r.json()["code"] == "invalid_rows"
    assert api.post(f"/courses/{c.pk}/scores", {"rows": [{"enrolment": a.pk, "score": "75"},
                                                         {"enrolment": b.pk, "score": "90"}]}).status_code == 200
    r = api.post(f"/courses/{c.pk}/completion")
    assert r.status_code == 200 and r.json() == {"completed": 1, "not_completed": 1}
    r = api.post(f"/courses/{c.pk}/certificates")
    assert r.status_code == 201 and [x["holder_name"] for x in r.json()["items"]] == [a.person.name]
    assert api.post(f"/courses/{c.pk}/certificates").status_code == 400
    # out of scope: 404, whatever the action
    other = api_as(tree.town2_cadre)
    assert other.post(url, {"rows": [{"enrolment": a.pk, "status": "ABSENT"}]}).status_code == 404
    assert other.post(f"/courses/{c.pk}/completion").status_code == 404


def test_check_in_through_the_api(tree):
    c = build.course(tree)
    s = build.session(c)
    e = build.trainee(tree, c)
    e.person.account = tree.member_user
    e.person.save(update_fields=["account"])
    api = api_as(tree.member_user)
    r = api.post(f"/course-sessions/{s.pk}/check-in", {"token": "forged"})
    assert r.status_code == 400 and r.json()["code"] == "invalid_token"
    r = api.post(f"/course-sessions/{s.pk}/check-in", {"token": services.checkin_token(s)})
    assert r.status_code == 200 and r.json()["enrolment"] == e.pk and not r.json()["already"]
    assert api.post(f"/course-sessions/{s.pk}/check-in",
                    {"token": services.checkin_token(s)}).json()["already"] is True


def test_certificate_list_is_scoped_and_its_queries_do_not_grow(tree, django_assert_max_num_queries):
    _c, _e, cert = build.finished_course_with_certificate(tree)
    api = api_as(tree.district_staff)
    api.get("/certificates")
    with django_assert_max_num_queries(10) as few:
        body = api.get("/certificates").json()
    assert body["count"] == 1
    for _ in range(3):
        build.finished_course_with_certificate(tree)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert api.get("/certificates").json()["count"] == 4
    assert api.get("/certificates", {"status": "REVOKED"}).json()["count"] == 0
    assert api.get("/certificates", {"status": "NOPE"}).status_code == 422
    assert api_as(tree.town2_cadre).get("/certificates").json()["count"] == 0
    assert api_as(tree.town2_cadre).get(f"/certificates/{cert.pk}").status_code == 404
    detail = api.get(f"/certificates/{cert.pk}").json()
    assert detail["code"] == services.display_code(cert.code) and detail["verify_url"].endswith("/")


def test_revoke_and_verify_through_the_api(tree):
    _c, _e, cert = build.finished_course_with_certificate(tree)
    public = api_as(None)
    code = services.display_code(cert.code)
    body = public.get(f"/certificates/verify/{code}").json()
    assert body["result"] == "valid" and body["holder"] == services.mask_name(cert.holder_name)
    tampered = cert.code[:5] + ("Z" if cert.code[5] != "Z" else "Y") + cert.code[6:]
    assert public.get(f"/certificates/verify/{tampered}").json() == {
        "result": "invalid", "holder": None, "course_title": None, "organiser_name": None, "hours": None,
        "issued_on": None, "number": None, "revoked_on": None}
    assert api_as(tree.union1_chair).post(f"/certificates/{cert.pk}/revoke", {"reason": "x"}).status_code == 403
    assert api_as(tree.town1_cadre).post(f"/certificates/{cert.pk}/revoke", {"reason": ""}).status_code in (400, 422)
    r = api_as(tree.town1_cadre).post(f"/certificates/{cert.pk}/revoke", {"reason": "发证有误"})
    assert r.status_code == 200 and r.json()["status"] == "REVOKED"
    assert api_as(tree.town1_cadre).post(f"/certificates/{cert.pk}/revoke",
                                         {"reason": "again"}).status_code == 409
    body = public.get(f"/certificates/verify/{code}").json()
    assert body["result"] == "revoked" and body["holder"] is None
    assert Certificate.objects.get().enrolment.status == EnrolmentStatus.COMPLETED
    assert Decimal(str(api_as(tree.district_staff).get(f"/certificates/{cert.pk}").json()["hours"])) == cert.hours


def test_certificates_are_listed_by_issue_date_and_paged_without_gaps(tree):
    import datetime

    certs = [build.finished_course_with_certificate(tree)[2] for _ in range(5)]
    # issued out of id order: the list follows the date, newest first, ties newest id first
    days = [3, 1, 5, 1, 2]
    day = datetime.date(2026, 6, 10)
    for cert, days_ago in zip(certs, days, strict=True):
        Certificate.objects.filter(pk=cert.pk).update(issued_on=day - datetime.timedelta(days_ago))
    expected = [c.pk for d, c in sorted(zip(days, certs, strict=True), key=lambda dc: (dc[0], -dc[1].pk))]
    api = api_as(tree.district_staff)
    seen, after = [], None
    while True:
        body = api.get("/certificates", {"limit": 2, **({"after": after} if after else {})}).json()
        seen += [x["id"] for x in body["items"]]
        after = body["next_after"]
        if after is None:
            break
    assert seen == expected and body["count"] == 5
    page = Client()
    page.force_login(tree.district_staff)
    html = page.get(reverse("training:certificate_list")).content.decode()
    positions = [html.index(Certificate.objects.get(pk=pk).number) for pk in expected]
    assert positions == sorted(positions)
    # an id outside the caller's scope is no cursor: town2 sees nothing either way
    assert api_as(tree.town2_cadre).get("/certificates", {"after": expected[0]}).json()["items"] == []


def test_a_page_of_few_certificates_is_cut_from_the_count(tree, settings, django_assert_num_queries):
    """Below the count cap the capped count holds every match with its date: the page is cut from
    them (one scoped pass and the rows), the same pages, order and cursor rule as the SQL path the
    capped lists take."""
    import datetime

    from gonghui.training.selectors import attendance as selectors

    certs = [build.finished_course_with_certificate(tree)[2] for _ in range(5)]
    day = datetime.date(2026, 6, 10)
    for cert, days_ago in zip(certs, [3, 1, 5, 1, 2], strict=True):
        Certificate.objects.filter(pk=cert.pk).update(issued_on=day - datetime.timedelta(days_ago))
    user, f = tree.district_staff, selectors.CertificateFilters()

    def walk():
        pages, after = [], None
        while True:
            page = selectors.certificate_page(user, f, after=after, size=2)
            pages.append(([row.pk for row in page.items], page.next_after, page.has_previous, page.count))
            if page.next_after is None:
                return pages
            after = page.next_after

    cut = walk()  # (the user's roles are read once, then cached on the user)
    with django_assert_num_queries(2):  # the capped count (keys and dates), the rows
        selectors.certificate_page(user, f, size=2)
    settings.LIST_COUNT_CAP = 3  # capped: the ordered keys and the cursor come from SQL
    by_sql = walk()
    assert [p[:3] for p in cut] == [p[:3] for p in by_sql] and len(cut) == 3
    assert cut[0][3] == 5 and by_sql[0][3] == 3
    settings.LIST_COUNT_CAP = 1000
    foreign = selectors.certificate_page(tree.town2_cadre, f, after=certs[0].pk)
    assert foreign.items == [] and not foreign.has_previous
    mine = selectors.certificate_page(tree.town1_cadre, f, after=10**9)  # no such row: the first page
    assert len(mine.items) == 5 and not mine.has_previous
