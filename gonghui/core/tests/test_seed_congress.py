"""seed_demo's workers' congresses (core.demo.congress): every row is one the services could have
written (quota, managers' share, quorum, the pass rule, co-signers, the deadlines of
`congress.deadlines`), the statuses agree with the dates, and the demo accounts have data on
every page."""

import datetime
import io
import re
from collections import Counter

import pytest
from django.core.management import call_command

from gonghui.accounts.models import User
from gonghui.congress import deadlines
from gonghui.congress import rules as congress_rules
from gonghui.congress.models import (
    ADOPTED_OUTCOMES,
    AgendaItem,
    BodyKind,
    BodyStatus,
    CongressBody,
    Delegate,
    DelegateCategory,
    Disclosure,
    Proposal,
    ProposalStatus,
    ReplyOutcome,
    Satisfaction,
    Session,
    SessionStatus,
)
from gonghui.core.demo.congress import ON
from gonghui.core.models import AuditEvent

pytestmark = pytest.mark.django_db
YEAR = ON.year
HELD = (SessionStatus.HELD, SessionStatus.REPORTED)


def seed(*args):
    call_command("seed_demo", "--scale", "small", "--force", *args, stdout=io.StringIO(), stderr=io.StringIO())


@pytest.fixture
def seeded():
    seed()
    return {u.username: u for u in User.objects.all()}


def org_of(user):
    return user.role_assignments.get().org


def snapshot():
    bodies = list(CongressBody.objects.order_by("id").values_list(
        "enterprise__uscc", "kind", "term_number", "term_starts_on", "term_ends_on", "delegate_quota", "status"))
    delegates = list(Delegate.objects.order_by("id").values_list("body_id", "name", "group", "category",
                                                                 "is_substitute", "ended_on"))
    sessions = list(Session.objects.order_by("id").values_list("body_id", "number", "status", "planned_on", "held_on",
                                                               "entitled", "present", "reported_on"))
    agenda = list(AgendaItem.objects.order_by("id").values_list("session_id", "title", "votes_for", "passed"))
    proposals = list(Proposal.objects.order_by("id").values_list(
        "body_id", "number", "title", "status", "proposer__name", "submitted_on", "assigned_on", "due_on",
        "outcome", "satisfaction", "benefit_estimated", "benefit_verified"))
    cosigners = list(Proposal.cosigners.through.objects.order_by("id").values_list("proposal_id", "delegate__name"))
    disclosures = list(Disclosure.objects.order_by("id").values_list("enterprise__uscc", "item", "disclosed_on",
                                                                     "channel"))
    return bodies, delegates, sessions, agenda, proposals, cosigners, disclosures


def held_this_year(body):
    return any(s.status in HELD and s.held_on.year == YEAR for s in body.sessions.all())


def test_towns_statuses_and_demo_accounts_have_data(seeded):
    town1, town2, union1 = org_of(seeded["town1"]), org_of(seeded["town2"]), org_of(seeded["union1"])
    bodies = list(CongressBody.objects.select_related("enterprise__town").prefetch_related("sessions"))
    assert 10 <= len(bodies) <= 60
    assert {b.kind for b in bodies} == set(BodyKind.values)
    assert {b.status for b in bodies} == set(BodyStatus.values)
    towns = {b.enterprise.town_id for b in bodies}
    assert len(towns) >= 5 and {town1.pk, town2.pk} <= towns

    # the yearly status page: held this year, not held, a report overdue, one planned for December
    current = [b for b in bodies if b.status == BodyStatus.ACTIVE]
    assert sum(held_this_year(b) for b in current) > len(current) / 2
    assert any(not held_this_year(b) for b in current)
    sessions = Session.objects.all()
    assert sessions.filter(status=SessionStatus.HELD, report_due_on__lt=ON).exists()
    assert sessions.filter(status=SessionStatus.PLANNED, planned_on__gt=ON, planned_on__year=YEAR).exists()
    assert sessions.filter(status=SessionStatus.CANCELLED).exists()

    # union1: a current term with a session held this year and proposals in several statuses
    mine = CongressBody.objects.get(org=union1, status=BodyStatus.ACTIVE)
    assert held_this_year(mine)
    statuses = Counter(mine.proposals.values_list("status", flat=True))
    assert len(statuses) >= 6
    remind = congress_rules.rules().remind_days
    assert mine.proposals.filter(status=ProposalStatus.REPLIED, rated_on__isnull=True).exists()
    assert mine.proposals.filter(status=ProposalStatus.ASSIGNED, due_on__gte=ON,
                                 due_on__lte=ON + datetime.timedelta(days=remind)).exists()
    assert mine.proposals.filter(status=ProposalStatus.ASSIGNED, due_on__lt=ON).exists()
    assert Disclosure.objects.filter(enterprise=mine.enterprise, year=YEAR).exists()

    # every status somewhere; proposals in town1, town2 and other towns
    assert set(Proposal.objects.values_list("status", flat=True)) == set(ProposalStatus.values)
    proposal_towns = set(Proposal.objects.values_list("body__enterprise__town_id", flat=True))
    assert {town1.pk, town2.pk} <= proposal_towns and len(proposal_towns) >= 3
    assert Proposal.objects.filter(extended=True).exists()
    assert Proposal.objects.filter(reopen_count=1, status=ProposalStatus.ARCHIVED).exists()
    assert Proposal.objects.filter(reopen_count=1, status=ProposalStatus.ASSIGNED).exists()

    # the demo users see them through the scope
    for model in (CongressBody, Session, Proposal, Disclosure):
        for username in ("district", "town1", "town2", "union1"):
            assert model.objects.visible_to(seeded[username]).exists(), (model, username)
    assert not Proposal.objects.visible_to(seeded["town2"]).filter(org=union1).exists()

    counts = AuditEvent.objects.get(action="core.seed_demo").after["congress"]
    assert counts["bodies"] == len(bodies)
    assert counts["proposals"] == Proposal.objects.count()
    assert counts["adopted"] == Proposal.objects.filter(outcome__in=ADOPTED_OUTCOMES).count()


