"""The pages of terms, rolls and sessions: scope (404 outside), rights (403 without), forms that
refuse bad input with the reason and save nothing, query counts that do not grow, exports."""

import datetime

import pytest
from django.urls import reverse
from django.utils import translation

from gonghui.congress.models import AgendaItem, BodyKind, CongressBody, Delegate, Session, SessionStatus
from gonghui.congress.testing import congress_body, delegates, session
from gonghui.core.models import AuditEvent
from gonghui.core.testing.factories import EnterpriseFactory

D = datetime.date
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def own(tree):
    body = congress_body(org=tree.union1, headcount=150)
    delegates(body, count=30, managers=6, substitutes=2)
    return body


@pytest.fixture
def other(tree):
    body = congress_body(org=tree.union2, headcount=150)
    delegates(body, count=30)
    return body


@pytest.fixture
def own_session(own):
    s = session(own, planned_on=D(2026, 3, 20), papers_sent_on=D(2026, 3, 10))
    AgendaItem.objects.create(session=s, position=1, kind="WORK_REPORT", title="工作报告")
    return s


PAGES = {
    "body_list": lambda b, s: reverse("congress:body_list"),
    "session_list": lambda b, s: reverse("congress:session_list"),
    "body_detail": lambda b, s: reverse("congress:body_detail", args=[b.pk]),
    "session_detail": lambda b, s: reverse("congress:session_detail", args=[s.pk]),
    "delegate_add": lambda b, s: reverse("congress:delegate_add", args=[b.pk]),
    "session_create": lambda b, s: reverse("congress:session_create", args=[b.pk]),
    "held": lambda b, s: reverse("congress:session_step", args=[s.pk, "held"]),
    "body_next": lambda b, s: reverse("congress:body_next", args=[b.pk]),
    "body_end": lambda b, s: reverse("congress:body_end", args=[b.pk]),
    "delegate_bulk": lambda b, s: reverse("congress:delegate_bulk", args=[b.pk]),
    "delegate_edit": lambda b, s: reverse("congress:delegate_edit", args=[b.delegates.first().pk]),
    "delegate_end": lambda b, s: reverse("congress:delegate_end", args=[b.delegates.first().pk]),
    "session_votes": lambda b, s: reverse("congress:session_step", args=[s.pk, "papers"]),
    "agenda_edit": lambda b, s: reverse("congress:agenda_edit", args=[s.agenda_items.first().pk]),
}
READ_ONLY = {"body_list", "session_list", "body_detail", "session_detail"}


@pytest.mark.parametrize("page", list(PAGES))
@pytest.mark.parametrize("role", ["district_staff", "town1_cadre", "union1_chair", "union1_staff", "union2_chair",
                                  "town2_cadre", "member_user", "outsider"])
def test_page_matrix(client, tree, own, own_session, role, page):
    client.force_login(getattr(tree, role))
    response = client.get(PAGES[page](own, own_session))
    in_scope = role in {"district_staff", "town1_cadre", "union1_chair", "union1_staff"}
    if role in {"member_user", "outsider"}:
        expected = 403 if page in {"body_list", "session_list"} else 404  # no reach at all: nothing is found
    elif page in {"body_list", "session_list"}:
        expected = 200
    else:
        expected = 200 if in_scope else 404
    assert response.status_code == expected, (role, page)


def test_body_detail_shows_quota_roll_and_history(client, tree, own):
    client.force_login(tree.union1_chair)
    Delegate.objects.filter(body=own, category="FRONT_LINE").first().delete()
    response = client.get(reverse("congress:body_detail", args=[own.pk]))
    text = response.content.decode()
    assert "1 under the quota" in text
    assert "Managers: 6 of 29; at most 5 (20%) allowed." in text  # a delegate left: flagged
    assert 'id="history-title"' in text


