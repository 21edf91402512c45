"""Skill-leader pages: the lists (filters, counts, fixed query count), nominating, the workflow
steps with specific errors, the allowance ledger and the finance office's export."""

import datetime
import io

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from gonghui.core.models import AuditEvent
from gonghui.honours.models.leaders import LeaderAllowance, LeaderStatus, SkillLeader
from gonghui.honours.selectors import leaders as selectors
from gonghui.honours.services import leaders as services
from gonghui.honours.testing.leaders import leader, month

pytestmark = pytest.mark.django_db
D = datetime.date


def client_for(user):
    c = Client()
    c.force_login(user)
    return c


def test_list_filters_counts_and_queries_do_not_grow(tree, django_assert_max_num_queries):
    leader(tree, LeaderStatus.SELECTED)
    b = leader(tree, union=tree.union2, trade="电工", industry="LOGISTICS")
    c = client_for(tree.district_staff)
    url = reverse("honours:leader_list")
    c.get(url)
    with django_assert_max_num_queries(16) as few:
        r = c.get(url)
    assert r.status_code == 200
    html = r.content.decode()
    assert "数控车工" in html and "电工" in html and tree.town2.name in html
    for _ in range(3):
        leader(tree, union=tree.union1b, trade="钳工")
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert c.get(url).status_code == 200
    r = c.get(url, {"industry": "LOGISTICS"})
    assert f'href="/honours/leaders/{b.pk}/"' in r.content.decode()
    assert "数控车工" not in r.content.decode().split("<tbody>")[1].split("</tbody>")[0]
    r = client_for(tree.town1_cadre).get(url)
    assert f'href="/honours/leaders/{b.pk}/"' not in r.content.decode()
    assert c.get(url, {"year": "abc", "org": "999999"}).status_code == 200  # bad filters are ignored


def test_nominate_through_the_page(tree):
    person = tree.member().person
    c = client_for(tree.union1_chair)
    url = reverse("honours:leader_create")
    r = c.get(url)
    assert r.status_code == 302 and f"org={tree.union1.pk}" in r["Location"]
    r = c.get(url, {"org": tree.union1.pk})
    assert person.name in r.content.decode()
    year = services.today().year
    bad = c.post(url, {"org": tree.union1.pk, "person": person.pk, "year": year, "trade": "", "industry": "X"})
    assert bad.status_code == 400 and not SkillLeader.objects.exists()
    r = c.post(url, {"org": tree.union1.pk, "person": person.pk, "year": services.today().year, "trade": "焊工",
                     "industry": "CONSTRUCTION", "achievements": "攻关"})
    x = SkillLeader.objects.get()
    assert r.status_code == 302 and r["Location"] == reverse("honours:leader_detail", args=[x.pk])
    again = c.post(url, {"org": tree.union1.pk, "person": person.pk, "year": services.today().year, "trade": "焊工",
                         "industry": "CONSTRUCTION"})
    assert again.status_code == 400 and SkillLeader.objects.count() == 1
    assert client_for(tree.union1_chair).get(url, {"org": tree.union2.pk}).status_code == 404


def test_detail_shows_steps_history_and_allowances(tree):
    x = leader(tree, LeaderStatus.SELECTED, starts_on=D(2025, 1, 1))
    services.run_allowances(month=month(2025, 2))
    r = client_for(tree.district_staff).get(reverse("honours:leader_detail", args=[x.pk]))
    html = r.content.decode()
    assert r.status_code == 200 and "2025-02" in html and "100.00" in html
    assert reverse("honours:leader_step", args=[x.pk, "end"]) in html
    assert 'id="history-title"' in html
    r = client_for(tree.union1_chair).get(reverse("honours:leader_detail", args=[x.pk]))
    assert reverse("honours:leader_step", args=[x.pk, "end"]) not in r.content.decode()


def test_steps_through_the_pages(tree):
    x = leader(tree)
    c = client_for(tree.district_staff)
    step = lambda name, data: c.post(reverse("honours:leader_step", args=[x.pk, name]),  # noqa: E731
                                     {f"{name}-{k}": v for k, v in data.items()})
    r = step("select", {"selected_on": "2099-01-01"})
    assert r.status_code == 400 and "alert-danger" in r.content.decode() or "invalid-feedback" in r.content.decode()
    assert SkillLeader.objects.get(pk=x.pk).status == LeaderStatus.NOMINATED
    assert step("select", {"selected_on": services.today().isoformat()}).status_code == 302
    assert SkillLeader.objects.get(pk=x.pk).status == LeaderStatus.SELECTED
    r = step("decline", {"decided_on": services.today().isoformat(), "reason": "x"})
    assert r.status_code == 302  # not offered any more: a warning, nothing changes
    assert SkillLeader.objects.get(pk=x.pk).status == LeaderStatus.SELECTED
    r = step("end", {"kind": "LEFT", "last_day": services.today().isoformat(), "reason": ""})
    assert r.status_code == 400
    r = step("end", {"kind": "LEFT", "last_day": services.today().isoformat(), "reason": "调离"})
    assert r.status_code == 302 and SkillLeader.objects.get(pk=x.pk).status == LeaderStatus.ENDED
    assert c.post(reverse("honours:leader_step", args=[x.pk, "nonsense"])).status_code == 404


