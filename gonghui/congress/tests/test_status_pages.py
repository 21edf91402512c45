"""The yearly "held a congress" status: the definition's edges (31 December vs 1 January, planned
and cancelled sessions), the congress/all-staff threshold, the report column, filters, scope,
the summary counts, the Excel export and the number of queries."""

import datetime
import io

import openpyxl
import pytest
from django.urls import reverse
from django.utils import translation

from gonghui.congress.deadlines import report_due
from gonghui.congress.models import BodyStatus, SessionStatus
from gonghui.congress.selectors import status as selectors
from gonghui.congress.selectors.status import EnterpriseFilters
from gonghui.congress.testing import congress_body, session
from gonghui.core.models import AuditEvent
from gonghui.core.testing.factories import EnterpriseFactory
from gonghui.orgs.models import Industry

D = datetime.date
TODAY = D(2026, 6, 15)
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


def held(body, number, on, *, status=SessionStatus.HELD, reported_on=None):
    return session(body, number=number, planned_on=on, status=status, held_on=on, entitled=30, present=25,
                   report_due_on=report_due(on), reported_on=reported_on)


@pytest.fixture
def places(tree):
    """enterprise1 (union1, 120 staff): held on 1 Jan 2026 and 31 Dec 2025.
    small (union1b, 99 staff): an all-staff meeting; only a cancelled and a planned session in 2026.
    exactly (union1b, 100 staff): no congress at all.
    enterprise2 (union2, town2): held on 31 Dec 2025 only."""
    tree.small = EnterpriseFactory(town=tree.town1, union=tree.union1b, headcount=99, name="小企业",
                                   industry=Industry.LOGISTICS, above_scale=False)
    tree.exactly = EnterpriseFactory(town=tree.town1, union=tree.union1b, headcount=100, name="整百企业")
    body1 = congress_body(org=tree.union1, enterprise=tree.enterprise1)
    held(body1, 1, D(2025, 12, 31), status=SessionStatus.REPORTED, reported_on=D(2026, 1, 5))
    held(body1, 2, D(2026, 1, 1))
    small = congress_body(org=tree.union1b, enterprise=tree.small, headcount=99)
    session(small, number=1, planned_on=D(2026, 3, 1), status=SessionStatus.CANCELLED, held_on=D(2026, 3, 1),
            cancel_reason="停电")
    session(small, number=2, planned_on=D(2026, 5, 1), status=SessionStatus.PLANNED, held_on=D(2026, 5, 1))
    body2 = congress_body(org=tree.union2, enterprise=tree.enterprise2, status=BodyStatus.ENDED)
    held(body2, 1, D(2025, 12, 31))
    return tree


def rows(user, **filters):
    qs = selectors.status_queryset(user, EnterpriseFilters(**{"year": 2026, **filters}), today=TODAY)
    return {row.pk: row for row in qs}


def test_held_on_the_first_of_january_counts_for_that_year_and_the_31st_for_the_year_before(places):
    in_2026 = rows(places.district_staff)
    assert in_2026[places.enterprise1.pk].held is True
    assert in_2026[places.enterprise2.pk].held is False   # 31 Dec 2025 is not 2026
    in_2025 = rows(places.district_staff, year=2025)
    assert in_2025[places.enterprise1.pk].held is True
    assert in_2025[places.enterprise2.pk].held is True
    assert in_2025[places.enterprise1.pk].last_held_on == D(2025, 12, 31)
    assert in_2026[places.enterprise1.pk].last_held_on == D(2026, 1, 1)
    assert rows(places.district_staff, year=2027)[places.enterprise1.pk].held is False


def test_cancelled_and_planned_sessions_do_not_count(places):
    row = rows(places.district_staff)[places.small.pk]
    assert row.held is False
    assert row.last_held_on is None


def test_form_required_threshold_99_and_100(places):
    assert selectors.must_hold_congress(places.small) is False     # 99 staff: all-staff meeting
    assert selectors.must_hold_congress(places.exactly) is True    # 100 staff: workers' congress
    towns = selectors.town_options(places.district_staff)
    summary = selectors.status_summary(places.district_staff, EnterpriseFilters(year=2026), towns=towns,
                                       today=TODAY)
    assert summary.total.enterprises == 4
    assert summary.total.congress_form == 3           # 120, 100, 120 staff; not the 99
    assert summary.total.all_staff_form == 1


