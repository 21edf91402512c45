"""A layout tour: every built page, signed in, at desktop (1280 px) and phone (390 px) widths, in
the default language. Each page must load, must not scroll sideways (a `.table-responsive` wrapper
scrolling inside is fine), must say it is Chinese and must not show English UI words in `main`.
Full-page screenshots go to e2e/screenshots/tour-<page>-<width>.png for people to look at.

One browser context per user, signed in once; the viewport is resized between widths."""

import datetime
import re

import pytest
from django.urls import reverse

from gonghui.bargaining import services as bargaining_services
from gonghui.bargaining.models import AgreementKind, Stage
from gonghui.bargaining.services import CoveredEnterprise
from gonghui.bargaining.testing import negotiation
from gonghui.congress.models import AgendaKind, DisclosureChannel, ProposalCategory, ReplyOutcome
from gonghui.congress.services import disclosures as disclosure_services
from gonghui.congress.services import proposals as proposal_services
from gonghui.congress.services import sessions as session_services
from gonghui.congress.testing import congress_body, delegates
from gonghui.core import audit
from gonghui.core.testing.factories import EnterpriseFactory, Tree
from gonghui.innovation import testing as innovation_testing
from gonghui.innovation.models import ProjectStatus, SuggestionStatus
from gonghui.members import services as member_services

from .pages import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = (1280, 390)
# English UI words that must not survive in the Chinese interface.
ENGLISH_UI_WORDS = ("Save", "Cancel", "Search", "Members", "Edit", "Details", "Export", "Import")
ENGLISH_UI = re.compile(r"\b(" + "|".join(ENGLISH_UI_WORDS) + r")\b")

# The widest elements sticking out of the viewport, to say *what* overflows when a page does.
OVERFLOW_CULPRITS = """() => {
  const vw = window.innerWidth, out = [];
  for (const el of document.querySelectorAll('body *')) {
    if (el.closest('.table-responsive')) continue;
    const r = el.getBoundingClientRect();
    if (r.width && r.right > vw + 1) {
      const classes = typeof el.className === 'string' ? el.className.trim().split(/\\s+/).join('.') : '';
      out.push(`${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}${classes ? '.' + classes : ''}` +
               ` right=${Math.round(r.right)}`);
    }
  }
  return out.slice(0, 8);
}"""


def build_data():
    tree = Tree()
    wang = tree.member(tree.union1, name="王小明", name_initials="wxm")
    tree.member(tree.union1, name="李大伟", name_initials="ldw")
    tree.member(tree.union1, name="欧阳娜娜", name_initials="oynn", gender="F")
    tree.member(tree.union2, name="王小红", name_initials="wxh")
    leaving = tree.member(tree.union1, name="赵六", name_initials="zl")
    transfer = member_services.request_transfer(actor=tree.union1_chair, membership=leaving, to_union=tree.union2,
                                     effective_on=datetime.date.today(), reason="工作调动")
    event = audit.record(actor=tree.district_staff, action="orgs.org.update", obj=tree.town1, org=tree.town1,
                         before={"name": "城厢街道工会"}, after={"name": tree.town1.name})
    return tree, wang, transfer, event


