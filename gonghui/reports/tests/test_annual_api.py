"""GET /reports/annual: the JSON of the report (reports.view), the files (reports.export,
audited), scope, bad filters with their field, a fixed number of queries."""

import pytest

from gonghui.core.models import AuditEvent
from gonghui.core.testing.api import api_as
from gonghui.core.testing.factories import add_org
from gonghui.orgs.models import Industry, OrgLevel
from gonghui.reports.services.annual import EXPORT_ACTION
from gonghui.reports.testing.annual import YEAR, known_figures

pytestmark = pytest.mark.django_db


@pytest.fixture
def known(tree):
    with known_figures(tree) as known:
        yield known


def test_json_of_the_callers_top_org(tree, known):
    body = api_as(tree.town1_cadre).get("/reports/annual", {"year": YEAR}).json()
    assert body["org"]["id"] == tree.town1.pk and body["year"] == YEAR
    assert body["total"]["k.members"] == "300" and body["total"]["k.rate"] == "75.0"
    members = next(s for s in body["sections"] if s["code"] == "members")
    assert [row["org_id"] for row in members["rows"]] == [tree.union1.pk, tree.union1b.pk, None, None]
    assert [row["kind"] for row in members["rows"]] == ["child", "child", "own", "total"]
    assert body["columns"]["k.rate"]["unit"] == "percent" and body["figures_as_of"]
    assert [level["level"] for level in body["levels"]][0] == "TOWN"
    assert not AuditEvent.objects.filter(action=EXPORT_ACTION).exists()  # reading JSON is not an export


def test_an_org_in_reach_and_out_of_it(tree, known):
    api = api_as(tree.town1_cadre)
    assert api.get("/reports/annual", {"year": YEAR, "org": tree.union1.pk}).json()["org"]["id"] == tree.union1.pk
    out, missing = (api.get("/reports/annual", {"year": YEAR, "org": pk}) for pk in (tree.town2.pk, 987654))
    assert out.status_code == missing.status_code == 404 and out.json() == missing.json()
    assert api_as(tree.member_user).get("/reports/annual").status_code == 403


@pytest.mark.parametrize("params, status, field", [
    ({"year": 1800}, 400, "year"), ({"industry": "NOPE"}, 400, "industry"), ({"format": "csv"}, 422, "format"),
    ({"org": 0}, 422, "org"), ({"year": "abc"}, 422, "year"),
])
def test_bad_filters(tree, known, params, status, field):
    r = api_as(tree.district_staff).get("/reports/annual", params)
    assert r.status_code == status and r.json()["field"] == field


def test_files_are_exports(tree, known):
    api = api_as(tree.union1_staff)
    r = api.get("/reports/annual", {"year": YEAR, "format": "xlsx"})
    assert r.status_code == 200 and r.content[:2] == b"PK"
    assert r["Content-Disposition"] == f'attachment; filename="annual-report-{YEAR}-U1.xlsx"'
    assert AuditEvent.objects.get(action=EXPORT_ACTION).org_id == tree.union1.pk


def test_an_industry(tree, known):
    body = api_as(tree.district_staff).get("/reports/annual", {"year": YEAR, "industry": Industry.TEXTILES}).json()
    assert body["industry"] == Industry.TEXTILES


def test_a_fixed_number_of_queries(tree, known, django_assert_max_num_queries):
    api = api_as(tree.district_staff)
    api.get("/reports/annual", {"year": YEAR})
    with django_assert_max_num_queries(20) as few:
        api.get("/reports/annual", {"year": YEAR})
    for i in range(5):
        add_org(tree.district, f"新镇{i}", OrgLevel.TOWN)
    with django_assert_max_num_queries(len(few.captured_queries)):
        body = api.get("/reports/annual", {"year": YEAR}).json()
    assert len(body["sections"][0]["rows"]) == 9
