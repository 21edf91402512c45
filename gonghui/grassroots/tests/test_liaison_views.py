"""The liaison pages: lists with filters and pagination, logging a visit (guided: enterprise
first, specific errors, nothing saved on bad input), follow-ups, bulk assign, the coverage
report, the Excel exports, scope (404 / 403) and query counts that do not grow with rows."""

import datetime
import io

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from gonghui.core.models import AuditEvent
from gonghui.core.testing.factories import EnterpriseFactory
from gonghui.grassroots.models.liaison import FollowUpStatus, LiaisonAssignment, LiaisonFollowUp, LiaisonVisit
from gonghui.grassroots.services.liaison import today
from gonghui.grassroots.testing.liaison import assignment, follow_up, visit

pytestmark = pytest.mark.django_db
TODAY = today()
DAY = datetime.timedelta(days=1)


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def client():
    return Client(headers={"Accept-Language": "en"})


def _login(client, user):
    client.force_login(user)
    return client


def _xlsx(response):
    return list(load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True).worksheets[0].values)


def test_visit_list_filters_and_shows_topics(client, tree):
    v1 = visit(tree.enterprise1, TODAY - DAY, topics=("WAGES", "SAFETY"), problems="工资拖欠")
    follow_up(v1, TODAY - DAY)
    visit(tree.enterprise2, TODAY, topics=("CONGRESS",))
    _login(client, tree.district_staff)
    page = client.get(reverse("grassroots:liaison_visit_list")).content.decode()
    assert tree.enterprise1.name in page and tree.enterprise2.name in page
    assert "1 overdue" in page
    page = client.get(reverse("grassroots:liaison_visit_list"), {"topic": "SAFETY"}).content.decode()
    assert tree.enterprise1.name in page and tree.enterprise2.name not in page
    page = client.get(reverse("grassroots:liaison_visit_list"), {"org": tree.town2.pk}).content.decode()
    assert tree.enterprise1.name not in page and tree.enterprise2.name in page
    page = client.get(reverse("grassroots:liaison_visit_list"), {"open_follow_ups": "on"}).content.decode()
    assert tree.enterprise1.name in page and tree.enterprise2.name not in page
    # bad filters never 500
    assert client.get(reverse("grassroots:liaison_visit_list"), {"date_from": "x", "org": "abc",
                                                                  "after": "²"}).status_code == 200


def test_chair_sees_visits_to_their_enterprise_only(client, tree):
    mine = visit(tree.enterprise1, TODAY)
    other = visit(tree.enterprise2, TODAY)
    _login(client, tree.union1_chair)
    page = client.get(reverse("grassroots:liaison_visit_list")).content.decode()
    assert tree.enterprise1.name in page and tree.enterprise2.name not in page
    assert "Log a visit" not in page
    assert client.get(reverse("grassroots:liaison_visit_detail", args=[mine.pk])).status_code == 200
    assert client.get(reverse("grassroots:liaison_visit_detail", args=[other.pk])).status_code == 404
    assert client.get(reverse("grassroots:liaison_visit_create")).status_code == 403


def test_log_a_visit_guided(client, tree):
    assignment(tree.enterprise1, cadre=tree.town1_cadre)
    _login(client, tree.town1_cadre)
    pick = client.get(reverse("grassroots:liaison_visit_create")).content.decode()
    assert tree.enterprise1.name in pick  # my liaison points
    found = client.get(reverse("grassroots:liaison_visit_create"), {"q": tree.enterprise2.name}).content.decode()
    assert "No enterprise in your area" in found  # town2's enterprise is not in town1's area
    url = reverse("grassroots:liaison_visit_create")
    assert client.get(url, {"enterprise": tree.enterprise2.pk}).status_code == 404
    form = client.get(url, {"enterprise": tree.enterprise1.pk})
    assert form.status_code == 200 and "Topics" in form.content.decode()
    bad = client.post(url, {"enterprise": tree.enterprise1.pk, "visited_on": (TODAY + DAY).isoformat(),
                            "notes": "x", "follow_up_action": "整改"})
    assert bad.status_code == 400
    text = bad.content.decode()
    assert "Tick at least one topic" in text and "Give the follow-up action a due date" in text
    bad = client.post(url, {"enterprise": tree.enterprise1.pk, "visited_on": (TODAY + DAY).isoformat(),
                            "notes": "x", "topics": ["WAGES"]})
    assert bad.status_code == 400 and "in the future" in bad.content.decode()
    assert not LiaisonVisit.objects.exists()
    ok = client.post(url, {"enterprise": tree.enterprise1.pk, "visited_on": TODAY.isoformat(), "problems": "未建职代会",
                           "topics": ["CONGRESS", "ELECTION"], "follow_up_action": "指导筹备职代会",
                           "follow_up_owner": tree.town1_cadre.pk, "follow_up_due_on": (TODAY + 30 * DAY).isoformat()})
    v = LiaisonVisit.objects.get()
    assert ok.status_code == 302 and ok.url == reverse("grassroots:liaison_visit_detail", args=[v.pk])
    assert v.cadre == tree.town1_cadre and sorted(v.topic_codes) == ["CONGRESS", "ELECTION"]
    assert v.follow_ups.get().owner == tree.town1_cadre