def test_bodies_rolls_and_sessions_as_the_services_would_write_them(seeded):
    limits = congress_rules.rules()
    current_per_firm = Counter()
    for body in CongressBody.objects.select_related("enterprise").prefetch_related("delegates", "sessions"):
        body.full_clean()
        assert body.org_id == body.enterprise.union_id
        assert body.kind == congress_rules.body_kind_for(body.headcount)
        assert body.delegate_quota == congress_rules.delegate_quota(body.headcount)
        assert body.term_starts_on <= ON and 3 <= body.term_years <= 5
        anniversary = body.term_ends_on + datetime.timedelta(days=1)
        assert (anniversary.year - body.term_starts_on.year) == body.term_years
        current_per_firm[body.enterprise_id] += body.status == BodyStatus.ACTIVE

        delegates = list(body.delegates.all())
        for d in delegates:
            d.full_clean()
            assert d.org_id == body.org_id and d.elected_on >= body.term_starts_on
            assert d.ended_on is None or (d.end_reason and d.ended_on <= max(ON, body.term_ends_on))
            assert not (d.is_substitute and d.category == DelegateCategory.MANAGER)
        seated = [d for d in delegates if not d.is_substitute and d.ended_on is None]
        if body.kind == BodyKind.CONGRESS and body.status == BodyStatus.ACTIVE:
            assert abs(len(seated) - body.delegate_quota) <= 5, body
            managers = sum(d.category == DelegateCategory.MANAGER for d in seated)
            assert managers <= congress_rules.managers_allowed(len(seated)), body
        if body.kind == BodyKind.ALL_STAFF:  # no roll, or the whole staff (when it runs proposals)
            assert len(delegates) in (0, body.headcount)
        if body.status == BodyStatus.ENDED:
            assert all(d.ended_on == body.term_ends_on for d in delegates)

        sessions = sorted(body.sessions.all(), key=lambda s: s.number)
        assert [s.number for s in sessions] == list(range(1, len(sessions) + 1))
        for s in sessions:
            s.full_clean()
            assert s.org_id == body.org_id
            if s.status == SessionStatus.PLANNED:
                assert s.held_on is None and s.planned_on > ON - datetime.timedelta(days=1)
                assert s.papers_sent_on is None or (s.papers_sent_on <= ON
                                                    and deadlines.papers_in_time(s.papers_sent_on, s.planned_on))
            elif s.status == SessionStatus.CANCELLED:
                assert s.cancel_reason and s.held_on is None and s.planned_on <= ON
            else:
                assert body.term_starts_on <= s.held_on <= min(ON, body.term_ends_on)
                assert deadlines.papers_in_time(s.papers_sent_on, s.held_on)
                assert s.report_due_on == deadlines.report_due(s.held_on)
                if body.kind == BodyKind.ALL_STAFF:
                    assert s.entitled == body.headcount
                else:
                    assert s.entitled == sum(1 for d in delegates if not d.is_substitute and d.elected_on <= s.held_on
                                             and (d.ended_on is None or d.ended_on > s.held_on))
                assert congress_rules.quorum_met(s.present, s.entitled) and s.present <= s.entitled
                if s.status == SessionStatus.REPORTED:
                    assert s.held_on <= s.reported_on <= ON
                else:
                    assert s.reported_on is None
            for item in s.agenda_items.all():
                item.full_clean()
                if s.status in HELD and item.requires_vote:
                    assert item.votes_for + item.votes_against + item.abstentions <= s.present
                    assert item.passed == congress_rules.motion_passes(item.votes_for, s.entitled)
                else:
                    assert item.passed is None and item.votes_for is None
        assert limits.quorum  # the rules in force were read
    assert max(current_per_firm.values()) == 1


