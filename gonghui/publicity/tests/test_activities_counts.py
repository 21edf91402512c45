"""The yearly counts of theme activities by town and theme, on a known dataset: every cell of the
town × theme table (activities and person-times), every row's totals, organisers and pending, the
year boundaries, an unknown (retired) theme code, and the same figures on the page, in the
workbook and through the API; the scope of a town and of a union."""

import datetime
import io

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse

from gonghui.core.testing.api import api_as
from gonghui.core.testing.factories import add_org
from gonghui.orgs.models import OrgLevel
from gonghui.publicity.models.activities import ThemeActivity
from gonghui.publicity.selectors import activities as selectors
from gonghui.publicity.services import activities as services
from gonghui.publicity.testing.activities import confirmed, draft, submitted

pytestmark = pytest.mark.django_db

YEAR = 2024
THEMES = ["CHINA_DREAM", "SEND_POLICY", "SEND_WARMTH", "SEND_CULTURE", "SEND_HEALTH", "SEND_SKILLS", "OTHER",
          "LEGACY"]  # the configured ones in order, then a retired code found on a record


def d(month, day, year=YEAR):
    return datetime.date(year, month, day)


@pytest.fixture
def dataset(tree, settings):
    settings.PUBLICITY_ACTIVITIES_RULES = {"log_within_days": 0}  # log 2023–2025 activities today
    industry = add_org(tree.town1, "城厢建筑行业工会", OrgLevel.INDUSTRY, code="I1")
    deep = add_org(industry, "城厢某建筑公司工会", OrgLevel.GRASSROOTS, code="I1U")
    platform = add_org(tree.district, "开发区园区工会", OrgLevel.PLATFORM, code="P1")
    park_union = add_org(platform, "园区甲公司工会", OrgLevel.GRASSROOTS, code="P1U")
    # counted (confirmed, held in YEAR)
    confirmed(tree, org=tree.district, theme="CHINA_DREAM", participants=500, held_on=d(5, 1))
    confirmed(tree, org=tree.union1, theme="CHINA_DREAM", participants=40, held_on=d(1, 1))
    confirmed(tree, org=tree.union1, theme="SEND_HEALTH", participants=80, held_on=d(6, 15))
    confirmed(tree, org=tree.union1, theme="SEND_HEALTH", participants=20, held_on=d(12, 31))
    confirmed(tree, org=tree.union1b, theme="SEND_WARMTH", participants=15, held_on=d(7, 20))
    legacy = confirmed(tree, org=tree.union1b, theme="OTHER", participants=5, held_on=d(3, 3))
    ThemeActivity.objects.filter(pk=legacy.pk).update(theme="LEGACY")  # a code since removed from the rules
    confirmed(tree, org=tree.town1, theme="CHINA_DREAM", participants=200, held_on=d(4, 28))
    confirmed(tree, org=deep, theme="SEND_SKILLS", participants=12, held_on=d(9, 9))
    confirmed(tree, org=tree.union2, theme="SEND_CULTURE", participants=60, held_on=d(2, 2))
    confirmed(tree, org=tree.union2, theme="SEND_CULTURE", participants=40, held_on=d(8, 8))
    confirmed(tree, org=park_union, theme="SEND_POLICY", participants=33, held_on=d(10, 10))
    # not counted
    confirmed(tree, org=tree.union1, theme="SEND_HEALTH", participants=1000, held_on=d(12, 31, YEAR - 1))
    confirmed(tree, org=tree.union2, theme="SEND_HEALTH", participants=1000, held_on=d(1, 1, YEAR + 1))
    draft(tree, org=tree.union1, participants=999, held_on=d(6, 1))
    submitted(tree, org=tree.union1, participants=999, held_on=d(6, 1))  # pending town1
    submitted(tree, org=tree.union2, participants=999, held_on=d(6, 1))  # pending town2
    submitted(tree, org=tree.union2, participants=999, held_on=d(6, 2))  # pending town2
    submitted(tree, org=tree.union2, participants=999, held_on=d(6, 2, YEAR + 1))  # another year
    r = submitted(tree, org=tree.union2, participants=999, held_on=d(6, 3))
    services.review_activity(actor=tree.district_staff, activity=r, decision="RETURNED", reason="人数有误")
    return {"district": None, "town1": tree.town1.pk, "town2": tree.town2.pk, "platform": platform.pk}


