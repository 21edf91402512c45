"""One appeal from a 390 px phone to closure, through the pages: member1 (linked to a union1
member whose enterprise is enterprise1) sends an appeal on the phone (an incomplete form is
refused first, nothing saved); it is routed to union1; union1's chair accepts it on the desktop,
writes an internal note and a reply, and closes it; the member sees the reply and the result on
the phone — never the note — and rates it 5.

Assertions rest on URLs, form names and the database, not on translated text."""

import pytest

from gonghui.core.testing.factories import Tree
from gonghui.members.models import Membership, Person
from gonghui.voice.models.appeals import Appeal

from .pages import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
NOTE = "内部：企业负责人周三约谈"
REPLY = "已联系企业，承诺本周五前补发工资"


def submit(page, selector):
    with page.expect_navigation():
        page.locator(selector).locator("button[type=submit]").first.click()


def step_form(a, name):
    return f'form[action="/voice/appeals/{a.pk}/{name}/"]'


def test_an_appeal_from_the_phone_to_closure(page_for, tour_screenshots):
    tree = Tree()
    m = tree.member(tree.union1, name="王建国")
    Membership.objects.filter(pk=m.pk).update(enterprise=tree.enterprise1)
    Person.objects.filter(pk=m.person.pk).update(account=tree.member_user)

    phone = page_for(390)
    sign_in(phone, "member1")
    phone.goto("/voice/my/appeals/")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 391
    with phone.expect_navigation():
        phone.click('a[href="/voice/my/appeals/new/"]')
    assert phone.input_value("input[name=enterprise_name]") == tree.enterprise1.name
    phone.fill("input[name=title]", "拖欠两个月工资")
    submit(phone, "main form[method=post]")  # no category, no content
    assert not Appeal.objects.exists()
    assert phone.locator(".invalid-feedback, .errorlist, .alert-danger").count() >= 1
    phone.select_option("select[name=category]", "WAGES_OWED")
    phone.fill("textarea[name=content]", "公司以资金紧张为由拖欠九、十月工资。")
    submit(phone, "main form[method=post]")
    a = Appeal.objects.get()
    assert (a.org, a.status, a.channel, a.person_id) == (tree.union1, "NEW", "PORTAL", m.person.pk)
    assert phone.url.endswith(f"/voice/my/appeals/{a.pk}/")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 391
    if tour_screenshots:
        phone.screenshot(path=str(tour_screenshots / "voice-my-appeal-390.png"), full_page=True)

    desk = page_for(1280)
    sign_in(desk, "union1")
    desk.goto(f"/voice/appeals/{a.pk}/")
    submit(desk, step_form(a, "accept"))
    desk.fill("textarea[name=note-text]", NOTE)
    submit(desk, step_form(a, "note"))
    desk.fill("textarea[name=reply-text]", REPLY)
    submit(desk, step_form(a, "reply"))
    desk.select_option("select[name=close-result]", "RESOLVED")
    desk.fill("textarea[name=close-result_text]", "企业已补发拖欠工资")
    desk.once("dialog", lambda dialog: dialog.accept())  # closing asks for confirmation
    submit(desk, step_form(a, "close"))
    a.refresh_from_db()
    assert (a.status, a.handler, a.closed_on_time) == ("CLOSED", tree.union1_chair, True)
    if tour_screenshots:
        desk.screenshot(path=str(tour_screenshots / "voice-appeal-detail-1280.png"), full_page=True)

    phone.goto(f"/voice/my/appeals/{a.pk}/")
    text = phone.locator("main").inner_text()
    assert REPLY in text and "企业已补发拖欠工资" in text and NOTE not in text
    assert tree.union1_chair.username not in text
    phone.check("input[name=rate-score][value='5']")
    submit(phone, f'form[action="/voice/my/appeals/{a.pk}/rate/"]')
    a.refresh_from_db()
    assert a.satisfaction == 5
    assert phone.locator(f'form[action="/voice/my/appeals/{a.pk}/rate/"]').count() == 0  # once
