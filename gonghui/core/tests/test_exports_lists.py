"""The list exports added on the generic jobs (core.exports) in the domain apps: each one's
rows follow the list's filters and the user's export scope, every one is audited, refused
without the export right, linked from its list page, and costs the same number of queries
whatever the number of rows. Also: the appeals export on the background path, and the member
export reading its rows in chunks."""

import datetime
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from python_calamine import CalamineWorkbook

from gonghui.core import exports
from gonghui.core.models import AuditEvent


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


def workbook(response):
    assert response.status_code == 200, response
    data = b"".join(response.streaming_content)
    book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    return [book.get_sheet_by_index(i).to_python() for i in range(len(book.sheet_names))]


def queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    b"".join(response.streaming_content)
    return len(ctx)


# --- honours: award types and quotas, payment batches ----------------------------------------------------

@pytest.fixture
def awards(tree):
    from gonghui.honours.testing import awards as h

    year = datetime.date.today().year
    h.quota(tree, "GOLD_GEAR", org=tree.town1, places=3, year=year)
    h.quota(tree, "GOLD_GEAR", org=tree.town2, places=2, year=year)
    return year


def test_award_type_export(client, tree, awards):
    client.force_login(tree.town1_cadre)
    page = client.get(reverse("honours:award_type_list")).content.decode()
    assert reverse("honours:award_type_export") + f"?year={awards}" in page
    types, quotas = workbook(client.get(reverse("honours:award_type_export") + f"?year={awards}"))
    assert len(types) > 2  # the built-in award types
    assert [(row[1], row[2]) for row in quotas[1:]] == [(tree.town1.name, 3)]  # town2's quota is not town1's
    event = AuditEvent.objects.get(action="honours.award_type_export")
    assert event.after == {"filters": {"year": awards}, "rows": 1, "background": False}
    assert event.org_id == tree.town1.pk
    client.force_login(tree.district_staff)
    _types, quotas = workbook(client.get(reverse("honours:award_type_export") + "?year=abc"))
    assert len(quotas) == 3  # a bad year falls back to this year, like the page


@pytest.fixture
def batches(tree):
    from gonghui.honours.models.rewards import RewardClaimStatus
    from gonghui.honours.testing import rewards as r

    r.claim(tree, RewardClaimStatus.PAID)
    r.claim(tree, RewardClaimStatus.PAID, org=tree.union2)


def test_reward_batch_export(client, tree, batches):
    client.force_login(tree.district_staff)
    assert reverse("honours:reward_batch_export") in client.get(reverse("honours:reward_batch_list")).content.decode()
    (sheet,) = workbook(client.get(reverse("honours:reward_batch_export")))
    assert len(sheet) == 3 and all(row[0].startswith("PAY-") for row in sheet[1:])
    assert AuditEvent.objects.get(action="honours.reward_batch_export").after["rows"] == 2
    # A batch is held by the district that paid it: a town exports none.
    client.force_login(tree.town1_cadre)
    (sheet,) = workbook(client.get(reverse("honours:reward_batch_export")))
    assert len(sheet) == 1


# --- competitions, grassroots, training: catalogues and targets ------------------------------------------

def test_contest_trade_export(client, tree):
    from gonghui.competitions.testing import contests as c

    c.trade(tree.district_staff, code="WELD", name="=焊工")
    c.trade(tree.district_staff, code="ELEC", name="电工", regular=False)
    client.force_login(tree.union1_chair)
    page = client.get(reverse("competitions:contest_trade_list")).content.decode()
    assert reverse("competitions:contest_trade_export") in page
    (sheet,) = workbook(client.get(reverse("competitions:contest_trade_export")))
    assert sorted(row[:2] for row in sheet[1:]) == [["ELEC", "电工"], ["WELD", "'=焊工"]]  # formula-safe
    assert AuditEvent.objects.get(action="competitions.trade_export").org_id == tree.union1.pk


def test_harmony_indicator_export(client, tree):
    from gonghui.grassroots.testing import harmony as g

    indicator_set = g.published_set(actor=tree.district_staff)
    client.force_login(tree.town1_cadre)
    assert reverse("grassroots:harmony_indicator_export") in client.get(
        reverse("grassroots:harmony_indicator_list")).content.decode()
    sets, indicators = workbook(client.get(reverse("grassroots:harmony_indicator_export")))
    assert [row[0] for row in sets[1:]] == [indicator_set.year]
    assert len(indicators) - 1 == indicator_set.indicators.count() > 0
    assert sum(row[3] for row in indicators[1:]) == 100
    assert AuditEvent.objects.get(action="grassroots.harmony_indicator_export").after["rows"] == len(indicators) - 1