def test_detail_follow_up_add_and_close(client, tree):
    v = visit(tree.enterprise1, TODAY - 5 * DAY, problems="安全隐患")
    _login(client, tree.town1_cadre)
    detail = client.get(reverse("grassroots:liaison_visit_detail", args=[v.pk])).content.decode()
    assert "Add a follow-up action" in detail and "History" in detail
    add = reverse("grassroots:liaison_follow_up_add", args=[v.pk])
    bad = client.post(add, {"action": "复查", "due_on": (TODAY - 6 * DAY).isoformat(), "owner_name": "张三"})
    assert bad.status_code == 400 and "before the visit" in bad.content.decode()
    bad = client.post(add, {"action": "复查", "due_on": TODAY.isoformat()})
    assert bad.status_code == 400 and "type a name" in bad.content.decode()
    assert client.post(add, {"action": "复查", "due_on": TODAY.isoformat(), "owner_name": "张三"}).status_code == 302
    up = LiaisonFollowUp.objects.get()
    close = reverse("grassroots:liaison_follow_up_close", args=[up.pk])
    bad = client.post(close, {f"close{up.pk}-closed_on": TODAY.isoformat(), f"close{up.pk}-note": ""})
    assert bad.status_code == 400
    assert client.post(close, {f"close{up.pk}-closed_on": TODAY.isoformat(),
                               f"close{up.pk}-note": "已整改"}).status_code == 302
    up.refresh_from_db()
    assert up.status == FollowUpStatus.CLOSED
    detail = client.get(reverse("grassroots:liaison_visit_detail", args=[v.pk])).content.decode()
    assert "Follow-up action closed" in detail  # the history names the action


def test_visible_but_not_allowed_is_403(client, tree):
    v = visit(tree.enterprise1, TODAY)
    up = follow_up(v, TODAY)
    _login(client, tree.union1_chair)
    assert client.post(reverse("grassroots:liaison_follow_up_add", args=[v.pk]),
                       {"action": "a", "due_on": TODAY.isoformat(), "owner_name": "x"}).status_code == 403
    assert client.post(reverse("grassroots:liaison_follow_up_close", args=[up.pk]), {}).status_code == 403
    _login(client, tree.town2_cadre)
    assert client.post(reverse("grassroots:liaison_follow_up_close", args=[up.pk]), {}).status_code == 404


def test_follow_up_list_due_filters(client, tree):
    v = visit(tree.enterprise1, TODAY - 30 * DAY)
    follow_up(v, TODAY - DAY, owner_name="逾期人")
    follow_up(v, TODAY + 3 * DAY, owner_name="将到期人")
    follow_up(v, TODAY - 3 * DAY, owner_name="已办结人", status=FollowUpStatus.CLOSED, closed_on=TODAY)
    _login(client, tree.town1_cadre)
    url = reverse("grassroots:liaison_follow_up_list")
    page = client.get(url).content.decode()  # default: open
    assert "逾期人" in page and "将到期人" in page and "已办结人" not in page
    page = client.get(url, {"due": "overdue"}).content.decode()
    assert "逾期人" in page and "将到期人" not in page
    page = client.get(url, {"due": "soon"}).content.decode()
    assert "逾期人" not in page and "将到期人" in page
    page = client.get(url, {"due": "closed"}).content.decode()
    assert "已办结人" in page and "逾期人" not in page
    rows = _xlsx(client.get(reverse("grassroots:liaison_follow_up_export"), {"due": "overdue"}))
    assert len(rows) == 2 and rows[1][5] == "逾期人" and rows[1][6] == "Overdue"
    rows = _xlsx(client.get(reverse("grassroots:liaison_follow_up_export")))  # default: the open ones
    assert {r[5] for r in rows[1:]} == {"逾期人", "将到期人"}


