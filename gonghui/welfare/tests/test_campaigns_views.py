"""Campaign pages: defining a campaign (errors on the form, nothing saved), budgets and opening,
applying for a member (eligibility reasons on the form), the workflow step cards, the ledger,
exports (audited), goods, and the member page on a phone."""

import io

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from gonghui.core.models import AuditEvent
from gonghui.members.models import Person
from gonghui.welfare.models.campaigns import (
    BenefitKind,
    Campaign,
    CampaignApplication,
    CampaignKind,
    CampaignPayment,
    GoodsDistribution,
)
from gonghui.welfare.testing.campaigns import applied, approved, campaign, reviewed

pytestmark = pytest.mark.django_db


def web(user):
    c = Client()
    c.force_login(user)
    return c


FORM = {"kind": "GOLDEN_AUTUMN", "year": "2026", "title": "2026年金秋助学", "opens_on": "2026-08-01",
        "closes_on": "2026-09-30", "unions_apply": "on", "member_required": "on", "benefit": "BY_SCHOOL_LEVEL",
        "amount_HIGH_SCHOOL": "3000", "amount_COLLEGE": "4000", "amount_UNDERGRADUATE": "5000"}


def test_district_defines_budgets_and_opens_a_campaign(tree):
    w = web(tree.district_staff)
    bad = w.post(reverse("welfare:campaign_create"), {**FORM, "closes_on": "2026-07-01"})
    assert bad.status_code == 400 and not Campaign.objects.exists()
    assert "closes_on" in bad.context["form"].errors
    r = w.post(reverse("welfare:campaign_create"), FORM)
    c = Campaign.objects.get()
    assert r.status_code == 302 and c.school_amounts["UNDERGRADUATE"] == "5000.00"
    r = w.post(reverse("welfare:campaign_budget", args=[c.pk]), {"org": tree.town1.pk, "allocated": "abc"})
    assert r.status_code == 400
    w.post(reverse("welfare:campaign_budget", args=[c.pk]), {"org": tree.town1.pk, "allocated": "20000"})
    w.post(reverse("welfare:campaign_status", args=[c.pk, "open"]))
    c.refresh_from_db()
    assert c.status == "OPEN" and c.budgets.get().allocated == 20000
    page = w.get(reverse("welfare:campaign_detail", args=[c.pk]))
    assert page.status_code == 200 and tree.town1.name in page.content.decode()
    assert web(tree.town1_cadre).get(reverse("welfare:campaign_create")).status_code == 403


def test_union_applies_for_a_member_on_the_page(tree):
    c = campaign(tree)
    person = tree.member(name="王小二").person
    w = web(tree.union1_chair)
    assert c.title in w.get(reverse("welfare:application_create")).content.decode()
    url = reverse("welfare:application_create")
    page = w.get(url, {"campaign": c.pk})
    assert page.status_code == 200 and 'name="id_number"' in page.content.decode()  # one union: taken directly
    base = {"campaign": c.pk, "union": tree.union1.pk, "id_number": "110101199003077777"}
    r = w.post(url, base)
    assert r.status_code == 400 and not CampaignApplication.objects.exists()
    from gonghui.core import pii

    number = pii.decrypt(Person.objects.get(pk=person.pk).id_number_enc)
    r = w.post(url, {**base, "id_number": number, "child_name": "", "school_level": ""})
    assert r.status_code == 400
    assert {"child_name", "child_school", "school_level"} <= set(r.context["form"].errors)
    r = w.post(url, {**base, "id_number": number, "child_name": "王小明", "child_school": "萧山中学",
                     "school_level": "COLLEGE"})
    x = CampaignApplication.objects.get()
    assert r.status_code == 302 and (x.status, x.amount, x.channel) == ("SUBMITTED", 4000, "UNION")