def test_home_standard_export(client, tree):
    from gonghui.grassroots.testing import homes as g

    standard = g.published_standard(tree.district_staff)
    client.force_login(tree.union1_chair)
    assert reverse("grassroots:home_standard_export") in client.get(
        reverse("grassroots:home_standard_list")).content.decode()
    standards, criteria = workbook(client.get(reverse("grassroots:home_standard_export")))
    assert [row[1] for row in standards[1:]] == [standard.effective_year]
    assert len(criteria) - 1 == standard.criteria.count() > 0
    assert AuditEvent.objects.filter(action="grassroots.home_standard_export").count() == 1


def test_training_target_export(client, tree):
    from gonghui.training.testing.stats import target

    target(tree.district, 2025, 100, 300, "900")
    target(tree.town1, 2026, 40, 120, "360.5")
    target(tree.town2, 2026, 30, 90, "270")
    client.force_login(tree.town1_cadre)
    page = client.get(reverse("training:target_list") + "?year=2026").content.decode()
    assert reverse("training:target_export") + "?year=2026" in page
    (sheet,) = workbook(client.get(reverse("training:target_export") + "?year=2026"))
    assert [(row[0], row[1], row[4]) for row in sheet[1:]] == [(2026, tree.town1.name, 360.5)]
    client.force_login(tree.district_staff)
    (sheet,) = workbook(client.get(reverse("training:target_export")))
    assert len(sheet) == 4
    response = client.get(reverse("training:target_export") + "?year=1800")
    assert response.status_code == 302 and response.url.startswith(reverse("training:target_list"))


# --- services: an event's check-in list ----------------------------------------------------------------------

@pytest.fixture
def event(tree):
    from gonghui.services.testing import events as e

    event = e.event(tree, org=tree.district, capacity=5)
    e.registered(tree, event, union=tree.union1)
    e.registered(tree, event, union=tree.union2)
    return event


def test_checkin_export_organiser_sees_all_union_sees_its_own(client, tree, event):
    url = reverse("services:event_checkin_export", args=[event.pk])
    client.force_login(tree.district_staff)
    assert url in client.get(reverse("services:event_detail", args=[event.pk])).content.decode()
    (sheet,) = workbook(client.get(url))
    assert sorted(row[2] for row in sheet[1:]) == sorted([tree.union1.name, tree.union2.name])
    assert all("*" in row[1] for row in sheet[1:])  # ID numbers masked
    event_row = AuditEvent.objects.get(action="services.checkin_export")
    assert event_row.org_id == tree.district.pk and event_row.after["filters"] == {"event": event.pk}
    client.force_login(tree.town1_cadre)
    (sheet,) = workbook(client.get(url))
    assert [row[2] for row in sheet[1:]] == [tree.union1.name]


def test_checkin_export_of_a_hidden_event_is_404(client, tree):
    from gonghui.services.testing import events as e

    hidden = e.event(tree, org=tree.town2)
    client.force_login(tree.town1_cadre)
    assert client.get(reverse("services:event_checkin_export", args=[hidden.pk])).status_code == 404
    assert client.get(reverse("services:event_checkin_export", args=[999999])).status_code == 404


# --- innovation: technical projects ------------------------------------------------------------------------

@pytest.fixture
def projects(tree):
    from gonghui.innovation.models import ProjectStatus
    from gonghui.innovation.testing import days_ago, project

    project(actor=tree.district_staff, org=tree.union1, enterprise=tree.enterprise1, title="甲攻关",
            milestones=[("试制", days_ago(5), None)])
    project(actor=tree.district_staff, org=tree.union2, enterprise=tree.enterprise2, title="丙攻关",
            status=ProjectStatus.COMPLETED)


def test_project_export_follows_filters_and_scope(client, tree, projects):
    client.force_login(tree.district_staff)
    assert reverse("innovation:project_export") in client.get(reverse("innovation:project_list")).content.decode()
    (sheet,) = workbook(client.get(reverse("innovation:project_export")))
    assert sorted(row[0] for row in sheet[1:]) == ["丙攻关", "甲攻关"]
    (sheet,) = workbook(client.get(reverse("innovation:project_export") + "?overdue=on"))
    assert [(row[0], row[8]) for row in sheet[1:]] == [("甲攻关", "Yes")]
    assert AuditEvent.objects.filter(action="innovation.project_export").count() == 2
    client.force_login(tree.town2_cadre)
    (sheet,) = workbook(client.get(reverse("innovation:project_export")))
    assert [row[0] for row in sheet[1:]] == ["丙攻关"]
    assert client.get(reverse("innovation:project_export") + f"?org={tree.town1.pk}").status_code == 404


