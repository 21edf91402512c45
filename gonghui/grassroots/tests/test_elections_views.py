"""Election pages: the list (filters, query count), the detail with history and the buttons the
user may press, a whole election walked through the pages, bad input (specific message, nothing
saved, never a 500), scope (404) and rights (403), the Excel export."""

import re

import pytest
from django.urls import reverse

from gonghui.core.models import AuditEvent
from gonghui.core.testing.factories import add_org
from gonghui.grassroots.models import Committee, Election, ElectionStatus
from gonghui.grassroots.testing.elections import DAY, add_members, election_at
from gonghui.orgs.models import OrgLevel

pytestmark = pytest.mark.django_db
S = ElectionStatus
DETAIL_LINK = re.compile(r'href="/grassroots/elections/\d+/"')


def _login(client, user):
    client.force_login(user)
    return client


def _url(name, *args):
    return reverse(f"grassroots:{name}", args=args)


def test_list_shows_scope_only_and_queries_do_not_grow(client, tree, django_assert_max_num_queries):
    election_at(S.DRAFT, actor=tree.union1_chair, approver=tree.town1_cadre, union=tree.union1)
    election_at(S.DRAFT, actor=tree.union2_chair, approver=tree.town2_cadre, union=tree.union2)
    _login(client, tree.town1_cadre)
    with django_assert_max_num_queries(14) as few:
        response = client.get(_url("election_list"))
    assert response.status_code == 200
    html = response.content.decode()
    assert tree.union1.name in html and tree.union2.name not in html
    for i in range(6):
        union = add_org(tree.town1, f"扩展工会{i}", OrgLevel.GRASSROOTS)
        election_at(S.PLAN_SUBMITTED, actor=tree.town1_cadre, approver=tree.town1_cadre, union=union)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(_url("election_list"))
    assert len(DETAIL_LINK.findall(response.content.decode())) == 7
    response = client.get(_url("election_list"), {"status": "awaiting", "q": "扩展工会1"})
    assert len(DETAIL_LINK.findall(response.content.decode())) == 1
    assert client.get(_url("election_list"), {"year": "abc", "org": "999999"}).status_code == 200


def test_member_and_outsider_cannot_see_elections(client, tree):
    election = election_at(S.DRAFT, actor=tree.union1_chair, approver=tree.town1_cadre, union=tree.union1)
    assert _login(client, tree.member_user).get(_url("election_list")).status_code == 403
    assert client.get(_url("election_detail", election.pk)).status_code == 404
    assert _login(client, tree.town2_cadre).get(_url("election_detail", election.pk)).status_code == 404
    assert client.get(_url("election_step", election.pk, "cancel")).status_code == 404


