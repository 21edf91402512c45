"""Welfare metrics (reports.metrics.welfare) on known records: campaign spending per kind and in
total (money paid and goods given), beneficiaries, visits and other help, mutual-aid payouts,
claims and people covered, hardship files on record at as_of — unpaid applications, other years,
days after as_of and exited files left out, the holding org right, drill links that open, a fixed
number of queries."""

import datetime
import itertools
from decimal import Decimal
from urllib.parse import parse_qs, urlparse

import pytest

from gonghui.reports import metrics
from gonghui.reports.metrics import welfare
from gonghui.welfare.models import (
    ApplicationStatus,
    Campaign,
    CampaignApplication,
    CampaignKind,
    CampaignPayment,
    ClaimPayout,
    ClaimStatus,
    GoodsDistribution,
    HardshipFile,
    HardshipStatus,
    HelpRecord,
    MutualAidClaim,
    MutualAidCoverage,
    MutualAidEnrolment,
    MutualAidPlan,
)

pytestmark = pytest.mark.django_db

YEAR = 2025
END = datetime.date(YEAR, 12, 31)
_seq = itertools.count(1)
d = datetime.date
D = Decimal


def values(year=YEAR, as_of=END):
    out = {}
    for org_id, code, value in welfare.provide(year, as_of):
        assert (org_id, code) not in out, "one value per org and metric"
        out[org_id, code] = value
    return out


def of(vals, org):
    return {code.removeprefix("welfare."): v for (org_id, code), v in vals.items() if org_id == org.pk}


def campaign(org, kind, year=YEAR):
    return Campaign.objects.create(kind=kind, year=year, title=f"{year}年活动{next(_seq)}", org=org,
                                   opens_on=d(year, 1, 1), closes_on=d(year, 12, 31), status="OPEN")


def paid(c, person, union, amount, paid_on=None, status=ApplicationStatus.PAID):
    x = CampaignApplication.objects.create(number=f"SQ{next(_seq):06d}", campaign=c, kind=c.kind, year=c.year,
                                           person=person, union=union, town=union.town(), channel="UNION",
                                           status=status, amount=D(amount))
    if paid_on:
        CampaignPayment.objects.create(application=x, amount=D(amount), paid_on=paid_on, method="BANK")
    return x


def goods(c, org, value, given_on, *, application=None, person=None, site=""):
    return GoodsDistribution.objects.create(campaign=c, org=org, application=application, person=person, site=site,
                                            items="防暑降温用品", quantity=1, value=D(value), given_on=given_on)


def test_campaign_spending_per_kind_and_beneficiaries(tree):
    autumn, summer = campaign(tree.district, CampaignKind.GOLDEN_AUTUMN), campaign(tree.district,
                                                                                   CampaignKind.SUMMER_COOLING)
    a, b, c = (tree.member(union=tree.union1).person for _ in range(3))
    paid(autumn, a, tree.union1, "3000.00", d(YEAR, 9, 1))
    paid(autumn, b, tree.union1, "5000.00", d(YEAR, 9, 2))
    paid(autumn, c, tree.union1, "4000.00", status=ApplicationStatus.APPROVED)  # approved, not yet paid
    paid(campaign(tree.district, CampaignKind.GOLDEN_AUTUMN, YEAR - 1), c, tree.union1, "3000.00", d(YEAR - 1, 9, 1))
    # summer goods: on a's application (held by a's union), to a person by the town (held by the town),
    # to a site by the town (money spent, nobody named)
    x = paid(summer, a, tree.union1, "200.00", status=ApplicationStatus.PAID)
    goods(summer, tree.town1, "200.00", d(YEAR, 7, 15), application=x, person=a)
    goods(summer, tree.town1, "150.00", d(YEAR, 7, 16), person=c)
    goods(summer, tree.town1, "1000.00", d(YEAR, 7, 17), site="一号工地")
    u2 = tree.member(union=tree.union2).person
    paid(campaign(tree.town2, CampaignKind.SAFE_HOMECOMING), u2, tree.union2, "800.00", d(YEAR, 1, 20))
    v = values()
    assert of(v, tree.union1) == {"spend.GOLDEN_AUTUMN": D("8000.00"), "spend.SUMMER_COOLING": D("200.00"),
                                  "spend_total": D("8200.00"), "beneficiaries": 2}  # a (twice) and b
    assert of(v, tree.town1) == {"spend.SUMMER_COOLING": D("1150.00"), "spend_total": D("1150.00"),
                                 "beneficiaries": 1}
    assert of(v, tree.union2) == {"spend.SAFE_HOMECOMING": D("800.00"), "spend_total": D("800.00"),
                                  "beneficiaries": 1}
    assert of(values(as_of=d(YEAR, 7, 15)), tree.union1) == {"spend.SUMMER_COOLING": D("200.00"),
                                                            "spend_total": D("200.00"), "beneficiaries": 1}
    assert of(values(YEAR - 1, d(YEAR - 1, 12, 31)), tree.union1) == {
        "spend.GOLDEN_AUTUMN": D("3000.00"), "spend_total": D("3000.00"), "beneficiaries": 1}


