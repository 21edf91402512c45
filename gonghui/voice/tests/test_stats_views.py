"""The statistics page (figures, tables, charts via json_script, definitions, filters and their
errors, org paging, a fixed query count) and its workbook (one sheet per table, definitions,
audited)."""

import io
import json
import re

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from gonghui.core.models import AuditEvent
from gonghui.voice.testing.stats import YEAR, KnownDataset, appeal

pytestmark = pytest.mark.django_db


def client_for(user):
    """Pages in English, so the assertions hold whatever the Chinese catalogue says."""
    c = Client(headers={"Accept-Language": "en"})
    c.force_login(user)
    return c


@pytest.fixture
def data(tree):
    return KnownDataset(tree)


def chart(html, name):
    return json.loads(re.search(rf'<script id="{name}" type="application/json">(.*?)</script>', html, re.S).group(1))


def test_page_shows_figures_tables_charts_and_definitions(tree, data, django_assert_max_num_queries):
    c = client_for(tree.district_staff)
    url = reverse("voice:appeal_stats") + f"?year={YEAR}"
    c.get(url)
    with django_assert_max_num_queries(25):
        r = c.get(url)
    assert r.status_code == 200
    html = r.content.decode()
    assert "66.7 %" in html and "4.00" in html and "3.0" in html and "4.5" in html
    assert tree.town1.name in html and tree.union1.name in html
    assert "Top issues of 2025-12" in html  # a past year without a month: its December
    assert "Working days" in html or "working days" in html  # definitions under the tables
    monthly = chart(html, "voice-stats-monthly")
    assert monthly["series"][0]["data"][1:3] == [2, 5] and monthly["series"][1]["data"][2] == 3
    category = chart(html, "voice-stats-category")
    assert category["series"][0]["data"] == [4, 2, 1]
    assert "<script>" not in html and 'style="' not in html  # CSP: no inline script or style
    assert 'class="nav-link text-nowrap active" aria-current="page" href="/voice/stats/"' in html


def test_month_category_and_bad_filters(tree, data):
    c = client_for(tree.district_staff)
    r = c.get(reverse("voice:appeal_stats"), {"year": YEAR, "month": 3, "category": "CONTRACT"})
    assert r.status_code == 200 and r.context["total"].figures.received == 1
    html = r.content.decode()
    assert "Top issues of 2025-3" in html and "某某餐饮店" in html and "not registered" in html
    r = c.get(reverse("voice:appeal_stats"), {"year": "abc", "month": "13", "category": "NOPE"})
    html = r.content.decode()
    assert r.status_code == 200 and "Enter a whole number" in html and "Choose a month from 1 to 12." in html
    assert "Choose one of the appeal categories." in html
    r = c.get(reverse("voice:appeal_stats"), {"year": 1800})
    assert "The year must be between" in r.content.decode()


def test_empty_year_says_so(tree, data):
    html = client_for(tree.district_staff).get(reverse("voice:appeal_stats"), {"year": 2019}).content.decode()
    assert "No appeals were received in this period." in html and "voice-stats-monthly" not in html


def test_org_table_pages(tree, data, settings):
    settings.VOICE_STATS_RULES = {"orgs_per_page": 2}
    c = client_for(tree.district_staff)
    r = c.get(reverse("voice:appeal_stats"), {"year": YEAR})
    assert [row.key for row in r.context["orgs"].object_list] == [tree.union1.pk, tree.district.pk]
    assert "org_page=2" in r.content.decode()
    r = c.get(reverse("voice:appeal_stats"), {"year": YEAR, "org_page": 3})
    assert [row.key for row in r.context["orgs"].object_list] == [tree.union2.pk]


