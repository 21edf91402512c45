import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from gonghui.bargaining import services
from gonghui.bargaining.models import AgreementKind, Stage, WageAgreement
from gonghui.bargaining.services import CoveredEnterprise
from gonghui.bargaining.stats import ABOVE_TOWNS, coverage_stats
from gonghui.bargaining.testing import negotiation
from gonghui.core.testing.factories import EnterpriseFactory
from gonghui.orgs.models import Industry

ON = datetime.date(2026, 11, 30)


def single(tree, union=None, enterprise=None, actor=None, stage=Stage.PUBLISHED, workers=None, **kwargs):
    enterprise = enterprise or tree.enterprise1
    coverage = [CoveredEnterprise(enterprise, workers)] if workers else None
    return negotiation(actor=actor or tree.district_staff, org=union or enterprise.union, enterprise=enterprise,
                       coverage=coverage, stage=stage, **kwargs)


def area(tree, org, coverage, stage=Stage.PUBLISHED, kind=AgreementKind.AREA, **kwargs):
    return negotiation(actor=tree.district_staff, org=org, kind=kind, stage=stage,
                       coverage=[CoveredEnterprise(e, w) for e, w in coverage], **kwargs)


def town_row(stats, town):
    return next(row for row in stats.by_town if row.org == town).figures


def industry_row(stats, code):
    return next(row for row in stats.by_industry if row.code == code).figures


@pytest.fixture
def double(tree):
    """enterprise1 under its own single agreement (50 workers) and a town-1 area agreement (40)."""
    tree.single1 = single(tree, workers=50)
    tree.area1 = area(tree, tree.town1, [(tree.enterprise1, 40)])
    return tree


def test_double_coverage_counts_workers_once_per_enterprise(double):
    stats = coverage_stats(double.district_staff, on=ON)
    total = stats.total
    assert (total.single, total.area, total.industry, total.agreements) == (1, 1, 0, 2)
    assert total.agreement_workers == 90
    assert total.distinct_workers == 50
    assert total.covered_enterprises == 1
    row = town_row(stats, double.town1)
    assert (row.agreement_workers, row.distinct_workers, row.covered_enterprises) == (90, 50, 1)
    textiles = industry_row(stats, Industry.TEXTILES)
    assert (textiles.agreement_workers, textiles.distinct_workers, textiles.single, textiles.area) == (90, 50, 1, 1)


def test_larger_area_coverage_is_the_distinct_figure(tree):
    single(tree, workers=30)
    area(tree, tree.town1, [(tree.enterprise1, 45)])
    total = coverage_stats(tree.district_staff, on=ON).total
    assert (total.agreement_workers, total.distinct_workers) == (75, 45)


def test_only_agreements_in_force_on_the_day_count(tree):
    in_force = single(tree, workers=50)  # signed in March 2026, effective in April, a one-year term
    # Expired: a 2025 agreement of union2 (one year from early 2025).
    expired = single(tree, enterprise=tree.enterprise2, workers=20, start=datetime.date(2025, 1, 6))
    # Filed but not yet effective, and an offer later cancelled.
    filed = area(tree, tree.town1, [(tree.enterprise1, 10)], stage=Stage.FILED)
    cancelled = single(tree, enterprise=tree.enterprise2, workers=5, stage=Stage.IN_TALKS,
                       start=datetime.date(2026, 9, 1))
    services.cancel_negotiation(actor=tree.district_staff, agreement=cancelled, reason="企业停产")
    assert expired.ends_on < ON and filed.stage == Stage.FILED

    total = coverage_stats(tree.district_staff, on=ON).total
    assert (total.agreements, total.single, total.area) == (1, 1, 0)
    assert (total.agreement_workers, total.distinct_workers, total.covered_enterprises) == (50, 50, 1)

    # As at a day within the 2025 term, only the expired one was in force.
    old = coverage_stats(tree.district_staff, on=expired.starts_on).total
    assert (old.agreements, old.agreement_workers) == (1, 20)
    # On the first and the last day of the term the agreement counts; the day after, not.
    assert coverage_stats(tree.district_staff, on=in_force.starts_on).total.agreements == 1
    assert coverage_stats(tree.district_staff, on=in_force.ends_on).total.agreements == 1
    after = in_force.ends_on + datetime.timedelta(days=1)
    assert coverage_stats(tree.district_staff, on=after).total.agreements == 0
    assert coverage_stats(tree.district_staff, on=in_force.starts_on - datetime.timedelta(days=1)).total.agreements == 0


