"""The pages of the roll-up refreshes: list (filters, pager, export), run page, refresh now."""

import io

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from python_calamine import CalamineWorkbook

from gonghui.core.models import AuditEvent
from gonghui.reports.models.rollups import RollupRun, RollupStatus, RollupTrigger
from gonghui.reports.testing.rollups import refresh

pytestmark = pytest.mark.django_db

THIS_YEAR = timezone.localdate().year


def client_for(user):
    c = Client()
    c.force_login(user)
    return c


@pytest.fixture
def runs(tree):
    done = refresh(THIS_YEAR, trigger=RollupTrigger.SEED)
    failed = RollupRun.objects.create(year=THIS_YEAR - 1, trigger=RollupTrigger.SCHEDULED, status=RollupStatus.FAILED,
                                      error="OperationalError: <script>x</script>", finished_at=timezone.now())
    asked = RollupRun.objects.create(year=THIS_YEAR, trigger=RollupTrigger.ON_DEMAND, status=RollupStatus.QUEUED,
                                     requested_by=tree.district_staff)
    return done, failed, asked


def test_list_shows_runs_and_figures_in_use(tree, runs):
    done, failed, asked = runs
    r = client_for(tree.town1_cadre).get(reverse("reports:rollup_list"))
    assert r.status_code == 200
    assert [run.pk for run in r.context["page"].items] == [asked.pk, failed.pk, done.pk]
    assert r.context["years"] == [(THIS_YEAR, done)]
    assert r.context["refresh_form"] is None and not r.context["can_refresh"]
    body = r.content.decode()
    assert "&lt;script&gt;" in body and "<script>x" not in body  # the error is escaped
    assert reverse("reports:rollup_detail", args=[done.pk]) in body


def test_list_filters_and_search(tree, runs):
    done, failed, asked = runs
    c = client_for(tree.district_staff)
    assert [r.pk for r in c.get(reverse("reports:rollup_list"), {"status": "FAILED"}).context["page"].items] == [
        failed.pk]
    assert [r.pk for r in c.get(reverse("reports:rollup_list"), {"year": THIS_YEAR - 1}).context["page"].items] == [
        failed.pk]
    assert [r.pk for r in c.get(reverse("reports:rollup_list"), {"trigger": "SEED"}).context["page"].items] == [
        done.pk]
    assert [r.pk for r in c.get(reverse("reports:rollup_list"), {"q": "distr"}).context["page"].items] == [asked.pk]
    bad = c.get(reverse("reports:rollup_list"), {"year": "1900", "status": "NOPE"})
    assert bad.status_code == 200 and len(bad.context["page"].items) == 3  # unreadable filters are ignored
    assert bad.context["form"].errors


def test_list_pages_by_keyset(tree, settings):
    settings.LIST_PAGE_SIZE = 2
    made = [RollupRun.objects.create(year=THIS_YEAR, trigger=RollupTrigger.SCHEDULED, status=RollupStatus.DONE)
            for _ in range(3)]
    c = client_for(tree.district_staff)
    first = c.get(reverse("reports:rollup_list"))
    assert [r.pk for r in first.context["page"].items] == [made[2].pk, made[1].pk]
    second = c.get(reverse("reports:rollup_list"), {"after": first.context["page"].next_after})
    assert [r.pk for r in second.context["page"].items] == [made[0].pk]


def test_list_query_count_does_not_grow_with_rows(tree, django_assert_max_num_queries):
    c = client_for(tree.district_staff)
    for _ in range(2):
        RollupRun.objects.create(year=THIS_YEAR, trigger=RollupTrigger.ON_DEMAND, status=RollupStatus.DONE,
                                 requested_by=tree.district_staff)
    with django_assert_max_num_queries(100) as few:
        c.get(reverse("reports:rollup_list"))
    for _ in range(20):
        RollupRun.objects.create(year=THIS_YEAR, trigger=RollupTrigger.ON_DEMAND, status=RollupStatus.DONE,
                                 requested_by=tree.town1_cadre)
    with django_assert_max_num_queries(len(few.captured_queries)):
        c.get(reverse("reports:rollup_list"))


def test_run_page_with_history(tree, runs, django_capture_on_commit_callbacks):
    done, failed, _asked = runs
    c = client_for(tree.district_staff)
    r = c.get(reverse("reports:rollup_detail", args=[done.pk]))
    assert r.status_code == 200 and r.context["is_in_use"]
    assert c.get(reverse("reports:rollup_detail", args=[failed.pk])).context["is_in_use"] is False
    assert c.get(reverse("reports:rollup_detail", args=[999999])).status_code == 404
    with django_capture_on_commit_callbacks(execute=True):
        posted = c.post(reverse("reports:rollup_refresh"), {"year": THIS_YEAR - 1})
    new = RollupRun.objects.filter(trigger=RollupTrigger.ON_DEMAND, year=THIS_YEAR - 1).get()
    assert posted.status_code == 302 and posted["Location"] == reverse("reports:rollup_detail", args=[new.pk])
    page = c.get(posted["Location"])
    assert page.context["run"].status == RollupStatus.DONE
    assert [e.action for e in page.context["history"]] == ["reports.rollups_refresh"]


@pytest.mark.parametrize("year", ["", "1999", str(THIS_YEAR + 1), "abc"])
def test_refresh_with_a_bad_year_says_so_and_queues_nothing(tree, year):
    r = client_for(tree.district_staff).post(reverse("reports:rollup_refresh"), {"year": year})
    assert r.status_code == 400
    assert r.context["refresh_form"].errors["year"]
    assert not RollupRun.objects.exists()


def test_refresh_is_for_district_staff(tree):
    for user in (tree.town1_cadre, tree.union1_chair):
        assert client_for(user).post(reverse("reports:rollup_refresh"), {"year": THIS_YEAR}).status_code == 403
    assert not RollupRun.objects.exists()
    assert client_for(tree.district_staff).get(reverse("reports:rollup_refresh")).status_code == 405


def test_export_is_filtered_and_audited(tree, runs):
    done, failed, asked = runs
    r = client_for(tree.town1_cadre).get(reverse("reports:rollup_export"), {"status": "FAILED"})
    assert r.status_code == 200
    assert r["Content-Type"].startswith("application/vnd.openxmlformats")
    book = CalamineWorkbook.from_filelike(io.BytesIO(b"".join(r.streaming_content)))
    rows = book.get_sheet_by_index(0).to_python()
    assert len(rows) == 2 and rows[1][0] == failed.pk and rows[1][10] == failed.error
    event = AuditEvent.objects.get(action="reports.rollups_export")
    assert event.after["rows"] == 1 and event.after["status"] == "FAILED" and event.org == tree.town1
