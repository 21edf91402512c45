"""Moving an org re-scopes everything below it, is audited, and cannot create a cycle."""

import pytest
from django.http import Http404
from django.urls import NoReverseMatch, reverse

from gonghui.core.errors import DomainError
from gonghui.core.models import AuditEvent
from gonghui.core.policies import get_visible_or_404
from gonghui.members.models import Membership
from gonghui.orgs import services
from gonghui.orgs.models import Enterprise, Org, OrgLevel


def _person_url(membership):
    try:
        return reverse("members:detail", args=[membership.person_id])
    except NoReverseMatch:  # the member pages are another app's; the queryset checks still apply
        return None


def test_moving_a_union_rescopes_it_and_its_members(tree, client):
    membership = tree.member(tree.union1)
    services.move_org(actor=tree.district_staff, org=tree.union1, new_parent=tree.town2)

    moved = Org.objects.get(pk=tree.union1.pk)
    assert moved.get_parent() == tree.town2
    # town1's cadre: the union and its membership records now answer 404, like missing ones.
    client.force_login(tree.town1_cadre)
    assert client.get(reverse("orgs:detail", args=[moved.pk])).status_code == 404
    with pytest.raises(Http404):
        get_visible_or_404(Membership.objects, tree.town1_cadre, membership.pk)
    person_url = _person_url(membership)
    if person_url:
        assert client.get(person_url).status_code == 404
    # town2's cadre sees them.
    client.force_login(tree.town2_cadre)
    assert client.get(reverse("orgs:detail", args=[moved.pk])).status_code == 200
    assert get_visible_or_404(Membership.objects, tree.town2_cadre, membership.pk) == membership
    if person_url:
        assert client.get(person_url).status_code == 200
    # The union's enterprise follows it to town2 (a union must lie in its enterprise's town).
    enterprise = Enterprise.objects.get(pk=tree.enterprise1.pk)
    assert enterprise.town == tree.town2
    assert Enterprise.objects.visible_to(tree.town2_cadre).filter(pk=enterprise.pk).exists()
    assert not Enterprise.objects.visible_to(tree.town1_cadre).filter(pk=enterprise.pk).exists()
    client.force_login(tree.town1_cadre)
    assert client.get(reverse("orgs:enterprise_detail", args=[enterprise.pk])).status_code == 404
    event = AuditEvent.objects.get(action="orgs.enterprise.rehome", object_id=str(enterprise.pk))
    assert event.before == {"town": tree.town1.pk} and event.after == {"town": tree.town2.pk}


def test_move_is_audited_with_before_and_after(tree):
    old_path = tree.union1.path
    services.move_org(actor=tree.district_staff, org=tree.union1, new_parent=tree.town2)
    event = AuditEvent.objects.get(action="orgs.org.move", object_id=str(tree.union1.pk))
    assert event.actor == tree.district_staff
    assert event.before == {"parent": tree.town1.pk, "parent_name": tree.town1.name, "path": old_path}
    assert event.after["parent"] == tree.town2.pk and event.after["path"].startswith(tree.town2.path)


def test_cannot_move_under_own_subtree(tree):
    industry = services.create_org(actor=tree.district_staff, parent=tree.town1, name="纺织行业工会",
                                   level=OrgLevel.INDUSTRY, code="I1")
    union = services.create_org(actor=tree.district_staff, parent=industry, name="纺织甲工会",
                                level=OrgLevel.GRASSROOTS, code="I1U", union_kind="ENTERPRISE")
    with pytest.raises(DomainError) as err:
        services.move_org(actor=tree.district_staff, org=tree.town1, new_parent=industry)
    assert err.value.code == "move_into_self"
    with pytest.raises(DomainError):
        services.move_org(actor=tree.district_staff, org=industry, new_parent=industry)
    # Nor under one of its own unions' groups, and the tree is unchanged.
    assert Org.objects.get(pk=union.pk).path.startswith(industry.path)
    assert not AuditEvent.objects.filter(action="orgs.org.move").exists()


def test_move_page_never_offers_own_subtree_or_current_parent(tree, client):
    industry = services.create_org(actor=tree.district_staff, parent=tree.town1, name="纺织行业工会",
                                   level=OrgLevel.INDUSTRY, code="I1")
    client.force_login(tree.district_staff)
    form = client.get(reverse("orgs:move", args=[industry.pk])).context["form"]
    targets = set(form.fields["new_parent"].queryset)
    assert tree.town1 not in targets  # current parent
    assert industry not in targets
    assert tree.town2 in targets
    # Posting the own subtree anyway is refused on the field.
    response = client.post(reverse("orgs:move", args=[tree.town1.pk]), {"new_parent": industry.pk, "confirm": "1"})
    assert response.status_code == 200
    assert "new_parent" in response.context["form"].errors
    assert Org.objects.get(pk=tree.town1.pk).get_parent() == tree.district


def test_move_page_confirms_with_counts_then_moves(tree, client):
    tree.member(tree.union1)
    tree.member(tree.union1)
    client.force_login(tree.district_staff)
    url = reverse("orgs:move", args=[tree.union1.pk])
    response = client.post(url, {"new_parent": tree.town2.pk})
    assert response.status_code == 200
    assert response.templates[0].name == "orgs/move_confirm.html"
    impact = response.context["impact"]
    assert (impact.nodes, impact.unions, impact.members, impact.enterprises) == (1, 1, 2, 1)
    assert impact.rehomed == 1 and impact.new_town == tree.town2
    assert Org.objects.get(pk=tree.union1.pk).get_parent() == tree.town1  # nothing moved yet
    response = client.post(url, {"new_parent": tree.town2.pk, "confirm": "1"})
    assert response.status_code == 302
    assert Org.objects.get(pk=tree.union1.pk).get_parent() == tree.town2


def test_town_cadre_can_only_move_within_their_town(tree, client):
    industry = services.create_org(actor=tree.district_staff, parent=tree.town1, name="纺织行业工会",
                                   level=OrgLevel.INDUSTRY, code="I1")
    client.force_login(tree.town1_cadre)
    url = reverse("orgs:move", args=[tree.union1.pk])
    targets = set(client.get(url).context["form"].fields["new_parent"].queryset)
    assert targets == {industry}
    response = client.post(url, {"new_parent": tree.town2.pk, "confirm": "1"})
    assert response.status_code == 200 and "new_parent" in response.context["form"].errors
    assert Org.objects.get(pk=tree.union1.pk).get_parent() == tree.town1
    response = client.post(url, {"new_parent": industry.pk, "confirm": "1"})
    assert response.status_code == 302
    assert Org.objects.get(pk=tree.union1.pk).get_parent() == industry


def test_move_service_refuses_a_target_outside_the_actors_scope(tree):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.move_org(actor=tree.town1_cadre, org=tree.union1, new_parent=tree.town2)