def test_visits_and_other_help(tree):
    person = tree.member(union=tree.union1).person
    for kind, org, amount, day in (("VISIT", tree.town1, "500.00", d(YEAR, 1, 20)),
                                   ("OTHER", tree.town1, "300.00", d(YEAR, 2, 1)),
                                   ("VISIT", tree.union1, "0.00", d(YEAR, 2, 2)),  # goods only
                                   ("CAMPAIGN", tree.town1, "3000.00", d(YEAR, 9, 1)),  # counted as spending
                                   ("VISIT", tree.town1, "700.00", d(YEAR - 1, 12, 30))):
        HelpRecord.objects.create(person=person, org=org, kind=kind, source_key=f"t:{next(_seq)}", source_label="x",
                                  amount=D(amount), given_on=day)
    assert of(values(), tree.town1) == {"visit_help": D("800.00")}
    assert of(values(), tree.union1) == {}


@pytest.fixture
def plan(tree):
    def make(year):
        return MutualAidPlan.objects.create(
            org=tree.district, year=year, name=f"{year}年度职工医疗互助保障", premium=D("30"),
            enrol_from=d(year - 1, 12, 1), enrol_until=d(year, 1, 31), coverage_starts=d(year, 1, 1),
            coverage_ends=d(year, 12, 31),
            hospital_deductible=D("500"), hospital_ratio=D("0.5"), hospital_cap=D("20000"), serious_sum=D("10000"),
            serious_cap=D("10000"), overall_cap=D("25000"), status="OPEN")
    return make


def cover(tree, p, union, n, *, paid_on):
    batch = MutualAidEnrolment.objects.create(plan=p, union=union, town=union.town(), people=n, amount_due=30 * n,
                                              status="PAID" if paid_on else "UNPAID", paid_on=paid_on)
    return [MutualAidCoverage.objects.create(plan=p, enrolment=batch, person=tree.member(union=union).person,
                                             union=union, effective_from=paid_on) for _ in range(n)]


def claim(p, coverage, *, status=ClaimStatus.PAID, paid_on=None, amount="2000.00"):
    c = MutualAidClaim.objects.create(
        number=f"HZ{next(_seq):06d}", plan=p, coverage=coverage, person=coverage.person, union=coverage.union,
        town=coverage.union.town(), kind="HOSPITAL", hospital="区一院", admitted_on=d(YEAR, 3, 1),
        discharged_on=d(YEAR, 3, 5), diagnosis="肺炎", invoice_numbers="F1", total_cost=D("6000"),
        eligible_cost=D("5000"), approved_amount=D(amount), status=status)
    if paid_on:
        ClaimPayout.objects.create(claim=c, amount=D(amount), paid_on=paid_on, reference="PAY")
    return c


