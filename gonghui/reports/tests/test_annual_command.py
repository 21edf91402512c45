"""manage.py annual_report: refreshes the year first (trigger COMMAND) unless --no-refresh, writes
the file, defaults to the district, refuses bad arguments with a message, audited as the system."""

import io
import json

import pytest
from django.core.management import CommandError, call_command

from gonghui.core.models import AuditEvent
from gonghui.reports.models.rollups import RollupRun, RollupTrigger
from gonghui.reports.services.annual import EXPORT_ACTION
from gonghui.reports.testing.annual import YEAR, known_figures

pytestmark = pytest.mark.django_db


@pytest.fixture
def known(tree):
    with known_figures(tree) as known:
        yield known


def run(*args, **options):
    err = io.StringIO()
    out = io.StringIO()
    call_command("annual_report", *args, stdout=out, stderr=err, **options)
    return out.getvalue(), err.getvalue()


def test_refreshes_then_writes_the_workbook_of_the_district(tree, known, tmp_path):
    target = tmp_path / "report.xlsx"
    runs = RollupRun.objects.count()
    _out, err = run("--year", str(YEAR), "--format", "xlsx", "--output", str(target))
    assert target.read_bytes()[:2] == b"PK" and str(target) in err
    latest = RollupRun.objects.order_by("-id").first()
    assert RollupRun.objects.count() == runs + 1 and latest.trigger == RollupTrigger.COMMAND
    event = AuditEvent.objects.get(action=EXPORT_ACTION)
    assert event.actor_id is None and event.actor_name == "system" and event.org_id == tree.district.pk


def test_no_refresh_and_json_to_standard_output(tree, known):
    runs = RollupRun.objects.count()
    out, err = run("--year", str(YEAR), "--org", str(tree.town1.pk), "--format", "json", "--output", "-",
                   "--no-refresh")
    body = json.loads(out)
    assert body["org"]["id"] == tree.town1.pk and body["total"]["k.members"] == "300"
    assert RollupRun.objects.count() == runs and "Figures as of" in err


def test_a_year_never_rolled_up_warns(tree, known, tmp_path):
    _out, err = run("--year", str(YEAR + 1), "--format", "json", "--output", str(tmp_path / "r.json"),
                    "--no-refresh")
    assert "never been refreshed" in err


@pytest.mark.parametrize("args, message", [
    (["--year", "1800", "--format", "json"], "--year"),
    (["--year", str(YEAR), "--org", "987654", "--format", "json"], "--org"),
    (["--year", str(YEAR), "--industry", "NOPE", "--format", "json"], "--industry"),
])
def test_bad_arguments(tree, known, tmp_path, args, message):
    with pytest.raises(CommandError, match=message):
        run(*args, "--output", str(tmp_path / "r.json"), "--no-refresh")


def test_unwritable_output(tree, known, tmp_path):
    with pytest.raises(CommandError, match="--output"):
        run("--year", str(YEAR), "--format", "json", "--output", str(tmp_path / "missing" / "r.json"),
            "--no-refresh")