def build_bargaining(tree):
    """Wage negotiations in town1 at several stages: a published agreement ending within the
    renewal window, talks under way, an overdue reply and an area offer whose reply is due soon."""
    tree.enterprise1.headcount = 300
    tree.enterprise1.save()
    published = negotiation(actor=tree.union1_chair, org=tree.union1, enterprise=tree.enterprise1,
                            stage=Stage.PUBLISHED, start=datetime.date(2025, 12, 1), title="2026年度工资专项集体合同")
    talks = negotiation(actor=tree.union1_chair, org=tree.union1, enterprise=tree.enterprise1,
                        stage=Stage.IN_TALKS, start=datetime.date(2026, 11, 2), title="2027年度工资专项集体合同")
    other = EnterpriseFactory(town=tree.town1, union=tree.union1b, headcount=80)
    negotiation(actor=tree.town1_cadre, org=tree.union1b, enterprise=other, stage=Stage.OFFERED,
                start=datetime.date(2026, 10, 12), title="乙企业2027年度工资专项集体合同")
    small = [EnterpriseFactory(town=tree.town1, union=None, headcount=40 + i) for i in range(5)]
    negotiation(actor=tree.town1_cadre, org=tree.town1, kind=AgreementKind.AREA, stage=Stage.OFFERED,
                coverage=[CoveredEnterprise(e, 30) for e in small], start=datetime.date(2026, 11, 20),
                title="城厢街道小微企业区域性工资集体协议")
    request = bargaining_services.record_staff_request(
        actor=tree.town1_cadre, org=tree.union1b, enterprise=other, received_on=datetime.date(2026, 11, 20),
        signatures=25, note="要求提高一线职工工资")
    return published, talks, request


def build_congress(tree):
    """union1's congress (300 staff, 30 delegates) with a session held and voted, proposals
    replied and under review, a 厂务公开 disclosure; a suggestion and a project in union1."""
    actor, day = tree.union1_chair, datetime.date(2026, 3, 20)
    body = congress_body(org=tree.union1, enterprise=tree.enterprise1, headcount=300)
    roll = delegates(body, 30, substitutes=2)
    session = session_services.plan_session(actor=actor, body=body, title="第一届职代会第二次会议", planned_on=day,
                                            venue="三楼会议室")
    item = session_services.add_agenda_item(actor=actor, session=session, kind=AgendaKind.WAGE_AGREEMENT,
                                            title="审议2026年度工资专项集体合同草案")
    session_services.record_papers_sent(actor=actor, session=session, papers_sent_on=day - datetime.timedelta(days=8))
    session_services.record_held(actor=actor, session=session, held_on=day, present=28,
                                 resolutions="通过工资专项集体合同草案")
    session_services.record_votes(actor=actor, session=session, votes=[session_services.VoteInput(
        item.pk, votes_for=26, votes_against=1, abstentions=1)])

    def draft(title):
        return proposal_services.draft_proposal(actor=actor, body=body, data=proposal_services.ProposalInput(
            title=title, category=ProposalCategory.WELFARE, reasons="夜班职工无处就餐。",
            suggestions="在二车间旁设夜班食堂。", proposer=roll[0], cosigners=roll[1:3], session=session))

    replied = draft("关于改善一线职工夜班就餐条件的提案")
    proposal_services.submit_proposal(actor=actor, proposal=replied, submitted_on=day, one_issue=True)
    proposal_services.accept_proposal(actor=actor, proposal=replied, reviewed_on=day + datetime.timedelta(days=3))
    proposal_services.assign_proposal(actor=actor, proposal=replied, department="行政后勤部",
                                      assigned_on=day + datetime.timedelta(days=4))
    proposal_services.reply_proposal(actor=actor, proposal=replied, outcome=ReplyOutcome.SOLVED,
                                     reply="已于四月开设夜班食堂。", replied_on=day + datetime.timedelta(days=30))
    submitted = draft("关于增设车间休息室空调的提案")
    proposal_services.submit_proposal(actor=actor, proposal=submitted, submitted_on=day, one_issue=True)
    disclosure_services.record_disclosure(
        actor=actor, enterprise=tree.enterprise1, year=2026, item="WAGES", disclosed_on=datetime.date(2026, 4, 1),
        channel=DisclosureChannel.NOTICE_BOARD, summary="2026年工资调整方案")
    suggestion = innovation_testing.suggestion(actor=actor, org=tree.union1, enterprise=tree.enterprise1,
                                               status=SuggestionStatus.EVALUATED)
    project = innovation_testing.project(actor=actor, org=tree.union1, enterprise=tree.enterprise1,
                                         status=ProjectStatus.IN_PROGRESS)
    return body, session, replied, suggestion, project


