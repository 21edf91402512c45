"""厂务公开: recording and deleting disclosures (rules, scope, audit), the checklist page with its
missing items and history, the list across enterprises with its filters, export and queries."""

import datetime
import io

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone, translation

from gonghui.congress.models import Disclosure, DisclosureChannel
from gonghui.congress.rules import disclosure_items
from gonghui.congress.selectors import disclosures as selectors
from gonghui.congress.selectors.status import EnterpriseFilters
from gonghui.congress.services import disclosures as services
from gonghui.core.errors import DomainError
from gonghui.core.models import AuditEvent
from gonghui.core.testing.factories import EnterpriseFactory

D = datetime.date
TODAY = D(2026, 6, 15)
pytestmark = pytest.mark.django_db
CODES = [code for code, _label in disclosure_items()]


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


def disclose(enterprise, item, on, *, year=None, channel=DisclosureChannel.NOTICE_BOARD):
    return Disclosure.objects.create(org=enterprise.union, enterprise=enterprise, year=year or on.year, item=item,
                                     disclosed_on=on, channel=channel, summary=f"{item} 公示")


def record(actor, enterprise, **kwargs):
    data = {"year": 2026, "item": "WAGES", "disclosed_on": D(2026, 3, 1), "channel": DisclosureChannel.NOTICE_BOARD,
            "summary": "2026年工资方案", "today": TODAY, **kwargs}
    return services.record_disclosure(actor=actor, enterprise=enterprise, **data)


# --- the service ------------------------------------------------------------------------------------

def test_record_saves_and_audits(tree):
    disclosure = record(tree.union1_chair, tree.enterprise1)
    assert (disclosure.org, disclosure.year, disclosure.item) == (tree.union1, 2026, "WAGES")
    event = AuditEvent.objects.get(action="congress.disclosure_record")
    assert event.object_id == str(disclosure.pk) and event.org_id == tree.union1.pk
    assert event.after["item"] == "WAGES" and event.after["item_label"] == "Wage levels and pay rules"


@pytest.mark.parametrize("day, code", [
    (D(2025, 12, 31), "outside_year"),   # the day before the year
    (D(2027, 1, 1), "outside_year"),     # the day after
    (D(2026, 6, 16), "future"),          # tomorrow
])
def test_dates_outside_the_year_or_in_the_future_are_refused(tree, day, code):
    with pytest.raises(DomainError) as exc:
        record(tree.union1_chair, tree.enterprise1, disclosed_on=day)
    assert exc.value.code == code and exc.value.field == "disclosed_on"
    assert not Disclosure.objects.exists() and not AuditEvent.objects.exists()


def test_first_and_last_day_of_the_year_and_today_are_accepted(tree):
    for day in (D(2026, 1, 1), TODAY):
        record(tree.union1_chair, tree.enterprise1, disclosed_on=day)
    record(tree.union1_chair, tree.enterprise1, year=2025, disclosed_on=D(2025, 12, 31))
    assert Disclosure.objects.count() == 3


@pytest.mark.parametrize("field, value, code", [
    ("item", "NOT_AN_ITEM", "unknown_item"),
    ("channel", "PIGEON", "unknown_channel"),
    ("summary", "长" * 201, "too_long"),
    ("disclosed_on", None, "required"),
])
def test_bad_fields_are_refused_on_their_field(tree, field, value, code):
    with pytest.raises(DomainError) as exc:
        record(tree.union1_chair, tree.enterprise1, **{field: value})
    assert exc.value.code == code and exc.value.field == field
    assert not Disclosure.objects.exists()


def test_enterprise_without_union_is_refused(tree):
    lone = EnterpriseFactory(town=tree.town1, union=None)
    with pytest.raises(DomainError):
        record(tree.district_staff, lone)


RECORD_ROLES = {"district_staff": True, "town1_cadre": True, "town2_cadre": False, "union1_chair": True,
                "union1_staff": True, "union2_chair": False, "member_user": False, "outsider": False}


@pytest.mark.parametrize("role, allowed", RECORD_ROLES.items())
def test_record_and_delete_permission_matrix(tree, role, allowed):
    user = getattr(tree, role)
    if allowed:
        disclosure = record(user, tree.enterprise1)
        services.delete_disclosure(actor=user, disclosure=disclosure)
        assert not Disclosure.objects.exists()
        assert AuditEvent.objects.filter(action="congress.disclosure_delete", actor=user).count() == 1
    else:
        with pytest.raises(PermissionDenied):
            record(user, tree.enterprise1)
        existing = disclose(tree.enterprise1, "WAGES", D(2026, 2, 1))
        with pytest.raises(PermissionDenied):
            services.delete_disclosure(actor=user, disclosure=existing)
        assert Disclosure.objects.count() == 1 and not AuditEvent.objects.exists()


# --- the checklist ------------------------------------------------------------------------------------

