"""seed_demo's wage negotiations (core.demo.bargaining): every row is one the services could have
written, the deadlines are timeline's, and the demo accounts have data on every page."""

import io
from collections import Counter

import pytest
from django.core.management import call_command
from django.db.models import Q

from gonghui.accounts.models import User
from gonghui.bargaining import services, timeline
from gonghui.bargaining.models import (
    CONCLUDED_STAGES,
    OPEN_STAGES,
    AgreementKind,
    Coverage,
    Representative,
    Side,
    Stage,
    TalkRound,
    Vote,
    WageAgreement,
)
from gonghui.bargaining.rules import rules
from gonghui.core import workdays
from gonghui.core.demo.bargaining import ON
from gonghui.core.models import AuditEvent
from gonghui.core.testing.demo import wipe_demo_data
from gonghui.orgs.models import Enterprise, Org, OrgLevel

pytestmark = pytest.mark.django_db


def seed(*args):
    call_command("seed_demo", "--scale", "small", "--force", *args, stdout=io.StringIO(), stderr=io.StringIO())


wipe = wipe_demo_data


def snapshot():
    agreements = list(WageAgreement.objects.order_by("id").values_list(
        "org__code", "kind", "title", "stage", "offered_on", "replied_on", "signed_on", "starts_on", "ends_on",
        "published_on", "next_step", "next_due_on", "avg_increase_pct", "renewal_of__title"))
    coverage = list(Coverage.objects.order_by("agreement_id", "enterprise__uscc").values_list(
        "agreement__title", "enterprise__uscc", "workers"))
    reps = list(Representative.objects.order_by("id").values_list("agreement__title", "side", "name", "is_chief"))
    rounds = list(TalkRound.objects.order_by("id").values_list("agreement__title", "number", "held_on", "chaired_by"))
    votes = list(Vote.objects.order_by("id").values_list("agreement__title", "held_on", "eligible", "present", "yes",
                                                          "passed"))
    return agreements, coverage, reps, rounds, votes


@pytest.fixture
def seeded():
    seed()
    return {u.username: u for u in User.objects.all()}


def test_kinds_towns_and_demo_accounts_have_data(seeded):
    agreements = list(WageAgreement.objects.select_related("org"))
    assert 20 <= len(agreements) <= 80
    assert {a.kind for a in agreements} == set(AgreementKind.values)
    stages = Counter(a.stage for a in agreements)
    assert stages[Stage.PUBLISHED] > len(agreements) / 3
    assert any(stages[s] for s in OPEN_STAGES)

    town1 = seeded["town1"].role_assignments.get().org
    town2 = seeded["town2"].role_assignments.get().org
    union1 = seeded["union1"].role_assignments.get().org
    towns = Org.objects.filter(level__in=[OrgLevel.TOWN, OrgLevel.PLATFORM], depth=2)
    towns_with_agreements = {t.pk for t in towns
                             if WageAgreement.objects.filter(Q(org__path__startswith=t.path)
                                                             | Q(coverages__enterprise__town=t)).exists()}
    assert len(towns_with_agreements) >= 5
    assert {town1.pk, town2.pk} <= towns_with_agreements

    # union1: a published agreement and an open negotiation whose next step is overdue or due soon
    mine = list(WageAgreement.objects.filter(org=union1))
    assert any(a.stage == Stage.PUBLISHED for a in mine)
    soon = workdays.add_working_days(ON, rules().remind_working_days)
    assert any(a.stage in OPEN_STAGES and a.next_due_on and a.next_due_on <= soon for a in mine)
    # town1: an area agreement in force covering union1's enterprise (which its own agreement covers too)
    flagship = Enterprise.objects.get(union=union1)
    area = WageAgreement.objects.in_force_on(ON).filter(org=town1, kind=AgreementKind.AREA,
                                                        coverages__enterprise=flagship)
    assert area.exists()
    assert WageAgreement.objects.in_force_on(ON).filter(kind=AgreementKind.SINGLE,
                                                        coverages__enterprise=flagship).exists()
    # the demo users see them through the scope
    for username in ("district", "town1", "town2", "union1"):
        assert WageAgreement.objects.visible_to(seeded[username]).exists(), username
    assert WageAgreement.objects.visible_to(seeded["union1"]).filter(org=town1).exists()
    # the due page has something overdue and something due within the reminder window
    assert WageAgreement.objects.filter(next_due_on__lt=ON).exists()
    assert WageAgreement.objects.filter(next_due_on__gte=ON, next_due_on__lte=soon).exists()

    event = AuditEvent.objects.get(action="core.seed_demo")
    assert event.after["wage_agreements"]["total"] == len(agreements)