def tour(tree, wang, transfer, event, bargaining, congress):
    """(user, page name, url) in visiting order."""
    district = [
        ("dashboard", reverse("core:home")),
        ("org-tree", reverse("orgs:tree")),
        ("org-detail", reverse("orgs:detail", args=[tree.town1.pk])),
        ("org-history", reverse("orgs:detail", args=[tree.town1.pk]) + "?tab=history"),
        ("org-create", reverse("orgs:create_child", args=[tree.town1.pk])),
        ("enterprise-list", reverse("orgs:enterprise_list")),
        ("enterprise-detail", reverse("orgs:enterprise_detail", args=[tree.enterprise1.pk])),
        ("audit-list", reverse("core:audit_list")),
        ("audit-detail", reverse("core:audit_detail", args=[event.pk])),
        ("profile", reverse("accounts:profile")),
        ("password-change", reverse("accounts:password_change")),
        ("api-tokens", reverse("accounts:token_list")),
        ("role-list", reverse("accounts:role_list")),
        ("org-roles", reverse("accounts:org_roles", args=[tree.union1.pk])),
    ]
    union = [
        ("union-dashboard", reverse("core:home")),
        ("member-list", reverse("members:list")),
        ("member-detail", reverse("members:detail", args=[wang.person_id])),
        ("member-create", reverse("members:create")),
        ("member-history", reverse("members:detail", args=[wang.person_id]) + "?tab=history"),
        ("transfer-list", reverse("members:transfer_list") + "?tab=outgoing"),
        ("transfer-detail", reverse("members:transfer_detail", args=[transfer.pk])),
        ("member-import", reverse("members:import_upload")),
    ]
    published, talks, request = bargaining
    town = [
        ("town-dashboard", reverse("core:home")),
        ("bargaining-list", reverse("bargaining:list")),
        ("bargaining-due", reverse("bargaining:due")),
        ("bargaining-stats", reverse("bargaining:stats")),
        ("bargaining-detail", reverse("bargaining:detail", args=[published.pk])),
        ("bargaining-detail-talks", reverse("bargaining:detail", args=[talks.pk])),
        ("bargaining-create", reverse("bargaining:create") + f"?kind=AREA&org={tree.town1.pk}"),
        ("bargaining-vote", reverse("bargaining:step", args=[talks.pk, "vote"])),
        ("bargaining-import", reverse("bargaining:import")),
        ("bargaining-request", reverse("bargaining:request_detail", args=[request.pk])),
        ("bargaining-request-form", reverse("bargaining:request_create") + f"?org={tree.union1b.pk}"),
    ]
    body, session, proposal, suggestion, project = congress
    town += [
        ("congress-list", reverse("congress:body_list")),
        ("congress-detail", reverse("congress:body_detail", args=[body.pk])),
        ("congress-create", reverse("congress:body_create")),
        ("congress-session-list", reverse("congress:session_list")),
        ("congress-session-detail", reverse("congress:session_detail", args=[session.pk])),
        ("congress-status", reverse("congress:status")),
        ("congress-disclosures", reverse("congress:disclosure_list")),
        ("congress-checklist", reverse("congress:disclosure_checklist", args=[tree.enterprise1.pk, 2026])),
        ("congress-stats", reverse("congress:stats") + "?year=2026"),
        ("proposal-list", reverse("congress:proposal_list")),
        ("proposal-detail", reverse("congress:proposal_detail", args=[proposal.pk])),
        ("innovation-list", reverse("innovation:list")),
        ("innovation-detail", reverse("innovation:detail", args=[suggestion.pk])),
        ("innovation-create", reverse("innovation:create")),
        ("innovation-projects", reverse("innovation:project_list")),
        ("innovation-project", reverse("innovation:project_detail", args=[project.pk])),
    ]
    return [("district", district), ("union1", union), ("town1", town)]


