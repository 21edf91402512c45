"""The statistics page (figures, definitions, chart data via json_script, a fixed query count),
its workbook (same figures, audited) and the targets pages (list, set, edit with history,
specific errors, nothing saved on bad input)."""

import io
import json
import re

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from gonghui.core.models import AuditEvent
from gonghui.training.models import EnrolmentStatus, TrainingTarget
from gonghui.training.testing import stats as build
from gonghui.training.testing.stats import KnownDataset

pytestmark = pytest.mark.django_db
YEAR = 2026


def client_for(user):
    """Pages in English, so the assertions hold whatever the Chinese catalogue says."""
    c = Client(headers={"Accept-Language": "en"})
    c.force_login(user)
    return c


@pytest.fixture
def data(tree):
    return KnownDataset(tree, YEAR)


def test_page_shows_the_figures_definitions_and_chart_in_few_queries(tree, data, django_assert_max_num_queries):
    c = client_for(tree.district_staff)
    url = reverse("training:stats") + f"?year={YEAR}"
    c.get(url)
    with django_assert_max_num_queries(20) as few:
        r = c.get(url)
    assert r.status_code == 200
    html = r.content.decode()
    assert "13.5" in html and "66.7 %" in html and "红山职工学校" in html and "50.0 %" in html
    assert "counts once" in html  # the definitions are on the page
    chart = json.loads(re.search(r'<script id="training-stats-chart" type="application/json">(.*?)</script>',
                                 html, re.S).group(1))
    assert chart["series"][0]["data"] == [2, 2, 1] and chart["series"][2]["data"] == [4, None, None]
    assert "<script>" not in html.replace('<script id="training-stats-chart"', "")  # no inline script with data
    for _i in range(5):
        e = build.enrol(data.a, tree.member(union=tree.union2).person, tree.union2, EnrolmentStatus.COMPLETED)
        build.certify(e)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert c.get(url).status_code == 200


def test_a_bad_year_is_reported_and_this_year_shown(tree, data):
    r = client_for(tree.district_staff).get(reverse("training:stats"), {"year": "abc"})
    assert r.status_code == 200 and "Enter a whole number" in r.content.decode()
    r = client_for(tree.district_staff).get(reverse("training:stats"), {"year": "1800"})
    assert r.status_code == 200 and "The year must be between" in r.content.decode()
    from django.utils import timezone

    r = client_for(tree.district_staff).get(reverse("training:stats"))  # no year: the field shows this one
    assert f'value="{timezone.localdate().year}"' in r.content.decode()


def test_export_has_the_same_figures_and_is_audited(tree, data):
    r = client_for(tree.district_staff).get(reverse("training:stats_export"), {"year": YEAR})
    assert r.status_code == 200
    book = load_workbook(io.BytesIO(b"".join(r.streaming_content)), read_only=True)
    sheets = book.sheetnames
    assert len(sheets) == 7
    towns = [list(row) for row in book[sheets[2]].iter_rows(values_only=True)]
    assert towns[1][:8] == [tree.town1.name, 2, 3, 8.5, 1, 2, 50, 1]
    assert towns[-1][:4] == ["Total", 5, 6, 13.5]
    targets = [list(row) for row in book[sheets[1]].iter_rows(values_only=True)]
    assert [row[0] for row in targets[1:]] == [tree.district.name, tree.town1.name]
    event = AuditEvent.objects.get(action="training.stats_export")
    assert event.actor == tree.district_staff and event.after["year"] == YEAR


