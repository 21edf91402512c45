"""The layout tour (see test_layout_tour.py) of welfare and assistance: medical mutual aid (plans,
enrolment batches, claims), seasonal campaigns (budgets, applications, payments, goods) and
hardship files. Every list, detail and workflow form with records of town1, at 1280 and 390 px;
the district's own pages; union1's forms; the member's phone pages."""

import datetime

import pytest
from django.urls import reverse

from gonghui.core.testing.factories import Tree
from gonghui.welfare.models.campaigns import BenefitKind, CampaignKind, CampaignStatus, PaymentMethod
from gonghui.welfare.services import campaigns as campaign_services
from gonghui.welfare.services import hardship as hardship_services
from gonghui.welfare.services import mutualaid as mutualaid_services
from gonghui.welfare.testing import campaigns as campaign_testing
from gonghui.welfare.testing import hardship as hardship_testing
from gonghui.welfare.testing import mutualaid as mutualaid_testing

from .test_layout_tour import walk

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


# Two tests, each under a minute in CI: mutual aid; campaigns and hardship files.
PARTS = ("mutualaid", "campaigns")


def build(tree, part):
    """Records of every area of `part`, each at a step with something to show."""
    r = {}
    member = tree.member(union=tree.union1).person
    member.account = tree.member_user
    member.save(update_fields=["account"])
    (build_mutualaid if part == "mutualaid" else build_campaigns)(tree, r, member, datetime.date.today())
    return r


def build_mutualaid(tree, r, member, today):
    # Mutual aid: an open plan, a draft plan, paid and unpaid batches, claims at each step.
    p = mutualaid_testing.plan(tree)
    r["plan"] = p
    r["plan_draft"] = mutualaid_testing.plan(tree, year=today.year + 1, open_=False)
    covs = mutualaid_testing.covered(tree, p, people=[member] + [tree.member().person for _ in range(3)])
    r["claim_draft"] = mutualaid_testing.claim(tree, covs[0])
    r["claim_submitted"] = mutualaid_testing.claim(tree, covs[1], submit=True)
    r["claim_reviewed"] = mutualaid_testing.reviewed(tree, mutualaid_testing.claim(tree, covs[2]))
    to_approve = mutualaid_testing.reviewed(tree, mutualaid_testing.claim(tree, covs[3]))
    r["claim_approved"] = mutualaid_services.approve_claim(actor=tree.district_staff, claim=to_approve)
    r["enrolment_paid"] = covs[0].enrolment
    for name in ("陈一", "陈二"):  # live members not enrolled yet: the enrol and add-people forms list them
        tree.member(union=tree.union1, name=name)
    r["enrolment_unpaid"] = mutualaid_services.enrol(actor=tree.district_staff, plan=p, union=tree.union1,
                                                     people=[tree.member().person.pk])


def build_campaigns(tree, r, member, today):
    # Campaigns: a school-aid campaign with applications at each step, a goods campaign, a draft.
    c = campaign_testing.campaign(tree, title="金秋助学")
    r["campaign"] = c
    r["campaign_draft"] = campaign_testing.campaign(tree, kind=CampaignKind.SPRING_BREEZE, status=CampaignStatus.DRAFT,
                                                    title="春风行动")
    goods = campaign_testing.campaign(tree, kind=CampaignKind.SUMMER_COOLING, benefit=BenefitKind.GOODS,
                                      goods="清凉饮品", title="高温慰问", members_apply=False)
    r["campaign_goods"] = goods
    campaign_services.record_goods(actor=tree.town1_cadre, campaign=goods, org=tree.town1, items="清凉饮品",
                                   quantity=20, value="1000", given_on=today, enterprise=tree.enterprise1,
                                   site="工业园区")
    r["app_submitted"] = campaign_testing.applied(tree, c)
    r["app_reviewed"] = campaign_testing.reviewed(tree, c)
    r["app_approved"] = campaign_testing.approved(tree, c)
    paid = campaign_testing.approved(tree, c)
    campaign_services.record_payment(actor=tree.district_staff, application=paid, paid_on=today,
                                     method=PaymentMethod.BANK, reference="BANK-002")
    r["app_paid"] = paid
    r["app_draft"] = campaign_services.apply_for_member(actor=tree.union1_chair, campaign=c, union=tree.union1,
                                                        person=tree.member().person,
                                                        data=dict(campaign_testing.CHILD), submit=False)
    # Hardship: a draft, a submitted and an active file (with help given).
    r["file_draft"] = hardship_testing.draft(tree)
    r["file_submitted"] = hardship_testing.submitted(tree)
    active = hardship_testing.active(tree)
    hardship_services.add_help(actor=tree.district_staff, file=active, kind="VISIT", given_on=today, amount="800",
                              note="春节走访慰问")
    r["file_active"] = active