def test_coverage_rate_counts_enterprises_with_a_union(double):
    EnterpriseFactory(town=double.town1, union=double.union1b)  # a union, no agreement
    no_union = EnterpriseFactory(town=double.town1, union=None)
    area(double, double.town1, [(no_union, 30)], kind=AgreementKind.INDUSTRY, industry=Industry.TEXTILES)

    stats = coverage_stats(double.district_staff, on=ON)
    total = stats.total
    # Unionised: enterprise1 (covered), the union1b firm (not), enterprise2 (not).
    assert (total.enterprises_with_union, total.covered_with_union) == (3, 1)
    assert total.covered_enterprises == 2  # the firm without a union is covered, not in the rate
    assert total.coverage_rate == Decimal("33.3")
    town1 = town_row(stats, double.town1)
    assert (town1.enterprises_with_union, town1.covered_with_union, town1.coverage_rate) == (2, 1, Decimal("50.0"))
    town2 = town_row(stats, double.town2)
    assert (town2.enterprises_with_union, town2.covered_enterprises, town2.coverage_rate) == (1, 0, Decimal("0.0"))


def test_coverage_rate_is_none_without_unionised_enterprises(tree):
    stats = coverage_stats(tree.district_staff, on=ON)
    assert stats.total.coverage_rate == Decimal("0.0")  # two unionised enterprises, none covered
    assert industry_row(stats, Industry.LOGISTICS).coverage_rate is None
    assert stats.total.avg_increase is None and stats.total.skilled_share is None


def test_averages_and_skilled_worker_share(tree):
    one = single(tree, workers=50)
    two = single(tree, enterprise=tree.enterprise2, workers=40)
    third = EnterpriseFactory(town=tree.town1, union=tree.union1b)
    three = single(tree, enterprise=third, workers=20)
    area1 = area(tree, tree.town1, [(tree.enterprise1, 40), (third, 10)])
    area2 = area(tree, tree.town2, [(tree.enterprise2, 30)])
    WageAgreement.objects.filter(pk=one.pk).update(avg_increase_pct=Decimal("5.00"))
    WageAgreement.objects.filter(pk=two.pk).update(avg_increase_pct=Decimal("8.00"), skilled_worker_clause=False)
    WageAgreement.objects.filter(pk=three.pk).update(avg_increase_pct=None)  # not stated: left out of the mean
    WageAgreement.objects.filter(pk=area1.pk).update(min_increase_pct=Decimal("3.00"), avg_increase_pct=Decimal(50))
    WageAgreement.objects.filter(pk=area2.pk).update(min_increase_pct=Decimal("4.50"), skilled_worker_clause=False)

    stats = coverage_stats(tree.district_staff, on=ON)
    total = stats.total
    assert total.avg_increase == Decimal("6.50")       # (5 + 8) / 2: single agreements only
    assert total.avg_min_increase == Decimal("3.75")   # (3 + 4.5) / 2: area agreements only
    assert (total.skilled, total.agreements, total.skilled_share) == (3, 5, Decimal("60.0"))
    town1, town2 = town_row(stats, tree.town1), town_row(stats, tree.town2)
    assert (town1.avg_increase, town1.avg_min_increase, town1.skilled) == (Decimal("5.00"), Decimal("3.00"), 3)
    assert (town2.avg_increase, town2.avg_min_increase, town2.skilled) == (Decimal("8.00"), Decimal("4.50"), 0)


def test_by_town_uses_the_party_town_for_agreements_and_the_enterprise_town_for_coverage(tree):
    single(tree, workers=50)
    single(tree, enterprise=tree.enterprise2, workers=40)
    # A district-wide industry agreement binding both towns' textile firms.
    area(tree, tree.district, [(tree.enterprise1, 10), (tree.enterprise2, 20)], kind=AgreementKind.INDUSTRY,
         industry=Industry.TEXTILES)
    stats = coverage_stats(tree.district_staff, on=ON)
    keys = [row.key for row in stats.by_town]
    assert keys == [tree.town1.path, tree.town2.path, ABOVE_TOWNS]
    above = stats.by_town[-1].figures
    assert (above.industry, above.agreements, above.agreement_workers) == (1, 1, 0)
    town1 = town_row(stats, tree.town1)
    assert (town1.single, town1.industry, town1.agreement_workers, town1.distinct_workers) == (1, 0, 60, 50)
    # The rows add up to the totals.
    assert sum(row.figures.agreements for row in stats.by_town) == stats.total.agreements == 3
    assert sum(row.figures.agreement_workers for row in stats.by_town) == stats.total.agreement_workers == 120
    assert sum(row.figures.distinct_workers for row in stats.by_town) == stats.total.distinct_workers == 90


