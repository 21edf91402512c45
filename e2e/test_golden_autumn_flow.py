"""One 金秋助学 application from submission to payment, through the pages: member1 (a worker on file
as 深度困难) opens "My applications" on a 390 px phone, applies for the district's open 金秋助学
campaign for a child at university (an incomplete form is refused first, nothing saved); town1's
cadre reviews it on the application page; the district approves it (the town's budget is consumed)
and records the bank payment; the payment is on the ledger, the budget page shows it by town, the
member sees it paid on the phone, and the help record is on the worker's hardship file.

Assertions rest on URLs, form names and the database, not on translated text (the catalogue is
built after the builders)."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from gonghui.core.testing.factories import Tree
from gonghui.members.models import Person
from gonghui.welfare.models.campaigns import CampaignApplication, CampaignBudget, CampaignPayment
from gonghui.welfare.models.hardship import HelpRecord
from gonghui.welfare.testing.campaigns import campaign, hardship_file

from .pages import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def submit(page, selector):
    with page.expect_navigation():
        page.locator(selector).locator("button[type=submit]").first.click()


def step_form(page, x, name):
    return f'form[action="/welfare/campaign-applications/{x.pk}/{name}/"]'


def test_golden_autumn_from_submission_to_payment(page_for, tour_screenshots):
    tree = Tree()
    wang = tree.member(tree.union1, name="王建国").person
    Person.objects.filter(pk=wang.pk).update(account=tree.member_user)  # member1 is 王建国
    file = hardship_file(wang, tree.union1, category="DEEP")
    c = campaign(tree, title="2026年金秋助学", hardship_required=True, budgets={tree.town1: "12000"})

    # member1 on the phone: the campaign is offered; an incomplete form is refused, then sent.
    phone = page_for(390)
    sign_in(phone, "member1")
    phone.goto("/welfare/my/applications/")
    assert c.title in phone.locator("main").inner_text()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 391
    with phone.expect_navigation():
        phone.click(f'a[href="/welfare/my/applications/apply/{c.pk}/"]')
    phone.fill("input[name=child_name]", "王小明")
    submit(phone, "main form[method=post]")  # no school, no level
    assert not CampaignApplication.objects.exists()
    assert phone.locator(".invalid-feedback, .errorlist, .alert-danger").count() >= 1
    phone.fill("input[name=child_school]", "浙江工业大学")
    phone.select_option("select[name=school_level]", "UNDERGRADUATE")
    submit(phone, "main form[method=post]")
    x = CampaignApplication.objects.get()
    assert (x.status, x.channel, x.amount, x.on_hardship_file) == ("SUBMITTED", "SELF", Decimal("5000.00"), True)
    assert phone.url.endswith("/welfare/my/applications/")
    assert x.number in phone.locator("main").inner_text()
    if tour_screenshots:
        phone.screenshot(path=str(tour_screenshots / "welfare-my-applications-390.png"), full_page=True)

    # town1's cadre reviews it.
    desk = page_for(1280)
    sign_in(desk, "town1")
    desk.goto(f"/welfare/campaign-applications/{x.pk}/")
    assert desk.locator(step_form(desk, x, "approve")).count() == 0  # not the town's step
    if tour_screenshots:
        desk.screenshot(path=str(tour_screenshots / "welfare-application-detail-1280.png"), full_page=True)
    desk.fill("input[name=review-note]", "经核实，家庭困难情况属实")
    submit(desk, step_form(desk, x, "review"))
    x.refresh_from_db()
    assert x.status == "TOWN_REVIEWED"

    # The district approves (the town's budget is consumed) and records the bank payment.
    district = page_for(1280)
    sign_in(district, "district")
    district.goto(f"/welfare/campaign-applications/{x.pk}/")
    submit(district, step_form(district, x, "approve"))
    x.refresh_from_db()
    assert x.status == "APPROVED"
    assert CampaignBudget.objects.get(campaign=c, org=tree.town1).approved == Decimal("5000.00")
    district.fill("input[name=pay-paid_on]", (timezone.localdate() + datetime.timedelta(days=3)).isoformat())
    district.select_option("select[name=pay-method]", "BANK")
    district.fill("input[name=pay-reference]", "ZH20260915001")
    submit(district, step_form(district, x, "pay"))  # a date in the future: refused, nothing paid
    assert not CampaignPayment.objects.exists()
    district.fill("input[name=pay-paid_on]", timezone.localdate().isoformat())
    submit(district, step_form(district, x, "pay"))
    x.refresh_from_db()
    assert x.status == "PAID"
    payment = CampaignPayment.objects.get()
    assert "ZH20260915001" in district.locator("#payment-line").inner_text()
    if tour_screenshots:
        district.screenshot(path=str(tour_screenshots / "welfare-application-paid-1280.png"), full_page=True)

    # The ledger and the campaign's budget by town.
    district.goto("/welfare/campaign-payments/")
    assert x.number in district.locator("main table").inner_text()
    if tour_screenshots:
        district.screenshot(path=str(tour_screenshots / "welfare-payment-ledger-1280.png"), full_page=True)
    district.goto(f"/welfare/campaigns/{c.pk}/")
    if tour_screenshots:
        district.screenshot(path=str(tour_screenshots / "welfare-campaign-detail-1280.png"), full_page=True)
    assert tree.town1.name in district.locator("main table").inner_text()
    assert "5,000" in district.locator("main table").inner_text() or "5000" in district.locator(
        "main table").inner_text()

    # The member sees it paid; the help record is on the hardship file.
    phone.goto("/welfare/my/applications/")
    assert x.number in phone.locator("main").inner_text()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 391
    if tour_screenshots:
        phone.screenshot(path=str(tour_screenshots / "welfare-my-applications-paid-390.png"), full_page=True)
    record = HelpRecord.objects.get(source_key=f"welfare.CampaignPayment:{payment.pk}")
    assert (record.file_id, record.amount, record.person_id) == (file.pk, Decimal("5000.00"), wang.pk)
    try:
        from django.urls import reverse

        file_url = reverse("welfare:file_detail", args=[file.pk])
    except Exception:  # noqa: BLE001 — the hardship area's file page
        file_url = None
    if file_url:
        district.goto(file_url)
        assert c.title in district.locator("main").inner_text()
