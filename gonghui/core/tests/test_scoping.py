"""Scope fails closed: the core rules every app's visible_to relies on."""

from gonghui.accounts.models import RoleAssignment
from gonghui.accounts.roles import Role, role_grants
from gonghui.core.scoping import collapse_paths
from gonghui.members.models import Membership
from gonghui.orgs.models import Enterprise, Org


def test_collapse_paths_drops_nested():
    assert collapse_paths(["0001", "00010002", "0002", "00020003"]) == ["0001", "0002"]


def test_role_grants_follow_patterns():
    assert role_grants(Role.TOWN_CADRE, "bargaining.view")
    assert not role_grants(Role.UNION_STAFF, "members.reveal_pii")
    assert not role_grants(Role.TOWN_CADRE, "members.export_full")
    assert role_grants(Role.DISTRICT_STAFF, "members.export_full")
    assert not role_grants(Role.MEMBER, "members.view")


def test_users_see_only_their_subtree(tree):
    m1, m2 = tree.member(tree.union1), tree.member(tree.union2)
    # visible_to is a filter on the union's path: one join, no per-row work.
    assert "path" in str(Membership.objects.visible_to(tree.town1_cadre).query)
    assert set(Membership.objects.visible_to(tree.town1_cadre)) == {m1}
    assert set(Membership.objects.visible_to(tree.town2_cadre)) == {m2}
    assert set(Membership.objects.visible_to(tree.district_staff)) == {m1, m2}
    assert set(Membership.objects.visible_to(tree.union1_chair)) == {m1}


def test_no_role_means_nothing(tree):
    tree.member(tree.union1)
    for user in (tree.outsider, tree.member_user):
        assert not Membership.objects.visible_to(user).exists()
        assert not Org.objects.visible_to(user).exists()
        assert not Enterprise.objects.visible_to(user).exists()


def test_inactive_user_sees_nothing(tree):
    tree.town1_cadre.is_active = False
    tree.town1_cadre.save()
    assert not Org.objects.visible_to(tree.town1_cadre).exists()


def test_enterprise_without_union_is_visible_to_its_town_only(tree):
    from gonghui.core.testing.factories import EnterpriseFactory

    loose = EnterpriseFactory(town=tree.town1, union=None)
    assert loose in Enterprise.objects.visible_to(tree.town1_cadre)
    assert loose not in Enterprise.objects.visible_to(tree.union1_chair)
    assert loose not in Enterprise.objects.visible_to(tree.town2_cadre)


def test_role_on_deactivated_org_grants_nothing(tree):
    tree.union1.is_active = False
    tree.union1.save()
    tree.union1_chair.forget_roles()
    assert tree.union1_chair.scope_paths("members.view") == []
    assert RoleAssignment.objects.filter(user=tree.union1_chair).exists()


def test_require_with_only_missing_orgs_fails_closed(tree):
    import pytest
    from django.core.exceptions import PermissionDenied

    from gonghui.core.policies import require

    require(tree.town1_cadre, "members.change")  # "anywhere": they can, in town1
    with pytest.raises(PermissionDenied):
        require(tree.town1_cadre, "members.change", None)  # a record with no place in the tree
    with pytest.raises(PermissionDenied):
        require(tree.town1_cadre, "members.change", tree.union2)
    require(tree.town1_cadre, "members.change", None, tree.union1)


def test_nav_highlights_only_the_longest_match():
    from gonghui.core.context_processors import _mark_active

    items = [{"url": "/members/", "active": False}, {"url": "/members/transfers/", "active": False}]
    _mark_active(items, "/members/transfers/3/")
    assert [i["active"] for i in items] == [False, True]


