"""The rules every write of collective wage negotiation enforces (DOMAIN.md §2)."""

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

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
    VotingBody,
    WageAgreement,
)
from gonghui.bargaining.services import CoveredEnterprise, Offer, RepresentativeInput, VoteInput
from gonghui.bargaining.testing import negotiation, representatives
from gonghui.core import audit
from gonghui.core.errors import DomainError
from gonghui.core.models import AuditEvent
from gonghui.core.testing.factories import EnterpriseFactory
from gonghui.orgs.models import Industry

D = datetime.date
pytestmark = pytest.mark.django_db


def _reload(agreement):
    return WageAgreement.objects.get(pk=agreement.pk)


def _neg(tree, stage=Stage.OFFERED, **kwargs):
    kwargs.setdefault("org", tree.union1)
    kwargs.setdefault("enterprise", tree.enterprise1)
    return negotiation(actor=tree.union1_chair, stage=stage, **kwargs)


START = D(2026, 3, 2)


def _offer(enterprises, *, kind=AgreementKind.SINGLE, day=START, industry="", offered_by=Side.UNION):
    coverage = [e if isinstance(e, CoveredEnterprise) else CoveredEnterprise(e, 50) for e in enterprises]
    return Offer(kind=kind, title="2026年工资专项集体合同", employer_party="企业方", offered_by=offered_by,
                 offered_on=day, offer_received_on=day, coverage=coverage, industry=industry)


def _state(agreement):
    """Everything a refused write must leave as it was."""
    row = audit.snapshot(_reload(agreement))
    row.pop("updated_at")
    return {
        "row": row,
        "coverage": list(Coverage.objects.filter(agreement=agreement).values_list("enterprise", "workers")),
        "reps": list(Representative.objects.filter(agreement=agreement).values_list("side", "name", "is_chief")),
        "rounds": TalkRound.objects.filter(agreement=agreement).count(),
        "votes": Vote.objects.filter(agreement=agreement).count(),
        "renewals": WageAgreement.objects.filter(renewal_of=agreement).count(),
        "audit": AuditEvent.objects.count(),
    }


def _raises(code, call, field=None):
    with pytest.raises(DomainError) as info:
        call()
    assert info.value.code == code, info.value.text
    if field is not None:
        assert info.value.field == field
    return info.value


# --- representatives ----------------------------------------------------------------------------

def _reps(union=3, employer=3, *, union_chiefs=1, employer_chiefs=1, union_chief_name="职工首席"):
    reps = [RepresentativeInput(Side.UNION, union_chief_name if i == 0 else f"职工代表{i}", "", i < union_chiefs)
            for i in range(union)]
    reps += [RepresentativeInput(Side.EMPLOYER, f"企业代表{i}", "", i < employer_chiefs) for i in range(employer)]
    return reps


@pytest.mark.parametrize(("reps", "code"), [
    (_reps(2, 2), "rep_count"),
    (_reps(11, 11), "rep_count"),
    (_reps(3, 2), "rep_count"),
    (_reps(3, 4), "rep_unequal"),
    (_reps(10, 9), "rep_unequal"),
    (_reps(3, 3, union_chiefs=0), "rep_chief"),
    (_reps(3, 3, union_chiefs=2), "rep_chief"),
    (_reps(3, 3, employer_chiefs=0), "rep_chief"),
    (_reps(3, 3, employer_chiefs=2), "rep_chief"),
    (_reps(3, 3)[:2] + [RepresentativeInput(Side.UNION, "职工代表1")] + _reps(3, 3)[3:], "rep_twice"),
    (_reps(3, 3)[:2] + [RepresentativeInput(Side.UNION, " ")] + _reps(3, 3)[3:], "rep_name"),
])
def test_representatives_refused(tree, reps, code):
    agreement = _neg(tree)
    _raises(code, lambda: services.set_representatives(actor=tree.union1_chair, agreement=agreement,
                                                       representatives=reps, recorder_name="记录员"),
            field="representatives")
    assert not Representative.objects.filter(agreement=agreement).exists()


@pytest.mark.parametrize("size", [3, 10])
def test_representatives_accepted_at_the_limits(tree, size):
    agreement = _neg(tree)
    services.set_representatives(actor=tree.union1_chair, agreement=agreement, representatives=_reps(size, size),
                                 recorder_name=" 记录员 ")
    assert Representative.objects.filter(agreement=agreement, side=Side.UNION).count() == size
    assert Representative.objects.filter(agreement=agreement, side=Side.EMPLOYER).count() == size
    assert _reload(agreement).recorder_name == "记录员"


def test_same_name_on_both_sides_is_not_a_duplicate_within_a_side(tree):
    agreement = _neg(tree)
    reps = _reps(3, 3)
    reps[-1] = RepresentativeInput(Side.EMPLOYER, "张三")
    reps[1] = RepresentativeInput(Side.UNION, "张三")
    services.set_representatives(actor=tree.union1_chair, agreement=agreement, representatives=reps,
                                 recorder_name="记录员")