def test_town_cadre_sees_only_their_town(double):
    single(double, enterprise=double.enterprise2, workers=40)
    stats = coverage_stats(double.town1_cadre, on=ON)
    assert [row.org for row in stats.by_town] == [double.town1]
    total = stats.total
    assert (total.agreements, total.agreement_workers, total.distinct_workers) == (2, 90, 50)
    assert total.enterprises_with_union == 1

    other = coverage_stats(double.town2_cadre, on=ON)
    assert [row.org for row in other.by_town] == [double.town2]
    assert (other.total.agreements, other.total.agreement_workers) == (1, 40)


def test_district_industry_agreement_counts_only_in_scope_enterprises(tree):
    area(tree, tree.district, [(tree.enterprise1, 10), (tree.enterprise2, 20)], kind=AgreementKind.INDUSTRY,
         industry=Industry.TEXTILES)
    stats = coverage_stats(tree.town2_cadre, on=ON)
    assert stats.total.industry == 1  # it binds an enterprise of town 2
    assert (stats.total.agreement_workers, stats.total.covered_enterprises) == (20, 1)


def test_union_chair_sees_the_area_agreement_binding_their_enterprise(double):
    stats = coverage_stats(double.union1_chair, on=ON)
    assert (stats.total.single, stats.total.area, stats.total.distinct_workers) == (1, 1, 50)
    assert [row.org for row in stats.by_town] == [double.town1]


def test_org_filter_narrows_to_the_subtree(double):
    single(double, enterprise=double.enterprise2, workers=40)
    stats = coverage_stats(double.district_staff, on=ON, org=double.town2)
    assert (stats.total.agreements, stats.total.agreement_workers) == (1, 40)
    assert [row.org for row in stats.by_town] == [double.town2]
    # An org outside the user's reach gives nothing (views answer 404 before this).
    empty = coverage_stats(double.town1_cadre, on=ON, org=double.town2)
    assert empty.total.agreements == 0 and empty.by_town == []


def test_no_reach_no_figures(tree, django_assert_num_queries):
    single(tree, workers=50)
    for user in (tree.member_user, tree.outsider):
        stats = coverage_stats(user, on=ON)
        assert stats.total.agreements == 0 and stats.by_town == []


def _count_queries(user):
    with CaptureQueriesContext(connection) as ctx:
        coverage_stats(user, on=ON)
    return len(ctx.captured_queries)


def test_query_count_does_not_grow_with_the_data(tree, django_assert_max_num_queries):
    single(tree, workers=50)
    small = _count_queries(tree.district_staff)
    for i in range(6):
        enterprise = EnterpriseFactory(town=tree.town2 if i % 2 else tree.town1, union=tree.union1b if i == 0 else None,
                                       industry=Industry.LOGISTICS if i % 3 else Industry.TEXTILES)
        area(tree, tree.town2 if i % 2 else tree.town1, [(enterprise, 10 + i)], title=f"区域协议{i}")
    assert _count_queries(tree.district_staff) == small
    with django_assert_max_num_queries(8):
        stats = coverage_stats(tree.town1_cadre, on=ON)
    assert stats.total.area == 3


# --- the page ---------------------------------------------------------------------------------------

def test_stats_page_permissions(client, tree):
    url = reverse("bargaining:stats")
    response = client.get(url)
    assert response.status_code == 302 and "/accounts/login" in response["Location"]
    for user in (tree.member_user, tree.outsider):
        client.force_login(user)
        assert client.get(url).status_code == 403
    client.force_login(tree.town1_cadre)
    assert client.get(url).status_code == 200


def test_stats_page_shows_the_figures_of_the_users_scope(client, double):
    single(double, enterprise=double.enterprise2, workers=40)
    client.force_login(double.town1_cadre)
    response = client.get(reverse("bargaining:stats"))
    body = response.content.decode()
    assert double.town1.name in body and double.town2.name not in body
    assert response.context["stats"].total.distinct_workers == 50
    assert 'id="stats-chart-data"' in body and "<script>" not in body