def test_bulk_assign_page(client, tree):
    e2 = EnterpriseFactory(town=tree.town1, top100=True, name="重点企业甲")
    _login(client, tree.town1_cadre)
    url = reverse("grassroots:liaison_assign")
    page = client.get(url, {"top100": "on"}).content.decode()
    assert "重点企业甲" in page and tree.enterprise1.name not in page and tree.enterprise2.name not in page
    bad = client.post(url, {"cadre": tree.town1_cadre.pk, "starts_on": TODAY.isoformat()})
    assert bad.status_code == 400 and "Tick at least one enterprise" in bad.content.decode()
    assert client.post(url, {"cadre": tree.town1_cadre.pk, "starts_on": TODAY.isoformat(),
                             "enterprises": [tree.enterprise2.pk]}).status_code == 404  # not in town1
    ok = client.post(url, {"cadre": tree.town1_cadre.pk, "starts_on": TODAY.isoformat(),
                           "enterprises": [tree.enterprise1.pk, e2.pk]})
    assert ok.status_code == 302
    assert set(LiaisonAssignment.objects.values_list("enterprise_id", flat=True)) == {tree.enterprise1.pk, e2.pk}
    again = client.post(url, {"cadre": tree.town1_cadre.pk, "starts_on": TODAY.isoformat(), "enterprises": [e2.pk]})
    assert again.status_code == 400 and "already the liaison cadre" in again.content.decode()
    listing = client.get(reverse("grassroots:liaison_assignment_list")).content.decode()
    assert "重点企业甲" in listing and "End the assignment" in listing
    a = LiaisonAssignment.objects.get(enterprise=e2)
    assert client.post(reverse("grassroots:liaison_assignment_end", args=[a.pk]),
                       {"ends_on": TODAY.isoformat()}).status_code == 302
    a.refresh_from_db()
    assert a.status == "ENDED"
    _login(client, tree.union1_chair)  # sees enterprise1's assignment (their union's), not e2's (no union)
    assert client.get(url).status_code == 403
    mine = LiaisonAssignment.objects.get(enterprise=tree.enterprise1)
    assert client.post(reverse("grassroots:liaison_assignment_end", args=[mine.pk]), {}).status_code == 403
    assert client.post(reverse("grassroots:liaison_assignment_end", args=[a.pk]), {}).status_code == 404


def test_coverage_page_and_export(client, tree):
    assignment(tree.enterprise1, cadre=tree.town1_cadre, starts_on=datetime.date(2026, 1, 1))
    visit(tree.enterprise1, datetime.date(2026, 3, 31))
    EnterpriseFactory(town=tree.town2, top100=True, name="百强乙")
    _login(client, tree.district_staff)
    url = reverse("grassroots:liaison_coverage")
    q1 = client.get(url, {"year": 2026, "quarter": 1}).content.decode()
    assert "2026 Q1" in q1 and "百强乙" in q1 and tree.enterprise1.name not in q1.split("Not visited this quarter")[1]
    q2 = client.get(url, {"year": 2026, "quarter": 2}).content.decode()
    assert tree.enterprise1.name in q2.split("Not visited this quarter")[1]
    assert client.get(url, {"year": "abc", "quarter": "9"}).status_code == 200
    response = client.get(reverse("grassroots:liaison_coverage_export"), {"year": 2026, "quarter": 2})
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    assert [ws.title for ws in book.worksheets] == ["Per town", "Per cadre", "Not visited"]
    missing = list(book.worksheets[2].values)
    assert len(missing) == 3  # header + enterprise1 + 百强乙
    assert AuditEvent.objects.filter(action="grassroots.liaison_export").exists()