def test_constitute_through_the_page(client, tree):
    client.force_login(tree.union1_chair)
    url = reverse("congress:body_create")
    assert tree.enterprise1.name in client.get(url).content.decode()
    page = client.get(url, {"enterprise": tree.enterprise1.pk}).content.decode()
    assert "Workers&#x27; congress" in page or "Workers' congress" in page
    bad = client.post(url, {"enterprise": tree.enterprise1.pk, "headcount": 120, "term_starts_on": "2026-01-05",
                            "term_years": 6})
    assert bad.status_code == 200 and not CongressBody.objects.exists()
    ok = client.post(url, {"enterprise": tree.enterprise1.pk, "headcount": 120, "term_starts_on": "2026-01-05",
                           "term_years": 3})
    body = CongressBody.objects.get()
    assert ok.status_code == 302 and (body.kind, body.delegate_quota) == (BodyKind.CONGRESS, 30)
    again = client.post(url, {"enterprise": tree.enterprise1.pk, "headcount": 120, "term_starts_on": "2026-02-05",
                              "term_years": 3})
    assert "already has a congress in its current term" in again.content.decode()
    # Another union's enterprise: 404, nothing created.
    assert client.get(url, {"enterprise": tree.enterprise2.pk}).status_code == 404


def test_preview_shows_form_and_quota(client, tree):
    client.force_login(tree.union1_chair)
    text = client.get(reverse("congress:body_preview"), {"headcount": 3001}).content.decode()
    assert "Delegate quota: 175." in text
    text = client.get(reverse("congress:body_preview"), {"headcount": 99}).content.decode()
    assert "All-staff meeting" in text


def test_add_delegate_refused_with_numbers(client, tree, own):
    client.force_login(tree.union1_chair)
    url = reverse("congress:delegate_add", args=[own.pk])
    response = client.post(url, {"name": "新经理", "category": "MANAGER", "elected_on": "2025-01-10"})
    assert "Managers would be 7 of 31 delegates; at most 6" in response.content.decode()
    assert Delegate.objects.filter(body=own).count() == 32
    member = tree.member(name="林小红")
    found = client.get(url, {"member_q": "林小"}).content.decode()
    assert "林小红" in found
    ok = client.post(url, {"member_q": "林小", "person": member.person_id, "category": "FRONT_LINE",
                           "elected_on": "2025-01-10"})
    assert ok.status_code == 302
    assert Delegate.objects.get(person=member.person).name == "林小红"


def test_session_flow_through_the_pages(client, tree, own, own_session):
    client.force_login(tree.union1_chair)
    step = lambda name: reverse("congress:session_step", args=[own_session.pk, name])  # noqa: E731
    r = client.post(step("held"), {"held_on": "2026-03-20", "present": 19})
    assert "19 of 30 present; at least 20" in r.content.decode()
    r = client.post(step("held"), {"held_on": "2026-03-20", "present": 25, "resolutions": "通过"})
    assert r.status_code == 302
    item = own_session.agenda_items.get()
    votes = reverse("congress:session_votes", args=[own_session.pk])
    r = client.post(votes, {f"for_{item.pk}": 15, f"against_{item.pk}": 5, f"abstain_{item.pk}": 5})
    assert r.status_code == 302
    item.refresh_from_db()
    assert item.passed is False  # 15 of 30 entitled is not more than half
    r = client.post(step("reported"), {"reported_on": "2026-03-25"})
    assert r.status_code == 302
    own_session.refresh_from_db()
    assert own_session.status == SessionStatus.REPORTED
    # A step the status no longer allows: back to the detail with a warning, nothing changed.
    r = client.post(step("cancel"), {"reason": "x"})
    assert r.status_code == 302
    own_session.refresh_from_db()
    assert own_session.status == SessionStatus.REPORTED
    detail = client.get(reverse("congress:session_detail", args=[own_session.pk])).content.decode()
    assert "Session reported to the upper union" in detail  # the history names the action