def test_stats_page_date_and_org_filters(client, double):
    single(double, enterprise=double.enterprise2, workers=40)
    client.force_login(double.district_staff)
    response = client.get(reverse("bargaining:stats"), {"on": "2027-12-31", "org": double.town2.pk})
    assert response.status_code == 200
    stats = response.context["stats"]
    assert stats.on == datetime.date(2027, 12, 31) and stats.org == double.town2 and stats.total.agreements == 0
    response = client.get(reverse("bargaining:stats"), {"org": double.town2.pk})
    assert response.context["stats"].total.agreement_workers == 40


def test_stats_page_bad_input_is_not_an_error_page(client, double):
    client.force_login(double.town1_cadre)
    response = client.get(reverse("bargaining:stats"), {"on": "2026-13-45"})
    assert response.status_code == 200
    assert response.context["stats"].on == datetime.date.today() or response.context["form"].errors
    # An org outside the reach answers like a missing one.
    assert client.get(reverse("bargaining:stats"), {"org": double.town2.pk}).status_code == 404
    assert client.get(reverse("bargaining:stats"), {"org": "x"}).status_code == 404


def test_stats_page_query_count(client, double, django_assert_max_num_queries):
    client.force_login(double.district_staff)
    client.get(reverse("bargaining:stats"))
    with django_assert_max_num_queries(16):
        assert client.get(reverse("bargaining:stats")).status_code == 200


# --- the figures against a per-row reading of the docstring's rules ------------------------------

def _expected(user, on, org=None):
    """The figures computed row by row from the scoped querysets, as stats.py's docstring defines
    them (slow: one query per agreement; for comparing on a small tree only)."""
    from gonghui.bargaining.models import Coverage
    from gonghui.bargaining.stats import MINIMUM_KINDS, TOWN_LEVELS, Figures
    from gonghui.orgs.models import Enterprise, Org

    def under(o, path):
        return o is not None and o.path.startswith(path)

    enterprises = {e.pk: e for e in Enterprise.objects.visible_to(user).select_related("town", "union")
                   if org is None or under(e.town, org.path) or under(e.union, org.path)}
    agreements = [a for a in WageAgreement.objects.in_force_on(on).visible_to(user).select_related("org")
                  if org is None or under(a.org, org.path)
                  or any(c.enterprise_id in enterprises for c in a.coverages.all())]
    towns = {t.path: t for t in Org.objects.filter(level__in=TOWN_LEVELS)}
    total, by_town, by_industry = Figures(), {}, {code: Figures() for code in Industry.values}

    def party_town(path):
        return next((path[:n] for n in sorted({len(p) for p in towns}) if path[:n] in towns), ABOVE_TOWNS)

    for a in agreements:
        industries = {c.enterprise.industry for c in a.coverages.select_related("enterprise")
                      if c.enterprise_id in enterprises}
        for f in [total, by_town.setdefault(party_town(a.org.path), Figures())] + [by_industry[i] for i in industries]:
            row = {"kind": a.kind, "n": 1, "skilled": int(a.skilled_worker_clause),
                   "inc_sum": a.avg_increase_pct, "inc_n": int(a.avg_increase_pct is not None),
                   "min_sum": a.min_increase_pct, "min_n": int(a.min_increase_pct is not None)}
            if a.kind not in MINIMUM_KINDS + (AgreementKind.SINGLE,):
                continue
            f.add_agreements(row)
    for e in enterprises.values():
        workers = list(Coverage.objects.filter(enterprise=e, agreement__in=WageAgreement.objects.in_force_on(on))
                       .values_list("workers", flat=True))
        row = {"with_union": int(e.union_id is not None), "covered": int(bool(workers)),
               "covered_with_union": int(bool(workers) and e.union_id is not None),
               "distinct_workers": max(workers, default=0)}
        for f in (total, by_town.setdefault(e.town.path, Figures()), by_industry[e.industry]):
            f.add_enterprises(row)
            f.agreement_workers += sum(workers)
    return total, by_town, by_industry