def test_every_row_is_valid_and_as_the_services_would_write_it(seeded):
    limits = rules()
    open_keys = Counter()
    for a in WageAgreement.objects.select_related("org", "renewal_of").prefetch_related(
            "coverages__enterprise__union", "coverages__enterprise__town", "representatives", "rounds", "votes",
            "renewals"):
        a.full_clean()
        rounds, votes = list(a.rounds.all()), list(a.votes.all())
        renewal = min((r.offered_on for r in a.renewals.all() if r.stage != Stage.CANCELLED), default=None)
        assert (a.next_step, a.next_due_on) == timeline.next_due(a, rounds=rounds, votes=votes,
                                                                 renewal_offered_on=renewal), a.title
        # the same without the loaded rows (what the pages compute)
        assert (a.next_step, a.next_due_on) == timeline.next_due(a), a.title
        if a.is_open:
            open_keys[(a.org_id, a.kind)] += 1
        assert a.org.level in services.PARTY_LEVELS[a.kind]
        if a.kind == AgreementKind.INDUSTRY:
            assert a.industry
        coverage = [services.CoveredEnterprise(c.enterprise, c.workers) for c in a.coverages.all()]
        services.check_coverage(org=a.org, kind=a.kind, industry=a.industry, coverage=coverage)
        for c in a.coverages.all():
            c.full_clean()

        for day in (a.offered_on, a.offer_received_on, a.replied_on, a.data_provided_on, a.signed_on, a.filed_on,
                    a.effective_on, a.published_on, *(r.held_on for r in rounds), *(v.held_on for v in votes)):
            assert day is None or day <= ON, a.title

        reps = list(a.representatives.all())
        if reps or a.stage in (Stage.IN_TALKS, Stage.APPROVED, *CONCLUDED_STAGES):
            per_side = Counter(r.side for r in reps)
            assert per_side[Side.UNION] == per_side[Side.EMPLOYER]
            assert limits.representatives_min <= per_side[Side.UNION] <= limits.representatives_max
            services.check_representatives(a, [services.RepresentativeInput(r.side, r.name, r.position, r.is_chief)
                                                for r in reps], a.recorder_name)
            for r in reps:
                r.full_clean()
        for number, talk in enumerate(rounds, start=1):
            talk.full_clean()
            assert talk.number == number
            assert talk.chaired_by == services.expected_chair(a, number - 1)
            assert talk.held_on >= a.replied_on
        assert [r.held_on for r in rounds] == sorted(r.held_on for r in rounds)
        for vote in votes:
            vote.full_clean()
            assert vote.passed == services.vote_passes(vote.eligible, vote.present, vote.yes)
            assert vote.held_on >= min(r.held_on for r in rounds)
        passed = [v for v in votes if v.passed]
        if a.stage in (Stage.APPROVED, *CONCLUDED_STAGES):
            assert len(passed) == 1 and votes[-1].passed
            services.check_terms_complete(a)
        else:
            assert not passed
        if a.stage in CONCLUDED_STAGES:
            assert passed[0].held_on <= a.signed_on <= a.starts_on
            assert a.ends_on == services.end_of_term(a.starts_on, a.term_years)
        if a.stage == Stage.FILED:
            assert timeline.effective_date(a.filed_on) > ON
        if a.effective_on:
            assert a.effective_on == timeline.effective_date(a.filed_on)
        if a.stage == Stage.REPLIED:
            assert not rounds
        if a.stage == Stage.CANCELLED:
            assert a.cancelled_reason and not a.signed_on
        if a.renewal_of:
            assert a.renewal_of.stage in CONCLUDED_STAGES
            assert a.renewal_of.org_id == a.org_id and a.renewal_of.kind == a.kind
    assert open_keys and max(open_keys.values()) == 1


def test_staff_requests_as_the_service_writes_them(seeded):
    from gonghui.bargaining.models import StaffRequest

    requests = list(StaffRequest.objects.select_related("org", "enterprise__union", "enterprise__town"))
    assert requests
    town1 = Org.objects.get(name__startswith="城厢街道", level=OrgLevel.TOWN)
    assert any(r.org.path.startswith(town1.path) for r in requests)
    for r in requests:
        r.full_clean()
        assert r.signatures * 5 >= r.headcount and r.enterprise.union == r.org
        assert r.offer_due_on == workdays.add_days(r.received_on, rules().staff_request_offer_days)
        assert r.agreement is None
        assert not WageAgreement.objects.filter(org=r.org, stage__in=OPEN_STAGES).exists()


def test_no_new_offer_beside_a_pending_agreement_and_renewals_only_of_agreements_in_force(seeded):
    from gonghui.bargaining.models import IN_FORCE_STAGES

    pending = set(WageAgreement.objects.filter(stage__in=[Stage.SIGNED, Stage.FILED]).values_list("org_id", "kind"))
    opened = set(WageAgreement.objects.filter(stage__in=OPEN_STAGES).values_list("org_id", "kind"))
    assert not pending & opened
    renewals = WageAgreement.objects.filter(renewal_of__isnull=False).exclude(stage=Stage.CANCELLED)
    assert not renewals.exclude(renewal_of__stage__in=IN_FORCE_STAGES).exists()