def test_workers_chief_must_be_the_union_chair_when_named(tree):
    tree.union1.chair_name = "王建国"
    tree.union1.save()
    agreement = _neg(tree)
    _raises("rep_chief_not_chair", lambda: services.set_representatives(
        actor=tree.union1_chair, agreement=agreement, representatives=_reps(), recorder_name="记录员"),
        field="representatives")
    services.set_representatives(actor=tree.union1_chair, agreement=agreement,
                                 representatives=_reps(union_chief_name="王建国"), recorder_name="记录员")
    chief = Representative.objects.get(agreement=agreement, side=Side.UNION, is_chief=True)
    assert chief.name == "王建国"


def test_recorder_required(tree):
    agreement = _neg(tree)
    _raises("recorder_required", lambda: services.set_representatives(
        actor=tree.union1_chair, agreement=agreement, representatives=_reps(), recorder_name="  "),
        field="recorder_name")


def test_unknown_side_is_a_domain_error_not_a_crash(tree):
    agreement = _neg(tree)
    reps = _reps() + [RepresentativeInput("OBSERVER", "旁听")]
    _raises("rep_side", lambda: services.set_representatives(
        actor=tree.union1_chair, agreement=agreement, representatives=reps, recorder_name="记录员"),
        field="representatives")


def test_failed_set_representatives_keeps_the_old_ones(tree):
    agreement = _neg(tree, Stage.IN_TALKS)
    before = _state(agreement)
    assert len(before["reps"]) == 6
    _raises("rep_unequal", lambda: services.set_representatives(
        actor=tree.union1_chair, agreement=agreement, representatives=_reps(4, 5), recorder_name="新记录员"))
    assert _state(agreement) == before


# --- the vote -----------------------------------------------------------------------------------

VOTE_DAY = D(2026, 3, 20)  # after the first round (14 Mar) of testing.negotiation


def _vote(tree, agreement, eligible, present, yes, no=0, abstain=0, day=VOTE_DAY):
    return services.record_vote(actor=tree.union1_chair, agreement=agreement, data=VoteInput(
        VotingBody.CONGRESS, day, eligible=eligible, present=present, yes=yes, no=no, abstain=abstain))


@pytest.mark.parametrize(("eligible", "present", "yes", "passed"), [
    (60, 40, 31, True),    # exactly two thirds present
    (60, 39, 31, False),   # one fewer: no quorum, however they vote
    (60, 39, 39, False),
    (60, 60, 30, False),   # exactly half of all: not more than half
    (60, 60, 31, True),
    (60, 40, 30, False),   # 75% of those present, but only half of ALL delegates
    (60, 41, 31, True),
    (61, 41, 31, True),    # 41 * 3 = 123 >= 122
    (61, 40, 40, False),   # 40 * 3 = 120 < 122
    (61, 41, 30, False),   # 30 * 2 = 60, not more than 61
])
def test_vote_thresholds(tree, eligible, present, yes, passed):
    agreement = _neg(tree, Stage.IN_TALKS)
    vote = _vote(tree, agreement, eligible, present, yes, no=present - yes)
    assert vote.passed is passed
    assert _reload(agreement).stage == (Stage.APPROVED if passed else Stage.IN_TALKS)


def test_vote_passes_is_counted_against_all_eligible():
    assert services.vote_passes(60, 40, 31)
    assert not services.vote_passes(60, 40, 30)
    assert not services.vote_passes(60, 60, 30)
    assert not services.vote_passes(0, 0, 0)


def test_ballots_more_than_present_refused(tree):
    agreement = _neg(tree, Stage.IN_TALKS)
    before = _state(agreement)
    _raises("vote_ballots", lambda: _vote(tree, agreement, 60, 40, 31, no=8, abstain=2), field="yes")
    _raises("vote_present", lambda: _vote(tree, agreement, 60, 61, 40), field="present")
    _raises("vote_eligible", lambda: _vote(tree, agreement, 0, 0, 0), field="eligible")
    assert _state(agreement) == before


def test_failed_vote_then_passing_vote(tree):
    agreement = _neg(tree, Stage.IN_TALKS)
    first = _vote(tree, agreement, 60, 50, 25, no=25)
    assert not first.passed and _reload(agreement).stage == Stage.IN_TALKS
    # Still at the table: another round, then a second vote.
    services.record_round(actor=tree.union1_chair, agreement=agreement, held_on=D(2026, 3, 22), minutes="再协商")
    second = _vote(tree, agreement, 60, 50, 45, no=5, day=D(2026, 3, 25))
    assert second.passed
    agreement = _reload(agreement)
    assert agreement.stage == Stage.APPROVED
    assert timeline.approved_on(agreement) == D(2026, 3, 25)
    assert Vote.objects.filter(agreement=agreement).count() == 2


def test_area_agreement_without_minimum_wage_cannot_go_to_the_vote(tree):
    agreement = negotiation(actor=tree.town1_cadre, org=tree.town1, enterprise=tree.enterprise1,
                            kind=AgreementKind.AREA, stage=Stage.IN_TALKS)
    services.update_terms(actor=tree.town1_cadre, agreement=agreement, min_wage=None)
    before = _state(agreement)
    data = VoteInput(VotingBody.CONGRESS, VOTE_DAY, eligible=60, present=50, yes=45, no=5, abstain=0)

    def vote():
        services.record_vote(actor=tree.town1_cadre, agreement=agreement, data=data)

    _raises("terms_incomplete", vote, field="min_wage")
    assert _state(agreement) == before
    services.update_terms(actor=tree.town1_cadre, agreement=agreement, min_wage=Decimal("2490.00"))
    services.update_terms(actor=tree.town1_cadre, agreement=agreement, min_increase_pct=None)
    _raises("terms_incomplete", vote)
    services.update_terms(actor=tree.town1_cadre, agreement=agreement, min_increase_pct=Decimal("4.00"))
    vote()
    assert _reload(agreement).stage == Stage.APPROVED