# (activities, person-times) per theme, per row; the row totals, organisers, pending.
EXPECTED = {
    "district": {"CHINA_DREAM": (1, 500)},
    "town1": {"CHINA_DREAM": (2, 240), "SEND_HEALTH": (2, 100), "SEND_WARMTH": (1, 15), "SEND_SKILLS": (1, 12),
              "LEGACY": (1, 5)},
    "town2": {"SEND_CULTURE": (2, 100)},
    "platform": {"SEND_POLICY": (1, 33)},
    "total": {"CHINA_DREAM": (3, 740), "SEND_POLICY": (1, 33), "SEND_WARMTH": (1, 15), "SEND_CULTURE": (2, 100),
              "SEND_HEALTH": (2, 100), "SEND_SKILLS": (1, 12), "LEGACY": (1, 5)},
}
TOTALS = {  # activities, participants, organisers, pending
    "district": (1, 500, 1, 0),
    "town1": (7, 372, 4, 1),
    "town2": (2, 100, 1, 2),
    "platform": (1, 33, 1, 0),
    "total": (11, 1005, 7, 3),
}
ORDER = ["district", "town1", "town2", "platform", "total"]


def cells(key):
    return [EXPECTED[key].get(code, (0, 0)) for code in THEMES]


def test_every_cell_of_the_yearly_table(tree, dataset):
    s = selectors.yearly_stats(tree.district_staff, YEAR)
    assert [code for code, _label in s.themes] == THEMES
    assert [r.town_id for r in s.rows] == [dataset[k] for k in ORDER[:-1]]
    for key, row in zip(ORDER, [*s.rows, s.total], strict=True):
        assert (row.activities, row.participants, row.organisers, row.pending) == TOTALS[key], key
        assert [(c.activities, c.participants) for c in
                (row.by_theme.get(code) or selectors.Cell() for code in THEMES)] == cells(key), key
    assert [[(c.activities, c.participants) for c in row_cells] for _label, row_cells in s.table] == \
        [cells(k) for k in ORDER]
    assert [(code, (c.activities, c.participants)) for code, _l, c in s.by_theme] == \
        list(zip(THEMES, cells("total"), strict=True))
    # the rows add up to the total, cell by cell
    for i in range(len(THEMES)):
        assert sum(cells(k)[i][0] for k in ORDER[:-1]) == cells("total")[i][0]
        assert sum(cells(k)[i][1] for k in ORDER[:-1]) == cells("total")[i][1]
    # the chart draws the activities of each theme per row (not the total)
    chart = selectors.stats_chart(s)
    assert [x["data"] for x in chart["series"]] == [[cells(k)[i][0] for k in ORDER[:-1]] for i in range(len(THEMES))]


def test_other_years_and_scope(tree, dataset):
    assert selectors.yearly_stats(tree.district_staff, YEAR - 1).total.participants == 1000
    nxt = selectors.yearly_stats(tree.district_staff, YEAR + 1)
    assert (nxt.total.activities, nxt.total.participants, nxt.total.pending) == (1, 1000, 1)
    assert selectors.yearly_stats(tree.district_staff, 2010).rows == []
    s = selectors.yearly_stats(tree.town1_cadre, YEAR)  # town1: its row only; the total is its row
    assert [r.town_id for r in s.rows] == [tree.town1.pk]
    assert (s.total.activities, s.total.participants, s.total.organisers, s.total.pending) == TOTALS["town1"]
    s = selectors.yearly_stats(tree.union1_chair, YEAR)  # union1: its own activities only
    assert (s.total.activities, s.total.participants, s.total.organisers, s.total.pending) == (3, 140, 1, 1)
    assert {c: (x.activities, x.participants) for c, x in s.total.by_theme.items()} == \
        {"CHINA_DREAM": (1, 40), "SEND_HEALTH": (2, 100)}


def test_page_workbook_and_api_show_the_same_cells(tree, dataset):
    c = Client()
    c.force_login(tree.district_staff)
    r = c.get(reverse("publicity:activity_stats"), {"year": YEAR})
    assert r.status_code == 200 and r.context["stats"].total.participants == 1005

    r = c.get(reverse("publicity:activity_stats_export"), {"year": YEAR})
    book = openpyxl.load_workbook(io.BytesIO(b"".join(r.streaming_content)))
    by_town = list(book.worksheets[0].iter_rows(values_only=True))[1:]
    assert [tuple(x[1:]) for x in by_town] == [TOTALS[k] for k in ORDER]
    by_theme = list(book.worksheets[1].iter_rows(values_only=True))
    assert len(by_theme[0]) == 1 + 2 * len(THEMES)
    for key, line in zip(ORDER, by_theme[1:], strict=True):
        assert [tuple(line[1 + 2 * i:3 + 2 * i]) for i in range(len(THEMES))] == cells(key), key

    s = api_as(tree.district_staff).get("/theme-activities/stats", {"year": YEAR}).json()
    assert [t["code"] for t in s["themes"]] == THEMES
    for key, row in zip(ORDER, [*s["rows"], s["total"]], strict=True):
        assert (row["activities"], row["participants"], row["organisers"], row["pending"]) == TOTALS[key], key
        got = [(row["by_theme"].get(code) or {"activities": 0, "participants": 0}) for code in THEMES]
        assert [(g["activities"], g["participants"]) for g in got] == cells(key), key
