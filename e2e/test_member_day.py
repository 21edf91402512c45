"""A member's day on a 390 px phone, through the pages only: a worker signs up with a mobile number
and an SMS code, asks to join the union with their real name (实名入会) naming their enterprise;
the enterprise union's chair approves it in another browser; the worker — now a member — finds
the membership on the portal home, opens the member e-card (QR), applies to the district's 金秋助学
campaign from "Waiting for you", and sends an appeal from 办事 → My appeals. Every step is checked
in the database and for sideways scrolling, and screenshotted (e2e/screenshots/day-*.png).

Assertions rest on URLs, form names and the database, not on translated text (the catalogue is
built after the builders)."""

from urllib.parse import urlsplit

import pytest
from django.urls import reverse

from gonghui.core.testing.factories import Tree
from gonghui.members.models import Membership, Person
from gonghui.portal.models.joins import JoinRequest, JoinStatus
from gonghui.portal.testing.auth import new_phone, reset_sms_state, sign_up_in_browser
from gonghui.portal.testing.joins import id_number
from gonghui.voice.models.appeals import Appeal
from gonghui.welfare.models.campaigns import CampaignApplication
from gonghui.welfare.testing.campaigns import campaign

from .pages import PASSWORD, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE_WIDTH, PHONE_HEIGHT = 390, 844


def path_of(page) -> str:
    """The page's path, without the host, the query or a #fragment (a form may jump to a section)."""
    return urlsplit(page.url).path


class Day:
    """The worker's phone: one browser context, a numbered screenshot per step, layout checks."""

    def __init__(self, page, shots):
        self.page, self.shots, self.step = page, shots, 0

    def check(self, name):
        self.step += 1
        scroll_width = self.page.evaluate("document.documentElement.scrollWidth")
        assert scroll_width <= PHONE_WIDTH + 1, f"{name}: the page scrolls sideways ({scroll_width} px)"
        assert self.page.get_attribute("html", "lang") == "zh-hans"
        if self.shots is not None:
            self.page.screenshot(path=str(self.shots / f"day-{self.step:02d}-{name}-390.png"), full_page=True)

    def submit(self, selector):
        with self.page.expect_navigation():
            self.page.locator(selector).click()

    def follow(self, href):
        with self.page.expect_navigation():
            self.page.locator(f'main a[href="{href}"]').first.click()