def test_targets_list_set_edit_and_history(tree, data):
    c = client_for(tree.district_staff)
    r = c.get(reverse("training:target_list"), {"year": YEAR})
    assert r.status_code == 200 and r.content.decode().count("training/targets/") >= 2
    r = c.post(reverse("training:target_create"), {"org": tree.town2.pk, "year": YEAR, "trainees": 3,
                                                   "person_times": 5, "hours": "20.5", "note": "首次"})
    assert r.status_code == 302
    t = TrainingTarget.objects.get(org=tree.town2, year=YEAR)
    assert (t.trainees, t.person_times, str(t.hours)) == (3, 5, "20.5")
    r = c.post(reverse("training:target_edit", args=[t.pk]), {"org": tree.town2.pk, "year": YEAR, "trainees": 4,
                                                              "person_times": 5, "hours": "20.5"})
    assert r.status_code == 302
    t.refresh_from_db()
    assert t.trainees == 4
    r = c.get(reverse("training:target_edit", args=[t.pk]))
    html = r.content.decode()
    assert "History" in html and "Training target set" in html
    assert AuditEvent.objects.filter(action="training.target_set", object_id=str(t.pk)).count() == 2


@pytest.mark.parametrize("post, field, message", [
    ({"trainees": 5, "person_times": 4}, "person_times", "cannot be fewer than trainees"),
    ({"trainees": -1}, "trainees", "greater than or equal to 0"),
    ({"hours": "1.25"}, "hours", "decimal place"),
    ({"year": 1990}, "year", "The year must be between"),
    ({"org": "union1"}, "org", "Choose the district or one of the towns"),
    ({"org": "town1"}, "year", "already has a target for this year"),
])
def test_bad_targets_are_refused_with_a_specific_message(tree, data, post, field, message):
    body = {"org": tree.town2.pk, "year": YEAR, "trainees": 3, "person_times": 5, "hours": "10"}
    body.update({k: getattr(tree, v).pk if k == "org" else v for k, v in post.items()})
    before = TrainingTarget.objects.count()
    r = client_for(tree.district_staff).post(reverse("training:target_create"), body)
    assert r.status_code == 200
    form = r.context["form"]
    assert message in " ".join(form.errors.get(field, [])), form.errors
    assert TrainingTarget.objects.count() == before


def test_target_list_paginates_in_few_queries(tree, data, django_assert_max_num_queries):
    c = client_for(tree.district_staff)
    url = reverse("training:target_list")
    c.get(url)
    with django_assert_max_num_queries(12) as few:
        assert c.get(url).status_code == 200
    for year in range(2015, 2035):
        if year not in (YEAR, YEAR - 1):
            build.target(tree.town2, year, 1, 1, "1")
            build.target(tree.district, year, 1, 1, "1")
            build.target(tree.town1, year, 1, 1, "1")
    with django_assert_max_num_queries(len(few.captured_queries) + 1):  # + the page's count
        r = c.get(url, {"page": 2})
    assert r.status_code == 200 and len(r.context["targets"]) == 3 + 18 * 3 - 50 and "2 / 2" in r.content.decode()


def test_figures_are_cached_per_reach_and_year_with_the_time_and_a_recount(tree, data, settings,
                                                                             django_assert_max_num_queries):
    from django.core.cache import cache

    cache.clear()
    settings.FIGURES_CACHE_SECONDS = 300
    c = client_for(tree.district_staff)
    url = reverse("training:stats") + f"?year={YEAR}"
    first = c.get(url).content.decode()
    assert "Counted at" in first and "refresh=1" in first and ">6<" in first.replace(" ", "")
    build.enrol(data.a, tree.member(union=tree.union2).person, tree.union2, EnrolmentStatus.COMPLETED)
    with django_assert_max_num_queries(8):  # session, user, scope, targets: no count over the records
        cached = c.get(url).content.decode()
    assert ">6<" in cached.replace(" ", "") and ">7<" not in cached.replace(" ", "")
    # A target just set shows at once (targets are not cached).
    build.target(tree.town2, YEAR, 9, 9, "9")
    assert "/ 9" in c.get(url).content.decode()
    # Another reach has its own entry: town1 is not served the district's figures.
    town1 = client_for(tree.town1_cadre).get(url).content.decode()
    assert ">4<" in town1.replace(" ", "")
    recount = c.get(url + "&refresh=1").content.decode()
    assert ">7<" in recount.replace(" ", "")
    cache.clear()