@pytest.fixture
def mixed(tree):
    """Both towns, a platform, unions and firms without one, agreements of every kind and stage,
    one town's area agreement binding a firm that has since moved to the other town, and a
    district industry agreement."""
    from gonghui.core.testing.factories import add_org
    from gonghui.orgs.models import Enterprise, OrgLevel

    tree.platform = add_org(tree.district, "互联网平台工会联合会", OrgLevel.PLATFORM, code="P1")
    tree.platform_union = add_org(tree.platform, "丁平台企业工会", OrgLevel.GRASSROOTS, code="PU1")
    firms = [
        EnterpriseFactory(town=tree.town1, union=tree.union1b, industry=Industry.LOGISTICS),
        EnterpriseFactory(town=tree.town1, union=None, industry=Industry.AUTO_PARTS),
        EnterpriseFactory(town=tree.town2, union=None, industry=Industry.TEXTILES),
        EnterpriseFactory(town=tree.platform, union=tree.platform_union, industry=Industry.SERVICES),
        EnterpriseFactory(town=tree.town2, union=tree.union1b, industry=Industry.LOGISTICS),  # union of town 1
        EnterpriseFactory(town=tree.platform, union=None, industry=Industry.TEXTILES),
    ]
    tree.firms = firms
    single(tree, workers=50)
    single(tree, enterprise=tree.enterprise2, workers=35)
    single(tree, enterprise=firms[0], workers=70, stage=Stage.FILED)  # not yet in force
    single(tree, enterprise=firms[3], union=tree.platform_union, workers=12)
    area(tree, tree.town1, [(tree.enterprise1, 40), (firms[1], 25)])
    Enterprise.objects.filter(pk=firms[1].pk).update(town=tree.town2)  # moved to town 2 since
    area(tree, tree.town2, [(firms[2], 18), (firms[4], 22)])
    area(tree, tree.district, [(tree.enterprise1, 10), (firms[2], 30), (firms[5], 8)], kind=AgreementKind.INDUSTRY,
         industry=Industry.TEXTILES)
    area(tree, tree.town2, [(tree.enterprise2, 5)], start=datetime.date(2025, 1, 6))  # expired by ON
    for i, agreement in enumerate(WageAgreement.objects.order_by("pk")):
        WageAgreement.objects.filter(pk=agreement.pk).update(
            avg_increase_pct=None if i % 3 == 0 else Decimal("4.25") + i,
            min_increase_pct=None if i % 4 == 1 else Decimal("2.10") + i, skilled_worker_clause=bool(i % 2))
    return tree


@pytest.mark.parametrize("who, where", [
    ("district_staff", None), ("district_staff", "town1"), ("district_staff", "town2"),
    ("district_staff", "platform"), ("district_staff", "union1b"), ("town1_cadre", None), ("town2_cadre", None),
    ("town1_cadre", "union1b"), ("union1_chair", None), ("superuser", None), ("superuser", "town2"),
])
def test_figures_match_the_rules_row_by_row(mixed, who, where):
    from gonghui.core.testing.factories import UserFactory

    user = UserFactory(is_superuser=True) if who == "superuser" else getattr(mixed, who)
    org = getattr(mixed, where) if where else None
    for on in (ON, datetime.date(2025, 6, 30)):
        stats = coverage_stats(user, on=on, org=org)
        total, by_town, by_industry = _expected(user, on, org)
        assert stats.total == total
        assert stats.total.agreements > 0 or on != ON
        figures_by_town = {row.key: row.figures for row in stats.by_town}
        for key, figures in by_town.items():
            assert figures_by_town[key] == figures, key
        # Rows the figures do not name are the towns in the subtree, with nothing in them.
        for key, figures in figures_by_town.items():
            assert key in by_town or figures == type(figures)(), key
        assert {row.code: row.figures for row in stats.by_industry} == by_industry


def test_town_area_agreement_reaching_into_another_town(mixed):
    """town1's area agreement binds a firm now in town 2: town 1's cadre counts the agreement but
    not that firm's workers; town 2's cadre counts the workers and sees the agreement under
    town 1, its party's town. (A town-2 firm whose union is in town 1 is placed in both.)"""
    one = coverage_stats(mixed.town1_cadre, on=ON)
    two = coverage_stats(mixed.town2_cadre, on=ON)
    assert town_row(one, mixed.town1).area == 1
    assert town_row(one, mixed.town1).agreement_workers == 50 + 40 + 10  # single, area, district industry
    assert town_row(one, mixed.town2).agreement_workers == 22  # only the firm of union1b
    assert town_row(two, mixed.town2).agreement_workers == 35 + 25 + 18 + 22 + 30
    assert town_row(two, mixed.town1).area == 1  # the party's row, no coverage figures
    assert town_row(two, mixed.town1).agreement_workers == 0


def test_query_count_is_four_plus_the_roles(mixed, django_assert_num_queries):
    mixed.district_staff.forget_roles()
    with django_assert_num_queries(5):
        coverage_stats(mixed.district_staff, on=ON)
    with django_assert_num_queries(4):
        coverage_stats(mixed.district_staff, on=ON, org=mixed.town1)