def test_single_agreement_needs_the_average_increase_and_wage_system(tree):
    agreement = _neg(tree, Stage.IN_TALKS)
    services.update_terms(actor=tree.union1_chair, agreement=agreement, avg_increase_pct=None)
    _raises("terms_incomplete", lambda: _vote(tree, agreement, 60, 50, 45), field="avg_increase_pct")
    services.update_terms(actor=tree.union1_chair, agreement=agreement, avg_increase_pct=Decimal("3"),
                          wage_system=" ")
    _raises("terms_incomplete", lambda: _vote(tree, agreement, 60, 50, 45), field="wage_system")


# --- stages -------------------------------------------------------------------------------------

DAY = D(2026, 6, 1)
TALKING = (Stage.REPLIED, Stage.IN_TALKS)
BEFORE_VOTE = (Stage.OFFERED, Stage.REPLIED, Stage.IN_TALKS)


def _actions(tree):
    a = tree.union1_chair
    return {
        "update_offer": (OPEN_STAGES, lambda g: services.update_offer(
            actor=a, agreement=g, title="改", employer_party="企业", offer_points="", proposed_talks_on=None,
            coverage=[CoveredEnterprise(tree.enterprise1, 40)])),
        "reply": ((Stage.OFFERED,), lambda g: services.record_reply(actor=a, agreement=g, replied_on=DAY)),
        "schedule": ((Stage.REPLIED,), lambda g: services.schedule_first_meeting(
            actor=a, agreement=g, first_meeting_on=DAY)),
        "data": (TALKING, lambda g: services.record_data_exchange(actor=a, agreement=g, provided_on=DAY)),
        "representatives": (BEFORE_VOTE, lambda g: services.set_representatives(
            actor=a, agreement=g, representatives=representatives(), recorder_name="记录员")),
        "round": (TALKING, lambda g: services.record_round(actor=a, agreement=g, held_on=DAY, minutes="m")),
        "terms": (BEFORE_VOTE, lambda g: services.update_terms(actor=a, agreement=g, leave_pay="带薪")),
        "vote": ((Stage.IN_TALKS,), lambda g: services.record_vote(actor=a, agreement=g, data=VoteInput(
            VotingBody.CONGRESS, DAY, eligible=60, present=50, yes=45, no=5, abstain=0))),
        "sign": ((Stage.APPROVED,), lambda g: services.sign_agreement(
            actor=a, agreement=g, signed_on=DAY, starts_on=DAY)),
        "attach": (CONCLUDED_STAGES, lambda g: services.attach_signed_file(
            actor=a, agreement=g, signed_file=SimpleUploadedFile("signed.pdf", b"%PDF-1.4 test"))),
        "file": ((Stage.SIGNED,), lambda g: services.file_agreement(actor=a, agreement=g, filed_on=DAY)),
        "objection": ((Stage.FILED,), lambda g: services.record_objection(
            actor=a, agreement=g, objection_on=DAY, note="异议")),
        "publish": ((Stage.EFFECTIVE,), lambda g: services.publish_agreement(
            actor=a, agreement=g, published_on=DAY, method="公开栏")),
        "renew": (CONCLUDED_STAGES, lambda g: services.start_renewal(
            actor=a, agreement=g, offered_by=Side.UNION, offered_on=DAY, offer_received_on=DAY)),
        "cancel": (OPEN_STAGES, lambda g: services.cancel_negotiation(actor=a, agreement=g, reason="停")),
    }


ALL_STAGES = [Stage.OFFERED, Stage.REPLIED, Stage.IN_TALKS, Stage.APPROVED, Stage.SIGNED, Stage.FILED,
              Stage.EFFECTIVE, Stage.PUBLISHED, Stage.CANCELLED]


@pytest.mark.parametrize("stage", ALL_STAGES)
def test_every_action_refused_in_the_wrong_stage_changes_nothing(tree, stage):
    if stage == Stage.CANCELLED:
        agreement = _neg(tree)
        services.cancel_negotiation(actor=tree.union1_chair, agreement=agreement, reason="停")
    else:
        agreement = _neg(tree, stage)
    refused = []
    for name, (allowed, call) in _actions(tree).items():
        if stage in allowed:
            continue
        before = _state(agreement)
        with pytest.raises(DomainError) as info:
            call(_reload(agreement))
        expected = "approved_terms_locked" if (name, stage) == ("terms", Stage.APPROVED) else "wrong_stage"
        assert info.value.code == expected, (name, info.value.code)
        assert _state(agreement) == before, name
        refused.append(name)
    assert refused  # every stage refuses something
    # The daily job leaves a row that is not waiting to take effect alone.
    if stage != Stage.FILED:
        before = _state(agreement)
        assert services.confirm_effective(actor=None, agreement=agreement, on=D(2026, 11, 1)) is None
        assert _state(agreement) == before