def test_coverage_report_is_kept_for_a_few_minutes_and_says_when_counted(client, tree, settings):
    """The report passes every target enterprise of the reach: with FIGURES_CACHE_SECONDS the
    page counts it once per (user, quarter, org), then costs its grouped queries less and says
    when it was counted; the "not visited" list below is always read afresh."""
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from gonghui.grassroots.selectors import liaison as selectors

    cache.clear()
    settings.FIGURES_CACHE_SECONDS = 300
    assignment(tree.enterprise1, cadre=tree.town1_cadre, starts_on=datetime.date(2026, 1, 1))
    _login(client, tree.district_staff)
    url = reverse("grassroots:liaison_coverage")
    with CaptureQueriesContext(connection) as first:
        html = client.get(url, {"year": 2026, "quarter": 2}).content.decode()
    assert "Counted at" in html and tree.enterprise1.name in html.split("Not visited this quarter")[1]
    visit(tree.enterprise1, datetime.date(2026, 4, 2))
    with CaptureQueriesContext(connection) as again:
        response = client.get(url, {"year": 2026, "quarter": 2})
    assert len(again.captured_queries) <= len(first.captured_queries) - 3  # per town, its towns, per cadre
    assert response.context["report"].visited == 0  # kept: counted before the visit
    assert tree.enterprise1.name not in response.content.decode().split("Not visited this quarter")[1]
    quarter = selectors.Quarter(2026, 2)
    assert selectors.coverage_report(tree.district_staff, quarter, refresh=True).visited == 1
    assert selectors.coverage_report(tree.district_staff, quarter).visited == 1
    assert selectors.coverage_report(tree.district_staff, quarter, tree.town2).targets == 0  # per org
    assert selectors.coverage_report(tree.town2_cadre, quarter).targets == 0  # per user
    settings.FIGURES_CACHE_SECONDS = 0
    assert "Counted at" not in client.get(url, {"year": 2026, "quarter": 2}).content.decode()
    cache.clear()


def test_exports_of_visits_and_assignments(client, tree):
    visit(tree.enterprise1, TODAY, topics=("WAGES",))
    visit(tree.enterprise2, TODAY)
    assignment(tree.enterprise1, cadre=tree.town1_cadre)
    _login(client, tree.town1_cadre)
    rows = _xlsx(client.get(reverse("grassroots:liaison_visit_export")))
    assert len(rows) == 2 and rows[1][2] == tree.enterprise1.name
    rows = _xlsx(client.get(reverse("grassroots:liaison_assignment_export")))
    assert len(rows) == 2 and rows[1][4] == "town1"
    _login(client, tree.member_user)
    assert client.get(reverse("grassroots:liaison_visit_export")).status_code == 403
    _login(client, tree.town1_cadre)
    assert client.get(reverse("grassroots:liaison_visit_export"), {"org": tree.town2.pk}).status_code == 404


@pytest.mark.parametrize("rows", [2, 12])
def test_list_pages_query_counts(client, tree, rows, django_assert_max_num_queries):
    for i in range(rows):
        e = EnterpriseFactory(town=tree.town1, top100=i % 2 == 0)
        v = visit(e, TODAY - i * DAY, topics=("WAGES", "SAFETY"))
        follow_up(v, TODAY - DAY)
        assignment(e, cadre=tree.town1_cadre)
    _login(client, tree.town1_cadre)
    client.get(reverse("grassroots:liaison_visit_list"))  # warm the session and role caches
    for name in ("liaison_visit_list", "liaison_follow_up_list", "liaison_assignment_list", "liaison_coverage",
                 "liaison_assign"):
        with django_assert_max_num_queries(16):
            assert client.get(reverse(f"grassroots:{name}")).status_code == 200
    v = LiaisonVisit.objects.order_by("pk").first()
    with django_assert_max_num_queries(22):
        assert client.get(reverse("grassroots:liaison_visit_detail", args=[v.pk])).status_code == 200


def test_member_and_outsider_see_nothing(client, tree):
    for user in (tree.member_user, tree.outsider):
        _login(client, user)
        for name in ("liaison_visit_list", "liaison_follow_up_list", "liaison_assignment_list", "liaison_coverage"):
            assert client.get(reverse(f"grassroots:{name}")).status_code == 403


