"""Metrics of the organisation and members sections on known records."""

import datetime
from decimal import Decimal

import pytest

from gonghui.core.testing.factories import EnterpriseFactory, MembershipFactory, PersonFactory, add_org
from gonghui.members.models import JoinKind, MembershipStatus, Transfer, TransferStatus
from gonghui.orgs.models import Industry, OrgLevel, UnionKind
from gonghui.reports.metrics import members
from gonghui.reports.selectors import rollups as selectors
from gonghui.reports.testing.rollups import only_metrics, refresh

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture
def registry():
    with only_metrics(members.METRICS, members.provide, members.RATIOS):
        yield


def member(union, joined_on, *, ended_on=None, status=MembershipStatus.ACTIVE, migrant=False, enterprise=None,
           join_kind=JoinKind.NEW):
    person = PersonFactory(is_migrant=migrant)
    return MembershipFactory(person=person, union=union, joined_on=joined_on, ended_on=ended_on, status=status,
                             enterprise=enterprise, join_kind=join_kind)


def test_unions_and_enterprises(tree, registry):
    joint = add_org(tree.town2, "联合工会", OrgLevel.GRASSROOTS, union_kind=UnionKind.JOINT)
    add_org(tree.town2, "已撤销工会", OrgLevel.GRASSROOTS, is_active=False)
    add_org(tree.town1, "新建工会", OrgLevel.GRASSROOTS, founded_on=D(2026, 3, 1))
    EnterpriseFactory(town=tree.town2, union=joint, headcount=30, industry=Industry.LOGISTICS)
    EnterpriseFactory(town=tree.town2, union=None, headcount=15)  # no union: held by its town
    refresh(2025)
    district = selectors.figures(tree.district, 2025)
    assert district["orgs.unions"] == 4  # union1, union1b, union2, joint (inactive and 2026's excluded)
    assert district["orgs.joint_unions"] == 1
    assert district["orgs.enterprises"] == 4 and district["orgs.enterprises_unionised"] == 3
    assert district["orgs.headcount"] == 120 + 120 + 30 + 15
    assert selectors.own_figures(tree.town2, 2025)["orgs.enterprises"] == 1
    assert selectors.figures(tree.town2, 2025)["orgs.headcount"] == 165
    assert selectors.figures(tree.district, 2025, Industry.LOGISTICS)["orgs.headcount"] == 30
    refresh(2026)
    assert selectors.figures(tree.district, 2026)["orgs.unions"] == 5


def test_live_members_at_as_of_and_flows(tree, registry):
    e1 = tree.enterprise1
    member(tree.union1, D(2020, 5, 1), enterprise=e1)
    member(tree.union1, D(2024, 6, 1), migrant=True, enterprise=e1)
    member(tree.union1, D(2025, 3, 1), migrant=True)  # joined in 2025
    member(tree.union1, D(2025, 4, 1), join_kind=JoinKind.TRANSFER_IN)  # a transfer in is not a new member
    member(tree.union1, D(2019, 1, 1), ended_on=D(2025, 6, 30), status=MembershipStatus.LEFT)  # left in 2025
    member(tree.union1, D(2019, 1, 1), ended_on=D(2026, 2, 1), status=MembershipStatus.LEFT)  # live on 2025-12-31
    member(tree.union1, D(2026, 1, 5))  # only from 2026
    member(tree.union2, D(2021, 1, 1), migrant=True)
    refresh(2025)
    f = selectors.figures(tree.district, 2025)
    assert f["members.live"] == 6  # 2020, 2024, 2025-03, 2025-04 transfer-in, ended 2026, union2
    assert f["members.migrants"] == 3
    assert f["members.joined"] == 1
    assert f["members.left"] == 1
    town1 = selectors.figures(tree.town1, 2025)
    assert town1["members.live"] == 5 and town1["members.migrants"] == 2
    assert selectors.figures(tree.town2, 2025)["members.live"] == 1
    ratios = selectors.ratio_values(f)
    assert ratios["members.rate"] == Decimal("2.5")  # 6 / 240 headcount
    assert ratios["members.migrant_share"] == Decimal("50.0")
    refresh(2026)
    f26 = selectors.figures(tree.district, 2026)
    assert f26["members.live"] == 6  # the one ended in 2026 is gone, the 2026 joiner is in
    assert f26["members.joined"] == 1 and f26["members.left"] == 1


def test_transfers_held_by_the_receiving_union(tree, registry):
    old = member(tree.union1, D(2020, 1, 1), ended_on=D(2025, 5, 1), status=MembershipStatus.TRANSFERRED_OUT)
    new = member(tree.union2, D(2025, 5, 1), join_kind=JoinKind.TRANSFER_IN)
    Transfer.objects.create(person=old.person, from_membership=old, from_union=tree.union1, to_union=tree.union2,
                            to_membership=new, status=TransferStatus.ACCEPTED, effective_on=D(2025, 5, 1))
    pending_from = member(tree.union1, D(2020, 1, 1))
    Transfer.objects.create(person=pending_from.person, from_membership=pending_from, from_union=tree.union1,
                            to_union=tree.union2, status=TransferStatus.PENDING, effective_on=D(2025, 6, 1))
    refresh(2025)
    assert selectors.figures(tree.town2, 2025)["members.transfers"] == 1
    assert selectors.figures(tree.town1, 2025)["members.transfers"] == 0
    # the person counts once: the old period ended the day the new one started
    assert selectors.figures(tree.district, 2025)["members.live"] == 2


def test_member_industry_follows_the_employer(tree, registry):
    logistics = EnterpriseFactory(town=tree.town1, union=tree.union1, industry=Industry.LOGISTICS, headcount=10)
    member(tree.union1, D(2020, 1, 1), enterprise=logistics)
    member(tree.union1, D(2020, 1, 1))  # no employer recorded: the union's industry (textiles)
    refresh(2025)
    assert selectors.figures(tree.district, 2025, Industry.LOGISTICS)["members.live"] == 1
    assert selectors.figures(tree.district, 2025, Industry.TEXTILES)["members.live"] == 1


def test_drill_urls(tree, registry):
    live = members.METRICS[5]
    assert live.code == "members.live"
    assert live.drill(tree.town1, 2025) == f"/members/?org={tree.town1.pk}&status=live"
    enterprises = next(m for m in members.METRICS if m.code == "orgs.enterprises")
    assert enterprises.drill(tree.town1, 2025) == f"/orgs/enterprises/?town={tree.town1.pk}"
    assert enterprises.drill(tree.district, 2025) == "/orgs/enterprises/"
    assert enterprises.drill(tree.union1, 2025) == f"/orgs/{tree.union1.pk}/"
