"""Pages: tree, search, detail tabs, edits through the services, enterprise pages, admin."""

import random

from django.conf import settings
from django.urls import reverse
from django.utils import translation

from gonghui.core.models import AuditEvent
from gonghui.core.testing.factories import EnterpriseFactory
from gonghui.core.testing.identifiers import make_uscc
from gonghui.orgs import services
from gonghui.orgs.models import Enterprise, Industry, Org, OrgLevel, UnionKind


def test_tree_starts_at_the_users_top_orgs(tree, client):
    client.force_login(tree.town1_cadre)
    nodes = client.get(reverse("orgs:tree")).context["nodes"]
    assert [n.org for n in nodes] == [tree.town1]
    client.force_login(tree.union1_chair)
    assert [n.org for n in client.get(reverse("orgs:tree")).context["nodes"]] == [tree.union1]
    client.force_login(tree.district_staff)
    html = client.get(reverse("orgs:tree")).content.decode()
    assert f'hx-get="{reverse("orgs:children", args=[tree.district.pk])}"' in html
    assert 'hx-trigger="toggle once"' in html


def test_children_fragment_lists_children_with_figures(tree, client, hx):
    tree.member(tree.union1)
    client.force_login(tree.district_staff)
    response = client.get(reverse("orgs:children", args=[tree.district.pk]), **hx)
    html = response.content.decode()
    assert tree.town1.name in html and tree.town2.name in html and tree.union1.name not in html
    nodes = {n.org: n for n in response.context["nodes"]}
    assert (nodes[tree.town1].unions, nodes[tree.town1].members) == (2, 1)
    # Without htmx the address leads to the org's page instead of a bare fragment.
    response = client.get(reverse("orgs:children", args=[tree.district.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("orgs:detail", args=[tree.district.pk])


def test_search_finds_orgs_in_scope_only(tree, client, hx):
    client.force_login(tree.town1_cadre)
    response = client.get(reverse("orgs:tree"), {"q": "企业工会"}, **hx)
    found = [org for org, _parent in response.context["results"].items]
    assert found == [tree.union1, tree.union1b]
    assert response.templates[0].name == "orgs/_search_results.html"
    response = client.get(reverse("orgs:tree"), {"q": "U2"})
    assert response.context["results"].items == []
    with translation.override(settings.LANGUAGE_CODE):  # the language the request was served in
        no_match = translation.gettext("No organisation in your area matches “%(q)s”.") % {"q": "U2"}
    assert no_match in response.content.decode()
    response = client.get(reverse("orgs:tree"), {"q": "U1"})
    assert [org for org, _ in response.context["results"].items] == [tree.union1]


def test_detail_shows_kpis_children_enterprises_and_history_tab(tree, client):
    tree.member(tree.union1)
    services.update_org(actor=tree.town1_cadre, org=tree.union1, chair_name="王主席")
    client.force_login(tree.town1_cadre)
    response = client.get(reverse("orgs:detail", args=[tree.town1.pk]))
    overview = response.context["overview"]
    assert overview.kpis.members == 1 and overview.kpis.unions == 2
    assert [n.org for n in overview.children] == [tree.union1, tree.union1b]
    assert tree.enterprise1 in overview.enterprises
    response = client.get(reverse("orgs:detail", args=[tree.union1.pk]), {"tab": "history"})
    history = list(response.context["history"])
    assert [e.action for e in history] == ["orgs.org.update"]
    assert "王主席" in response.content.decode()


def test_edit_through_the_page_records_only_changes(tree, client):
    client.force_login(tree.union1_chair)
    response = client.post(reverse("orgs:edit", args=[tree.union1.pk]), {
        "name": "甲企业工会委员会", "level": OrgLevel.GRASSROOTS, "union_kind": "ENTERPRISE", "code": "U1",
        "chair_name": "李四", "is_active": "on"})
    assert response.status_code == 302
    tree.union1.refresh_from_db()
    assert tree.union1.name == "甲企业工会委员会"
    event = AuditEvent.objects.get(action="orgs.org.update")
    assert "updated_at" not in event.before and "updated_at" not in event.after  # bookkeeping, not a change
    assert event.before == {"name": "甲企业工会", "chair_name": ""}
    assert event.after == {"name": "甲企业工会委员会", "chair_name": "李四"}


def test_enterprise_list_filters(tree, client):
    EnterpriseFactory(town=tree.town1, name="城厢物流有限公司", industry=Industry.LOGISTICS, above_scale=False)
    EnterpriseFactory(town=tree.town1, name="大城厢纺织厂", industry=Industry.TEXTILES)
    client.force_login(tree.district_staff)
    url = reverse("orgs:enterprise_list")

    def names(**params):
        return {e.name for e in client.get(url, params).context["page"].items}

    assert names(q="城厢", match="prefix") == {"城厢物流有限公司"}
    assert names(q="城厢", match="contains") == {"城厢物流有限公司", "大城厢纺织厂"}
    assert names(q=tree.enterprise2.uscc.lower()) == {tree.enterprise2.name}
    assert names(town=tree.town2.pk) == {tree.enterprise2.name}
    assert names(industry="LOGISTICS") == {"城厢物流有限公司"}
    assert names(above_scale="no") == {"城厢物流有限公司"}
    assert names(has_union="yes") == {tree.enterprise1.name, tree.enterprise2.name}
    assert names(has_union="no", town=tree.town1.pk) == {"城厢物流有限公司", "大城厢纺织厂"}
    # A bad filter value is reported, not a 500.
    response = client.get(url, {"industry": "NOPE"})
    assert response.status_code == 200 and "industry" in response.context["form"].errors


def test_enterprise_edit_through_the_page_is_audited(tree, client):
    client.force_login(tree.union1_staff)
    e = tree.enterprise1
    response = client.post(reverse("orgs:enterprise_edit", args=[e.pk]), {
        "name": e.name, "uscc": e.uscc, "industry": Industry.AUTO_PARTS, "headcount": "300", "above_scale": "on",
        "town": tree.town1.pk, "union": tree.union1.pk})
    assert response.status_code == 302, response.context["form"].errors
    e.refresh_from_db()
    assert (e.industry, e.headcount) == (Industry.AUTO_PARTS, 300)
    event = AuditEvent.objects.get(action="orgs.enterprise.update")
    assert event.before == {"industry": "TEXTILES", "headcount": 120}
    response = client.get(reverse("orgs:enterprise_detail", args=[e.pk]))
    assert [ev.action for ev in response.context["history"]] == []  # union staff may not read the audit
    client.force_login(tree.union1_chair)
    response = client.get(reverse("orgs:enterprise_detail", args=[e.pk]))
    assert [ev.action for ev in response.context["history"]] == ["orgs.enterprise.update"]


def test_enterprise_edit_cannot_move_it_out_of_scope(tree, client):
    client.force_login(tree.town1_cadre)
    e = tree.enterprise1
    response = client.post(reverse("orgs:enterprise_edit", args=[e.pk]), {
        "name": e.name, "uscc": e.uscc, "industry": e.industry, "headcount": "1", "town": tree.town2.pk,
        "union": ""})
    assert response.status_code == 200 and "town" in response.context["form"].errors
    assert Enterprise.objects.get(pk=e.pk).town == tree.town1


def test_register_enterprise_link_prefills_union_and_town(tree, client):
    client.force_login(tree.union1_chair)
    form = client.get(reverse("orgs:enterprise_create"), {"union": tree.union1.pk}).context["form"]
    assert form.initial["town"] == tree.town1.pk
    assert [pk for pk, _label in form.fields["union"].widget.choices][1:] == [tree.union1.pk]


def test_admin_pages_and_admin_writes_go_through_services(tree, client):
    from gonghui.core.testing.factories import UserFactory

    admin = UserFactory(username="root", is_staff=True, is_superuser=True)
    client.force_login(admin)
    assert client.get(reverse("admin:orgs_org_changelist")).status_code == 200
    assert client.get(reverse("admin:orgs_org_change", args=[tree.union1.pk])).status_code == 200
    assert client.get(reverse("admin:orgs_enterprise_changelist")).status_code == 200
    code = make_uscc(random.Random(5))
    response = client.post(reverse("admin:orgs_enterprise_add"), {
        "name": "后台企业", "uscc": code, "industry": "OTHER", "headcount": "3", "town": tree.town2.pk, "union": ""})
    assert response.status_code == 302
    assert AuditEvent.objects.filter(action="orgs.enterprise.create", object_repr="后台企业").exists()
    # Drag and drop in the tree: a union cannot become a child of a union.
    response = client.post("/admin/orgs/org/move/", {"node": tree.union1.pk, "target": tree.union2.pk,
                                                     "relation": "child"})
    assert response.status_code == 400
    response = client.post("/admin/orgs/org/move/", {"node": tree.union1.pk, "target": tree.union2.pk,
                                                     "relation": "sibling"})
    assert response.status_code == 200
    assert Org.objects.get(pk=tree.union1.pk).get_parent() == tree.town2
    assert AuditEvent.objects.filter(action="orgs.org.move").count() == 1


def test_new_sub_unit_form_starts_as_an_enterprise_union(tree, client):
    """The level defaults to grassroots union, so the kind defaults to an enterprise union
    (not to the "not a grassroots union" choice, which would contradict it)."""
    client.force_login(tree.town1_cadre)
    form = client.get(reverse("orgs:create_child", args=[tree.town1.pk])).context["form"]
    assert form["level"].value() == OrgLevel.GRASSROOTS
    assert form["union_kind"].value() == UnionKind.ENTERPRISE