def test_summary_counts_by_town_and_total(places):
    towns = selectors.town_options(places.district_staff)
    summary = selectors.status_summary(places.district_staff, EnterpriseFilters(year=2026), towns=towns,
                                       today=TODAY)
    by_town = {row.town.pk: row.counts for row in summary.by_town}
    assert by_town[places.town1.pk].enterprises == 3
    assert by_town[places.town1.pk].held == 1
    assert by_town[places.town1.pk].current_term == 2     # enterprise1 and small; "exactly" has none
    assert by_town[places.town2.pk].current_term == 0     # its term ended
    assert by_town[places.town2.pk].held == 0
    assert (summary.total.held, summary.total.not_held) == (1, 3)
    town1 = selectors.status_summary(places.district_staff, EnterpriseFilters(year=2026, town=places.town1),
                                     towns=towns, today=TODAY)
    assert town1.total.enterprises == 3 and len(town1.by_town) == 2   # the table still shows every town


def test_report_column_overdue_pending_done(places):
    body = places.enterprise1.congress_bodies.get()
    due = report_due(D(2026, 1, 1))
    before, after = rows(places.district_staff), None
    assert before[places.enterprise1.pk].report_due_on == due
    assert before[places.enterprise1.pk].report_overdue is True          # due in January, now June
    early = selectors.status_queryset(places.district_staff, EnterpriseFilters(year=2026), today=D(2026, 1, 2))
    assert early.get(pk=places.enterprise1.pk).report_overdue is False   # still within the 7 working days
    body.sessions.filter(number=2).update(status=SessionStatus.REPORTED, reported_on=D(2026, 1, 6))
    after = rows(places.district_staff)[places.enterprise1.pk]
    assert after.report_due_on is None and after.held is True            # reported: done


def test_filters(places):
    assert set(rows(places.district_staff, held="no")) == {places.small.pk, places.exactly.pk, places.enterprise2.pk}
    assert set(rows(places.district_staff, held="yes")) == {places.enterprise1.pk}
    assert set(rows(places.district_staff, industry=Industry.LOGISTICS)) == {places.small.pk}
    assert places.small.pk not in rows(places.district_staff, above_scale=True)
    assert set(rows(places.district_staff, q="整百")) == {places.exactly.pk}
    assert set(rows(places.district_staff, town=places.town2)) == {places.enterprise2.pk}


def test_enterprise_without_union_is_not_listed(places):
    lone = EnterpriseFactory(town=places.town1, union=None)
    assert lone.pk not in rows(places.district_staff)


@pytest.mark.parametrize("role, visible", [
    ("district_staff", {"enterprise1", "small", "exactly", "enterprise2"}),
    ("town1_cadre", {"enterprise1", "small", "exactly"}),
    ("town2_cadre", {"enterprise2"}),
    ("union1_chair", {"enterprise1"}),
    ("union2_chair", {"enterprise2"}),
])
def test_page_scope(client, places, role, visible):
    client.force_login(getattr(places, role))
    response = client.get(reverse("congress:status"), {"year": 2026})
    assert response.status_code == 200
    shown = {row.pk for row in response.context["page"].items}
    assert shown == {getattr(places, name).pk for name in visible}
    assert response.context["summary"].total.enterprises == len(visible)


def test_town_outside_the_reach_is_404(client, places):
    client.force_login(places.town1_cadre)
    url = reverse("congress:status")
    assert client.get(url, {"town": places.town2.pk}).status_code == 404
    assert client.get(url, {"town": 999999}).status_code == 404
    assert client.get(url, {"town": "x"}).status_code == 404
    assert client.get(url, {"town": places.town1.pk}).status_code == 200
    client.force_login(places.union1_chair)   # the town of their own enterprise is theirs to pick
    assert client.get(url, {"town": places.town1.pk}).status_code == 200


def test_bad_year_is_reported_not_a_500(client, places):
    client.force_login(places.district_staff)
    response = client.get(reverse("congress:status"), {"year": "abc"})
    assert response.status_code == 200
    assert response.context["form"].errors["year"]
    response = client.get(reverse("congress:status"), {"year": "1800"})
    assert response.status_code == 200 and "year" in response.context["form"].errors


def test_members_and_outsiders_get_no_page(client, places):
    for user in (places.member_user, places.outsider):
        client.force_login(user)
        assert client.get(reverse("congress:status")).status_code == 403


