"""Permission matrix at the service level: role × action × in/out of scope. The union's subtree
(the union itself, its town, the district) carries a proposal through its steps; everyone else
is refused and nothing changes. Also: who sees which proposals."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied

from gonghui.congress.models import Proposal, ProposalStatus, Satisfaction
from gonghui.congress.services import proposals as services
from gonghui.core.models import AuditEvent

from .test_proposals_builders import body_with_delegates, draft_input, proposal_at

D = datetime.date
pytestmark = pytest.mark.django_db

ROLES = ["district_staff", "town1_cadre", "town2_cadre", "union1_chair", "union1_staff", "union2_chair",
         "member_user", "outsider"]
MAY_ACT = {
    "union1": {"district_staff", "town1_cadre", "union1_chair", "union1_staff"},
    "union2": {"district_staff", "town2_cadre", "union2_chair"},
}

# action: (status to build, call(actor, proposal, body, roll), status after)
ACTIONS = {
    "draft": (None, lambda u, p, b, r: services.draft_proposal(actor=u, body=b, data=draft_input(r, title="新")),
              ProposalStatus.DRAFT),
    "update": (ProposalStatus.DRAFT, lambda u, p, b, r: services.update_proposal(
        actor=u, proposal=p, data=draft_input(r, title="改")), ProposalStatus.DRAFT),
    "submit": (ProposalStatus.DRAFT, lambda u, p, b, r: services.submit_proposal(
        actor=u, proposal=p, submitted_on=D(2026, 3, 2), one_issue=True), ProposalStatus.SUBMITTED),
    "accept": (ProposalStatus.SUBMITTED, lambda u, p, b, r: services.accept_proposal(
        actor=u, proposal=p, reviewed_on=D(2026, 3, 5)), ProposalStatus.ACCEPTED),
    "convert": (ProposalStatus.SUBMITTED, lambda u, p, b, r: services.convert_proposal(
        actor=u, proposal=p, reviewed_on=D(2026, 3, 5), review_reason="属一般建议"), ProposalStatus.CONVERTED),
    "reject": (ProposalStatus.SUBMITTED, lambda u, p, b, r: services.reject_proposal(
        actor=u, proposal=p, reviewed_on=D(2026, 3, 5), review_reason="一案多事"), ProposalStatus.REJECTED),
    "assign": (ProposalStatus.ACCEPTED, lambda u, p, b, r: services.assign_proposal(
        actor=u, proposal=p, department="安全环保部", assigned_on=D(2026, 3, 6)), ProposalStatus.ASSIGNED),
    "extend": (ProposalStatus.ASSIGNED, lambda u, p, b, r: services.extend_proposal(
        actor=u, proposal=p, extension_reason="需调研"), ProposalStatus.ASSIGNED),
    "reply": (ProposalStatus.ASSIGNED, lambda u, p, b, r: services.reply_proposal(
        actor=u, proposal=p, outcome="A", reply="已解决", replied_on=D(2026, 4, 1)), ProposalStatus.REPLIED),
    "rate": (ProposalStatus.REPLIED, lambda u, p, b, r: services.rate_proposal(
        actor=u, proposal=p, satisfaction=Satisfaction.SATISFIED, rated_on=D(2026, 4, 27)), ProposalStatus.ARCHIVED),
    "benefit": (ProposalStatus.ARCHIVED, lambda u, p, b, r: services.record_benefit(
        actor=u, proposal=p, benefit_verified="5000"), ProposalStatus.ARCHIVED),
}


def _place(tree, place):
    if place == "union1":
        return body_with_delegates(tree.union1, tree.enterprise1, count=5, substitutes=0), tree.union1_chair
    return body_with_delegates(tree.union2, tree.enterprise2, count=5, substitutes=0), tree.union2_chair


@pytest.mark.parametrize("place", ["union1", "union2"])
@pytest.mark.parametrize("action", list(ACTIONS))
@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix(tree, role, action, place):
    (body, roll), chair = _place(tree, place)
    status, call, after = ACTIONS[action]
    proposal = proposal_at(status, actor=chair, body=body, roll=roll) if status else None
    user = getattr(tree, role)
    rows, events = Proposal.objects.count(), AuditEvent.objects.count()
    if role in MAY_ACT[place]:
        result = call(user, proposal, body, roll)
        assert Proposal.objects.get(pk=result.pk).status == after
        event = AuditEvent.objects.order_by("-id").first()
        assert event.actor_id == user.pk and event.org_id == body.org_id
        assert event.action.startswith("congress.proposal_")
    else:
        with pytest.raises(PermissionDenied):
            call(user, proposal, body, roll)
        assert Proposal.objects.count() == rows and AuditEvent.objects.count() == events
        if proposal is not None:
            assert Proposal.objects.get(pk=proposal.pk).status == status


def test_visibility(tree):
    (body1, roll1), _chair = _place(tree, "union1")
    (body2, roll2), _chair = _place(tree, "union2")
    own = proposal_at(ProposalStatus.DRAFT, actor=tree.union1_chair, body=body1, roll=roll1)
    theirs = proposal_at(ProposalStatus.DRAFT, actor=tree.union2_chair, body=body2, roll=roll2)

    def visible(user):
        return set(Proposal.objects.visible_to(user).values_list("pk", flat=True))

    assert visible(tree.district_staff) == {own.pk, theirs.pk}
    assert visible(tree.town1_cadre) == visible(tree.union1_chair) == visible(tree.union1_staff) == {own.pk}
    assert visible(tree.town2_cadre) == visible(tree.union2_chair) == {theirs.pk}
    assert visible(tree.member_user) == visible(tree.outsider) == set()