def test_approved_terms_are_locked_until_a_new_vote(tree):
    agreement = _neg(tree, Stage.APPROVED)
    _raises("approved_terms_locked",
            lambda: services.update_terms(actor=tree.union1_chair, agreement=agreement, avg_wage=Decimal("1")))


def test_unknown_term_fields_refused(tree):
    agreement = _neg(tree, Stage.IN_TALKS)
    _raises("unknown_fields", lambda: services.update_terms(actor=tree.union1_chair, agreement=agreement, stage="X"))


# --- dates --------------------------------------------------------------------------------------

def _tomorrow():
    return timezone.localdate() + datetime.timedelta(days=1)


def _date_cases(tree):
    a = tree.union1_chair
    t = _tomorrow()
    return [
        # (stage, call, code, field)
        (Stage.OFFERED, lambda g: services.record_reply(actor=a, agreement=g, replied_on=t),
         "date_in_future", "replied_on"),
        (Stage.OFFERED, lambda g: services.record_reply(actor=a, agreement=g, replied_on=D(2026, 3, 1)),
         "date_order", "replied_on"),
        (Stage.OFFERED, lambda g: services.record_reply(actor=a, agreement=g, replied_on=D(2026, 3, 5),
                                                        first_meeting_on=D(2026, 3, 4)),
         "date_order", "first_meeting_on"),
        (Stage.REPLIED, lambda g: services.schedule_first_meeting(actor=a, agreement=g,
                                                                  first_meeting_on=D(2026, 3, 4)),
         "date_order", "first_meeting_on"),
        (Stage.REPLIED, lambda g: services.record_data_exchange(actor=a, agreement=g, provided_on=t),
         "date_in_future", "provided_on"),
        (Stage.REPLIED, lambda g: services.record_data_exchange(actor=a, agreement=g, provided_on=D(2026, 3, 1)),
         "date_order", "provided_on"),
        (Stage.IN_TALKS, lambda g: services.record_round(actor=a, agreement=g, held_on=t, minutes="m"),
         "date_in_future", "held_on"),
        (Stage.IN_TALKS, lambda g: services.record_round(actor=a, agreement=g, held_on=D(2026, 3, 13), minutes="m"),
         "date_order", "held_on"),  # before round 1 (14 Mar)
        (Stage.IN_TALKS, lambda g: services.record_vote(actor=a, agreement=g, data=VoteInput(
            VotingBody.CONGRESS, t, 60, 50, 45, 5, 0)), "date_in_future", "held_on"),
        (Stage.IN_TALKS, lambda g: services.record_vote(actor=a, agreement=g, data=VoteInput(
            VotingBody.CONGRESS, D(2026, 3, 13), 60, 50, 45, 5, 0)), "date_order", "held_on"),
        (Stage.APPROVED, lambda g: services.sign_agreement(actor=a, agreement=g, signed_on=t, starts_on=t),
         "date_in_future", "signed_on"),
        (Stage.APPROVED, lambda g: services.sign_agreement(actor=a, agreement=g, signed_on=D(2026, 3, 16),
                                                           starts_on=D(2026, 4, 1)),
         "date_order", "signed_on"),  # vote on 17 Mar
        (Stage.APPROVED, lambda g: services.sign_agreement(actor=a, agreement=g, signed_on=D(2026, 3, 20),
                                                           starts_on=D(2026, 3, 19)),
         "date_order", "starts_on"),
        (Stage.SIGNED, lambda g: services.file_agreement(actor=a, agreement=g, filed_on=t),
         "date_in_future", "filed_on"),
        (Stage.SIGNED, lambda g: services.file_agreement(actor=a, agreement=g, filed_on=D(2026, 3, 18)),
         "date_order", "filed_on"),  # signed 19 Mar
        (Stage.FILED, lambda g: services.record_objection(actor=a, agreement=g, objection_on=D(2026, 3, 23),
                                                          note="n"),
         "date_order", "objection_on"),  # filed 24 Mar
        (Stage.EFFECTIVE, lambda g: services.publish_agreement(actor=a, agreement=g, published_on=t, method="m"),
         "date_in_future", "published_on"),
        (Stage.EFFECTIVE, lambda g: services.publish_agreement(actor=a, agreement=g, published_on=D(2026, 3, 18),
                                                               method="m"),
         "date_order", "published_on"),
    ]


@pytest.mark.parametrize("case", range(18))
def test_dates_in_the_future_or_out_of_order_refused(tree, case):
    cases = _date_cases(tree)
    assert len(cases) == 18
    stage, call, code, field = cases[case]
    agreement = _neg(tree, stage)
    before = _state(agreement)
    _raises(code, lambda: call(agreement), field=field)
    assert _state(agreement) == before


def test_offer_dates_checked(tree):
    t = _tomorrow()
    offer = _offer([tree.enterprise1], day=t)
    _raises("date_in_future", lambda: services.start_negotiation(actor=tree.union1_chair, org=tree.union1,
                                                                  offer=offer), field="offered_on")
    offer = _offer([tree.enterprise1])
    offer.offer_received_on = D(2026, 3, 1)
    _raises("date_order", lambda: services.start_negotiation(actor=tree.union1_chair, org=tree.union1,
                                                              offer=offer), field="offer_received_on")
    assert not WageAgreement.objects.exists()