def test_agenda_through_the_pages(client, tree, own_session):
    client.force_login(tree.union1_chair)
    add = reverse("congress:agenda_add", args=[own_session.pk])
    client.post(add, {"kind": "RULES", "title": "考勤制度", "requires_vote": "on"})
    second = own_session.agenda_items.get(position=2)
    client.post(reverse("congress:agenda_move", args=[second.pk, "up"]))
    assert own_session.agenda_items.get(position=1).title == "考勤制度"
    client.post(reverse("congress:agenda_remove", args=[second.pk]))
    assert list(own_session.agenda_items.values_list("title", "position")) == [("工作报告", 1)]
    client.force_login(tree.union2_chair)
    item = own_session.agenda_items.get()
    assert client.post(reverse("congress:agenda_remove", args=[item.pk])).status_code == 404


def test_list_filters(client, tree, own, other):
    client.force_login(tree.district_staff)
    page = client.get(reverse("congress:body_list"), {"org": tree.town1.pk}).context["page"]
    assert [b.pk for b in page.items] == [own.pk]
    page = client.get(reverse("congress:body_list"), {"q": tree.enterprise2.name[:6] + "x"}).context["page"]
    assert page.items == []
    page = client.get(reverse("congress:body_list"), {"ending_within": 30}).context["page"]
    assert [b.pk for b in page.items] == []  # both terms end 2028-01-09
    page = client.get(reverse("congress:body_list"), {"ending_within": 800}).context["page"]
    assert {b.pk for b in page.items} == {own.pk, other.pk}


def test_body_list_query_count_does_not_grow(client, tree, own, django_assert_max_num_queries):
    client.force_login(tree.district_staff)
    with django_assert_max_num_queries(20) as few:
        client.get(reverse("congress:body_list"))
    for _ in range(6):
        enterprise = EnterpriseFactory(town=tree.town2, union=tree.union2)
        body = congress_body(org=tree.union2, enterprise=enterprise, headcount=300)
        delegates(body, count=5)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("congress:body_list"))
    assert len(response.context["page"].items) == 7


def test_session_list_query_count_does_not_grow(client, tree, own, django_assert_max_num_queries):
    client.force_login(tree.district_staff)
    session(own, number=1)
    with django_assert_max_num_queries(20) as few:
        client.get(reverse("congress:session_list"))
    for n in range(2, 8):
        session(own, number=n)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("congress:session_list"))
    assert len(response.context["page"].items) == 7


def test_body_detail_query_count_does_not_grow(client, tree, own, django_assert_max_num_queries):
    client.force_login(tree.union1_chair)
    with django_assert_max_num_queries(40) as few:
        client.get(reverse("congress:body_detail", args=[own.pk]))
    delegates(own, count=10, managers=0, group="第二代表团")
    for n in range(1, 4):
        session(own, number=n)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("congress:body_detail", args=[own.pk]))


def test_exports_are_scoped_and_audited(client, tree, own, other, own_session):
    from io import BytesIO

    from openpyxl import load_workbook

    client.force_login(tree.town1_cadre)
    response = client.get(reverse("congress:body_export"))
    assert response.status_code == 200
    rows = list(load_workbook(BytesIO(b"".join(response.streaming_content))).active.iter_rows(values_only=True))
    assert len(rows) == 2 and rows[1][0] == own.enterprise.name
    response = client.get(reverse("congress:session_export"))
    rows = list(load_workbook(BytesIO(b"".join(response.streaming_content))).active.iter_rows(values_only=True))
    assert len(rows) == 2 and rows[1][4] == own_session.title
    assert AuditEvent.objects.filter(action="congress.export").count() == 2
    assert client.get(reverse("congress:body_export"), {"org": tree.town2.pk}).status_code == 404
    client.force_login(tree.member_user)
    assert client.get(reverse("congress:session_export")).status_code == 403


def test_due_summary_counts_overdue_reports(tree, own_session):
    from gonghui.congress.selectors.bodies import due_summary

    Session.objects.filter(pk=own_session.pk).update(
        status=SessionStatus.HELD, held_on=D(2026, 3, 20), entitled=30, present=25, report_due_on=D(2026, 3, 31))
    summary = due_summary(tree.town1_cadre)
    assert (summary.overdue, summary.soon) == (1, 0)
    assert due_summary(tree.town2_cadre).overdue == 0