def test_export_has_a_sheet_per_table_and_definitions_and_is_audited(tree, data):
    r = client_for(tree.district_staff).get(reverse("voice:appeal_stats_export"), {"year": YEAR, "month": 3})
    assert r.status_code == 200 and "appeal-statistics-2025-03.xlsx" in r["Content-Disposition"]
    book = load_workbook(io.BytesIO(b"".join(r.streaming_content)), read_only=True)
    assert book.sheetnames == ["Summary", "By category", "By town", "By handling organisation", "By month",
                               "Top issues", "Survey participation", "Definitions"]
    categories = [list(row) for row in book["By category"].iter_rows(values_only=True)]
    assert categories[1][:5] == ["Wages owed", 4, 3, 2, 66.7]
    assert categories[-1][:3] == ["Total", 5, 3]
    towns = [list(row) for row in book["By town"].iter_rows(values_only=True)]
    assert towns[1][:6] == [tree.town1.name, 3, 2, 1, 50, 4.5]
    top = [list(row) for row in book["Top issues"].iter_rows(values_only=True)]
    assert top[1][:4] == ["Wages owed", 4, 0, 4]
    notes = [row[0] for row in book["Definitions"].iter_rows(values_only=True)]
    assert any("working days" in (n or "") for n in notes)
    event = AuditEvent.objects.get(action="voice.stats_export")
    assert event.actor == tree.district_staff and event.after["year"] == YEAR and event.after["month"] == 3


def test_export_is_scoped(tree, data):
    r = client_for(tree.town2_cadre).get(reverse("voice:appeal_stats_export"), {"year": YEAR})
    book = load_workbook(io.BytesIO(b"".join(r.streaming_content)), read_only=True)
    towns = [list(row) for row in book["By town"].iter_rows(values_only=True)]
    assert [row[0] for row in towns[1:]] == [tree.town2.name, "Total"] and towns[-1][1] == 2


def test_export_neutralises_formulas_in_names(tree):
    appeal(tree.union1, town=tree.town1, received=__import__("datetime").date(YEAR, 3, 3),
           enterprise_name="=HYPERLINK(\"http://x\")")
    r = client_for(tree.district_staff).get(reverse("voice:appeal_stats_export"), {"year": YEAR, "month": 3})
    book = load_workbook(io.BytesIO(b"".join(r.streaming_content)), read_only=True)
    names = [row[0] for row in book["Top issues"].iter_rows(values_only=True)]
    assert "'=HYPERLINK(\"http://x\")" in names


def test_figures_are_cached_per_reach_and_period_with_the_time_and_a_recount(tree, data, settings,
                                                                             django_assert_max_num_queries):
    """FIGURES_CACHE_SECONDS on: the second view counts nothing (a new appeal shows after a recount or
    the expiry), the page says when the figures were counted, and each reach and period has its own
    entry (town1 is never served the district's figures, nor the API's caller another's)."""
    import datetime

    from django.core.cache import cache
    from django.utils import timezone

    from gonghui.core.testing.api import api_as

    cache.clear()
    settings.FIGURES_CACHE_SECONDS = 300
    c = client_for(tree.district_staff)
    url = reverse("voice:appeal_stats") + f"?year={YEAR}&month=3"
    first = c.get(url).content.decode()
    assert f"Counted at {timezone.localtime(timezone.now()):%H}:" in first
    assert "refresh=1" in first
    received = re.search(r"Received</div>\s*<div class=\"value\"><a [^>]*>(\d+)</a>", first).group(1)
    assert received == "5"
    appeal(tree.union2, town=tree.town2, received=datetime.date(YEAR, 3, 11))
    with django_assert_max_num_queries(6):  # session, user, scope: no count over the appeals
        cached = c.get(url).content.decode()
    assert re.search(r"Received</div>\s*<div class=\"value\"><a [^>]*>(\d+)</a>", cached).group(1) == "5"
    # Another reach has its own entry.
    town1 = client_for(tree.town1_cadre).get(url).content.decode()
    assert re.search(r"Received</div>\s*<div class=\"value\"><a [^>]*>(\d+)</a>", town1).group(1) == "3"
    assert api_as(tree.town2_cadre).get(f"/appeal-stats?year={YEAR}&month=3").json()["total"]["received"] == 3
    # Another period too; and a recount on demand.
    assert "Counted at" in c.get(reverse("voice:appeal_stats") + f"?year={YEAR}").content.decode()
    recount = c.get(url + "&refresh=1").content.decode()
    assert re.search(r"Received</div>\s*<div class=\"value\"><a [^>]*>(\d+)</a>", recount).group(1) == "6"
    cache.clear()
