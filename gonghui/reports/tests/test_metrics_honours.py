"""Honours metrics (reports.metrics.honours) on known records: honours conferred in the year (and
by category), model workers on the register at as_of, the skill leaders' allowance of the year's
months and the people paid, skill rewards paid — other years, days after as_of, unpaid claims left
out, the holding org right, drill links that open, a fixed number of queries."""

import datetime
import itertools
from decimal import Decimal
from urllib.parse import parse_qs, urlparse

import pytest

from gonghui.honours.models import (
    HonourCategory,
    HonourRecord,
    LeaderAllowance,
    LeaderAllowanceRun,
    LeaderStatus,
    ModelWorker,
    ModelWorkerTitle,
    RewardClaimStatus,
    SkillLeader,
    SkillRewardBatch,
    SkillRewardClaim,
)
from gonghui.reports import metrics
from gonghui.reports.metrics import honours

pytestmark = pytest.mark.django_db

YEAR = 2025
END = datetime.date(YEAR, 12, 31)
_seq = itertools.count(1)
D = Decimal


def values(year=YEAR, as_of=END):
    out = {}
    for org_id, code, value in honours.provide(year, as_of):
        assert (org_id, code) not in out, "one value per org and metric"
        out[org_id, code] = value
    return out


def of(vals, org):
    return {code.removeprefix("honours."): v for (org_id, code), v in vals.items() if org_id == org.pk}


def record(tree, org, conferred_on, category=HonourCategory.AWARD, *, year=None, team=""):
    person = None if team else tree.member(union=org if org.level == "GRASSROOTS" else tree.union1).person
    return HonourRecord.objects.create(org=org, holder_kind="TEAM" if team else "PERSON", person=person,
                                       team_name=team, title="金齿轮奖", category=category, level="DISTRICT",
                                       year=year or conferred_on.year, conferred_on=conferred_on)


def model_worker(tree, union, *titles, year=None):
    """A registry entry with titles conferred on the given days (none: an entry without titles)."""
    w = ModelWorker.objects.create(person=tree.member(union=union).person, org=union, level="DISTRICT",
                                   year=year or (titles[-1].year if titles else YEAR))
    for i, on in enumerate(titles):
        ModelWorkerTitle.objects.create(worker=w, level=("DISTRICT", "CITY", "PROVINCE")[i], year=on.year,
                                        title="劳动模范", conferred_on=on)
    return w


def skill_leader(tree, union, year):
    d = datetime.date
    return SkillLeader.objects.create(org=union, town=union.town(), person=tree.member(union=union).person,
                                      year=year, trade="数控车工", industry="AUTO_PARTS", status=LeaderStatus.SELECTED,
                                      nominated_on=d(year, 1, 5), decided_on=d(year, 1, 20), starts_on=d(year, 1, 20),
                                      term_ends_on=d(year + 2, 12, 31), ends_on=d(year + 2, 12, 31))


def pay(leader, month, org=None, amount="100.00"):
    run, _ = LeaderAllowanceRun.objects.get_or_create(month=month)
    org = org or leader.org
    return LeaderAllowance.objects.create(leader=leader, run=run, month=month, year=month.year, amount=D(amount),
                                          org=org, town=org.town())


def reward(tree, union, status=RewardClaimStatus.PAID, paid_on=None, amount="1500.00"):
    batch = SkillRewardBatch.objects.create(org=tree.district, reference=f"B{next(_seq)}", paid_on=paid_on) \
        if status == RewardClaimStatus.PAID else None
    person = tree.member(union=union).person
    return SkillRewardClaim.objects.create(
        org=union, town=union.town(), person=person, person_name=person.name, level="LEVEL3", trade="电工",
        certificate_no=f"CERT{next(_seq)}", certificate_on=datetime.date(YEAR - 1, 1, 1), year=YEAR,
        amount=D(amount), status=status, batch=batch, paid_on=paid_on,
        decided_on=datetime.date(YEAR, 1, 1) if status in (RewardClaimStatus.APPROVED, RewardClaimStatus.PAID)
        else None)


def test_honours_conferred_in_the_year_by_category(tree):
    record(tree, tree.union1, datetime.date(YEAR, 4, 28))
    record(tree, tree.union1, datetime.date(YEAR, 5, 1), HonourCategory.CONTEST)
    record(tree, tree.union1, datetime.date(YEAR, 1, 10), year=YEAR - 1)  # last year's award conferred this year
    record(tree, tree.town2, datetime.date(YEAR, 9, 1), HonourCategory.COMPETITION, team="一号标段")
    record(tree, tree.union2, datetime.date(YEAR - 1, 12, 31))
    record(tree, tree.union2, datetime.date(YEAR + 1, 1, 1))
    v = values()
    assert of(v, tree.union1) == {"awards": 3, "awards.AWARD": 2, "awards.CONTEST": 1}
    assert of(v, tree.town2) == {"awards": 1, "awards.COMPETITION": 1}
    assert of(v, tree.union2) == {}
    assert of(values(as_of=datetime.date(YEAR, 4, 30)), tree.union1) == {"awards": 2, "awards.AWARD": 2}