def test_correct_a_visit(client, tree):
    v = visit(tree.enterprise1, TODAY - 3 * DAY, topics=("WAGES",), notes="初次")
    url = reverse("grassroots:liaison_visit_edit", args=[v.pk])
    client.force_login(tree.union1_chair)
    assert client.get(url).status_code == 403
    client.force_login(tree.town2_cadre)
    assert client.get(url).status_code == 404
    client.force_login(tree.town1_cadre)
    page = client.get(url).content.decode()
    assert "Correct the visit" in page and "初次" in page and "follow_up_action" not in page
    bad = client.post(url, {"visited_on": TODAY.isoformat(), "notes": "x"})
    assert bad.status_code == 400 and "Tick at least one topic" in bad.content.decode()
    ok = client.post(url, {"visited_on": (TODAY - 2 * DAY).isoformat(), "notes": "更正", "topics": ["SAFETY"]})
    assert ok.status_code == 302
    v.refresh_from_db()
    assert v.notes == "更正" and v.topic_codes == ["SAFETY"] and v.visited_on == TODAY - 2 * DAY
    detail = client.get(reverse("grassroots:liaison_visit_detail", args=[v.pk])).content.decode()
    assert "Liaison visit corrected" in detail


def test_bad_input_never_500(client, tree):
    big = "9" * 30
    _login(client, tree.town1_cadre)
    for url in (f"/grassroots/liaison/visits/new/?enterprise={big}", f"/grassroots/liaison/visits/{big}/",
                f"/grassroots/liaison/?after={big}&org={big}&topic=NOPE",
                f"/grassroots/liaison/coverage/?year={big}&quarter=7&org={big}",
                f"/grassroots/liaison/assignments/assign/?org={big}&after={big}",
                "/grassroots/liaison/follow-ups/?due=zz",
                f"/grassroots/liaison/visits/export/?org={big}"):
        assert client.get(url).status_code < 500, url
    assign = reverse("grassroots:liaison_assign")
    assert client.post(assign, {"cadre": big, "starts_on": "2026-01-01", "enterprises": [big, "x"]}).status_code == 400
    assert client.post(assign, {"cadre": tree.town1_cadre.pk, "starts_on": "2026-13-01",
                                "enterprises": [big]}).status_code == 400
    r = client.post(reverse("grassroots:liaison_visit_create"), {"enterprise": tree.enterprise1.pk, "visited_on": "x",
                                                                "topics": ["WAGES", "NOPE"], "cadre": big})
    assert r.status_code == 400
    assert not LiaisonVisit.objects.exists() and not LiaisonAssignment.objects.exists()


def test_a_live_assignment_whose_period_is_over_is_marked_and_ends_on_its_own_date(client, tree):
    over = assignment(tree.enterprise1, cadre=tree.town1_cadre, starts_on=TODAY - 90 * DAY, ends_on=TODAY - 5 * DAY)
    running = assignment(tree.enterprise1, cadre_name="王建国", starts_on=TODAY - 90 * DAY)
    _login(client, tree.town1_cadre)
    page = client.get(reverse("grassroots:liaison_assignment_list")).content.decode()
    assert page.count("Period over") == 1
    assert f'id="end-{over.pk}" class="form-control form-control-sm" type="date" name="ends_on" ' \
           f'value="{(TODAY - 5 * DAY).isoformat()}"' in page
    assert f'id="end-{running.pk}" class="form-control form-control-sm" type="date" name="ends_on" ' \
           f'value="{TODAY.isoformat()}"' in page


def test_bulk_assign_counts_an_enterprise_whose_assignment_is_over_as_unassigned(client, tree):
    over = EnterpriseFactory(town=tree.town1, name="期满企业有限公司")
    covered = EnterpriseFactory(town=tree.town1, name="在联企业有限公司")
    assignment(over, cadre_name="王建国", starts_on=TODAY - 90 * DAY, ends_on=TODAY - DAY)
    assignment(covered, cadre_name="王建国", starts_on=TODAY - 90 * DAY, ends_on=TODAY)
    _login(client, tree.town1_cadre)
    page = client.get(reverse("grassroots:liaison_assign"), {"unassigned": "on"}).content.decode()
    assert over.name in page and covered.name not in page
