"""Metrics of the bargaining section on known records."""

import datetime
from decimal import Decimal

import pytest

from gonghui.bargaining.models import AgreementKind, Stage, WageAgreement
from gonghui.bargaining.services import CoveredEnterprise
from gonghui.bargaining.testing import negotiation
from gonghui.core.testing.factories import EnterpriseFactory
from gonghui.orgs.models import Industry
from gonghui.reports.metrics import bargaining, members
from gonghui.reports.selectors import rollups as selectors
from gonghui.reports.testing.rollups import only_metrics, refresh

pytestmark = pytest.mark.django_db

START = datetime.date(2026, 3, 2)


@pytest.fixture
def registry():
    def provide(year, as_of):
        yield from members.provide(year, as_of)
        yield from bargaining.provide(year, as_of)
    with only_metrics([*members.METRICS, *bargaining.METRICS], provide, [*members.RATIOS, *bargaining.RATIOS]):
        yield


def test_agreements_in_force_signed_and_coverage(tree, registry):
    staff = tree.district_staff
    loose = EnterpriseFactory(town=tree.town1, union=None, headcount=60, industry=Industry.LOGISTICS)
    single = negotiation(actor=staff, org=tree.union1, enterprise=tree.enterprise1, stage=Stage.PUBLISHED,
                         start=START)
    area = negotiation(actor=staff, org=tree.town1, kind=AgreementKind.AREA, stage=Stage.EFFECTIVE, start=START,
                       coverage=[CoveredEnterprise(tree.enterprise1, 100), CoveredEnterprise(loose, 40)])
    expired = negotiation(actor=staff, org=tree.union2, enterprise=tree.enterprise2, stage=Stage.PUBLISHED,
                          start=datetime.date(2024, 1, 8), title="2024年工资专项集体合同")
    negotiation(actor=staff, org=tree.union2, enterprise=tree.enterprise2, stage=Stage.IN_TALKS, start=START)
    assert single.signed_on.year == 2026 and area.starts_on <= datetime.date(2026, 12, 1)
    assert expired.ends_on < datetime.date(2026, 1, 1)
    refresh(2026)
    f = selectors.figures(tree.district, 2026)
    assert f["bargaining.agreements"] == 2
    assert f["bargaining.agreements.SINGLE"] == 1 and f["bargaining.agreements.AREA"] == 1
    assert f["bargaining.agreements.INDUSTRY"] == 0
    assert f["bargaining.signed"] == 2
    assert f["bargaining.covered_enterprises"] == 2  # enterprise1 once, the loose one
    assert f["bargaining.covered_workers"] == 100 + 40  # enterprise1: the larger of 50 and 100
    assert selectors.own_figures(tree.town1, 2026)["bargaining.agreements"] == 1  # the area agreement
    assert selectors.own_figures(tree.town1, 2026)["bargaining.covered_workers"] == 40  # loose: held by its town
    assert selectors.figures(tree.union1, 2026)["bargaining.covered_workers"] == 100
    assert selectors.figures(tree.district, 2026, Industry.LOGISTICS)["bargaining.covered_workers"] == 40
    # coverage = covered ÷ headcount (120 + 120 + 60)
    assert selectors.ratio_values(f)["bargaining.coverage"] == Decimal("46.7")
    refresh(2024)
    f24 = selectors.figures(tree.district, 2024)
    assert f24["bargaining.agreements"] == 1 and f24["bargaining.signed"] == 1
    assert f24["bargaining.covered_workers"] == 50


def test_cancelled_and_not_yet_effective_do_not_count(tree, registry):
    staff = tree.district_staff
    signed = negotiation(actor=staff, org=tree.union1, enterprise=tree.enterprise1, stage=Stage.FILED, start=START)
    refresh(2026)
    f = selectors.figures(tree.district, 2026)
    assert f["bargaining.agreements"] == 0 and f["bargaining.signed"] == 1
    WageAgreement.objects.filter(pk=signed.pk).update(stage=Stage.CANCELLED)
    refresh(2026)
    assert selectors.figures(tree.district, 2026)["bargaining.signed"] == 0


def test_drill_urls(tree):
    by_code = {m.code: m for m in bargaining.METRICS}
    assert by_code["bargaining.agreements"].drill(tree.town1, 2025) == (
        f"/bargaining/stats/?on=2025-12-31&org={tree.town1.pk}")
    assert by_code["bargaining.agreements.AREA"].drill(tree.town1, 2025) == (
        f"/bargaining/?org={tree.town1.pk}&kind=AREA")