def test_allowance_page_totals_run_and_queries(tree, django_assert_max_num_queries):
    leader(tree, LeaderStatus.SELECTED, starts_on=D(2025, 1, 1))
    leader(tree, LeaderStatus.SELECTED, starts_on=D(2025, 1, 1), union=tree.union2)
    c = client_for(tree.district_staff)
    r = c.post(reverse("honours:allowance_run"), {"month": "2025-03"})
    assert r.status_code == 302
    assert c.post(reverse("honours:allowance_run"), {"month": "2025-03"}).status_code == 302
    assert LeaderAllowance.objects.count() == 2
    r = c.post(reverse("honours:allowance_run"), {"month": "2099-01"})
    assert r.status_code == 400 and LeaderAllowance.objects.count() == 2
    url = reverse("honours:allowance_list")
    with django_assert_max_num_queries(18) as few:
        r = c.get(url, {"year": 2025})
    html = r.content.decode()
    assert r.status_code == 200 and tree.town1.name in html and tree.town2.name in html and "200.00" in html
    services.run_allowances(month=month(2025, 4))
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert c.get(url, {"year": 2025}).status_code == 200
    r = client_for(tree.town2_cadre).get(url, {"year": 2025})
    assert tree.town1.name not in r.content.decode() and reverse("honours:allowance_run") not in r.content.decode()
    assert client_for(tree.town1_cadre).post(reverse("honours:allowance_run"), {"month": "2025-05"}).status_code == 403


def test_finance_export_lists_payments_and_town_totals(tree):
    a = leader(tree, LeaderStatus.SELECTED, starts_on=D(2025, 1, 1))
    leader(tree, LeaderStatus.SELECTED, starts_on=D(2025, 1, 1), union=tree.union2)
    for m in (1, 2):
        services.run_allowances(month=month(2025, m))
    r = client_for(tree.town1_cadre).get(reverse("honours:allowance_export"), {"year": 2025})
    assert r.status_code == 200
    book = load_workbook(io.BytesIO(b"".join(r.streaming_content)), read_only=True)
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    assert len(rows) == 1 + 2 + 1  # header, town1's two months, the total
    assert rows[1][0] == "2025-01" and rows[1][1] == a.person.name and rows[1][2] == a.person.id_number_masked
    assert rows[-1][-1] == 200
    towns = list(book.worksheets[1].iter_rows(values_only=True))
    assert towns[1][0] == tree.town1.name and towns[1][3] == 200 and len(towns) == 2
    assert AuditEvent.objects.filter(action="honours.allowance_export", org=tree.town1).count() == 1
    assert client_for(tree.town1_cadre).get(reverse("honours:allowance_export"),
                                            {"org": tree.union2.pk}).status_code == 404


def test_leader_export(tree):
    leader(tree, LeaderStatus.SELECTED)
    leader(tree, union=tree.union2)
    r = client_for(tree.district_staff).get(reverse("honours:leader_export"), {"status": "SELECTED"})
    book = load_workbook(io.BytesIO(b"".join(r.streaming_content)), read_only=True)
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    assert len(rows) == 2 and rows[1][5] == "数控车工"
    assert AuditEvent.objects.filter(action="honours.leader_export").exists()
    assert client_for(tree.member_user).get(reverse("honours:leader_export")).status_code == 403


def test_ledger_totals_cached_until_the_next_run(tree, settings, django_assert_max_num_queries):
    """The totals by year and town are one grouped query, cached under the ledger's version: the
    next load runs no aggregate, and a run (which writes payments) shows at once."""
    from django.core.cache import cache

    settings.FIGURES_CACHE_SECONDS = 300
    cache.clear()
    leader(tree, LeaderStatus.SELECTED, starts_on=D(2025, 1, 1))
    leader(tree, LeaderStatus.SELECTED, starts_on=D(2025, 1, 1), union=tree.union2)
    services.run_allowances(month=month(2025, 12))
    services.run_allowances(month=month(2026, 1))
    c = client_for(tree.district_staff)
    url = reverse("honours:allowance_list")
    with django_assert_max_num_queries(30) as cold:
        c.get(url, {"year": 2025})
    with django_assert_max_num_queries(len(cold.captured_queries) - 1) as warm:
        r = c.get(url, {"year": 2025})
    assert not [q for q in warm.captured_queries if "SUM(" in q["sql"].upper() and "paid_count" not in q["sql"]]
    html = r.content.decode()
    assert ">2026</a>" in html and ">2025</a>" in html and tree.town2.name in html
    services.run_allowances(month=month(2025, 11))
    by_town, by_year = selectors.ledger_totals(tree.district_staff, selectors.AllowanceFilters(), 2025)
    assert [(t["year"], t["leaders"], t["months"], t["amount"]) for t in by_year] == [
        (2026, 2, 2, 200), (2025, 2, 4, 400)]
    assert sorted((t["town"], t["months"]) for t in by_town) == sorted([(tree.town1.name, 2), (tree.town2.name, 2)])