def test_model_workers_on_the_register_at_as_of(tree):
    model_worker(tree, tree.union1, datetime.date(2010, 5, 1))
    model_worker(tree, tree.union1, datetime.date(2018, 4, 28), datetime.date(YEAR + 1, 4, 28))  # year = next year
    model_worker(tree, tree.union2, datetime.date(YEAR, 4, 28))
    model_worker(tree, tree.union2, year=2000)  # entered without title rows: from its year
    model_worker(tree, tree.union1b, datetime.date(YEAR + 1, 4, 28))  # not yet
    assert of(values(), tree.union1) == {"model_workers": 2}
    assert of(values(), tree.union2) == {"model_workers": 2}
    assert of(values(), tree.union1b) == {}
    assert of(values(as_of=datetime.date(YEAR, 4, 27)), tree.union2) == {"model_workers": 1}
    assert of(values(2009, datetime.date(2009, 12, 31)), tree.union1) == {}


def test_allowance_of_the_years_months(tree):
    a = skill_leader(tree, tree.union1, YEAR - 1)
    b = skill_leader(tree, tree.union2, YEAR)
    for m in range(1, 13):
        pay(a, datetime.date(YEAR, m, 1))
    pay(a, datetime.date(YEAR - 1, 12, 1))
    pay(b, datetime.date(YEAR, 2, 1))
    pay(b, datetime.date(YEAR, 3, 1), org=tree.union1b)  # moved union: held where paid
    v = values()
    assert of(v, tree.union1) == {"allowance_paid": D("1200.00"), "allowance_people": 1}
    assert of(v, tree.union2) == {"allowance_paid": D("100.00"), "allowance_people": 1}
    assert of(v, tree.union1b) == {"allowance_paid": D("100.00"), "allowance_people": 1}
    assert of(values(as_of=datetime.date(YEAR, 6, 15)), tree.union1) == {"allowance_paid": D("600.00"),
                                                                        "allowance_people": 1}
    assert of(values(YEAR - 1, datetime.date(YEAR - 1, 12, 31)), tree.union1) == {"allowance_paid": D("100.00"),
                                                                                 "allowance_people": 1}


def test_skill_rewards_paid_in_the_year(tree):
    reward(tree, tree.union1, paid_on=datetime.date(YEAR, 3, 1))
    reward(tree, tree.union1, paid_on=datetime.date(YEAR, 11, 1), amount="3000.00")
    reward(tree, tree.union1, status=RewardClaimStatus.APPROVED)  # approved, not paid
    reward(tree, tree.union2, paid_on=datetime.date(YEAR - 1, 12, 30))
    assert of(values(), tree.union1) == {"rewards_paid": D("4500.00"), "rewards": 2}
    assert of(values(), tree.union2) == {}
    assert of(values(as_of=datetime.date(YEAR, 6, 1)), tree.union1) == {"rewards_paid": D("1500.00"), "rewards": 1}


def test_a_fixed_number_of_queries(tree, django_assert_num_queries):
    record(tree, tree.union1, datetime.date(YEAR, 4, 28))
    model_worker(tree, tree.union1, datetime.date(2010, 5, 1))
    pay(skill_leader(tree, tree.union1, YEAR), datetime.date(YEAR, 2, 1))
    reward(tree, tree.union1, paid_on=datetime.date(YEAR, 3, 1))
    with django_assert_num_queries(6):
        list(honours.provide(YEAR, END))


def test_the_contract_codes_and_the_category_group():
    by_code = {m.code: m for m in metrics.all_metrics() if m.section == "honours"}
    assert {"honours.awards", "honours.model_workers", "honours.allowance_paid", "honours.allowance_people"} <= set(
        by_code)
    assert by_code["honours.allowance_paid"].unit == "yuan"
    assert sorted(c for c, m in by_code.items() if m.group == "honours.category") == sorted(
        f"honours.awards.{k}" for k in HonourCategory.values)


@pytest.mark.parametrize("code", [m.code for m in honours.METRICS])
def test_drill_links_open_their_list(tree, client, code):
    client.force_login(tree.town1_cadre)
    url = metrics.metric(code).drill(tree.town1, YEAR)
    assert parse_qs(urlparse(url).query)["org"] == [str(tree.town1.pk)]
    assert client.get(url).status_code == 200


def test_the_record_drill_lists_the_subtree_and_year(tree, client):
    mine = record(tree, tree.union1, datetime.date(YEAR, 4, 28))
    record(tree, tree.union2, datetime.date(YEAR, 4, 28))
    record(tree, tree.union1, datetime.date(YEAR - 1, 4, 28))
    client.force_login(tree.district_staff)
    response = client.get(metrics.metric("honours.awards").drill(tree.town1, YEAR))
    assert [r.pk for r in response.context["page"].items] == [mine.pk]
