"""Training metrics (reports.metrics.training) on known records: courses offered, trainees who
took part (once per union), certificates, 名师带徒 pairs started and passed — other years, drafts,
cancelled courses, waiting lists, no-shows and revoked certificates left out, the holding org
right, drill links that open, a fixed number of queries."""

import datetime
from urllib.parse import parse_qs, urlparse

import pytest

from gonghui.reports import metrics
from gonghui.reports.metrics import training
from gonghui.training.models import (
    AssessmentResult,
    AttendanceStatus,
    Certificate,
    CertificateStatus,
    CourseStatus,
    EnrolmentStatus,
    Mentorship,
    MentorshipAssessment,
    MentorshipStatus,
)
from gonghui.training.testing.stats import attend, certify, course, enrol, session

pytestmark = pytest.mark.django_db

YEAR = 2025
END = datetime.date(YEAR, 12, 31)


def values(year=YEAR, as_of=END):
    out = {}
    for org_id, code, value in training.provide(year, as_of):
        assert (org_id, code) not in out, "one value per org and metric"
        out[org_id, code] = value
    return out


def of(vals, org):
    return {code.removeprefix("training."): v for (org_id, code), v in vals.items() if org_id == org.pk}


def pair(tree, union, *, starts_on, status=MentorshipStatus.ACTIVE, passed_on=None, result=AssessmentResult.PASS):
    m = Mentorship.objects.create(org=union, town=union.town(), master_name="王师傅",
                                  master_person=tree.member(union=union).person,
                                  apprentice=tree.member(union=union).person, trade="数控车工", starts_on=starts_on,
                                  ends_on=starts_on.replace(year=starts_on.year + 1), goals="出师",
                                  target_skill_level="LEVEL4", status=status)
    if passed_on:
        MentorshipAssessment.objects.create(mentorship=m, assessed_on=passed_on, result=result, score=80,
                                            skill_level_before="NONE")
    return m


@pytest.fixture
def data(tree):
    """town1 runs a course of the year with two sessions (one cancelled); union1 runs another;
    union2's course is of the year before; a draft and a cancelled course of the year."""
    d = type("Data", (), {})()
    d.town_course = course(tree.town1, year=YEAR)
    s1, cancelled = session(d.town_course, 3), session(d.town_course, 3, is_cancelled=True)
    d.union_course = course(tree.union1, year=YEAR, status=CourseStatus.OPEN)
    s2 = session(d.union_course, 2)
    old = course(tree.union2, year=YEAR - 1)
    s_old = session(old, 2)
    course(tree.town1, year=YEAR, status=CourseStatus.DRAFT)
    gone = course(tree.town1, year=YEAR, status=CourseStatus.CANCELLED)
    people = [tree.member(union=tree.union1).person for _ in range(4)] + [tree.member(union=tree.union2).person]
    a, b, c, d_, e = people
    # a: attended both courses of the year (union1) — one trainee, not two
    attend(enrol(d.town_course, a, tree.union1), s1)
    certify(enrol(d.union_course, a, tree.union1, status=EnrolmentStatus.COMPLETED))
    # b: completed without an attendance mark (decided by hand): a trainee
    enrol(d.town_course, b, tree.union1, status=EnrolmentStatus.COMPLETED)
    # c: a seat but only absent, or present at a cancelled session: not a trainee
    x = enrol(d.town_course, c, tree.union1)
    attend(x, s1, AttendanceStatus.ABSENT)
    attend(x, cancelled)
    # d_: waiting list, a late mark cannot make a waitlisted person a trainee; then cancelled course
    attend(enrol(d.union_course, d_, tree.union1, status=EnrolmentStatus.WAITLISTED), s2, AttendanceStatus.LATE)
    attend(enrol(gone, d_, tree.union1), session(gone, 1))
    # e: union2, attended late in the town's course (held by the trainee's union, not the organiser),
    #    and attended last year's course
    attend(enrol(d.town_course, e, tree.union2), s1, AttendanceStatus.LATE)
    attend(enrol(old, e, tree.union2), s_old)
    # a revoked certificate; a certificate of an enrolment without a union (held by the organiser)
    certify(enrol(d.town_course, tree.member(union=tree.union1b).person, tree.union1b,
                  status=EnrolmentStatus.COMPLETED), status=CertificateStatus.REVOKED)
    certify(enrol(d.town_course, tree.member(union=tree.union1b).person, None, status=EnrolmentStatus.COMPLETED))
    Certificate.objects.update(issued_on=datetime.date(YEAR, 6, 1))  # certify() issues today
    return d