def test_walk_an_election_through_the_pages(client, tree):
    add_members(tree.union1, 20)  # 11–25 members: 3 seats, at least 4 candidates
    _login(client, tree.union1_chair)
    page = client.get(_url("election_create"), {"union_q": "甲"})
    assert tree.union1.name in page.content.decode()
    page = client.get(_url("election_create"), {"union": tree.union1.pk})
    assert "table-primary" in page.content.decode()  # the union's row of the size table is marked
    response = client.post(_url("election_create"), {"union": tree.union1.pk, "electorate": "MEMBERS", "seats": 5,
                                                     "term_years": 5, "planned_meeting_on": DAY.isoformat()})
    assert response.status_code == 200 and not Election.objects.exists()
    assert "errorlist" in response.content.decode()
    response = client.post(_url("election_create"), {"union": tree.union1.pk, "electorate": "MEMBERS", "seats": 3,
                                                     "term_years": 5, "planned_meeting_on": DAY.isoformat()})
    election = Election.objects.get()
    assert response.status_code == 302 and response["Location"] == _url("election_candidates", election.pk)
    response = client.post(_url("election_candidates", election.pk), {"name": "李强", "proposed_position": "CHAIR",
                                                                       "relative_of_manager": "on"})
    assert response.status_code == 200 and not election.candidates.exists()
    for name, position in (("李强", "CHAIR"), ("王芳", "VICE_CHAIR"), ("赵敏", "MEMBER"), ("陈刚", "MEMBER")):
        assert client.post(_url("election_candidates", election.pk),
                           {"name": name, "proposed_position": position}).status_code == 302
    assert client.get(_url("election_detail", election.pk)).status_code == 200
    assert client.post(_url("election_step", election.pk, "submit-plan"), {"day": DAY.isoformat()}).status_code == 302
    # the chair cannot approve; the town cadre can
    assert client.get(_url("election_step", election.pk, "approve-plan")).status_code == 403
    _login(client, tree.town1_cadre)
    detail = client.get(_url("election_detail", election.pk)).content.decode()
    assert _url("election_step", election.pk, "approve-plan") in detail
    assert client.post(_url("election_step", election.pk, "approve-plan"),
                       {"day": DAY.isoformat(), "approval_no": "萧工〔2026〕8号"}).status_code == 302
    _login(client, tree.union1_chair)
    assert client.post(_url("election_step", election.pk, "meeting"),
                       {"held_on": DAY.isoformat(), "present": 13}).status_code == 302  # 13 < 14: invalid
    election.refresh_from_db()
    assert election.status == S.PLAN_APPROVED and election.meetings.get().valid is False
    assert client.post(_url("election_step", election.pk, "meeting"),
                       {"held_on": DAY.isoformat(), "present": 18}).status_code == 302
    ids = dict(election.candidates.values_list("name", "pk"))
    ballots = {"ballots_issued": 18, "ballots_returned": 18, "ballots_valid": 17, "counted_on": DAY.isoformat(),
               f"votes_{ids['李强']}": 16, f"votes_{ids['王芳']}": 15, f"votes_{ids['赵敏']}": 11,
               f"votes_{ids['陈刚']}": 9}
    bad = client.post(_url("election_ballots", election.pk), {**ballots, "ballots_returned": 19})
    assert bad.status_code == 200 and "19" in bad.content.decode()
    assert client.post(_url("election_ballots", election.pk), ballots).status_code == 302
    election.refresh_from_db()
    assert election.status == S.ELECTED  # 16, 15, 11 > 20/2
    assert client.post(_url("election_officers", election.pk), {"first_meeting_on": DAY.isoformat(),
                                                                  "chair": ids["李强"],
                                                                  "vice_chairs": [ids["王芳"]]}).status_code == 302
    assert client.post(_url("election_step", election.pk, "submit-result"),
                       {"day": DAY.isoformat()}).status_code == 302
    _login(client, tree.town1_cadre)
    assert client.post(_url("election_step", election.pk, "approve-result"),
                       {"day": DAY.isoformat()}).status_code == 302
    election.refresh_from_db()
    assert election.status == S.APPROVED
    committee = Committee.objects.get(election=election)
    assert committee.members.get(position="CHAIR").name == "李强"
    detail = client.get(_url("election_detail", election.pk)).content.decode()
    assert "李强" in detail and "history" in detail.lower()
    trail = AuditEvent.objects.filter(object_id=str(election.pk), action__startswith="grassroots.election.")
    assert trail.count() >= 10


def test_wrong_stage_step_redirects_with_a_message(client, tree):
    election = election_at(S.DRAFT, actor=tree.union1_chair, approver=tree.town1_cadre, union=tree.union1)
    _login(client, tree.union1_chair)
    response = client.get(_url("election_step", election.pk, "meeting"))
    assert response.status_code == 302 and response["Location"] == _url("election_detail", election.pk)
    assert client.get(_url("election_step", election.pk, "nonsense")).status_code == 404
    assert client.get(_url("election_ballots", election.pk)).status_code == 302


def test_second_election_is_refused_with_a_message(client, tree):
    first = election_at(S.DRAFT, actor=tree.union1_chair, approver=tree.town1_cadre, union=tree.union1)
    _login(client, tree.union1_chair)
    page = client.get(_url("election_create"), {"union": tree.union1.pk})
    assert _url("election_detail", first.pk) in page.content.decode()
    assert 'name="seats"' not in page.content.decode()  # no form that could only be refused
    response = client.post(_url("election_create"), {"union": tree.union1.pk, "electorate": "MEMBERS", "seats": 3,
                                                     "term_years": 5, "planned_meeting_on": DAY.isoformat()})
    assert response.status_code == 200 and Election.objects.count() == 1


