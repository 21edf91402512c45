"""The layout tour (see test_layout_tour.py) of the workers' voice — intake: the member's phone
pages (my appeals, a new appeal, an appeal at each step: new with a photo, closed with the rating
and re-open forms, re-opened with a long history), the public pages without a login (the form,
the answer with the tracking code, the tracking page empty and with an appeal) and the staff
entry of a call or visit (union1, town1). At 1280 and 390 px."""

import pytest
from django.urls import reverse

from gonghui.core.testing.factories import Tree
from gonghui.members.models import Membership, Person
from gonghui.voice.services import appeals as handling
from gonghui.voice.services import intake as services
from gonghui.voice.testing.intake import member_appeal, png, public_appeal

from .test_layout_tour import WIDTHS, check_page, walk

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def handled_and_closed(tree, appeal):
    handling.accept(actor=tree.union1_chair, appeal=appeal)
    handling.reply(actor=tree.union1_chair, appeal=appeal, text="已联系企业人事部门，约定下周三前答复。")
    return handling.close(actor=tree.union1_chair, appeal=appeal, result="RESOLVED",
                          result_text="企业已与职工续签劳动合同，并补缴社会保险。")


def build(tree):
    m = tree.member(tree.union1, name="王建国")
    Membership.objects.filter(pk=m.pk).update(enterprise=tree.enterprise1)
    Person.objects.filter(pk=m.person.pk).update(account=tree.member_user)
    person = Person.objects.get(pk=m.person.pk)
    r = {"new": member_appeal(tree.member_user, person, title="车间高温无防暑措施", files=[png("车间照片.png")])}
    r["closed"] = handled_and_closed(tree, member_appeal(tree.member_user, person, title="劳动合同到期未续签"))
    again = handled_and_closed(tree, member_appeal(tree.member_user, person, category="WAGES_OWED",
                                                   title="加班费未按规定发放"))
    services.rate(actor=tree.member_user, appeal=again, score=2, comment="只补发了一部分")
    r["reopened"] = services.reopen(actor=tree.member_user, appeal=again, reason="十月加班费仍未发放。")
    r["public"] = handled_and_closed(tree, public_appeal(enterprise_name=tree.enterprise1.name))
    return r


def walk_public(browser, live_server, tour_screenshots, tracked) -> list[str]:
    """The public pages without a login, in one browser context: the form, one real submission
    (for the answer page), the tracking page before and after a look-up."""
    problems = []
    context = browser.new_context(viewport={"width": WIDTHS[0], "height": 900}, locale="zh-CN",
                                  base_url=live_server.url, reduced_motion="reduce")
    try:
        page = context.new_page()
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 900})
            check_page(page, "vi-public-form", reverse("voice:public_submit"), width, tour_screenshots, problems)
            check_page(page, "vi-public-track", reverse("voice:public_track"), width, tour_screenshots, problems)
        page.goto(reverse("voice:public_submit"))
        page.select_option("select[name=category]", "SOCIAL_INSURANCE")
        page.fill("input[name=title]", "公司未缴纳社保")
        page.fill("textarea[name=content]", "入职半年，公司一直未给缴纳社会保险。")
        page.fill("input[name=contact_name]", "刘师傅")
        page.fill("input[name=contact_phone]", "13912345678")
        with page.expect_navigation():
            page.locator("main form button[type=submit]").click()
        page.goto(reverse("voice:public_track"))  # shows what was just sent: look up another one
        with page.expect_navigation():
            page.locator("main input[name=action][value=forget] + button").click()
        page.fill("input[name=code]", tracked.tracking_code)
        page.fill("input[name=phone4]", "5678")
        with page.expect_navigation():
            page.locator("main form button[type=submit]").click()
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 900})
            check_page(page, "vi-public-done", reverse("voice:public_done"), width, tour_screenshots, problems)
            check_page(page, "vi-public-tracked", reverse("voice:public_track"), width, tour_screenshots, problems)
    finally:
        context.close()
    return problems


def test_voice_intake_layout_tour(browser, live_server, tour_screenshots, settings):
    settings.VOICE_INTAKE_RULES = {"min_fill_seconds": 0}  # the tour fills the public form at once
    tree = Tree()
    r = build(tree)
    tours = [
        ("member1", [
            ("vi-my-list", reverse("voice:my_appeals")),
            ("vi-my-new", reverse("voice:my_appeal_new")),
            ("vi-my-new-appeal", reverse("voice:my_appeal_detail", args=[r["new"].pk])),
            ("vi-my-closed", reverse("voice:my_appeal_detail", args=[r["closed"].pk])),
            ("vi-my-reopened", reverse("voice:my_appeal_detail", args=[r["reopened"].pk])),
        ]),
        ("union1", [("vi-staff-new-u", reverse("voice:appeal_create"))]),
        ("town1", [("vi-staff-new-t", reverse("voice:appeal_create"))]),
    ]
    problems = walk(browser, live_server, tours, tour_screenshots)
    problems += walk_public(browser, live_server, tour_screenshots, r["public"])
    assert not problems, "\n".join(problems)
