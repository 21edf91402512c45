"""The layout tour (see test_layout_tour.py) of the member portal: the portal's own pages (home,
办事, messages, 我的, my membership, my benefits and offers) for a member with a busy day (an
open survey, an open 金秋助学 campaign, an answered appeal to rate, messages, news, an offer, a
course and an event open to them, a transfer under way) and for a signed-up worker who is not a
member yet; then every member page of the other modules (core.member_pages) in the portal frame.
At 1280 and 390 px with JavaScript, and once more at 390 px with JavaScript turned off: the
frame has no menu to open, so every page must still be readable and every tab reachable."""

import pytest
from django.urls import reverse

from gonghui.core.testing.factories import Tree
from gonghui.members.services import request_transfer
from gonghui.portal.testing.home import busy_day, linked_member, message, worker_login

from .pages import sign_in
from .test_layout_tour import check_page, walk

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PORTAL_PAGES = [
    ("ph-home", "portal:home"), ("ph-services", "portal:services"), ("ph-messages", "portal:messages"),
    ("ph-me", "portal:me"), ("ph-membership", "portal:my_membership"), ("ph-offers", "portal:my_offers"),
    ("ph-password", "portal:password_change"),
]
# The tabs of the bottom bar, each a link (no JavaScript needed to reach them).
TABS = ("portal:home", "portal:services", "portal:messages", "portal:me")


def build(tree):
    from gonghui.services.testing.events import event
    from gonghui.training.testing.enrolment import course

    person = linked_member(tree, name="王建国")
    r = busy_day(tree, person)
    for i in range(3):
        message(tree.member_user, title=f"您报名的活动将于下周举行（{i + 1}）", url="/services/my/events/")
    r["course"] = course(tree, title="数控车工技能提升班", self_enrolment=True)
    r["event"] = event(tree, title="职工趣味运动会")
    live = person.memberships.get()
    request_transfer(actor=tree.union1_chair, membership=live, to_union=tree.union2, effective_on=live.joined_on,
                     reason="工作调动")
    worker_login("worker1")
    return r


def member_pages(r):
    """Every member page of the other modules, in the portal frame since issue 11."""
    return [
        ("mp-card", reverse("services:my_card")),
        ("mp-events", reverse("services:my_events")),
        ("mp-courses", reverse("training:my_courses")),
        ("mp-applications", reverse("welfare:my_applications")),
        ("mp-apply", reverse("welfare:my_apply", args=[r["campaign"].pk])),
        ("mp-mutual-aid", reverse("welfare:my_mutual_aid")),
        ("mp-appeals", reverse("voice:my_appeals")),
        ("mp-appeal-new", reverse("voice:my_appeal_new")),
        ("mp-appeal", reverse("voice:my_appeal_detail", args=[r["appeal"].pk])),
        ("mp-surveys", reverse("voice:my_surveys")),
        ("mp-survey", reverse("voice:my_survey_answer", args=[r["survey"].pk])),
        ("mp-news", reverse("publicity:news_list")),
        ("mp-news-item", reverse("publicity:news_detail", args=[r["article"].pk])),
    ]


def tours(r):
    own = [(name, reverse(url_name)) for name, url_name in PORTAL_PAGES]
    return [
        ("member1", own + member_pages(r)),
        ("worker1", [(f"{name}-worker", url) for name, url in own]),
    ]


def walk_without_javascript(browser, live_server, tour_screenshots, pages) -> list[str]:
    """member1 at 390 px with JavaScript off: signs in with the plain form, each page loads and
    lays out as the tour demands, has text in <main>, and shows the four tabs as links."""
    problems = []
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN", base_url=live_server.url,
                                  java_script_enabled=False, reduced_motion="reduce")
    try:
        page = context.new_page()
        sign_in(page, "member1")
        for name, url in pages:
            check_page(page, f"nojs-{name}", url, 390, tour_screenshots, problems)
            if not page.locator("main").inner_text().strip():
                problems.append(f"nojs-{name}: nothing to read in <main> without JavaScript")
            hrefs = page.eval_on_selector_all(".portal-tabbar a", "links => links.map(a => a.getAttribute('href'))")
            if hrefs != [reverse(t) for t in TABS]:
                problems.append(f"nojs-{name}: tab bar links {hrefs}")
            small = page.eval_on_selector_all(
                ".portal-tabbar a, .portal-tile, main .btn",
                "els => els.filter(e => e.offsetParent && e.getBoundingClientRect().height < 44)"
                ".map(e => e.textContent.trim().slice(0, 20))")
            if small:
                problems.append(f"nojs-{name}: touch targets under 44 px: {small[:5]}")
    finally:
        context.close()
    return problems


def test_portal_home_layout_tour(browser, live_server, tour_screenshots):
    tree = Tree()
    r = build(tree)
    problems = walk(browser, live_server, tours(r), tour_screenshots)
    own = [(name, reverse(url_name)) for name, url_name in PORTAL_PAGES]
    problems += walk_without_javascript(browser, live_server, tour_screenshots, own + member_pages(r))
    assert not problems, "\n".join(problems)