# --- coverage and parties -------------------------------------------------------------------------

def _start(tree, org, offer, actor=None):
    return services.start_negotiation(actor=actor or tree.district_staff, org=org, offer=offer)


def test_single_agreement_covers_exactly_one_own_enterprise(tree):
    second = EnterpriseFactory(town=tree.town1, union=tree.union1)
    _raises("single_one_enterprise", lambda: _start(tree, tree.union1, _offer([tree.enterprise1, second])),
            field="coverage")
    _raises("coverage_not_own", lambda: _start(tree, tree.union1, _offer([tree.enterprise2])), field="coverage")
    _raises("no_coverage", lambda: _start(tree, tree.union1, _offer([])), field="coverage")
    assert not WageAgreement.objects.exists() and not Coverage.objects.exists()


def test_area_coverage_must_lie_in_the_party_subtree(tree):
    _raises("coverage_outside", lambda: _start(
        tree, tree.town1, _offer([tree.enterprise1, tree.enterprise2], kind=AgreementKind.AREA)), field="coverage")
    _raises("coverage_twice", lambda: _start(
        tree, tree.town1, _offer([tree.enterprise1, tree.enterprise1], kind=AgreementKind.AREA)), field="coverage")
    assert not WageAgreement.objects.exists()
    other = EnterpriseFactory(town=tree.town1, union=None)  # no union of its own, in the town
    agreement = _start(tree, tree.town1, _offer([tree.enterprise1, other], kind=AgreementKind.AREA))
    assert set(agreement.coverages.values_list("enterprise", flat=True)) == {tree.enterprise1.pk, other.pk}


def test_industry_coverage_must_match_the_industry(tree):
    auto = EnterpriseFactory(town=tree.town1, union=None, industry=Industry.AUTO_PARTS)
    _raises("coverage_industry", lambda: _start(tree, tree.town1, _offer(
        [auto, tree.enterprise1], kind=AgreementKind.INDUSTRY, industry=Industry.AUTO_PARTS)), field="coverage")
    _raises("industry_required", lambda: _start(tree, tree.town1, _offer([auto], kind=AgreementKind.INDUSTRY)),
            field="industry")
    agreement = _start(tree, tree.town1, _offer([auto], kind=AgreementKind.INDUSTRY, industry=Industry.AUTO_PARTS))
    assert agreement.industry == Industry.AUTO_PARTS


def test_workers_covered_between_one_and_headcount(tree):
    assert tree.enterprise1.headcount == 120
    _raises("coverage_over_headcount", lambda: _start(
        tree, tree.union1, _offer([CoveredEnterprise(tree.enterprise1, 121)])), field="coverage")
    _raises("coverage_workers", lambda: _start(
        tree, tree.union1, _offer([CoveredEnterprise(tree.enterprise1, 0)])), field="coverage")
    agreement = _start(tree, tree.union1, _offer([CoveredEnterprise(tree.enterprise1, 120)]))
    assert agreement.coverages.get().workers == 120


def test_wrong_party_level_refused(tree):
    _raises("wrong_party", lambda: _start(tree, tree.town1, _offer([tree.enterprise1])), field="org")


def test_update_offer_with_bad_coverage_keeps_the_old_coverage(tree):
    agreement = _neg(tree, Stage.REPLIED)
    before = _state(agreement)
    _raises("coverage_not_own", lambda: services.update_offer(
        actor=tree.union1_chair, agreement=agreement, title="改", employer_party="企业", offer_points="",
        proposed_talks_on=None, coverage=[CoveredEnterprise(tree.enterprise2, 10)]))
    assert _state(agreement) == before


# --- one open negotiation per union and kind -------------------------------------------------------

def test_second_open_negotiation_refused(tree):
    first = _start(tree, tree.union1, _offer([tree.enterprise1]))
    _raises("already_open", lambda: _start(tree, tree.union1, _offer([tree.enterprise1], day=D(2026, 4, 1))))
    assert WageAgreement.objects.count() == 1
    # Another kind is another negotiation.
    area = _start(tree, tree.union1, _offer([tree.enterprise1], kind=AgreementKind.AREA))
    assert area.pk != first.pk
    # Once cancelled, a new one may start.
    services.cancel_negotiation(actor=tree.union1_chair, agreement=first, reason="重新要约")
    again = _start(tree, tree.union1, _offer([tree.enterprise1], day=D(2026, 4, 1)))
    assert again.stage == Stage.OFFERED


def test_an_agreement_in_force_does_not_block_a_new_negotiation(tree):
    _neg(tree, Stage.PUBLISHED)
    assert _start(tree, tree.union1, _offer([tree.enterprise1], day=D(2026, 9, 1))).stage == Stage.OFFERED


@pytest.mark.parametrize("stage", [Stage.SIGNED, Stage.FILED])
def test_an_agreement_awaiting_filing_or_objections_blocks_a_new_offer(tree, stage):
    # The bureau may still object, which reopens its talks: two open negotiations would follow.
    _neg(tree, stage)
    _raises("previous_pending", lambda: _start(tree, tree.union1, _offer([tree.enterprise1], day=D(2026, 9, 1))))