def test_step_cards_follow_the_chain(tree):
    c = campaign(tree)
    x = applied(tree, c)
    url = reverse("welfare:application_detail", args=[x.pk])

    def step(name):
        return reverse("welfare:application_step", args=[x.pk, name])

    assert step("review") in web(tree.town1_cadre).get(url).content.decode()
    assert step("approve") not in web(tree.town1_cadre).get(url).content.decode()
    assert step("review") not in web(tree.union1_chair).get(url).content.decode()
    assert step("withdraw") in web(tree.union1_chair).get(url).content.decode()
    r = web(tree.town1_cadre).post(reverse("welfare:application_step", args=[x.pk, "review"]), {"review-note": "属实"})
    assert r.status_code == 302
    assert step("approve") in web(tree.district_staff).get(url).content.decode()
    r = web(tree.district_staff).post(reverse("welfare:application_step", args=[x.pk, "approve"]), {})
    assert r.status_code == 302
    r = web(tree.district_staff).post(reverse("welfare:application_step", args=[x.pk, "pay"]),
                                      {"pay-paid_on": "2999-01-01", "pay-method": "CASH"})
    assert r.status_code == 400 and not CampaignPayment.objects.exists()
    r = web(tree.district_staff).post(reverse("welfare:application_step", args=[x.pk, "pay"]),
                                      {"pay-paid_on": timezone.localdate().isoformat(), "pay-method": "BANK",
                                       "pay-reference": "ZH-9"})
    x.refresh_from_db()
    assert r.status_code == 302 and x.status == "PAID"
    ledger = web(tree.town1_cadre).get(reverse("welfare:payment_list"), {"q": x.number})
    assert x.number in ledger.content.decode()


def test_reject_needs_a_reason_and_a_wrong_stage_is_a_message(tree):
    c = campaign(tree)
    x = applied(tree, c)
    w = web(tree.town1_cadre)
    r = w.post(reverse("welfare:application_step", args=[x.pk, "reject"]), {"reject-reason": ""})
    assert r.status_code == 400
    w.post(reverse("welfare:application_step", args=[x.pk, "reject"]), {"reject-reason": "材料不全"})
    x.refresh_from_db()
    assert x.status == "REJECTED"
    r = w.post(reverse("welfare:application_step", args=[x.pk, "review"]), {})
    assert r.status_code == 302 and CampaignApplication.objects.get(pk=x.pk).status == "REJECTED"


def test_lists_filter_and_exports_are_audited(tree):
    c = campaign(tree)
    approved(tree, c)
    applied(tree, c)
    w = web(tree.district_staff)
    page = w.get(reverse("welfare:application_list"), {"status": "APPROVED"})
    assert page.status_code == 200 and len(page.context["page"].items) == 1
    r = w.get(reverse("welfare:application_export"), {"campaign": c.pk})
    book = load_workbook(io.BytesIO(b"".join(r.streaming_content) if r.streaming else r.content))
    assert book.active.max_row == 3  # header + 2
    assert AuditEvent.objects.filter(action="welfare.campaign_export").exists()
    for name in ("payment_export", "goods_export", "campaign_export"):
        assert w.get(reverse(f"welfare:{name}")).status_code == 200
    assert AuditEvent.objects.filter(action="welfare.campaign_payments_export").exists()
    assert web(tree.district_staff).get(reverse("welfare:campaign_list"), {"year": "abc"}).status_code == 200
    overview = w.get(reverse("welfare:overview"))
    assert overview.status_code == 200 and reverse("welfare:campaign_list") in overview.content.decode()


@pytest.mark.parametrize("role, figures", [
    ("district_staff", (50000, 5000, 0, 45000)),   # the whole campaign: both towns' lines
    ("town1_cadre", (20000, 5000, 0, 15000)),      # its own town's line
    ("union1_chair", (20000, 5000, 0, 15000)),     # its town's line only, never town2's
])
def test_list_totals_follow_the_budget_lines_the_reader_may_see(tree, role, figures, django_assert_max_num_queries):
    c = campaign(tree, budgets={tree.town1: "20000", tree.town2: "30000"})
    approved(tree, c)
    w = web(getattr(tree, role))
    r = w.get(reverse("welfare:campaign_list"))
    row = next(x for x in r.context["page"].items if x.pk == c.pk)
    assert (row.allocated, row.approved, row.paid, row.remaining) == figures
    assert r.context["town_totals"] is (role != "district_staff")  # the note under the table
    # The export shows the same figures (budget, approved, paid in columns 8-10).
    book = load_workbook(io.BytesIO(b"".join(w.get(reverse("welfare:campaign_export")).streaming_content)))
    line = next(v for v in book.active.iter_rows(min_row=2, values_only=True) if v[1] == c.title)
    assert tuple(line[7:10]) == figures[:3]
    # Bounded: more campaigns on the page, no more queries (no per-row query).
    with django_assert_max_num_queries(100) as one:
        w.get(reverse("welfare:campaign_list"))
    for _ in range(3):
        campaign(tree)
    with django_assert_max_num_queries(len(one.captured_queries)):
        assert len(w.get(reverse("welfare:campaign_list")).context["page"].items) == 4