def test_keyset_pages(client, places, settings):
    settings.LIST_PAGE_SIZE = 3
    client.force_login(places.district_staff)
    first = client.get(reverse("congress:status"), {"year": 2026}).context["page"]
    assert len(first.items) == 3 and first.next_after and first.count == 4
    second = client.get(reverse("congress:status"), {"year": 2026, "after": first.next_after}).context["page"]
    assert len(second.items) == 1 and second.next_after is None
    assert {r.pk for r in first.items}.isdisjoint({r.pk for r in second.items})


def test_page_queries_do_not_grow_with_rows(client, places, django_assert_max_num_queries):
    client.force_login(places.district_staff)
    with django_assert_max_num_queries(9):  # session, user, roles ×2, towns, summary, page, …
        client.get(reverse("congress:status"), {"year": 2026})
    for i in range(15):
        enterprise = EnterpriseFactory(town=places.town2, union=places.union2, name=f"新企业{i}")
        held(congress_body(org=places.union2, enterprise=enterprise), 1, D(2026, 4, 1))
    with django_assert_max_num_queries(9):
        response = client.get(reverse("congress:status"), {"year": 2026})
    assert response.context["summary"].total.held == 16


def test_export_has_the_rows_of_the_list_and_is_audited(client, places):
    client.force_login(places.town1_cadre)
    response = client.get(reverse("congress:status_export"), {"year": 2026, "held": "no"})
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    sheet = book.worksheets[0]
    values = list(sheet.iter_rows(values_only=True))
    names = {row[0] for row in values[1:]}
    assert names == {"小企业", "整百企业"}
    by_name = {row[0]: row for row in values[1:]}
    assert by_name["小企业"][6] == "All-staff meeting" and by_name["整百企业"][6] == "Workers' congress"
    assert by_name["小企业"][8] == "No"
    event = AuditEvent.objects.get(action="congress.export_status")
    assert event.after["rows"] == 2 and event.org_id == places.town1.pk


def test_export_needs_the_export_right(client, places):
    url = reverse("congress:status_export")
    assert client.get(url).status_code == 302
    for user in (places.member_user, places.outsider):
        client.force_login(user)
        assert client.get(url).status_code == 403
    client.force_login(places.town1_cadre)
    assert client.get(url, {"town": places.town2.pk}).status_code == 404
    assert not AuditEvent.objects.filter(action="congress.export_status").exists()


def test_export_with_unreadable_filters_goes_back_to_the_list(client, places):
    client.force_login(places.district_staff)
    response = client.get(reverse("congress:status_export"), {"year": "abc"})
    assert response.status_code == 302 and response["Location"].startswith(reverse("congress:status"))
    assert not AuditEvent.objects.filter(action="congress.export_status").exists()


def test_summary_is_kept_for_a_few_minutes_and_says_when_counted(client, places, settings):
    """The summary passes every enterprise of the reach: with FIGURES_CACHE_SECONDS the page counts
    it once per (user, filters) and then says when it was counted; the held/not-held filter shares
    the entry (the summary is what it splits), the rows below are always read afresh."""
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    cache.clear()
    settings.FIGURES_CACHE_SECONDS = 300
    client.force_login(places.district_staff)
    url = reverse("congress:status")
    with CaptureQueriesContext(connection) as first:
        response = client.get(url, {"year": 2026})
    assert "Counted at" in response.content.decode() and response.context["summary"].total.held == 1
    held(congress_body(org=places.union1b, enterprise=places.exactly), 1, D(2026, 4, 1))
    with CaptureQueriesContext(connection) as again:
        response = client.get(url, {"year": 2026, "held": "yes"})
    assert len(again.captured_queries) <= len(first.captured_queries) - 1  # no summary aggregate
    assert response.context["summary"].total.held == 1  # kept: counted before the session
    assert places.exactly.pk in {row.pk for row in response.context["page"].items}  # the rows: afresh
    towns = selectors.town_options(places.district_staff)
    filters = EnterpriseFilters(year=2026)
    assert selectors.status_report(places.district_staff, filters, towns=towns, refresh=True).total.held == 2
    assert selectors.status_report(places.district_staff, EnterpriseFilters(year=2026, town=places.town2),
                                   towns=towns).total.enterprises == 1  # another filter, another entry
    assert selectors.status_report(places.town2_cadre, filters, towns=towns).total.enterprises == 1
    settings.FIGURES_CACHE_SECONDS = 0
    assert "Counted at" not in client.get(url, {"year": 2026}).content.decode()
    cache.clear()