def test_checklist_flags_the_items_without_a_disclosure_in_the_year(tree):
    disclose(tree.enterprise1, "WAGES", D(2026, 3, 1))
    disclose(tree.enterprise1, "WAGES", D(2026, 9, 1))
    disclose(tree.enterprise1, "SAFETY", D(2026, 4, 1))
    disclose(tree.enterprise1, "BONUSES", D(2025, 12, 31))     # last year's: does not count for 2026
    disclose(tree.enterprise2, "HIRING", D(2026, 4, 1))        # another enterprise's
    checklist = selectors.checklist(tree.enterprise1, 2026)
    assert checklist.done == 2
    assert {item.code for item in checklist.missing} == set(CODES) - {"WAGES", "SAFETY"}
    wages = next(item for item in checklist.items if item.code == "WAGES")
    assert [d.disclosed_on for d in wages.disclosures] == [D(2026, 3, 1), D(2026, 9, 1)]
    assert selectors.checklist(tree.enterprise1, 2025).done == 1


def test_checklist_page_records_shows_missing_and_history(client, tree):
    client.force_login(tree.union1_chair)
    url = reverse("congress:disclosure_checklist", args=[tree.enterprise1.pk, 2026])
    day = min(timezone.localdate(), D(2026, 12, 31))
    response = client.post(url, {"item": "HOSPITALITY", "disclosed_on": day.isoformat(),
                                 "channel": DisclosureChannel.INTRANET, "summary": "业务招待费"})
    assert response.status_code == 302
    page = client.get(url)
    assert page.status_code == 200
    missing = {item.code for item in page.context["checklist"].missing}
    assert "HOSPITALITY" not in missing and "WAGES" in missing
    assert [event.action for event in page.context["history"]] == ["congress.disclosure_record"]
    body = page.content.decode()
    assert "Missing" in body and "业务招待费" in body


def test_checklist_form_reports_a_date_outside_the_year(client, tree):
    client.force_login(tree.union1_chair)
    url = reverse("congress:disclosure_checklist", args=[tree.enterprise1.pk, 2025])
    response = client.post(url, {"item": "WAGES", "disclosed_on": "2026-01-02", "channel": DisclosureChannel.OTHER})
    assert response.status_code == 200
    assert "outside 2025" in str(response.context["form"].errors["disclosed_on"])
    assert not Disclosure.objects.exists()


def test_checklist_scope(client, tree):
    url = reverse("congress:disclosure_checklist", args=[tree.enterprise1.pk, 2026])
    client.force_login(tree.town2_cadre)
    assert client.get(url).status_code == 404
    assert client.post(url, {"item": "WAGES", "disclosed_on": "2026-01-02", "channel": "OTHER"}).status_code == 404
    client.force_login(tree.town1_cadre)
    assert client.get(url).status_code == 200
    assert client.get(reverse("congress:disclosure_checklist", args=[999999, 2026])).status_code == 404
    assert client.get(reverse("congress:disclosure_checklist", args=[tree.enterprise1.pk, 1900])).status_code == 404
    client.force_login(tree.member_user)
    assert client.get(url).status_code == 403
    assert not Disclosure.objects.exists()


def test_delete_page_scope_and_history_keeps_the_deleted_row(client, tree):
    disclosure = record(tree.union1_chair, tree.enterprise1)
    url = reverse("congress:disclosure_delete", args=[disclosure.pk])
    client.force_login(tree.union2_chair)
    assert client.post(url).status_code == 404
    client.force_login(tree.union1_staff)
    assert client.get(url).status_code == 405
    assert client.post(url).status_code == 302
    assert not Disclosure.objects.exists()
    history = selectors.history(tree.union1_chair, tree.enterprise1, 2026)
    assert [event.action for event in history] == ["congress.disclosure_delete", "congress.disclosure_record"]
    assert client.post(url).status_code == 404


# --- the list ---------------------------------------------------------------------------------------

@pytest.fixture
def disclosed(tree):
    for code in CODES:
        disclose(tree.enterprise1, code, D(2026, 2, 1))      # every item
    disclose(tree.enterprise2, "WAGES", D(2026, 2, 1))
    disclose(tree.enterprise2, "WAGES", D(2026, 5, 1))       # twice: still one item
    tree.third = EnterpriseFactory(town=tree.town1, union=tree.union1b, name="丙三企业", above_scale=False)
    return tree


def test_list_counts_items_and_names_the_missing_ones(disclosed):
    filters = EnterpriseFilters(year=2026)
    summary = selectors.disclosure_summary(disclosed.district_staff, filters)
    assert (summary.enterprises, summary.complete, summary.with_missing) == (3, 1, 2)
    assert summary.items_done == len(CODES) + 1
    assert summary.items_missing == 3 * len(CODES) - summary.items_done
    page = selectors.disclosure_page(disclosed.district_staff, filters, count=3)
    rows = {row.enterprise.pk: row for row in page.items}
    assert rows[disclosed.enterprise1.pk].done == len(CODES) and rows[disclosed.enterprise1.pk].missing == []
    assert rows[disclosed.enterprise2.pk].done == 1
    assert [code for code, _l in rows[disclosed.enterprise2.pk].missing] == [c for c in CODES if c != "WAGES"]
    only_missing = selectors.disclosure_queryset(disclosed.district_staff, EnterpriseFilters(year=2026, missing=True))
    assert set(only_missing.values_list("pk", flat=True)) == {disclosed.enterprise2.pk, disclosed.third.pk}
    next_year = selectors.disclosure_summary(disclosed.district_staff, EnterpriseFilters(year=2027))
    assert next_year.complete == 0