def test_member_day_on_a_phone(page_for, tour_screenshots):
    tree = Tree()
    golden = campaign(tree, title="2026年金秋助学")  # the district's, open to members' own applications
    reset_sms_state()
    phone_number = new_phone()

    # 1. Sign up on the phone (mobile + SMS code + password): signed in, on the portal home.
    day = Day(page_for(PHONE_WIDTH, PHONE_HEIGHT), tour_screenshots)
    page = day.page
    sign_up_in_browser(page, phone=phone_number, name="陈志强")
    assert path_of(page) == reverse("portal:home")
    day.check("signed-up-home")

    # 2. 实名入会: from the home's call to join; find the enterprise by name, consent, send.
    day.follow(reverse("portal:join_new"))
    form = "main form.join-form"
    page.fill(f"{form} input[name=name]", "陈志强")
    page.fill(f"{form} input[name=id_number]", id_number(7))
    page.fill(f"{form} input[name=enterprise_name]", tree.enterprise1.name)
    day.submit(f"{form} button[name=action][value=search]")
    page.check(f'{form} input[name=enterprise][value="{tree.enterprise1.pk}"]')
    page.check(f"{form} input[name=consent]")
    day.check("join-form")
    day.submit(f"{form} button[name=action][value=submit]")
    assert path_of(page) == reverse("portal:my_join")
    request = JoinRequest.objects.get()
    assert (request.status, request.org, request.enterprise) == (JoinStatus.PENDING, tree.union1, tree.enterprise1)
    day.check("join-sent")
    page.goto(reverse("portal:home"))  # the home says the request waits; no second join button
    assert page.locator(f'main a[href="{reverse("portal:join_new")}"]').count() == 0
    day.check("home-waiting")

    # 3. The union's chair approves it, in another browser.
    desk = page_for(1280)
    sign_in(desk, "union1")
    desk.goto(reverse("portal:join_list"))
    with desk.expect_navigation():
        desk.locator(f'main a[href="{reverse("portal:join_detail", args=[request.pk])}"]').first.click()
    with desk.expect_navigation():
        desk.locator('main form[action$="/approve/"] button[type=submit]').click()
    request.refresh_from_db()
    assert request.status == JoinStatus.APPROVED
    person = Person.objects.get(account__phone_hash__isnull=False, name="陈志强")
    membership = Membership.objects.get(person=person)
    assert (membership.union, membership.status) == (tree.union1, "ACTIVE")
    if tour_screenshots is not None:
        desk.screenshot(path=str(tour_screenshots / "day-approved-1280.png"), full_page=True)

    # 4. Back on the phone: the home shows the membership; the e-card shows a QR code.
    page.goto(reverse("portal:home"))
    assert tree.union1.name in page.locator("main .portal-card").inner_text()
    day.check("member-home")
    day.follow(reverse("services:my_card"))
    assert page.locator("main .qr svg").count() == 1
    day.check("e-card")

    # 5. 金秋助学 from "Waiting for you" on the home: a child at university.
    page.goto(reverse("portal:home"))
    apply_url = reverse("welfare:my_apply", args=[golden.pk])
    day.follow(apply_url)
    page.fill("main input[name=child_name]", "陈小雨")
    page.fill("main input[name=child_school]", "浙江工业大学")
    page.select_option("main select[name=school_level]", "UNDERGRADUATE")
    day.check("golden-autumn-form")
    day.submit("main form[method=post] button[type=submit]")
    application = CampaignApplication.objects.get(person=person)
    assert (application.campaign, application.status, application.channel) == (golden, "SUBMITTED", "SELF")
    assert path_of(page) == reverse("welfare:my_applications")
    day.check("golden-autumn-sent")

    # 6. An appeal, from the 办事 tab: My appeals → new appeal.
    with page.expect_navigation():
        page.locator(f'.portal-tabbar a[href="{reverse("portal:services")}"]').click()
    day.check("services")
    day.follow(reverse("voice:my_appeals"))
    day.follow(reverse("voice:my_appeal_new"))
    page.select_option("main select[name=category]", "WAGES_OWED")
    page.fill("main input[name=title]", "十月加班费未发放")
    page.fill("main textarea[name=content]", "十月份加班36小时，工资条上没有加班费。")
    day.check("appeal-form")
    day.submit("main form[method=post] button[type=submit]")
    appeal = Appeal.objects.get(person=person)
    assert (appeal.org, appeal.category, appeal.submitted_by_id) == (tree.union1, "WAGES_OWED", person.account_id)
    assert path_of(page) == reverse("voice:my_appeal_detail", args=[appeal.pk])
    day.check("appeal-sent")

    # 7. The evening: home lists the member pages, nothing of the day is lost.
    page.goto(reverse("portal:home"))
    assert page.locator(f'main a[href="{reverse("voice:my_appeals")}"]').count() == 1
    day.check("evening-home")

    # 8. 我的 → change password (in the portal frame, no cadres' navbar), then sign out.
    with page.expect_navigation():
        page.locator(f'.portal-tabbar a[href="{reverse("portal:me")}"]').click()
    day.follow(reverse("portal:password_change"))
    assert page.locator(".navbar").count() == 0 and page.locator(".portal-tabbar").count() == 1
    day.check("password")
    page.goto(reverse("portal:me"))
    day.submit(f'main form[action="{reverse("portal:logout")}"] button[type=submit]')
    assert path_of(page) == reverse("portal:login")
    page.goto(reverse("portal:home"))  # signed out: the portal asks to sign in again
    assert path_of(page) == reverse("portal:login")
    day.check("signed-out")

    # 9. The member's day never met the cadres' frame: the cadres' home sends a member to the portal.
    sign_in(page, person.account.username, password=PASSWORD)
    assert path_of(page) == reverse("portal:home")
