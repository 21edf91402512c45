"""Permission matrix at the service level: role × action × in/out of scope, and visibility.

A suggestion or project of union1 (town1) may be recorded by the district, town1's cadre and
union1's chair and staff; union2's by the district, town2's cadre and union2's chair. Members and
outsiders act on nothing (the member portal will act through `actor.person_id`)."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from gonghui.core.models import AuditEvent
from gonghui.innovation import services
from gonghui.innovation.models import ProjectStatus, Suggestion, SuggestionStatus, TechProject
from gonghui.innovation.services import ProjectInput, SuggestionInput, TeamInput
from gonghui.innovation.testing import SCORES, project, suggestion

pytestmark = pytest.mark.django_db
TODAY = services.today()

ROLES = ["district_staff", "town1_cadre", "town2_cadre", "union1_chair", "union1_staff", "union2_chair",
         "member_user", "outsider"]
MAY_ACT = {
    "union1": {"district_staff", "town1_cadre", "union1_chair", "union1_staff"},
    "union2": {"district_staff", "town2_cadre", "union2_chair"},
}


def _place(tree, place):
    return (tree.union1, tree.enterprise1, tree.union1_chair) if place == "union1" else (
        tree.union2, tree.enterprise2, tree.union2_chair)


def _submit(u, rec, org, ent):
    return services.submit_suggestion(actor=u, org=org, enterprise=ent, data=SuggestionInput(
        kind="INNOVATION", title="小革新", problem="p", proposal="q", submitted_on=TODAY, submitter_name="甲"))


def _create_project(u, rec, org, ent):
    return services.create_project(actor=u, org=org, enterprise=ent, data=ProjectInput(
        title="攻关", goal="g", planned_end_on=TODAY + datetime.timedelta(days=9), started_on=TODAY,
        team=[TeamInput("甲", is_leader=True)]))


# action: (what to build first, call(actor, record, org, enterprise), check of the result)
ACTIONS = {
    "submit": (None, _submit, lambda org: Suggestion.objects.filter(org=org, title="小革新").exists()),
    "evaluate": (SuggestionStatus.SUBMITTED, lambda u, r, org, ent: services.evaluate_suggestion(
        actor=u, suggestion=r, scores=SCORES, evaluated_on=TODAY, evaluators=["张"]),
        lambda org: Suggestion.objects.filter(org=org, status=SuggestionStatus.EVALUATED).exists()),
    "adopt": (SuggestionStatus.EVALUATED, lambda u, r, org, ent: services.adopt_suggestion(
        actor=u, suggestion=r, decided_on=TODAY),
        lambda org: Suggestion.objects.filter(org=org, status=SuggestionStatus.ADOPTED).exists()),
    "decline": (SuggestionStatus.SUBMITTED, lambda u, r, org, ent: services.decline_suggestion(
        actor=u, suggestion=r, decided_on=TODAY, reason="否"),
        lambda org: Suggestion.objects.filter(org=org, status=SuggestionStatus.NOT_ADOPTED).exists()),
    "implement": (SuggestionStatus.ADOPTED, lambda u, r, org, ent: services.implement_suggestion(
        actor=u, suggestion=r, implemented_on=TODAY, benefit_yuan=Decimal("10"), measured_on=TODAY),
        lambda org: Suggestion.objects.filter(org=org, status=SuggestionStatus.IMPLEMENTED).exists()),
    "reward": (SuggestionStatus.ADOPTED, lambda u, r, org, ent: services.pay_reward(
        actor=u, suggestion=r, amount=Decimal("100"), paid_on=TODAY),
        lambda org: Suggestion.objects.filter(org=org, reward_paid_on=TODAY).exists()),
    "withdraw": (SuggestionStatus.SUBMITTED, lambda u, r, org, ent: services.withdraw_suggestion(
        actor=u, suggestion=r, withdrawn_on=TODAY),
        lambda org: Suggestion.objects.filter(org=org, status=SuggestionStatus.WITHDRAWN).exists()),
    "create_project": (None, _create_project, lambda org: TechProject.objects.filter(org=org, title="攻关").exists()),
    "milestone": ("project", lambda u, r, org, ent: services.add_milestone(actor=u, project=r, title="m", due_on=TODAY),
                  lambda org: TechProject.objects.filter(org=org, milestones__title="m").exists()),
    "complete_project": ("project", lambda u, r, org, ent: services.complete_project(
        actor=u, project=r, completed_on=TODAY, result="r", benefit_yuan=0),
        lambda org: TechProject.objects.filter(org=org, status=ProjectStatus.COMPLETED).exists()),
    "abandon_project": ("project", lambda u, r, org, ent: services.abandon_project(
        actor=u, project=r, abandoned_on=TODAY, reason="停"),
        lambda org: TechProject.objects.filter(org=org, status=ProjectStatus.ABANDONED).exists()),
}


@pytest.mark.parametrize("place", ["union1", "union2"])
@pytest.mark.parametrize("action", list(ACTIONS))
@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix(tree, role, action, place):
    org, enterprise, chair = _place(tree, place)
    build, call, done = ACTIONS[action]
    record = None
    if build == "project":
        record = project(actor=chair, org=org, enterprise=enterprise)
    elif build is not None:
        record = suggestion(actor=chair, org=org, enterprise=enterprise, status=build)
    user = getattr(tree, role)
    events = AuditEvent.objects.count()
    if role in MAY_ACT[place]:
        call(user, record, org, enterprise)
        assert done(org)
        event = AuditEvent.objects.order_by("-id").first()
        assert (event.actor_id, event.org_id) == (user.pk, org.pk)
        assert event.action.startswith("innovation.")
    else:
        with pytest.raises(PermissionDenied):
            call(user, record, org, enterprise)
        assert not done(org)
        assert AuditEvent.objects.count() == events


def test_visibility(tree):
    s1 = suggestion(actor=tree.union1_chair, org=tree.union1, enterprise=tree.enterprise1)
    s2 = suggestion(actor=tree.union2_chair, org=tree.union2, enterprise=tree.enterprise2)

    def visible(user):
        return set(Suggestion.objects.visible_to(user).values_list("pk", flat=True))

    assert visible(tree.district_staff) == {s1.pk, s2.pk}
    assert visible(tree.town1_cadre) == visible(tree.union1_chair) == visible(tree.union1_staff) == {s1.pk}
    assert visible(tree.town2_cadre) == visible(tree.union2_chair) == {s2.pk}
    assert visible(tree.member_user) == visible(tree.outsider) == set()


def test_town_sees_an_enterprise_whose_union_sits_elsewhere(tree):
    """An enterprise of town1 whose union hangs under a district industry union: town1's cadre
    sees and records its suggestions through the enterprise's town."""
    from gonghui.core.testing.factories import EnterpriseFactory, add_org
    from gonghui.orgs.models import OrgLevel

    industry = add_org(tree.district, "区建筑业工会", OrgLevel.INDUSTRY, code="IND")
    union = add_org(industry, "丁建筑公司工会", OrgLevel.GRASSROOTS, code="U9")
    enterprise = EnterpriseFactory(town=tree.town1, union=union)
    s = suggestion(actor=tree.town1_cadre, org=union, enterprise=enterprise)
    assert Suggestion.objects.visible_to(tree.town1_cadre).filter(pk=s.pk).exists()
    assert not Suggestion.objects.visible_to(tree.town2_cadre).filter(pk=s.pk).exists()