def pages_mutualaid(tree, r):
    """Mutual aid and the overview: (user, pages)."""
    u = tree.union1.pk
    return [
        ("town1", [
            ("wf-overview", reverse("welfare:overview")),
            ("ma-plans", reverse("welfare:plan_list")),
            ("ma-plan", reverse("welfare:plan_detail", args=[r["plan"].pk])),
            ("ma-enrolments", reverse("welfare:enrolment_list")),
            ("ma-enrolment-paid", reverse("welfare:enrolment_detail", args=[r["enrolment_paid"].pk])),
            ("ma-enrolment-unpaid", reverse("welfare:enrolment_detail", args=[r["enrolment_unpaid"].pk])),
            ("ma-enrol-new", reverse("welfare:enrolment_create") + f"?org={u}"),
            ("ma-claims", reverse("welfare:claim_list")),
            ("ma-claim-draft", reverse("welfare:claim_detail", args=[r["claim_draft"].pk])),
            ("ma-claim-submitted", reverse("welfare:claim_detail", args=[r["claim_submitted"].pk])),
            ("ma-claim-reviewed", reverse("welfare:claim_detail", args=[r["claim_reviewed"].pk])),
            ("ma-claim-approved", reverse("welfare:claim_detail", args=[r["claim_approved"].pk])),
        ]),
        ("district", [
            ("ma-plan-draft", reverse("welfare:plan_detail", args=[r["plan_draft"].pk])),
            ("ma-plan-edit", reverse("welfare:plan_edit", args=[r["plan_draft"].pk])),
            ("ma-plan-new", reverse("welfare:plan_create")),
            ("ma-claim-approved-d", reverse("welfare:claim_detail", args=[r["claim_approved"].pk])),
        ]),
        ("union1", [
            ("ma-claim-new-u", reverse("welfare:claim_create")),
            ("ma-claim-draft-u", reverse("welfare:claim_detail", args=[r["claim_draft"].pk])),
        ]),
        ("member1", [
            ("ma-my", reverse("welfare:my_mutual_aid")),
        ]),
    ]


def pages_campaigns(tree, r):
    """Campaigns and hardship files: (user, pages)."""
    u = tree.union1.pk
    return [
        ("town1", [
            ("ca-list", reverse("welfare:campaign_list")),
            ("ca-detail", reverse("welfare:campaign_detail", args=[r["campaign"].pk])),
            ("ca-goods-detail", reverse("welfare:campaign_detail", args=[r["campaign_goods"].pk])),
            ("ca-goods-new", reverse("welfare:goods_create", args=[r["campaign_goods"].pk])),
            ("ca-goods-list", reverse("welfare:goods_list")),
            ("ca-app-list", reverse("welfare:application_list")),
            ("ca-app-submitted", reverse("welfare:application_detail", args=[r["app_submitted"].pk])),
            ("ca-app-reviewed", reverse("welfare:application_detail", args=[r["app_reviewed"].pk])),
            ("ca-app-approved", reverse("welfare:application_detail", args=[r["app_approved"].pk])),
            ("ca-app-paid", reverse("welfare:application_detail", args=[r["app_paid"].pk])),
            ("ca-payments", reverse("welfare:payment_list")),
            ("hs-list", reverse("welfare:file_list")),
            ("hs-draft", reverse("welfare:file_detail", args=[r["file_draft"].pk])),
            ("hs-submitted", reverse("welfare:file_detail", args=[r["file_submitted"].pk])),
            ("hs-active", reverse("welfare:file_detail", args=[r["file_active"].pk])),
            ("hs-new", reverse("welfare:file_create")),
            ("hs-new-union", reverse("welfare:file_create") + f"?org={u}"),
        ]),
        ("district", [
            ("ca-detail-d", reverse("welfare:campaign_detail", args=[r["campaign"].pk])),
            ("ca-draft", reverse("welfare:campaign_detail", args=[r["campaign_draft"].pk])),
            ("ca-edit", reverse("welfare:campaign_edit", args=[r["campaign"].pk])),
            ("ca-new", reverse("welfare:campaign_create")),
            ("ca-app-approved-d", reverse("welfare:application_detail", args=[r["app_approved"].pk])),
        ]),
        ("union1", [
            ("ca-app-draft-u", reverse("welfare:application_detail", args=[r["app_draft"].pk])),
            ("ca-app-new-u", reverse("welfare:application_create")),
            ("ca-app-new-member-u", reverse("welfare:application_create") + f"?campaign={r['campaign'].pk}"),
            ("hs-draft-u", reverse("welfare:file_detail", args=[r["file_draft"].pk])),
        ]),
        ("member1", [
            ("ca-my", reverse("welfare:my_applications")),
            ("ca-my-apply", reverse("welfare:my_apply", args=[r["campaign"].pk])),
        ]),
    ]


@pytest.mark.parametrize("part", PARTS)
def test_welfare_layout_tour(browser, live_server, tour_screenshots, part):
    tree = Tree()
    pages = pages_mutualaid if part == "mutualaid" else pages_campaigns
    problems = walk(browser, live_server, pages(tree, build(tree, part)), tour_screenshots)
    assert not problems, "\n".join(problems)