def test_proposals_as_the_services_would_write_them(seeded):
    minimum = congress_rules.rules().cosigners_min
    numbers = Counter()
    for p in Proposal.objects.select_related("body", "proposer", "session").prefetch_related("cosigners"):
        p.full_clean()
        assert p.org_id == p.body.org_id and p.body.status == BodyStatus.ACTIVE
        assert p.proposer.body_id == p.body_id and not p.proposer.is_substitute and p.proposer.ended_on is None
        cosigners = list(p.cosigners.all())
        assert all(c.body_id == p.body_id and not c.is_substitute and c.ended_on is None for c in cosigners)
        assert p.proposer not in cosigners and len(set(cosigners)) == len(cosigners)
        if p.status != ProposalStatus.DRAFT:
            assert len(cosigners) >= minimum
        if p.session:
            assert p.session.body_id == p.body_id and p.session.status in HELD

        for day in (p.submitted_on, p.reviewed_on, p.assigned_on, p.replied_on, p.rated_on, p.archived_on):
            assert day is None or day <= ON, p
        chain = [d for d in (p.submitted_on, p.reviewed_on, p.assigned_on, p.replied_on, p.rated_on) if d]
        assert chain == sorted(chain), p
        status = p.status
        assert (p.submitted_on is None) == (status == ProposalStatus.DRAFT)
        reviewed = status not in (ProposalStatus.DRAFT, ProposalStatus.SUBMITTED)
        assert (p.reviewed_on is not None) == reviewed
        assert bool(p.review_reason) == (status in (ProposalStatus.CONVERTED, ProposalStatus.REJECTED))
        numbered = reviewed and status not in (ProposalStatus.CONVERTED, ProposalStatus.REJECTED)
        if numbered:
            assert re.fullmatch(rf"{p.reviewed_on.year}-\d{{3}}", p.number), p.number
            numbers[(p.body_id, p.number)] += 1
        else:
            assert p.number == ""
        assigned = status in (ProposalStatus.ASSIGNED, ProposalStatus.REPLIED, ProposalStatus.ARCHIVED)
        assert (p.assigned_on is not None) == assigned and bool(p.department) == assigned
        if assigned:
            assert p.due_on == deadlines.reply_due(p.assigned_on, extended=p.extended)
            assert bool(p.extension_reason) == p.extended
        else:
            assert p.due_on is None and not p.extended
        replied = status in (ProposalStatus.REPLIED, ProposalStatus.ARCHIVED)
        assert (p.replied_on is not None) == replied and bool(p.outcome) == replied and bool(p.reply) == replied
        assert (p.rated_on is not None) == (status == ProposalStatus.ARCHIVED) == bool(p.satisfaction)
        if status == ProposalStatus.ARCHIVED:
            assert p.archived_on == p.rated_on  # the rating archives it (services.rate_proposal)
            assert p.satisfaction != Satisfaction.UNSATISFIED or p.reopen_count == 1
        else:
            assert p.archived_on is None
        if p.outcome not in ADOPTED_OUTCOMES:
            assert p.benefit_estimated is None and p.benefit_verified is None
        if p.benefit_verified is not None:
            assert status == ProposalStatus.ARCHIVED and p.outcome == ReplyOutcome.SOLVED
    assert numbers and max(numbers.values()) == 1


def test_disclosures(seeded):
    codes = {code for code, _label in congress_rules.disclosure_items()}
    union1 = org_of(seeded["union1"])
    rows = list(Disclosure.objects.select_related("enterprise"))
    assert rows
    for d in rows:
        d.full_clean()
        assert d.item in codes and d.year == YEAR and d.disclosed_on.year == YEAR and d.disclosed_on <= ON
        assert d.org_id == d.enterprise.union_id
    by_firm = {}
    for d in rows:
        by_firm.setdefault(d.enterprise_id, set()).add(d.item)
    assert any(items < codes for items in by_firm.values())  # some items missing (flagged)
    assert any(items == codes for items in by_firm.values())
    union1_items = by_firm[CongressBody.objects.get(org=union1, status=BodyStatus.ACTIVE).enterprise_id]
    assert union1_items < codes
