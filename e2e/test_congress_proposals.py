"""One proposal from the delegate's draft to the archive, through the pages, as the chair of an
enterprise union on a phone-sized and a desktop screen: a refused submission with one co-signer,
the draft corrected, review and numbering, assignment, the one extension, a reply the proposer is
not satisfied with (re-opened), a second reply, the archive and the verified benefit."""

from decimal import Decimal

import pytest

from gonghui.congress.models import Proposal, ProposalStatus
from gonghui.congress.testing import congress_body, delegates, session
from gonghui.core.models import AuditEvent
from gonghui.core.testing.factories import Tree

from .pages import sign_in, snap

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def open_step(page, step):
    with page.expect_navigation():
        page.click(f"a[href$='/{step}/']")


def save(page):
    with page.expect_navigation():
        page.click("form.card button[type=submit]")


def status():
    return Proposal.objects.get().status


@pytest.mark.parametrize("width", [390, 1280])
def test_draft_to_archive(page_for, screenshot_dir, width):
    tree = Tree()
    body = congress_body(org=tree.union1, enterprise=tree.enterprise1, headcount=320)
    roll = delegates(body, 12, substitutes=1)
    planned = session(body)
    proposer, first, second = roll[3], roll[4], roll[5]
    page = page_for(width)
    sign_in(page, "union1")

    # The list, then the draft form (the chair's one congress is chosen for them).
    page.goto("/congress/proposals/")
    with page.expect_navigation():
        page.click("a[href^='/congress/proposals/new/']")
    assert page.locator(f"input[name=cosigners][value='{roll[-1].pk}']").count() == 0  # no substitute offered
    page.fill("input[name=title]", "二车间增设夜班食堂")
    page.select_option("select[name=category]", "WELFARE")
    page.fill("textarea[name=reasons]", "二车间夜班职工约120人，夜间无处就餐。")
    page.fill("textarea[name=suggestions]", "在二车间东侧设夜班食堂，22点至次日2点供应热食。")
    page.select_option("select[name=session]", str(planned.pk))
    page.select_option("select[name=proposer]", str(proposer.pk))
    page.check(f"input[name=cosigners][value='{first.pk}']")
    with page.expect_navigation():
        page.click("#proposal-form button[type=submit]")
    proposal = Proposal.objects.get()
    assert page.url.endswith(f"/congress/proposals/{proposal.pk}/")

    # One co-signer: the submission is refused with how many are missing.
    open_step(page, "submit")
    page.check("input[name=one_issue]")
    save(page)
    assert page.locator(".alert-danger").count() > 0
    assert status() == ProposalStatus.DRAFT

    # The draft gets its second co-signer, then goes in.
    page.goto(f"/congress/proposals/{proposal.pk}/edit/")
    page.check(f"input[name=cosigners][value='{second.pk}']")
    with page.expect_navigation():
        page.click("#proposal-form button[type=submit]")
    assert page.locator("#cosigners li").count() == 2
    open_step(page, "submit")
    page.check("input[name=one_issue]")
    save(page)
    assert status() == ProposalStatus.SUBMITTED

    open_step(page, "accept")
    save(page)
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.ACCEPTED and proposal.number.endswith("-001")
    assert proposal.number in page.inner_text("h1")

    open_step(page, "assign")
    page.fill("input[name=department]", "后勤保障部")
    save(page)
    open_step(page, "extend")
    page.fill("input[name=extension_reason]", "需与餐饮公司签约")
    save(page)
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.ASSIGNED and proposal.extended
    assert page.locator("a[href$='/extend/']").count() == 0  # only once

    open_step(page, "reply")
    page.select_option("select[name=outcome]", "B")
    page.fill("textarea[name=reply]", "列入明年后勤计划。")
    page.fill("input[name=benefit_estimated]", "-5")
    save(page)
    assert status() == ProposalStatus.ASSIGNED  # a negative benefit is refused, nothing saved
    page.fill("input[name=benefit_estimated]", "60000")
    save(page)
    assert status() == ProposalStatus.REPLIED

    # Not satisfied: reopened once, the first reply kept in the history.
    open_step(page, "rate")
    page.select_option("select[name=satisfaction]", "UNSATISFIED")
    save(page)
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.ASSIGNED and proposal.reopen_count == 1 and not proposal.extended

    open_step(page, "reply")
    page.select_option("select[name=outcome]", "A")
    page.fill("textarea[name=reply]", "夜班食堂已于本月开业。")
    save(page)
    open_step(page, "rate")
    page.select_option("select[name=satisfaction]", "SATISFIED")
    save(page)
    assert status() == ProposalStatus.ARCHIVED

    open_step(page, "benefit")
    page.fill("input[name=benefit_verified]", "52000.50")
    save(page)
    proposal.refresh_from_db()
    assert proposal.benefit_verified == Decimal("52000.50") and proposal.benefit_estimated == Decimal("60000.00")

    # The page shows the whole trail; the list finds it by number and by session.
    assert AuditEvent.objects.filter(object_id=str(proposal.pk), action__startswith="congress.proposal_").count() == 11
    assert page.locator("#history-title").count() == 1
    assert page.locator("section[aria-labelledby=history-title] tbody tr").count() == 11
    assert not page.evaluate("document.documentElement.scrollWidth > window.innerWidth")
    snap(page, screenshot_dir, f"congress-proposal-archived-{width}.png")
    page.goto(f"/congress/proposals/?session={planned.pk}&q={proposal.number}")
    assert page.locator(f"a[href='/congress/proposals/{proposal.pk}/']").count() == 1
    assert not page.evaluate("document.documentElement.scrollWidth > window.innerWidth")
    snap(page, screenshot_dir, f"congress-proposal-list-{width}.png")