def test_only_an_agreement_in_force_is_renewed(tree):
    filed = _neg(tree, Stage.FILED)
    _raises("wrong_stage", lambda: services.start_renewal(
        actor=tree.union1_chair, agreement=filed, offered_by=Side.UNION, offered_on=D(2026, 11, 4),
        offer_received_on=D(2026, 11, 4)))


def test_renewal_offer_cannot_predate_the_signing(tree):
    old = _neg(tree, Stage.PUBLISHED)
    _raises("date_order", lambda: services.start_renewal(
        actor=tree.union1_chair, agreement=old, offered_by=Side.UNION, offered_on=D(2026, 1, 4),
        offer_received_on=D(2026, 1, 4)), field="offered_on")


def test_cancelling_the_renewal_makes_the_renewal_due_again(tree):
    old = _neg(tree, Stage.PUBLISHED)
    renewal = services.start_renewal(actor=tree.union1_chair, agreement=old, offered_by=Side.UNION,
                                     offered_on=D(2026, 11, 2), offer_received_on=D(2026, 11, 2))
    assert _reload(old).next_step == ""
    services.cancel_negotiation(actor=tree.union1_chair, agreement=renewal, reason="企业改制")
    old = _reload(old)
    assert (old.next_step, old.next_due_on) == ("renewal", old.ends_on)
    # …and a new renewal offer may be made.
    services.start_renewal(actor=tree.union1_chair, agreement=old, offered_by=Side.UNION,
                           offered_on=D(2026, 11, 20), offer_received_on=D(2026, 11, 20))


# --- bureau objection and taking effect ------------------------------------------------------------

def test_objection_within_the_period_sends_back_to_the_table(tree):
    agreement = _neg(tree, Stage.FILED)
    assert agreement.filed_on == D(2026, 3, 24)
    services.record_objection(actor=tree.union1_chair, agreement=agreement, objection_on=D(2026, 4, 7),
                              note="最低工资低于标准")
    agreement = _reload(agreement)
    assert agreement.stage == Stage.IN_TALKS
    assert agreement.signed_on is None and agreement.filed_on is None and agreement.starts_on is None
    assert agreement.ends_on is None
    # The earlier passing vote no longer counts: signing is refused until a new vote.
    assert timeline.approved_on(agreement) is None
    _raises("wrong_stage", lambda: services.sign_agreement(actor=tree.union1_chair, agreement=agreement,
                                                           signed_on=D(2026, 4, 8), starts_on=D(2026, 4, 8)))
    steps = {s.code: s for s in timeline.steps(agreement, on=D(2026, 4, 8))}
    assert steps["vote"].state == "pending" and steps["sign"].state == "pending"
    services.update_terms(actor=tree.union1_chair, agreement=agreement, min_wage=Decimal("2600.00"))
    _vote(tree, agreement, 60, 50, 45, no=5, day=D(2026, 4, 10))
    services.sign_agreement(actor=tree.union1_chair, agreement=agreement, signed_on=D(2026, 4, 11),
                            starts_on=D(2026, 5, 1))
    agreement = _reload(agreement)
    assert agreement.stage == Stage.SIGNED and timeline.approved_on(agreement) == D(2026, 4, 10)


def test_vote_dated_before_the_objection_is_refused(tree):
    """After an objection only a new vote counts: one dated before the objection would move the
    draft to 'approved' while the timeline (rightly) ignores it."""
    agreement = _neg(tree, Stage.FILED)
    services.record_objection(actor=tree.union1_chair, agreement=agreement, objection_on=D(2026, 4, 7), note="异议")
    before = _state(agreement)
    _raises("date_order", lambda: _vote(tree, agreement, 60, 50, 45, no=5, day=D(2026, 4, 1)), field="held_on")
    assert _state(agreement) == before


def test_objection_after_the_period_refused(tree):
    agreement = _neg(tree, Stage.FILED)
    before = _state(agreement)
    _raises("objection_late", lambda: services.record_objection(
        actor=tree.union1_chair, agreement=agreement, objection_on=D(2026, 4, 9), note="迟到的异议"),
        field="objection_on")
    _raises("note_required", lambda: services.record_objection(
        actor=tree.union1_chair, agreement=agreement, objection_on=D(2026, 4, 1), note=" "), field="note")
    assert _state(agreement) == before


def test_confirm_effective_agreements_only_past_the_period_and_idempotent(tree):
    early = _neg(tree, Stage.FILED)                                                  # filed 24 Mar
    late = negotiation(actor=tree.union2_chair, org=tree.union2, enterprise=tree.enterprise2,
                       stage=Stage.FILED, start=D(2026, 3, 20))                      # filed 11 Apr
    assert late.filed_on == D(2026, 4, 11)
    assert services.confirm_effective_agreements(on=D(2026, 4, 8)) == 0  # objections possible until today
    assert _reload(early).stage == Stage.FILED
    assert services.confirm_effective_agreements(on=D(2026, 4, 9)) == 1
    early = _reload(early)
    assert early.stage == Stage.EFFECTIVE and early.effective_on == D(2026, 4, 9)
    assert _reload(late).stage == Stage.FILED
    events = AuditEvent.objects.count()
    assert services.confirm_effective_agreements(on=D(2026, 4, 9)) == 0
    assert AuditEvent.objects.count() == events
    assert services.confirm_effective_agreements(on=D(2026, 4, 30)) == 1
    late = _reload(late)
    assert late.effective_on == D(2026, 4, 27)  # the day after the 15-day period, not the day the job ran
    assert services.confirm_effective_agreements(on=D(2026, 4, 30)) == 0
    assert AuditEvent.objects.filter(action="bargaining.effective").count() == 2
    assert (late.next_step, late.next_due_on) == ("publish", D(2026, 5, 2))


