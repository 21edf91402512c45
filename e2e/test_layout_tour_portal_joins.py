"""The layout tour (see test_layout_tour.py) of 实名入会 and the member's transfer request, at 1280 and
390 px: the worker's pages (the form empty, with the enterprise matches, with errors; my request
pending / not approved; already a member; the transfer page with its form, pending, and for a login
without membership) and the cadres' pages (the town's list and a town-routed request with the union
picker, an approved request with its history, the district's filtered list, the union chair's
request)."""

import datetime

import pytest
from django.urls import reverse

from gonghui.core.testing.factories import EnterpriseFactory, Tree, add_org
from gonghui.members.models import Person
from gonghui.orgs.models import OrgLevel, UnionKind
from gonghui.portal.services import joins as services
from gonghui.portal.testing.joins import id_number, join_request, worker

from .pages import sign_in
from .test_layout_tour import ENGLISH_UI, OVERFLOW_CULPRITS, WIDTHS, walk

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def build():
    tree = Tree()
    joint = add_org(tree.town1, "城厢街道商贸区联合工会委员会", OrgLevel.GRASSROOTS, union_kind=UnionKind.JOINT)
    small = EnterpriseFactory(town=tree.town1, union=None, name="杭州城厢顺发五金加工有限公司", headcount=14)
    EnterpriseFactory(town=tree.town2, union=tree.union2, name="杭州测试纺织印染有限公司")
    users = {name: worker(name) for name in ("w_new", "w_pending", "w_rejected", "w_member", "w_moving")}
    join_request(account=users["w_pending"], enterprise=tree.enterprise1, name="陈静",
                 id_no=id_number(1, region="341221", gender="F"))
    rejected = join_request(account=users["w_rejected"], enterprise_name="城厢老街小吃店", town=tree.town1,
                            name="黄磊")
    services.reject_join(actor=tree.town1_cadre, join_request=rejected,
                         reason="经核实，申请人已于上月离职，不再是该店职工。")
    town_routed = join_request(enterprise=small, name="欧阳娜娜", id_no=id_number(2, region="511381", gender="F"))
    join_request(enterprise_name="城厢东门快递服务点", town=tree.town1, name="刘洋")
    approved = join_request(account=users["w_member"], enterprise=small, name="王小明")
    services.approve_join(actor=tree.town1_cadre, join_request=approved, union=joint)
    moving = tree.member(tree.union1, name="李大伟", name_initials="ldw")
    Person.objects.filter(pk=moving.person_id).update(account=users["w_moving"])
    services.request_my_transfer(actor=users["w_moving"], enterprise=tree.enterprise2,
                                 effective_on=datetime.date.today())
    union_routed = join_request(enterprise=tree.enterprise1, name="赵六")
    return tree, town_routed, approved, union_routed


def tours(town_routed, approved, union_routed):
    return [
        ("w_new", [("joinw-new", reverse("portal:join_new")),
                   ("joinw-transfer-none", reverse("portal:my_transfer_new")),
                   ("joinw-status-none", reverse("portal:my_join"))]),
        ("w_pending", [("joinw-status-pending", reverse("portal:my_join"))]),
        ("w_rejected", [("joinw-status-rejected", reverse("portal:my_join"))]),
        ("w_member", [("joinw-member", reverse("portal:join_new")),
                      ("joinw-transfer", reverse("portal:my_transfer_new"))]),
        ("w_moving", [("joinw-transfer-pending", reverse("portal:my_transfer_new"))]),
        ("town1", [("joins-list", reverse("portal:join_list")),
                   ("joins-detail-town", reverse("portal:join_detail", args=[town_routed.pk])),
                   ("joins-detail-approved", reverse("portal:join_detail", args=[approved.pk]))]),
        ("district", [("joins-list-filtered", reverse("portal:join_list") + "?status=PENDING&route=TOWN"),
                      ("joins-list-bad", reverse("portal:join_list") + "?submitted_from=2026-05-01"
                                                                       "&submitted_to=2026-01-01&status=NOPE")]),
        ("union1", [("joins-detail-union", reverse("portal:join_detail", args=[union_routed.pk]))]),
    ]


def _look(page, name, width, tour_screenshots, problems):
    """The checks of the tour's `check_page` on a page reached by a form post."""
    where = f"{name} @ {width}px"
    scroll_width, inner_width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    if scroll_width > inner_width + 1:
        problems.append(f"{where}: page scrolls sideways: {page.evaluate(OVERFLOW_CULPRITS)}")
    english = ENGLISH_UI.findall(page.locator("main").inner_text())
    if len(english) >= 3:
        problems.append(f"{where}: English UI words in main: {english}")
    if tour_screenshots is not None:
        page.screenshot(path=str(tour_screenshots / f"tour-{name}-{width}.png"), full_page=True)


def form_states(browser, live_server, tour_screenshots):
    """The join form after "find my enterprise" (the matches as choices) and after a refused post
    (the errors on their fields, what was typed kept)."""
    problems = []
    for width in WIDTHS:
        context = browser.new_context(viewport={"width": width, "height": 900}, locale="zh-CN",
                                      base_url=live_server.url, reduced_motion="reduce")
        try:
            page = context.new_page()
            sign_in(page, "w_new")
            page.goto(reverse("portal:join_new"))
            page.fill("input[name=name]", "周敏")
            page.fill("input[name=enterprise_name]", "杭州")
            with page.expect_navigation():
                page.click("button[name=action][value=search]")
            _look(page, "joinw-found", width, tour_screenshots, problems)
            page.fill("input[name=id_number]", "330109199605010011")
            with page.expect_navigation():
                page.click("button[name=action][value=submit]")
            _look(page, "joinw-errors", width, tour_screenshots, problems)
        finally:
            context.close()
    return problems


def join_without_javascript(browser, live_server, tour_screenshots):
    """A phone with JavaScript off sends a request: find the enterprise, pick it, accept the
    charter, send — and lands on the status page of the pending request."""
    context = browser.new_context(viewport={"width": 390, "height": 900}, locale="zh-CN", base_url=live_server.url,
                                  java_script_enabled=False)
    try:
        page = context.new_page()
        sign_in(page, "w_new")
        page.goto(reverse("portal:join_new"))
        page.fill("input[name=name]", "周敏")
        page.fill("input[name=id_number]", id_number(3, gender="F"))
        page.fill("input[name=phone]", "13655556666")
        page.fill("input[name=enterprise_name]", "测试纺织")
        with page.expect_navigation():
            page.click("button[name=action][value=search]")
        page.check("input[name=enterprise]:not([value=none])")
        page.check("input[name=consent]")
        with page.expect_navigation():
            page.click("button[name=action][value=submit]")
        assert page.url.endswith(reverse("portal:my_join")), page.url
        assert "周敏" in page.locator("main").inner_text()
        if tour_screenshots is not None:
            page.screenshot(path=str(tour_screenshots / "tour-joinw-sent-nojs-390.png"), full_page=True)
    finally:
        context.close()


def test_portal_joins_layout_tour(browser, live_server, tour_screenshots):
    _tree, town_routed, approved, union_routed = build()
    problems = walk(browser, live_server, tours(town_routed, approved, union_routed), tour_screenshots)
    problems += form_states(browser, live_server, tour_screenshots)
    assert not problems, "\n".join(problems)
    join_without_javascript(browser, live_server, tour_screenshots)