# --- the permission matrix of the new exports ---------------------------------------------------------------

EXPORT_URLS = {
    "members transfers": lambda tree, ctx: reverse("members:transfer_export"),
    "member imports": lambda tree, ctx: reverse("members:import_list_export"),
    "award types": lambda tree, ctx: reverse("honours:award_type_export"),
    "reward batches": lambda tree, ctx: reverse("honours:reward_batch_export"),
    "contest trades": lambda tree, ctx: reverse("competitions:contest_trade_export"),
    "harmony indicators": lambda tree, ctx: reverse("grassroots:harmony_indicator_export"),
    "home standards": lambda tree, ctx: reverse("grassroots:home_standard_export"),
    "training targets": lambda tree, ctx: reverse("training:target_export"),
    "event check-ins": lambda tree, ctx: reverse("services:event_checkin_export", args=[ctx["event"].pk]),
    "technical projects": lambda tree, ctx: reverse("innovation:project_export"),
    "audit trail": lambda tree, ctx: reverse("core:audit_export"),
    "redemptions per month": lambda tree, ctx: reverse("services:benefit_stats_export"),
}


@pytest.mark.parametrize("name", sorted(EXPORT_URLS))
@pytest.mark.parametrize(("user", "allowed"), [
    ("district_staff", True), ("town1_cadre", True), ("union1_chair", True),
    ("member_user", False), ("outsider", False),
])
def test_permission_matrix(client, tree, event, name, user, allowed):
    url = EXPORT_URLS[name](tree, {"event": event})
    client.force_login(getattr(tree, user))
    response = client.get(url)
    if not allowed:
        assert response.status_code in (403, 404)  # 404: the event itself is out of their sight
        return
    assert response.status_code == 200, (name, user)
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "no-store" in response["Cache-Control"]


def test_union_staff_export_in_scope_not_the_audit_trail(client, tree, event):
    client.force_login(tree.union1_staff)
    assert client.get(reverse("members:transfer_export")).status_code == 200
    assert client.get(reverse("core:audit_export")).status_code == 403  # audit.view is granted by name only


# --- accounts: the role list --------------------------------------------------------------------------------

def test_role_export_follows_filters_and_management_reach(client, tree):
    client.force_login(tree.town1_cadre)
    assert reverse("accounts:role_export") in client.get(reverse("accounts:role_list")).content.decode()
    (sheet,) = workbook(client.get(reverse("accounts:role_export")))
    assert {row[0] for row in sheet[1:]} == {"town1", "union1", "union1staff", "member1"}  # not town2's people
    (sheet,) = workbook(client.get(reverse("accounts:role_export") + "?role=UNION_CHAIR"))
    assert [row[0] for row in sheet[1:]] == ["union1"]
    event = AuditEvent.objects.filter(action="accounts.role_export").first()
    assert event.after["filters"]["role"] == "UNION_CHAIR" and event.org_id == tree.town1.pk
    assert client.get(reverse("accounts:role_export") + f"?org={tree.town2.pk}").status_code == 404
    client.force_login(tree.union1_chair)
    assert client.get(reverse("accounts:role_export")).status_code == 403  # chairs do not manage accounts


def test_redemption_stats_export(client, tree):
    client.force_login(tree.town1_cadre)
    (sheet,) = workbook(client.get(reverse("services:benefit_stats_export") + "?year=2026"))
    assert sheet[0][0] == "Merchant" and sheet[-1][0] == "Total" and len(sheet[0]) == 15
    assert AuditEvent.objects.get(action="services.redemption_stats_export").after["filters"] == {"year": 2026}


# --- no N+1 --------------------------------------------------------------------------------------------------

def test_export_queries_do_not_grow_with_rows(client, tree):
    from gonghui.innovation.testing import project
    from gonghui.services.testing import events as e
    from gonghui.training.testing.stats import target

    event = e.event(tree, org=tree.district, capacity=50)
    client.force_login(tree.district_staff)
    urls = [reverse("innovation:project_export"), reverse("training:target_export"),
            reverse("services:event_checkin_export", args=[event.pk])]

    def add(n, offset):
        for i in range(n):
            project(actor=tree.district_staff, org=tree.union1, enterprise=tree.enterprise1, title=f"攻关{offset + i}")
            target(tree.town1 if i % 2 else tree.town2, 2000 + offset + i, 1, 1, "1")
            e.registered(tree, event, union=tree.union1)

    add(1, 0)
    before = [queries(client, url) for url in urls]
    add(8, 10)
    assert [queries(client, url) for url in urls] == before