# --- renewal ------------------------------------------------------------------------------------

def test_start_renewal_copies_coverage_and_marks_the_renewal_done(tree):
    old = _neg(tree, Stage.PUBLISHED)
    assert old.next_step == "renewal"
    tree.enterprise1.headcount = 30  # shrank since: the copy is capped at today's headcount
    tree.enterprise1.save()
    renewal = services.start_renewal(actor=tree.union1_chair, agreement=old, offered_by=Side.EMPLOYER,
                                     offered_on=D(2026, 11, 2), offer_received_on=D(2026, 11, 3))
    renewal = _reload(renewal)
    assert renewal.renewal_of_id == old.pk
    assert (renewal.kind, renewal.org_id, renewal.stage) == (old.kind, old.org_id, Stage.OFFERED)
    assert renewal.employer_party == old.employer_party and renewal.term_years == old.term_years
    assert list(renewal.coverages.values_list("enterprise", "workers")) == [(tree.enterprise1.pk, 30)]
    assert (renewal.next_step, renewal.next_due_on) == ("reply", D(2026, 11, 23))
    old = _reload(old)
    assert (old.next_step, old.next_due_on) == ("", None)
    steps = {s.code: s for s in timeline.steps(old, on=D(2026, 11, 30))}
    assert steps["renewal"].state == "done" and steps["renewal"].done_on == D(2026, 11, 2)
    # The renewal is under way: a second one is refused.
    _raises("already_renewed", lambda: services.start_renewal(
        actor=tree.union1_chair, agreement=old, offered_by=Side.UNION, offered_on=D(2026, 11, 4),
        offer_received_on=D(2026, 11, 4)))


# --- talks chaired in turn ------------------------------------------------------------------------

@pytest.mark.parametrize(("offered_by", "other"), [(Side.UNION, Side.EMPLOYER), (Side.EMPLOYER, Side.UNION)])
def test_rounds_chaired_in_turn_first_by_the_offering_side(tree, offered_by, other):
    a = tree.union1_chair
    agreement = services.start_negotiation(actor=a, org=tree.union1,
                                           offer=_offer([tree.enterprise1], offered_by=offered_by))
    services.record_reply(actor=a, agreement=agreement, replied_on=D(2026, 3, 10))
    services.set_representatives(actor=a, agreement=agreement, representatives=representatives(),
                                 recorder_name="记录员")
    chairs = [services.record_round(actor=a, agreement=agreement, held_on=D(2026, 3, 10 + i), minutes=f"第{i}轮")
              for i in range(1, 5)]
    assert [(r.number, r.chaired_by) for r in chairs] == [(1, offered_by), (2, other), (3, offered_by), (4, other)]
    assert _reload(agreement).stage == Stage.IN_TALKS


def test_round_needs_representatives_and_minutes(tree):
    agreement = _neg(tree, Stage.REPLIED)
    _raises("reps_missing", lambda: services.record_round(actor=tree.union1_chair, agreement=agreement,
                                                          held_on=D(2026, 3, 10), minutes="m"))
    services.set_representatives(actor=tree.union1_chair, agreement=agreement, representatives=representatives(),
                                 recorder_name="记录员")
    before = _state(agreement)
    _raises("minutes_required", lambda: services.record_round(actor=tree.union1_chair, agreement=agreement,
                                                              held_on=D(2026, 3, 10), minutes="  "), field="minutes")
    assert _state(agreement) == before


# --- term -----------------------------------------------------------------------------------------

@pytest.mark.parametrize(("starts", "years", "ends"), [
    (D(2026, 1, 1), 1, D(2026, 12, 31)),
    (D(2026, 3, 19), 1, D(2027, 3, 18)),
    (D(2026, 3, 1), 3, D(2029, 2, 28)),
    (D(2027, 3, 1), 1, D(2028, 2, 29)),   # the term ends on a leap day
    (D(2028, 2, 29), 1, D(2029, 2, 28)),  # starts on a leap day
    (D(2028, 2, 29), 2, D(2030, 2, 28)),
    (D(2028, 2, 29), 3, D(2031, 2, 28)),
    (D(2028, 2, 28), 1, D(2029, 2, 27)),
    (D(2028, 3, 1), 1, D(2029, 2, 28)),
])
def test_end_of_term(starts, years, ends):
    assert services.end_of_term(starts, years) == ends


def test_signed_agreement_term(tree):
    agreement = _neg(tree, Stage.IN_TALKS)
    services.update_terms(actor=tree.union1_chair, agreement=agreement, term_years=3)
    _vote(tree, agreement, 60, 50, 45, no=5)
    services.sign_agreement(actor=tree.union1_chair, agreement=agreement, signed_on=D(2026, 3, 21),
                            starts_on=D(2026, 4, 1))
    agreement = _reload(agreement)
    assert (agreement.starts_on, agreement.ends_on) == (D(2026, 4, 1), D(2029, 3, 31))