def test_mutual_aid_paid_claims_and_people_covered(tree, plan):
    p, last = plan(YEAR), plan(YEAR - 1)
    mine = cover(tree, p, tree.union1, 3, paid_on=d(YEAR, 1, 10))
    cover(tree, p, tree.union2, 2, paid_on=None)  # unpaid batch: nobody covered
    cover(tree, p, tree.union1b, 1, paid_on=d(YEAR, 3, 1))
    old = cover(tree, last, tree.union2, 1, paid_on=d(YEAR - 1, 1, 5))
    claim(p, mine[0], paid_on=d(YEAR, 4, 1))
    claim(p, mine[1], paid_on=d(YEAR, 10, 1), amount="500.50")
    claim(p, mine[2], status=ClaimStatus.APPROVED)
    claim(last, old[0], paid_on=d(YEAR, 1, 15), amount="1000.00")  # last year's plan, paid this year
    v = values()
    assert of(v, tree.union1) == {"mutual_aid_paid": D("2500.50"), "mutual_aid_claims": 2, "mutual_aid_covered": 3}
    assert str(v[tree.union1.pk, "welfare.mutual_aid_paid"]) == "2500.50"  # to the cent on every engine
    assert of(v, tree.union1b) == {"mutual_aid_covered": 1}
    assert of(v, tree.union2) == {"mutual_aid_paid": D("1000.00"), "mutual_aid_claims": 1}
    assert of(values(as_of=d(YEAR, 2, 1)), tree.union1b) == {}  # paid in March
    assert of(values(YEAR - 1, d(YEAR - 1, 12, 31)), tree.union2) == {"mutual_aid_covered": 1}


def hardship(tree, union, status, accepted_on, exited_on=None):
    return HardshipFile.objects.create(number=f"KN{next(_seq):06d}", person=tree.member(union=union).person,
                                       org=union, status=status, category="DEEP", accepted_on=accepted_on,
                                       exited_on=exited_on)


def test_hardship_files_on_record_at_as_of(tree):
    hardship(tree, tree.union1, HardshipStatus.ACTIVE, d(YEAR - 2, 5, 1))
    hardship(tree, tree.union1, HardshipStatus.ACTIVE, d(YEAR, 11, 1))
    hardship(tree, tree.union1, HardshipStatus.EXITED, d(YEAR - 1, 5, 1), exited_on=d(YEAR + 1, 2, 1))
    hardship(tree, tree.union1, HardshipStatus.EXITED, d(YEAR - 1, 5, 1), exited_on=d(YEAR, 6, 30))
    hardship(tree, tree.union2, HardshipStatus.SUBMITTED, None)
    hardship(tree, tree.union2, HardshipStatus.REJECTED, None)
    assert of(values(), tree.union1) == {"hardship_files": 3}
    assert of(values(as_of=d(YEAR, 6, 29)), tree.union1) == {"hardship_files": 3}  # exits on 30 June
    assert of(values(as_of=d(YEAR, 6, 30)), tree.union1) == {"hardship_files": 2}  # the November one not yet
    assert of(values(), tree.union2) == {}


def test_a_fixed_number_of_queries(tree, plan, django_assert_num_queries):
    person = tree.member(union=tree.union1).person
    paid(campaign(tree.district, CampaignKind.GOLDEN_AUTUMN), person, tree.union1, "3000.00", d(YEAR, 9, 1))
    claim(plan(YEAR), cover(tree, plan(YEAR + 1), tree.union1, 1, paid_on=d(YEAR, 1, 1))[0], paid_on=d(YEAR, 4, 1))
    hardship(tree, tree.union1, HardshipStatus.ACTIVE, d(YEAR - 2, 5, 1))
    with django_assert_num_queries(7):
        list(welfare.provide(YEAR, END))


def test_the_contract_codes_and_the_campaign_group():
    by_code = {m.code: m for m in metrics.all_metrics() if m.section == "welfare"}
    assert {"welfare.spend_total", "welfare.beneficiaries", "welfare.mutual_aid_paid", "welfare.mutual_aid_claims",
            "welfare.hardship_files"} <= set(by_code)
    group = sorted(c for c, m in by_code.items() if m.group == "welfare.campaign")
    assert group == sorted(f"welfare.spend.{k}" for k in CampaignKind.values)
    assert all(by_code[c].unit == "yuan" for c in (*group, "welfare.spend_total", "welfare.mutual_aid_paid"))


@pytest.mark.parametrize("code", [m.code for m in welfare.METRICS])
def test_drill_links_open_their_list(tree, client, code):
    client.force_login(tree.town1_cadre)
    url = metrics.metric(code).drill(tree.town1, YEAR)
    assert parse_qs(urlparse(url).query)["org"] == [str(tree.town1.pk)]
    assert client.get(url).status_code == 200
