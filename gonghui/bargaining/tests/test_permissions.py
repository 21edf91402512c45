"""Permission matrix at the service level: role × action × in/out of scope.

The union party's subtree may act; covered unions may only read (an area agreement of the town
binds enterprise1, so union1 sees it, but the town records its steps)."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied

from gonghui.bargaining import policies, services
from gonghui.bargaining.models import AgreementKind, Side, Stage, VotingBody, WageAgreement
from gonghui.bargaining.services import CoveredEnterprise, Offer, VoteInput
from gonghui.bargaining.testing import negotiation
from gonghui.core.models import AuditEvent

D = datetime.date
pytestmark = pytest.mark.django_db

ROLES = ["district_staff", "town1_cadre", "town2_cadre", "union1_chair", "union1_staff", "union2_chair",
         "member_user", "outsider"]
# Who may record the steps of a negotiation whose union party is union1 / union2.
MAY_ACT = {
    "union1": {"district_staff", "town1_cadre", "union1_chair", "union1_staff"},
    "union2": {"district_staff", "town2_cadre", "union2_chair"},
}


def _place(tree, place):
    return (tree.union1, tree.enterprise1) if place == "union1" else (tree.union2, tree.enterprise2)


def _offer(enterprise):
    return Offer(kind=AgreementKind.SINGLE, title="工资专项集体合同", employer_party=enterprise.name,
                 offered_by=Side.UNION, offered_on=D(2026, 3, 2), offer_received_on=D(2026, 3, 2),
                 coverage=[CoveredEnterprise(enterprise, 40)])


# action: (stage to build, call(actor, agreement, org, enterprise), stage after)
ACTIONS = {
    "start": (None, lambda u, g, org, ent: services.start_negotiation(actor=u, org=org, offer=_offer(ent)),
              Stage.OFFERED),
    "reply": (Stage.OFFERED, lambda u, g, org, ent: services.record_reply(
        actor=u, agreement=g, replied_on=D(2026, 3, 5)), Stage.REPLIED),
    "round": (Stage.IN_TALKS, lambda u, g, org, ent: services.record_round(
        actor=u, agreement=g, held_on=D(2026, 3, 16), minutes="第二轮"), Stage.IN_TALKS),
    "vote": (Stage.IN_TALKS, lambda u, g, org, ent: services.record_vote(actor=u, agreement=g, data=VoteInput(
        VotingBody.CONGRESS, D(2026, 3, 17), eligible=60, present=50, yes=45, no=5, abstain=0)), Stage.APPROVED),
    "sign": (Stage.APPROVED, lambda u, g, org, ent: services.sign_agreement(
        actor=u, agreement=g, signed_on=D(2026, 3, 19), starts_on=D(2026, 4, 1)), Stage.SIGNED),
    "publish": (Stage.EFFECTIVE, lambda u, g, org, ent: services.publish_agreement(
        actor=u, agreement=g, published_on=D(2026, 4, 10), method="公开栏"), Stage.PUBLISHED),
    "cancel": (Stage.OFFERED, lambda u, g, org, ent: services.cancel_negotiation(
        actor=u, agreement=g, reason="停"), Stage.CANCELLED),
}


@pytest.mark.parametrize("place", ["union1", "union2"])
@pytest.mark.parametrize("action", list(ACTIONS))
@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix(tree, role, action, place):
    org, enterprise = _place(tree, place)
    stage, call, after = ACTIONS[action]
    agreement = negotiation(actor=tree.district_staff, org=org, enterprise=enterprise, stage=stage) if stage else None
    user = getattr(tree, role)
    rows, events = WageAgreement.objects.count(), AuditEvent.objects.count()
    if role in MAY_ACT[place]:
        call(user, agreement, org, enterprise)
        if agreement is None:
            agreement = WageAgreement.objects.get(org=org)
            assert agreement.stage == after
        else:
            assert WageAgreement.objects.get(pk=agreement.pk).stage == after
        event = AuditEvent.objects.order_by("-id").first()
        assert event.actor_id == user.pk and event.org_id == org.pk
    else:
        with pytest.raises(PermissionDenied):
            call(user, agreement, org, enterprise)
        assert WageAgreement.objects.count() == rows
        assert AuditEvent.objects.count() == events
        if agreement is not None:
            assert WageAgreement.objects.get(pk=agreement.pk).stage == stage


# --- visibility ---------------------------------------------------------------------------------

@pytest.fixture
def area(tree):
    """A town1 area agreement covering enterprise1 (of union1), at the vote."""
    return negotiation(actor=tree.town1_cadre, org=tree.town1, enterprise=tree.enterprise1,
                       kind=AgreementKind.AREA, stage=Stage.IN_TALKS, title="城厢街道区域性工资集体合同")


@pytest.fixture
def single1(tree):
    return negotiation(actor=tree.union1_chair, org=tree.union1, enterprise=tree.enterprise1)


@pytest.fixture
def single2(tree):
    return negotiation(actor=tree.union2_chair, org=tree.union2, enterprise=tree.enterprise2)


def _visible(user):
    return set(WageAgreement.objects.visible_to(user).values_list("pk", flat=True))


def test_visibility(tree, area, single1, single2):
    everything = {area.pk, single1.pk, single2.pk}
    assert _visible(tree.district_staff) == everything
    assert _visible(tree.town1_cadre) == {area.pk, single1.pk}
    assert _visible(tree.town2_cadre) == {single2.pk}
    # The area agreement binds enterprise1: union1 reads it.
    assert _visible(tree.union1_chair) == {area.pk, single1.pk}
    assert _visible(tree.union1_staff) == {area.pk, single1.pk}
    # union2 sees nothing of town1.
    assert _visible(tree.union2_chair) == {single2.pk}
    assert _visible(tree.member_user) == set()
    assert _visible(tree.outsider) == set()


def test_visibility_is_not_duplicated_by_several_coverages(tree):
    from gonghui.core.testing.factories import EnterpriseFactory

    other = EnterpriseFactory(town=tree.town1, union=tree.union1)
    agreement = negotiation(actor=tree.town1_cadre, org=tree.town1, kind=AgreementKind.AREA,
                            coverage=[CoveredEnterprise(tree.enterprise1, 10), CoveredEnterprise(other, 10)])
    assert list(WageAgreement.objects.visible_to(tree.union1_chair).values_list("pk", flat=True)) == [agreement.pk]


@pytest.mark.parametrize("role", ["union1_chair", "union1_staff"])
def test_covered_union_reads_the_area_agreement_but_cannot_act_on_it(tree, area, role):
    user = getattr(tree, role)
    assert WageAgreement.objects.visible_to(user).filter(pk=area.pk).exists()
    assert not policies.agreement_actions(user, area).any
    with pytest.raises(PermissionDenied):
        services.record_vote(actor=user, agreement=area, data=VoteInput(
            VotingBody.CONGRESS, D(2026, 3, 17), eligible=60, present=50, yes=45, no=5, abstain=0))
    with pytest.raises(PermissionDenied):
        services.cancel_negotiation(actor=user, agreement=area, reason="停")
    with pytest.raises(PermissionDenied):
        services.update_terms(actor=user, agreement=area, leave_pay="x")
    assert WageAgreement.objects.get(pk=area.pk).stage == Stage.IN_TALKS
    # The town that is the union party acts on it.
    assert policies.agreement_actions(tree.town1_cadre, area).vote
    services.record_vote(actor=tree.town1_cadre, agreement=area, data=VoteInput(
        VotingBody.CONGRESS, D(2026, 3, 17), eligible=60, present=50, yes=45, no=5, abstain=0))
    assert WageAgreement.objects.get(pk=area.pk).stage == Stage.APPROVED


def test_union_cannot_start_an_area_agreement_for_its_town(tree):
    offer = Offer(kind=AgreementKind.AREA, title="区域", employer_party="企业", offered_by=Side.UNION,
                  offered_on=D(2026, 3, 2), offer_received_on=D(2026, 3, 2),
                  coverage=[CoveredEnterprise(tree.enterprise1, 10)])
    with pytest.raises(PermissionDenied):
        services.start_negotiation(actor=tree.union1_chair, org=tree.town1, offer=offer)
    assert not WageAgreement.objects.exists()


def test_renewal_and_job_actions_respect_scope(tree):
    agreement = negotiation(actor=tree.union1_chair, org=tree.union1, enterprise=tree.enterprise1,
                            stage=Stage.PUBLISHED)
    for user in (tree.union2_chair, tree.town2_cadre, tree.member_user, tree.outsider):
        with pytest.raises(PermissionDenied):
            services.start_renewal(actor=user, agreement=agreement, offered_by=Side.UNION,
                                   offered_on=D(2026, 11, 2), offer_received_on=D(2026, 11, 2))
    assert not WageAgreement.objects.filter(renewal_of=agreement).exists()
    services.start_renewal(actor=tree.town1_cadre, agreement=agreement, offered_by=Side.UNION,
                           offered_on=D(2026, 11, 2), offer_received_on=D(2026, 11, 2))
    assert WageAgreement.objects.filter(renewal_of=agreement).count() == 1