# --- audit ----------------------------------------------------------------------------------------

def _audit_cases(tree):
    a = tree.union1_chair
    return [
        (None, "bargaining.offer", lambda g: services.start_negotiation(
            actor=a, org=tree.union1, offer=_offer([tree.enterprise1]))),
        (Stage.OFFERED, "bargaining.update_offer", lambda g: services.update_offer(
            actor=a, agreement=g, title="改", employer_party="企业", offer_points="x", proposed_talks_on=None,
            coverage=[CoveredEnterprise(tree.enterprise1, 40)])),
        (Stage.OFFERED, "bargaining.reply", lambda g: services.record_reply(
            actor=a, agreement=g, replied_on=D(2026, 3, 5))),
        (Stage.REPLIED, "bargaining.schedule", lambda g: services.schedule_first_meeting(
            actor=a, agreement=g, first_meeting_on=D(2026, 3, 20))),
        (Stage.REPLIED, "bargaining.data", lambda g: services.record_data_exchange(
            actor=a, agreement=g, provided_on=D(2026, 3, 8))),
        (Stage.REPLIED, "bargaining.representatives", lambda g: services.set_representatives(
            actor=a, agreement=g, representatives=representatives(), recorder_name="记录员")),
        (Stage.IN_TALKS, "bargaining.round", lambda g: services.record_round(
            actor=a, agreement=g, held_on=D(2026, 3, 15), minutes="第二轮")),
        (Stage.IN_TALKS, "bargaining.terms", lambda g: services.update_terms(
            actor=a, agreement=g, leave_pay="带薪")),
        (Stage.IN_TALKS, "bargaining.vote", lambda g: _vote(tree, g, 60, 50, 20, no=30)),
        (Stage.APPROVED, "bargaining.sign", lambda g: services.sign_agreement(
            actor=a, agreement=g, signed_on=D(2026, 3, 18), starts_on=D(2026, 4, 1))),
        (Stage.SIGNED, "bargaining.attach", lambda g: services.attach_signed_file(
            actor=a, agreement=g, signed_file=SimpleUploadedFile("signed.pdf", b"%PDF-1.4 test"))),
        (Stage.SIGNED, "bargaining.file", lambda g: services.file_agreement(
            actor=a, agreement=g, filed_on=D(2026, 3, 20))),
        (Stage.FILED, "bargaining.objection", lambda g: services.record_objection(
            actor=a, agreement=g, objection_on=D(2026, 3, 30), note="异议")),
        (Stage.FILED, "bargaining.effective", lambda g: services.confirm_effective(
            actor=None, agreement=g, on=D(2026, 4, 9))),
        (Stage.EFFECTIVE, "bargaining.publish", lambda g: services.publish_agreement(
            actor=a, agreement=g, published_on=D(2026, 4, 9), method="公开栏")),
        (Stage.PUBLISHED, "bargaining.offer", lambda g: services.start_renewal(
            actor=a, agreement=g, offered_by=Side.UNION, offered_on=D(2026, 11, 2),
            offer_received_on=D(2026, 11, 2))),
        (Stage.IN_TALKS, "bargaining.cancel", lambda g: services.cancel_negotiation(
            actor=a, agreement=g, reason="停")),
    ]


@pytest.mark.parametrize("case", range(17))
def test_every_write_leaves_exactly_one_audit_event(tree, case):
    cases = _audit_cases(tree)
    assert len(cases) == 17
    stage, action, call = cases[case]
    agreement = _neg(tree, stage) if stage else None
    since = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
    result = call(agreement)
    events = list(AuditEvent.objects.filter(id__gt=since))
    assert len(events) == 1, [e.action for e in events]
    event = events[0]
    assert event.action == action
    assert event.org_id == tree.union1.pk
    target = result if isinstance(result, WageAgreement) else agreement
    if stage == Stage.PUBLISHED:  # the renewal is the new record
        target = WageAgreement.objects.get(renewal_of=agreement)
    assert event.object_id == str(target.pk)
    assert event.object_type == "bargaining.WageAgreement"
    expected_actor = None if action == "bargaining.effective" else tree.union1_chair.pk
    assert event.actor_id == expected_actor


def test_refused_write_leaves_no_audit_event_and_no_rows(tree):
    agreement = _neg(tree, Stage.IN_TALKS)
    before = _state(agreement)
    for call in (
        lambda: _vote(tree, agreement, 60, 70, 45),
        lambda: services.record_round(actor=tree.union1_chair, agreement=agreement, held_on=D(2026, 3, 1),
                                      minutes="m"),
        lambda: services.set_representatives(actor=tree.union1_chair, agreement=agreement,
                                             representatives=_reps(3, 3), recorder_name=""),
        lambda: services.update_offer(actor=tree.union1_chair, agreement=agreement, title="改",
                                      employer_party="企业", offer_points="", proposed_talks_on=None,
                                      coverage=[CoveredEnterprise(tree.enterprise1, 500)]),
    ):
        with pytest.raises(DomainError):
            call()
        assert _state(agreement) == before