def test_list_page_scope_and_filters(client, disclosed):
    client.force_login(disclosed.town1_cadre)
    response = client.get(reverse("congress:disclosure_list"), {"year": 2026, "missing": "on"})
    assert [row.enterprise.pk for row in response.context["page"].items] == [disclosed.third.pk]
    assert client.get(reverse("congress:disclosure_list"), {"town": disclosed.town2.pk}).status_code == 404
    response = client.get(reverse("congress:disclosure_list"), {"year": 2026, "above_scale": "on"})
    assert [row.enterprise.pk for row in response.context["page"].items] == [disclosed.enterprise1.pk]


def test_list_queries_are_bounded(client, disclosed, django_assert_max_num_queries):
    client.force_login(disclosed.district_staff)
    for i in range(12):
        extra = EnterpriseFactory(town=disclosed.town2, union=disclosed.union2, name=f"企业{i}")
        disclose(extra, "SAFETY", D(2026, 3, 3))
    with django_assert_max_num_queries(10):
        response = client.get(reverse("congress:disclosure_list"), {"year": 2026})
    assert response.context["summary"].enterprises == 15


def test_list_summary_is_kept_for_a_few_minutes_and_says_when_counted(client, disclosed, settings,
                                                                      django_assert_num_queries):
    """The summary passes every enterprise of the reach: with FIGURES_CACHE_SECONDS it is counted
    once per (user, filters), the page then costs its two aggregates less and says when it was
    counted; another filter, another user or `refresh=True` counts again."""
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    cache.clear()
    settings.FIGURES_CACHE_SECONDS = 300
    client.force_login(disclosed.district_staff)
    url = reverse("congress:disclosure_list")
    with CaptureQueriesContext(connection) as first:
        first_page = client.get(url, {"year": 2026}).content.decode()
    assert "Counted at" in first_page
    with django_assert_num_queries(len(first.captured_queries) - 2):  # no count, no items per enterprise
        response = client.get(url, {"year": 2026, "missing": "on"})  # the same summary: "missing" aside
    assert response.context["summary"].with_missing == 2 and response.context["page"].count == 2
    disclose(disclosed.third, "WAGES", D(2026, 4, 1))
    assert selectors.disclosure_summary(disclosed.district_staff, EnterpriseFilters(year=2026)).items_done == \
        len(CODES) + 1  # kept
    fresh = selectors.disclosure_summary(disclosed.district_staff, EnterpriseFilters(year=2026), refresh=True)
    assert fresh.items_done == len(CODES) + 2 and fresh.cached
    assert selectors.disclosure_summary(disclosed.district_staff, EnterpriseFilters(year=2026, above_scale=True)) \
        .enterprises == 2  # of 3
    assert selectors.disclosure_summary(disclosed.town1_cadre, EnterpriseFilters(year=2026)).enterprises == 2
    settings.FIGURES_CACHE_SECONDS = 0
    assert "Counted at" not in client.get(url, {"year": 2026}).content.decode()
    cache.clear()


def test_list_export_has_the_same_numbers(client, disclosed):
    client.force_login(disclosed.district_staff)
    response = client.get(reverse("congress:disclosure_export"), {"year": 2026})
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    values = list(book.worksheets[0].iter_rows(values_only=True))
    by_name = {row[0]: row for row in values[1:]}
    assert by_name[disclosed.enterprise1.name][5] == len(CODES) and by_name[disclosed.enterprise1.name][7] is None
    second = by_name[disclosed.enterprise2.name]
    assert second[5] == 1 and second[6] == len(CODES)
    assert second[8].date() == D(2026, 5, 1)        # the WAGES column: the latest day
    assert second[9] is None                         # BONUSES: missing
    assert "Bonus distribution" in second[7]
    assert AuditEvent.objects.get(action="congress.export_disclosures").after["rows"] == 3


def test_list_export_needs_the_export_right(client, disclosed):
    for user in (disclosed.member_user, disclosed.outsider):
        client.force_login(user)
        assert client.get(reverse("congress:disclosure_export")).status_code == 403


@pytest.mark.parametrize("year, expected", [(2025, D(2025, 12, 31)), (2028, D(2028, 2, 29)), (2029, None)])
def test_the_form_proposes_a_day_of_the_year(year, expected):
    from gonghui.congress.views.disclosures import default_day

    assert default_day(year, D(2028, 2, 29)) == expected
    assert default_day(2027, D(2028, 2, 29)) == D(2027, 12, 31)   # no 29 February in 2027
