"""The layout tour (see test_layout_tour.py) of the mutual aid claim a member files on the phone
portal: the member's page, the new-claim form, the claim not sent yet, sent, returned (with the
union's reason, and the correction form), paid; the union's list filtered to "from the member, to
check" and the claim's page with the return step. At 1280 and 390 px. Then a phone with
JavaScript off files a claim, uploads an invoice and sends it to the union."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from gonghui.core.testing.factories import Tree
from gonghui.members.models import Person
from gonghui.welfare.services import mutualaid as services
from gonghui.welfare.testing.mutualaid import covered, pdf, plan

from .pages import sign_in
from .test_layout_tour import walk

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
DAY = datetime.timedelta(days=1)


def stay(days_ago, length=4):
    end = services.today() - days_ago * DAY
    return end - length * DAY, end


def member_claim(tree, cov, days_ago, invoices, *, hospital="杭州市萧山区第一人民医院", diagnosis="急性阑尾炎",
                 kind="HOSPITAL", send=True, files=("住院发票.pdf",)):
    admitted, discharged = stay(days_ago)
    c = services.create_member_claim(actor=tree.member_user, coverage=cov, kind=kind, hospital=hospital,
                                     admitted_on=admitted, discharged_on=discharged, diagnosis=diagnosis,
                                     invoice_numbers=invoices, total_cost=Decimal("12860.50"),
                                     eligible_cost=Decimal("9420.00"))
    for name in files:
        services.add_member_document(actor=tree.member_user, claim=c, upload=pdf(name))
    return services.send_claim(actor=tree.member_user, claim=c) if send else c


def build(tree):
    m = tree.member(tree.union1, name="王建国")
    Person.objects.filter(pk=m.person.pk).update(account=tree.member_user)
    p = plan(tree)
    (cov,) = covered(tree, p, people=[Person.objects.get(pk=m.person.pk)])
    r = {"draft": member_claim(tree, cov, 3, "33010026001", send=False, files=())}
    returned = member_claim(tree, cov, 12, "33010026002 33010026003", hospital="浙江大学医学院附属第二医院萧山院区")
    r["returned"] = services.return_claim(actor=tree.union1_chair, claim=returned,
                                          reason="发票照片不清楚，请重新拍摄上传；并补充出院小结。")
    r["sent"] = member_claim(tree, cov, 20, "33010026004", files=("住院发票.pdf", "出院小结.pdf", "费用清单.pdf"))
    paid = member_claim(tree, cov, 40, "33010026005", hospital="萧山区中医院", diagnosis="腰椎间盘突出")
    paid = services.submit_claim(actor=tree.union1_chair, claim=paid)
    services.review_claim(actor=tree.town1_cadre, claim=paid, note="材料齐全")
    services.approve_claim(actor=tree.district_staff, claim=paid)
    services.pay_claim(actor=tree.district_staff, claim=paid, paid_on=services.today(), reference="ZH-20260001")
    r["paid"] = paid
    return r


def file_a_claim_without_javascript(browser, live_server, tour_screenshots) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 900}, locale="zh-CN", base_url=live_server.url,
                                  java_script_enabled=False)
    try:
        page = context.new_page()
        sign_in(page, "member1")
        page.goto(reverse("welfare:my_mutual_aid"))
        with page.expect_navigation():
            page.click(f"main a[href='{reverse('welfare:my_claim_new')}']")
        admitted, discharged = stay(30)
        page.fill("input[name=hospital]", "萧山区第三人民医院")
        page.fill("input[name=admitted_on]", admitted.isoformat())
        page.fill("input[name=discharged_on]", discharged.isoformat())
        page.fill("input[name=diagnosis]", "肺炎")
        page.fill("input[name=invoice_numbers]", "33010026099")
        page.fill("input[name=total_cost]", "6800")
        page.fill("input[name=eligible_cost]", "5200")
        with page.expect_navigation():
            page.click("main form button[type=submit]")
        assert "/my/mutual-aid/claims/" in page.url, page.url
        page.set_input_files("input[name=document-file]", files=[{
            "name": "发票.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4\n% test\n"}])
        with page.expect_navigation():
            page.click("main form[enctype='multipart/form-data'] button[type=submit]")
        assert "发票.pdf" in page.locator("main").inner_text()
        with page.expect_navigation():
            page.click("main form[action$='/send/'] button[type=submit]")
        if tour_screenshots is not None:
            page.screenshot(path=str(tour_screenshots / "tour-wmc-sent-nojs-390.png"), full_page=True)
        assert page.locator("main form[action$='/send/']").count() == 0  # with the union now
    finally:
        context.close()


def test_welfare_member_claim_layout_tour(browser, live_server, tour_screenshots):
    tree = Tree()
    r = build(tree)
    tours = [
        ("member1", [
            ("wmc-my", reverse("welfare:my_mutual_aid")),
            ("wmc-new", reverse("welfare:my_claim_new")),
            ("wmc-draft", reverse("welfare:my_claim_detail", args=[r["draft"].pk])),
            ("wmc-sent", reverse("welfare:my_claim_detail", args=[r["sent"].pk])),
            ("wmc-returned", reverse("welfare:my_claim_detail", args=[r["returned"].pk])),
            ("wmc-correct", reverse("welfare:my_claim_edit", args=[r["returned"].pk])),
            ("wmc-paid", reverse("welfare:my_claim_detail", args=[r["paid"].pk])),
        ]),
        ("union1", [
            ("wmc-union-list", reverse("welfare:claim_list") + "?due=member"),
            ("wmc-union-claim", reverse("welfare:claim_detail", args=[r["sent"].pk])),
        ]),
    ]
    problems = walk(browser, live_server, tours, tour_screenshots)
    assert not problems, "\n".join(problems)
    file_a_claim_without_javascript(browser, live_server, tour_screenshots)