def test_goods_recorded_on_the_page(tree):
    c = campaign(tree, kind=CampaignKind.SUMMER_COOLING, benefit=BenefitKind.GOODS, fixed_amount=100, goods="清凉包")
    w = web(tree.town1_cadre)
    url = reverse("welfare:goods_create", args=[c.pk])
    r = w.post(url, {"org": tree.town1.pk, "items": "清凉包", "quantity": "20", "value": "2000",
                     "given_on": timezone.localdate().isoformat()})
    assert r.status_code == 400  # no recipient named
    r = w.post(url, {"org": tree.town1.pk, "items": "清凉包", "quantity": "20", "value": "2000",
                     "given_on": timezone.localdate().isoformat(), "site": "城厢某工地"})
    assert r.status_code == 302 and GoodsDistribution.objects.get().site == "城厢某工地"
    base = {"org": tree.town1.pk, "items": "清凉包", "quantity": "5", "value": "500",
            "given_on": timezone.localdate().isoformat()}
    r = w.post(url, {**base, "enterprise": tree.enterprise2.uscc})  # town2's enterprise: not in town1's registry
    assert r.status_code == 400 and r.context["form"].has_error("enterprise", "unknown")
    r = w.post(url, {**base, "enterprise": tree.enterprise1.uscc})
    assert r.status_code == 302 and GoodsDistribution.objects.filter(enterprise=tree.enterprise1).count() == 1
    g = GoodsDistribution.objects.get(enterprise=tree.enterprise1)
    page = w.get(reverse("welfare:goods_detail", args=[g.pk]))
    assert page.status_code == 200 and page.context["history"]  # the record's history
    assert web(tree.town2_cadre).get(reverse("welfare:goods_detail", args=[g.pk])).status_code == 404


def test_member_page_apply_and_withdraw(tree):
    person = tree.member().person
    Person.objects.filter(pk=person.pk).update(account=tree.member_user)
    c = campaign(tree)
    w = web(tree.member_user)
    page = w.get(reverse("welfare:my_applications"))
    assert page.status_code == 200 and c.title in page.content.decode()
    r = w.post(reverse("welfare:my_apply", args=[c.pk]), {"child_name": "小华", "child_school": "杭州大学",
                                                          "school_level": "UNDERGRADUATE"})
    x = CampaignApplication.objects.get()
    assert r.status_code == 302 and (x.channel, x.person_id) == ("SELF", person.pk)
    assert w.get(reverse("welfare:my_apply", args=[c.pk])).status_code == 404  # applied: no longer offered
    w.post(reverse("welfare:my_withdraw", args=[x.pk]))
    x.refresh_from_db()
    assert x.status == "WITHDRAWN"
    assert web(tree.union1_chair).get(reverse("welfare:my_applications")).status_code == 404


def test_application_detail_links_the_hardship_file(tree):
    from gonghui.welfare.testing.campaigns import hardship_file

    c = campaign(tree)
    person = tree.member().person
    f = hardship_file(person, tree.union1)
    x = reviewed(tree, c, person)
    assert f.number in web(tree.district_staff).get(reverse("welfare:application_detail", args=[x.pk])).content.decode()


def test_edit_pages_render_and_save(tree):
    c = campaign(tree)
    applied(tree, c)
    w = web(tree.district_staff)
    for url in (reverse("welfare:campaign_edit", args=[c.pk]), reverse("welfare:goods_create", args=[c.pk]),
                reverse("welfare:application_create") + f"?campaign={c.pk}&union={tree.union1.pk}"):
        assert w.get(url).status_code == 200, url
    r = w.post(reverse("welfare:campaign_edit", args=[c.pk]), {
        "kind": "GOLDEN_AUTUMN", "year": c.year, "title": "改名", "opens_on": c.opens_on.isoformat(),
        "closes_on": c.closes_on.isoformat(), "unions_apply": "on", "benefit": "BY_SCHOOL_LEVEL",
        "amount_HIGH_SCHOOL": "3500"})
    c.refresh_from_db()
    assert r.status_code == 302 and (c.title, c.school_amounts) == ("改名", {"HIGH_SCHOOL": "3500.00"})
    r = w.post(reverse("welfare:campaign_edit", args=[c.pk]), {
        "kind": "SPRING_BREEZE", "year": c.year, "title": "改名", "opens_on": c.opens_on.isoformat(),
        "closes_on": c.closes_on.isoformat(), "unions_apply": "on", "benefit": "FIXED", "fixed_amount": "100"})
    assert r.status_code == 400 and Campaign.objects.get(pk=c.pk).kind == "GOLDEN_AUTUMN"
