"""One committee election (换届选举) from plan to approved result, through the pages, on a
phone-sized and a desktop screen: the union's chair plans it (the size table shown, a relative of
a manager refused as chair candidate), the town cadre approves the plan, a first meeting without
a quorum is recorded as invalid, a valid one follows, a tie at the last seat leads to a further
round, the committee's first meeting chooses the chair and vice-chair, and the town's approval
seats the new committee."""

import pytest
from django.utils import timezone

from gonghui.core.models import AuditEvent
from gonghui.core.testing.factories import MembershipFactory, PersonFactory, Tree
from gonghui.grassroots.models import Committee, CommitteeStatus, Election, ElectionStatus

from .pages import sign_in, snap

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
DAY = timezone.localdate().isoformat()  # every step today (the forms' default dates)


def go(page, url):
    page.goto(url)


def step(page, href_end):
    with page.expect_navigation():
        page.click(f"a[href$='{href_end}']")


def save(page):
    with page.expect_navigation():
        page.click("form.card button[type=submit]")


def status():
    return Election.objects.get().status


@pytest.mark.parametrize("width", [390, 1280])
def test_plan_to_approved_result(page_for, screenshot_dir, width):
    tree = Tree()
    for _ in range(20):  # 11–25 members: 3 seats, at least 4 candidates; 14 present for a quorum
        MembershipFactory(person=PersonFactory(), union=tree.union1)
    chair = page_for(width)
    sign_in(chair, "union1")

    # The plan: the union, then the figures (seats outside the table are refused).
    go(chair, "/grassroots/elections/")
    step(chair, "/grassroots/elections/new/")
    chair.fill("input[name=union_q]", "甲企业")
    with chair.expect_navigation():
        chair.click("form[role=search] button[type=submit]")
    with chair.expect_navigation():
        chair.click(f"a[href='?union={tree.union1.pk}']")
    assert chair.locator("tr.table-primary").count() == 1  # the union's row of the size table
    snap(chair, screenshot_dir, f"grassroots-election-plan-{width}.png")
    chair.fill("input[name=seats]", "5")
    chair.fill("input[name=planned_meeting_on]", DAY)
    save(chair)
    assert chair.locator(".errorlist").count() > 0 and not Election.objects.exists()
    chair.fill("input[name=seats]", "3")
    save(chair)
    election = Election.objects.get()
    assert chair.url.endswith(f"/grassroots/elections/{election.pk}/candidates/")

    # Candidates: a declared relative of a manager cannot stand for chair.
    chair.fill("input[name=name]", "李强")
    chair.select_option("select[name=proposed_position]", "CHAIR")
    chair.check("input[name=relative_of_manager]")
    save(chair)
    assert chair.locator(".errorlist").count() > 0 and election.candidates.count() == 0
    chair.uncheck("input[name=relative_of_manager]")
    save(chair)
    for name in ("王芳", "赵敏", "陈刚"):
        chair.fill("input[name=name]", name)
        chair.select_option("select[name=proposed_position]", "MEMBER")
        save(chair)
    assert election.candidates.count() == 4
    go(chair, f"/grassroots/elections/{election.pk}/")
    step(chair, "/submit-plan/")
    save(chair)
    assert status() == ElectionStatus.PLAN_SUBMITTED

    # The town cadre approves the plan.
    cadre = page_for(width)
    sign_in(cadre, "town1")
    go(cadre, f"/grassroots/elections/{election.pk}/")
    step(cadre, "/approve-plan/")
    cadre.fill("input[name=approval_no]", "城工批〔2026〕12号")
    save(cadre)
    assert status() == ElectionStatus.PLAN_APPROVED

    # The meeting: 13 of 20 is short of two thirds (invalid, recorded); 18 is valid.
    go(chair, f"/grassroots/elections/{election.pk}/")
    step(chair, "/meeting/")
    chair.fill("input[name=held_on]", DAY)
    chair.fill("input[name=present]", "13")
    save(chair)
    assert status() == ElectionStatus.PLAN_APPROVED and election.meetings.get().valid is False
    step(chair, "/meeting/")
    chair.fill("input[name=held_on]", DAY)
    chair.fill("input[name=present]", "18")
    save(chair)
    assert status() == ElectionStatus.VOTING

    # Round 1: a tie at the last seat (12 and 12) → a further round between the two.
    ids = dict(election.candidates.values_list("name", "pk"))
    step(chair, "/ballots/")
    snap(chair, screenshot_dir, f"grassroots-election-ballots-{width}.png")
    for field, value in (("ballots_issued", 18), ("ballots_returned", 18), ("ballots_valid", 18)):
        chair.fill(f"input[name={field}]", str(value))
    for name, votes in (("李强", 16), ("王芳", 14), ("赵敏", 12), ("陈刚", 12)):
        chair.fill(f"input[name=votes_{ids[name]}]", str(votes))
    save(chair)
    assert status() == ElectionStatus.VOTING and election.rounds.count() == 2
    step(chair, "/ballots/")
    assert chair.locator("input[name^=votes_]").count() == 2
    for field, value in (("ballots_issued", 18), ("ballots_returned", 18), ("ballots_valid", 18)):
        chair.fill(f"input[name={field}]", str(value))
    chair.fill(f"input[name=votes_{ids['赵敏']}]", "12")
    chair.fill(f"input[name=votes_{ids['陈刚']}]", "6")
    save(chair)
    assert status() == ElectionStatus.ELECTED

    # The committee's first meeting, then the result to the upper union.
    step(chair, "/officers/")
    chair.fill("input[name=first_meeting_on]", DAY)
    chair.select_option("select[name=chair]", str(ids["李强"]))
    chair.check(f"input[name=vice_chairs][value='{ids['王芳']}']")
    save(chair)
    step(chair, "/submit-result/")
    save(chair)
    assert status() == ElectionStatus.RESULT_SUBMITTED

    go(cadre, f"/grassroots/elections/{election.pk}/")
    step(cadre, "/approve-result/")
    save(cadre)
    assert status() == ElectionStatus.APPROVED
    committee = Committee.objects.get(org=tree.union1, status=CommitteeStatus.CURRENT)
    assert committee.election_id == election.pk
    assert committee.members.get(position="CHAIR").name == "李强"
    assert AuditEvent.objects.filter(action="grassroots.election.result_approve").count() == 1

    go(chair, f"/grassroots/elections/{election.pk}/")
    assert chair.locator("#next-step").count() == 1
    assert chair.evaluate("document.documentElement.scrollWidth") <= width + 1  # no sideways scrolling
    snap(chair, screenshot_dir, f"grassroots-election-approved-{width}.png")
    go(chair, "/grassroots/elections/")
    snap(chair, screenshot_dir, f"grassroots-election-list-{width}.png")
