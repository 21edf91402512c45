"""One negotiation from the written offer to the filing with the labour bureau, through the pages,
as the chair of an enterprise union on a phone-sized and a desktop screen."""

import pytest

from gonghui.bargaining.models import Stage, WageAgreement
from gonghui.core.testing.factories import Tree

from .pages import sign_in, snap

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def open_step(page, step):
    with page.expect_navigation():
        page.click(f"a[href$='/{step}/']")


def save(page):
    with page.expect_navigation():
        page.click("form.card button[type=submit]")


@pytest.mark.parametrize("width", [390, 1280])
def test_offer_to_filing(page_for, screenshot_dir, width):
    tree = Tree()
    tree.enterprise1.headcount = 120
    tree.enterprise1.save()
    page = page_for(width)
    sign_in(page, "union1")

    # The chair has one union: the form opens on it, with the enterprise ticked.
    page.goto("/bargaining/new/")
    page.fill("input[name=title]", "2027年度工资专项集体合同")
    page.fill("textarea[name=offer_points]", "职工工资平均增长6%，技能岗位津贴")
    assert page.is_checked(f"input[name=cover][value='{tree.enterprise1.pk}']")
    page.fill(f"input[name=workers_{tree.enterprise1.pk}]", "110")
    with page.expect_navigation():
        page.click("#offer-form button[type=submit]")
    agreement = WageAgreement.objects.get()
    assert page.url.endswith(f"/bargaining/{agreement.pk}/")
    assert agreement.coverages.get().workers == 110

    open_step(page, "reply")
    save(page)
    open_step(page, "representatives")
    page.fill("textarea[name=union_reps]", "张主席, 工会主席\n李四, 车间主任\n王五, 一线职工")
    page.fill("textarea[name=employer_reps]", "赵总, 总经理\n钱六, 人事经理\n孙七, 财务经理")
    page.fill("input[name=recorder_name]", "周记录")
    save(page)
    open_step(page, "data")
    save(page)
    open_step(page, "round")
    page.fill("textarea[name=minutes]", "双方就工资增幅交换方案，企业方同意5.5%。")
    save(page)
    open_step(page, "terms")
    page.fill("textarea[name=wage_system]", "岗位绩效工资制")
    page.fill("input[name=avg_increase_pct]", "5.50")
    page.check("input[name=skilled_worker_clause]")
    save(page)

    # A vote with too few present is refused by the threshold, with the reason shown.
    open_step(page, "vote")
    for name, value in {"eligible": "60", "present": "39", "yes": "35", "no": "2", "abstain": "2"}.items():
        page.fill(f"input[name={name}]", value)
    save(page)
    assert WageAgreement.objects.get().stage == Stage.IN_TALKS
    open_step(page, "vote")
    for name, value in {"eligible": "60", "present": "40", "yes": "31", "no": "5", "abstain": "4"}.items():
        page.fill(f"input[name={name}]", value)
    save(page)
    assert WageAgreement.objects.get().stage == Stage.APPROVED

    # A renamed executable is refused with a message; a PDF is accepted.
    open_step(page, "sign")
    page.set_input_files("input[name=signed_file]", files=[{"name": "合同.pdf", "mimeType": "application/pdf",
                                                             "buffer": b"MZ\x90\x00 not a pdf"}])
    save(page)
    assert page.locator(".invalid-feedback, .errorlist").count() > 0
    assert WageAgreement.objects.get().stage == Stage.APPROVED
    page.set_input_files("input[name=signed_file]", files=[{"name": "合同.pdf", "mimeType": "application/pdf",
                                                             "buffer": PDF}])
    save(page)
    open_step(page, "file")
    page.fill("input[name=bureau_ref]", "萧人社备〔2026〕88号")
    save(page)

    agreement = WageAgreement.objects.get()
    assert agreement.stage == Stage.FILED
    assert agreement.signed_file
    assert agreement.next_step == "" and agreement.next_due_on is None  # waiting 15 days for objections
    assert page.locator(".timeline .list-group-item").count() == 10
    assert not page.evaluate("document.documentElement.scrollWidth > window.innerWidth")
    snap(page, screenshot_dir, f"wage-negotiation-filed-{width}.png")
    with page.expect_download() as download:
        page.click(f"a[href='/bargaining/{agreement.pk}/document/']")
    assert download.value.suggested_filename.endswith(".pdf")