def test_several_lookups_test_the_rows_own_keys_without_a_join_or_distinct(tree):
    """An OR of several scope lookups above joins is planned badly on PostgreSQL (every row joined
    first, or the join turned into a nested-loop filter): each term is `<fk> IN (orgs under the
    paths)`, through a chain of foreign keys as nested IN, and no DISTINCT when no lookup can
    repeat a row."""
    from gonghui.core.testing.factories import EnterpriseFactory
    from gonghui.services.models import Registration

    enterprise_sql = str(Enterprise.objects.visible_to(tree.town1_cadre).query).upper()
    assert "JOIN" not in enterprise_sql and "DISTINCT" not in enterprise_sql
    assert '"TOWN_ID" IN (SELECT' in enterprise_sql and '"UNION_ID" IN (SELECT' in enterprise_sql
    registration_sql = str(Registration.objects.visible_to(tree.town1_cadre).query).upper()
    assert "JOIN" not in registration_sql and "DISTINCT" not in registration_sql
    assert '"EVENT_ID" IN (SELECT' in registration_sql  # event → org, as a nested IN

    mine = EnterpriseFactory(town=tree.town1, union=tree.union2)
    theirs = EnterpriseFactory(town=tree.town2, union=tree.union2)
    assert mine in Enterprise.objects.visible_to(tree.town1_cadre)  # by its town alone
    assert theirs not in Enterprise.objects.visible_to(tree.town1_cadre)
    assert {mine, theirs} <= set(Enterprise.objects.visible_to(tree.town2_cadre))  # by union or town


def test_a_lookup_through_a_to_many_relation_keeps_distinct():
    from gonghui.core.scoping import needs_distinct
    from gonghui.members.models import Person, Transfer

    assert needs_distinct(Person, Person.scope_lookups)  # through all of a person's memberships
    assert not needs_distinct(Transfer, Transfer.scope_lookups)  # from_union, to_union: foreign keys


def test_a_reach_over_the_whole_tree_filters_nothing_yet_keeps_rows_without_a_place_out(tree):
    """A district cadre's reach is every root of a one-district tree: `visible_to` tests no path
    (a hash of the whole org table at district scale), but a row placed nowhere — an audit event
    with no org, a person with no membership — stays out, as it does for every other reach."""
    from gonghui.core import audit
    from gonghui.core.models import AuditEvent
    from gonghui.core.scoping import covers_whole_tree
    from gonghui.core.testing.factories import PersonFactory

    m1, m2 = tree.member(tree.union1), tree.member(tree.union2)
    assert covers_whole_tree(tree.district_staff.scope_paths("members.view"))
    assert not covers_whole_tree(tree.town1_cadre.scope_paths("members.view"))
    assert "PATH" not in str(Membership.objects.visible_to(tree.district_staff).query).upper()
    assert set(Membership.objects.visible_to(tree.district_staff)) == {m1, m2}

    placed = audit.record(actor=tree.district_staff, action="orgs.org.update", obj=tree.town1, org=tree.town1)
    nowhere = audit.record(actor=tree.district_staff, action="orgs.org.update", obj=tree.town1, org=None)
    seen = set(AuditEvent.objects.visible_to(tree.district_staff, "audit.view"))
    assert placed in seen and nowhere not in seen
    from gonghui.members.models import Person

    loner = PersonFactory()
    people = set(Person.objects.visible_to(tree.district_staff))
    assert m1.person in people and loner not in people


def test_a_second_root_ends_the_whole_tree_shortcut_with_the_next_request(tree):
    """Covering the tree is remembered on the user object with its roles (one request, one job),
    never across them: a district added beside ours is out of our district cadre's reach from
    the next request on, and the answer is asked again once the roles are forgotten."""
    from gonghui.accounts.models import User
    from gonghui.core.testing.factories import add_org
    from gonghui.orgs.models import OrgLevel

    tree.member(tree.union1)
    cadre = tree.district_staff
    assert Membership.objects.visible_to(cadre).count() == 1
    other = add_org(None, "另一区总工会", OrgLevel.DISTRICT, code="D2")
    theirs = tree.member(add_org(other, "丁企业工会", OrgLevel.GRASSROOTS, code="U9"))
    next_request = User.objects.get(pk=cadre.pk)
    assert theirs not in Membership.objects.visible_to(next_request)
    assert Membership.objects.visible_to(next_request).count() == 1
    assert Enterprise.objects.visible_to(next_request).count() == Enterprise.objects.count()
    cadre.forget_roles()
    assert theirs not in Membership.objects.visible_to(cadre)


def test_the_cover_is_asked_once_per_user_object(tree, django_assert_num_queries):
    """A page scopes a dozen lists with the same paths: one query for the cover, not twelve."""
    from gonghui.core.scoping import covers_whole_tree

    cadre = tree.district_staff
    paths = cadre.scope_paths("members.view")
    with django_assert_num_queries(1):
        assert covers_whole_tree(paths) and covers_whole_tree(cadre.scope_paths("members.change"))
    with django_assert_num_queries(1):  # plain paths (no user) are asked every time
        assert covers_whole_tree(list(paths))