# --- the background path of an export built on a module's own service ----------------------------------------

def test_appeals_export_goes_to_the_background_when_large(client, tree, settings,
                                                          django_capture_on_commit_callbacks):
    from gonghui.voice.testing.appeals import appeal

    appeal(tree, org=tree.union1)
    appeal(tree, org=tree.union2)
    settings.EXPORT_BACKGROUND_ROWS = 1
    client.force_login(tree.district_staff)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(reverse("voice:appeal_export"))
    assert response.status_code == 302 and response.url.startswith("/exports/")
    job_id = response.url.rstrip("/").rsplit("/", 1)[-1]
    assert exports.export_job(tree.district_staff, job_id)["status"] == "DONE"
    (sheet,) = workbook(client.get(reverse("core:export_download", args=[job_id])))
    assert len(sheet) == 3
    assert AuditEvent.objects.filter(action="voice.appeal_export").count() == 1
    # Below the threshold: the file at once, as before.
    settings.EXPORT_BACKGROUND_ROWS = 20_000
    (sheet,) = workbook(client.get(reverse("voice:appeal_export")))
    assert len(sheet) == 3


# --- the member export reads its rows in chunks ------------------------------------------------------------------

def test_member_export_iterates_in_chunks(tree, monkeypatch):
    """A few thousand memberships go through a server-side/chunked cursor in fetches of at most
    `chunk_size` rows: no list of every row is built (the memory bench is bench/exports.py)."""
    import tempfile

    from django.db.models.sql import compiler

    from gonghui.core.testing.factories import PersonFactory
    from gonghui.members import exporting
    from gonghui.members.models import Membership, Person
    from gonghui.members.selectors import MemberFilters

    template = PersonFactory()
    fields = {f.attname: getattr(template, f.attname) for f in Person._meta.concrete_fields
              if f.attname not in ("id", "id_number_hash", "account_id")}
    people = Person.objects.bulk_create(
        Person(**{**fields, "name": f"成员{n}", "id_number_hash": f"hash{n}"}) for n in range(3000))
    Membership.objects.bulk_create(Membership(person=p, union=tree.union1, joined_on=datetime.date(2020, 1, 1),
                                              person_name=p.name) for p in people)
    fetches = []
    real_cursor_iter = compiler.cursor_iter

    def counting_cursor_iter(cursor, sentinel, col_count, itersize):
        for rows in real_cursor_iter(cursor, sentinel, col_count, itersize):
            fetches.append(len(rows))
            yield rows

    monkeypatch.setattr(compiler, "cursor_iter", counting_cursor_iter)
    fetch_all_calls = []
    real_fetch_all = type(Membership.objects.all())._fetch_all

    def spy_fetch_all(qs):
        if qs.model is Membership and not qs._result_cache:
            fetch_all_calls.append(str(qs.query)[:80])
        return real_fetch_all(qs)

    monkeypatch.setattr(type(Membership.objects.all()), "_fetch_all", spy_fetch_all)
    qs = exporting.export_queryset(tree.district_staff, MemberFilters())
    with tempfile.TemporaryFile() as handle:
        counts = exporting.write_members(handle, qs, chunk_size=500)
    assert counts.rows == 3000
    membership_fetches = [n for n in fetches if n]
    assert sum(membership_fetches) >= 3000 and max(membership_fetches) <= 500
    assert not fetch_all_calls  # never materialised as a list


def test_write_sheet_reports_progress():
    import tempfile

    seen = []
    with tempfile.TemporaryFile() as handle:
        n = exports.write_sheet(handle, title="t", headers=["a"], rows=([i] for i in range(12_000)),
                                progress=seen.append)
    assert n == 12_000 and seen == [5000, 10_000]


def test_money_and_dates_keep_their_types(client, tree):
    """Numbers stay numbers and dates dates in the workbook (sums and filters work in Excel)."""
    from gonghui.innovation.models import ProjectStatus
    from gonghui.innovation.testing import project

    project(actor=tree.district_staff, org=tree.union1, enterprise=tree.enterprise1, status=ProjectStatus.COMPLETED)
    client.force_login(tree.district_staff)
    (sheet,) = workbook(client.get(reverse("innovation:project_export")))
    row = sheet[1]
    assert row[9] == float(Decimal("56000.00")) and isinstance(row[10], datetime.date)