def test_courses_trainees_and_certificates_of_the_year(tree, data):
    v = values()
    assert of(v, tree.town1) == {"courses": 1, "trainees": 1, "certificates": 1}  # the trainee without a union
    assert of(v, tree.union1) == {"courses": 1, "trainees": 2, "certificates": 1}  # a (twice) and b
    assert of(v, tree.union2) == {"trainees": 1}
    assert of(v, tree.union1b) == {"trainees": 1}  # completed; its certificate was revoked


def test_other_years(tree, data):
    assert of(values(YEAR - 1, datetime.date(YEAR - 1, 12, 31)), tree.union2) == {"courses": 1, "trainees": 1}


def test_certificates_count_in_the_year_issued(tree, data):
    assert sum(n for (_o, code), n in values().items() if code == "training.certificates") == 2
    assert sum(n for (_o, code), n in values(as_of=datetime.date(YEAR, 5, 31)).items()
               if code == "training.certificates") == 0
    Certificate.objects.update(issued_on=datetime.date(YEAR + 1, 1, 2))
    assert not [code for (_o, code) in values() if code == "training.certificates"]


def test_pairs_started_and_passed(tree):
    pair(tree, tree.union1, starts_on=datetime.date(YEAR, 3, 1))
    pair(tree, tree.union1, starts_on=datetime.date(YEAR, 9, 1), status=MentorshipStatus.ENDED)  # ended early
    pair(tree, tree.union2, starts_on=datetime.date(YEAR - 1, 5, 1), status=MentorshipStatus.COMPLETED,
         passed_on=datetime.date(YEAR, 5, 2))
    pair(tree, tree.union2, starts_on=datetime.date(YEAR - 1, 6, 1), status=MentorshipStatus.COMPLETED,
         passed_on=datetime.date(YEAR, 6, 2), result=AssessmentResult.FAIL)
    pair(tree, tree.union1b, starts_on=datetime.date(YEAR - 1, 1, 1), status=MentorshipStatus.COMPLETED,
         passed_on=datetime.date(YEAR - 1, 12, 30))
    v = values()
    assert of(v, tree.union1) == {"mentorships": 2}
    assert of(v, tree.union2) == {"mentorships_passed": 1}
    assert of(v, tree.union1b) == {}
    assert of(values(as_of=datetime.date(YEAR, 5, 1)), tree.union1) == {"mentorships": 1}  # September not yet
    assert of(values(YEAR - 1, datetime.date(YEAR - 1, 12, 31)), tree.union2) == {"mentorships": 2}


def test_a_fixed_number_of_queries(tree, data, django_assert_num_queries):
    with django_assert_num_queries(5):
        list(training.provide(YEAR, END))


def test_the_contract_codes_are_registered():
    codes = {m.code for m in metrics.all_metrics() if m.section == "training"}
    assert {"training.courses", "training.trainees", "training.certificates", "training.mentorships"} <= codes


@pytest.mark.parametrize("code", ["training.courses", "training.trainees", "training.certificates",
                                  "training.mentorships", "training.mentorships_passed"])
def test_drill_links_open_their_list(tree, data, client, code):
    client.force_login(tree.town1_cadre)
    url = metrics.metric(code).drill(tree.town1, YEAR)
    query = parse_qs(urlparse(url).query)
    if code != "training.certificates":  # the certificate list has no org filter
        assert query["org"] == [str(tree.town1.pk)]
    assert client.get(url).status_code == 200


def test_the_enrolment_drill_lists_the_trainees_seats(tree, data, client):
    client.force_login(tree.district_staff)
    response = client.get(metrics.metric("training.trainees").drill(tree.union2, YEAR))
    assert [e.person_id for e in response.context["page"].items] == [
        e.person_id for e in data.town_course.enrolments.filter(union=tree.union2)]