def test_export(client, tree):
    election_at(S.DRAFT, actor=tree.union1_chair, approver=tree.town1_cadre, union=tree.union1)
    response = _login(client, tree.town1_cadre).get(_url("election_export"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert AuditEvent.objects.filter(action="grassroots.election.export").exists()
    assert _login(client, tree.town2_cadre).get(_url("election_export"), {"org": tree.union1.pk}).status_code == 404


def test_due_summary_counts_approvals_waiting_and_overdue(client, tree):
    import datetime

    from gonghui.core.dashboard import due_for
    from gonghui.grassroots.selectors.elections import approval_cutoff, due_summary
    from gonghui.grassroots.testing.elections import election_at

    late = election_at(S.PLAN_SUBMITTED, actor=tree.union1_chair, approver=tree.town1_cadre, union=tree.union1)
    Election.objects.filter(pk=late.pk).update(plan_submitted_on=approval_cutoff() - datetime.timedelta(days=1))
    fresh = election_at(S.PLAN_SUBMITTED, actor=tree.town1_cadre, approver=tree.town1_cadre, union=tree.union1b)
    Election.objects.filter(pk=fresh.pk).update(plan_submitted_on=approval_cutoff())  # the last day in time
    summary = due_summary(tree.town1_cadre)
    assert (summary.overdue, summary.soon) == (1, 1) and "due=overdue" in summary.url
    assert due_summary(tree.town2_cadre).overdue == 0
    assert any(s.url == summary.url for s in due_for(tree.town1_cadre))
    response = _login(client, tree.town1_cadre).get(_url("election_list"), {"due": "overdue"})
    assert len(DETAIL_LINK.findall(response.content.decode())) == 1


def test_ballots_page_sent_twice_is_refused_not_counted_as_round_two(client, tree):
    add_members(tree.union1, 20)
    election = election_at(S.VOTING, actor=tree.union1_chair, approver=tree.town1_cadre, union=tree.union1, seats=3)
    _login(client, tree.union1_chair)
    page = client.get(_url("election_ballots", election.pk)).content.decode()
    assert 'name="ballot_round"' in page and 'value="1"' in page
    ids = list(election.candidates.order_by("order").values_list("pk", flat=True))
    ballots = {"ballots_issued": 20, "ballots_returned": 20, "ballots_valid": 20, "counted_on": DAY.isoformat(),
               "ballot_round": 1, **{f"votes_{pk}": 5 for pk in ids}}  # nobody over 10: all stand again
    assert client.post(_url("election_ballots", election.pk), ballots).status_code == 302
    again = client.post(_url("election_ballots", election.pk), ballots)
    assert again.status_code == 200
    assert "第 2 轮" in again.content.decode() or "round 2" in again.content.decode()
    assert election.rounds.count() == 2 and election.rounds.get(number=2).status == "OPEN"


def test_close_voting_page_says_how_many_seats_must_be_filled(client, tree):
    add_members(tree.union1, 20)  # 11–25 members: exactly 3 seats
    election = election_at(S.VOTING, actor=tree.union1_chair, approver=tree.town1_cadre, union=tree.union1, seats=3)
    c = list(election.candidates.order_by("order").values_list("pk", flat=True))
    from gonghui.grassroots.services import elections as services

    services.record_ballots(actor=tree.union1_chair, election=election, ballots_issued=20, ballots_returned=20,
                            ballots_valid=20, votes={c[0]: 20, c[1]: 20, c[2]: 1, c[3]: 1})
    _login(client, tree.union1_chair)
    html = client.get(_url("election_step", election.pk, "close-voting")).content.decode()
    assert "alert-warning" in html and ("已选出 2 名" in html or "2 of 3 seats are filled" in html)
    refused = client.post(_url("election_step", election.pk, "close-voting"), {"reason": "无人过半"})
    assert refused.status_code == 200
    election.refresh_from_db()
    assert election.status == S.VOTING


def test_detail_queries_do_not_grow_with_rounds_and_candidates(client, tree, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from gonghui.grassroots.services import elections as services

    add_members(tree.union1, 60)
    election = election_at(S.VOTING, actor=tree.union1_chair, approver=tree.town1_cadre, union=tree.union1, seats=5)
    _login(client, tree.union1_chair)
    with CaptureQueriesContext(connection) as first:
        assert client.get(_url("election_detail", election.pk)).status_code == 200
    for _round in range(3):  # nobody over half: every candidate stands again, round after round
        ids = list(services.open_round(election).votes.values_list("candidate_id", flat=True))
        services.record_ballots(actor=tree.union1_chair, election=election, ballots_issued=60, ballots_returned=60,
                                ballots_valid=60, votes={pk: 10 for pk in ids})
    assert election.rounds.count() == 4
    with django_assert_max_num_queries(len(first.captured_queries)):
        assert client.get(_url("election_detail", election.pk)).status_code == 200