def check_page(page, name, url, width, tour_screenshots, problems):
    """Load `url` at the page's current width and check it."""
    if load_page(page, url, f"{name} @ {width}px", problems):
        check_layout(page, name, width, tour_screenshots, problems)


def load_page(page, url, where, problems) -> bool:
    """Open `url`; False (with the problem noted) when it answers with an error."""
    # `goto` returns after the load event; no page of the tour fetches anything after it (no
    # htmx on load), so waiting for "networkidle" would only add its 500 ms quiet period per page.
    response = page.goto(url)
    if response is None or response.status >= 400:
        problems.append(f"{where}: HTTP {response.status if response else 'no response'}")
        return False  # an error page has none of the layout to check (and no <main> to wait 30 s for)
    return True


def check_layout(page, name, width, tour_screenshots, problems):
    """The page as loaded, at `width`: Chinese, signed in, nothing wider than the screen."""
    where = f"{name} @ {width}px"
    if "/accounts/login" in page.url:
        problems.append(f"{where}: sent to the sign-in page")
    lang = page.get_attribute("html", "lang")
    if lang != "zh-hans":
        problems.append(f"{where}: <html lang={lang!r}>")
    scroll_width, inner_width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    if scroll_width > inner_width + 1:
        problems.append(f"{where}: page scrolls sideways ({scroll_width} > {inner_width}): "
                        f"{page.evaluate(OVERFLOW_CULPRITS)}")
    # A table stacked into label/value rows on phones (.table-responsive-stack) must fit; were it
    # wider than its wrapper, values would sit out of sight to the right.
    too_wide = page.evaluate("""() => [...document.querySelectorAll('.table-responsive-stack')]
        .filter(t => getComputedStyle(t.querySelector('thead') || t).display === 'none')
        .filter(t => t.scrollWidth > t.parentElement.clientWidth + 1)
        .map(t => `${t.scrollWidth} > ${t.parentElement.clientWidth}`)""")
    if too_wide:
        problems.append(f"{where}: stacked table wider than the screen: {too_wide}")
    english = ENGLISH_UI.findall(page.locator("main").inner_text())
    if len(english) >= 3:
        problems.append(f"{where}: English UI words in main: {english}")
    if tour_screenshots is not None:
        page.screenshot(path=str(tour_screenshots / f"tour-{name}-{width}.png"), full_page=True)


def walk(browser, live_server, tours, tour_screenshots) -> list[str]:
    """Each (username, [(name, url)]) signed in once in its own context, every page at every width;
    returns the problems found. A page is loaded once and checked at each width in turn: resizing
    the viewport lays it out again (media queries; no script of ours looks at the width), and what
    the server sends does not depend on the width, so a second load would only cost time."""
    problems = []
    for username, pages in tours:
        context = browser.new_context(viewport={"width": WIDTHS[0], "height": 900}, locale="zh-CN",
                                      base_url=live_server.url, reduced_motion="reduce")
        try:
            page = context.new_page()
            sign_in(page, username)
            for name, url in pages:
                page.set_viewport_size({"width": WIDTHS[0], "height": 900})
                if not load_page(page, url, f"{name} @ {WIDTHS[0]}px", problems):
                    continue
                for width in WIDTHS:
                    page.set_viewport_size({"width": width, "height": 900})
                    # Let the page's resize handlers run (charts.js redraws each chart at the new
                    # width on "resize") before measuring: two animation frames.
                    page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
                    check_layout(page, name, width, tour_screenshots, problems)
        finally:
            context.close()
    return problems


def test_layout_tour(browser, live_server, tour_screenshots):
    tree, wang, transfer, event = build_data()
    bargaining = build_bargaining(tree)
    congress = build_congress(tree)
    problems = walk(browser, live_server, tour(tree, wang, transfer, event, bargaining, congress), tour_screenshots)
    assert not problems, "\n".join(problems)
