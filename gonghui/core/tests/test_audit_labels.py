"""Readable audit trail: action labels, record types, field and value labels, and the filter.

The stored rows keep their codes; these tests check what cadres read on the audit pages and
the history tabs, that every code the services write has words, and that labelling a page
costs the same number of queries whatever the events on it.
"""

import ast
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from gonghui.accounts.models import RoleAssignment
from gonghui.core import audit
from gonghui.core.audit_display import describe_events
from gonghui.core.audit_labels import action_label, field_label, is_known_action, object_type_label
from gonghui.core.models import AuditEvent
from gonghui.orgs.models import Industry, OrgLevel

SOURCE = Path(__file__).resolve().parents[2]  # gonghui/


def _codes_in(tree):
    """String constants given as `action=` to audit.record(...) / AuditEvent(...), including
    both branches of `"a" if x else "b"`, and assigned to a variable named `action`."""
    def strings(node):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            yield node.value
        elif isinstance(node, ast.IfExp):
            yield from strings(node.body)
            yield from strings(node.orelse)

    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            name = getattr(node.func, "attr", None) or getattr(node.func, "id", None)
            if name in ("record", "AuditEvent"):
                for keyword in node.keywords:
                    if keyword.arg == "action":
                        yield from strings(keyword.value)
        elif isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "action" for t in node.targets):
            yield from (s for s in strings(node.value) if s.count(".") >= 1 and " " not in s)


def written_codes():
    codes = set()
    for path in SOURCE.rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        codes.update(_codes_in(ast.parse(path.read_text(encoding="utf-8"))))
    return codes


def test_every_code_the_services_write_has_a_label():
    codes = written_codes()
    assert {"orgs.org.update", "members.membership.transfer_out", "accounts.role.assign",
            "members.person.reveal_pii", "members.export_full", "accounts.user.disable"} <= codes
    unlabelled = sorted(code for code in codes if not is_known_action(code))
    assert not unlabelled
    with translation.override("zh-hans"):
        untranslated = sorted(code for code in codes if action_label(code).isascii())
    assert not untranslated


def test_known_codes_read_as_words():
    with translation.override("zh-hans"):
        assert action_label("orgs.org.update") == "组织信息修改"
        assert action_label("members.membership.transfer_out") == "会籍转出"
        assert action_label("accounts.role.assign") == "角色授权"
    with translation.override("en"):
        assert action_label("orgs.org.update") == "Organisation changed"


def test_unknown_codes_fall_back_to_model_and_verb_then_to_the_code():
    with translation.override("en"):
        assert action_label("orgs.enterprise.delete") == "Enterprise deleted"
        # the model from the event's object type when the code does not name one
        assert action_label("orgs.tidy.create", "orgs.Org") == "Organisation created"
        assert action_label("members.member.register") == "members.member.register"
        assert action_label("nothing") == "nothing"
    with translation.override("zh-hans"):
        assert action_label("orgs.enterprise.delete") == "删除企业"


def test_record_types_and_field_labels():
    with translation.override("zh-hans"):
        assert object_type_label("orgs.Org") == "组织"
        assert object_type_label("members.Export") == "会员导出"
        assert object_type_label("gone.Model") == "gone.Model"
        assert field_label("members.Transfer", "from_union_id") == "转出工会"  # attname
        assert field_label("members.Transfer", "from_union") == "转出工会"
        assert field_label("members.Transfer", "no_such_key") == "no_such_key"
        assert field_label("gone.Model", "x_id") == "x_id"


def _enterprise_update(tree):
    enterprise = tree.enterprise1
    return audit.record(
        actor=tree.town1_cadre, action="orgs.enterprise.update", obj=enterprise, org=tree.union1,
        before={"industry": Industry.TEXTILES, "above_scale": True, "union_id": tree.union1.pk},
        after={"industry": Industry.TEXTILES, "above_scale": False, "union_id": tree.union1b.pk},
    )


def test_detail_page_shows_field_and_choice_labels(client, tree):
    event = _enterprise_update(tree)
    client.force_login(tree.town1_cadre)
    response = client.get(reverse("core:audit_detail", args=[event.pk]))
    text = response.content.decode()
    with translation.override("zh-hans"):
        textiles = str(Industry.TEXTILES.label)
    rows = {row.key: row for row in response.context["changes"]}
    assert (rows["industry"].label, rows["industry"].before, rows["industry"].changed) == ("行业", textiles, False)
    above = rows["above_scale"]
    assert (above.label, above.before, above.after) == ("规模以上", "是", "否")
    assert (rows["union_id"].before, rows["union_id"].after) == ("甲企业工会", "乙企业工会")  # ids named
    assert "企业信息修改" in text and textiles in text
    # the codes stay on the page, small, for support staff; the raw JSON too
    assert "<code class=\"small text-muted\">orgs.enterprise.update</code>" in text
    assert "orgs.Enterprise #" in text and "union_id" in text and "&quot;TEXTILES&quot;" in text


def test_history_tabs_show_words(client, tree):
    _enterprise_update(tree)
    audit.record(actor=tree.district_staff, action="orgs.org.update", obj=tree.town1, org=tree.town1,
                 before={"level": OrgLevel.TOWN, "is_active": True}, after={"level": OrgLevel.TOWN, "is_active": False})
    client.force_login(tree.district_staff)
    page = client.get(reverse("orgs:detail", args=[tree.town1.pk]), {"tab": "history"}).content.decode()
    assert "组织信息修改" in page and "有效" in page and "是 → 否" in page
    assert 'title="orgs.org.update"' in page and "is_active</span>" not in page
    page = client.get(reverse("orgs:enterprise_detail", args=[tree.enterprise1.pk])).content.decode()
    assert "企业信息修改" in page and "规模以上" in page and "甲企业工会 → 乙企业工会" in page


def _mixed_events(tree, n):
    """n events of several actions and object types, with foreign keys into several models."""
    for i in range(n):
        kind = i % 4
        if kind == 0:
            audit.record(actor=tree.town1_cadre, action="orgs.org.update", obj=tree.union1, org=tree.union1,
                         before={"level": "GRASSROOTS", "is_active": True}, after={"is_active": False})
        elif kind == 1:
            audit.record(actor=tree.town1_cadre, action="orgs.enterprise.update", obj=tree.enterprise1,
                         org=tree.union1, before={"union_id": tree.union1.pk}, after={"union_id": tree.union1b.pk})
        elif kind == 2:
            membership = tree.member(tree.union1)
            audit.record(actor=tree.town1_cadre, action="members.membership.create", obj=membership,
                         org=tree.union1, after=audit.snapshot(membership))
        else:  # a code nobody registered, on a role grant: names a user and an org
            grant = RoleAssignment.objects.filter(org=tree.union1).first()
            audit.record(actor=tree.town1_cadre, action=f"custom.thing{i}.create", obj=grant, org=tree.union1,
                         after=audit.snapshot(grant, fields=("user", "org", "role")))


def _count(client, url, params):
    client.get(url, params)  # warm up session and role caches
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(ctx.captured_queries), response


def test_audit_list_query_count_is_constant_with_many_kinds_of_events(client, tree):
    client.force_login(tree.district_staff)
    url, params = reverse("core:audit_list"), {"org": tree.district.pk}
    _mixed_events(tree, 4)
    few, _response = _count(client, url, params)
    _mixed_events(tree, 56)
    many, response = _count(client, url, params)
    assert few == many
    assert len(response.context["page"].items) == 50
    assert {e.action_label for e in response.context["page"].items} >= {"组织信息修改", "会员入会"}


def test_labelling_a_page_costs_one_query_per_named_model(tree, django_assert_num_queries):
    _mixed_events(tree, 40)
    events = list(AuditEvent.objects.all())
    with django_assert_num_queries(1):  # orgs only: memberships and custom codes keep their ids
        labelled = describe_events([e for e in events if e.action != "members.membership.create"
                                    and not e.action.startswith("custom.")])
    assert labelled
    # orgs, users (a stored user id is named by username) and people (a membership's person)
    with django_assert_num_queries(3):
        describe_events(events)


def test_history_tab_query_count_is_constant(client, tree):
    client.force_login(tree.district_staff)
    url, params = reverse("orgs:detail", args=[tree.union1.pk]), {"tab": "history"}
    _mixed_events(tree, 4)
    few, _response = _count(client, url, params)
    _mixed_events(tree, 40)
    many, _response = _count(client, url, params)
    assert few == many


def listed(client, **params):
    response = client.get(reverse("core:audit_list"), params)
    assert response.status_code == 200
    return response, {e.action for e in response.context["page"].items}


def test_action_filter_offers_labels_and_keeps_old_urls(client, tree):
    for action in ("orgs.org.update", "members.export", "members.export_full", "members.member.register"):
        audit.record(actor=tree.district_staff, action=action, obj=tree.town1, org=tree.town1)
    client.force_login(tree.district_staff)
    response, seen = listed(client)
    text = response.content.decode()
    assert '<option value="orgs.org.update">组织信息修改</option>' in text
    assert '<option value="members.">' in text  # the whole app, as the old "members." prefix
    # a code from the menu is that action only
    _r, seen = listed(client, action="members.export")
    assert seen == {"members.export"}
    # prefixes from old links still match as before, and show as the selected option
    response, seen = listed(client, action="members.")
    assert seen == {"members.export", "members.export_full", "members.member.register"}
    response, seen = listed(client, action="members.member")
    assert seen == {"members.member.register"}
    assert '<option value="members.member" selected>' in response.content.decode()
    response = client.get(reverse("core:audit_list"), {"action": "x" * 65})
    assert response.status_code == 200 and response.context["page"] is None


@pytest.mark.parametrize("value", [None, True, 0, "", [1, 2], {"a": 1}])
def test_odd_stored_values_never_break_a_page(client, tree, value):
    event = audit.record(actor=tree.district_staff, action="orgs.org.update", obj=tree.town1, org=tree.town1,
                         before={"union_id": value, "founded_on": value, "level": value, "weird": value},
                         after={"created_at": "not a date", "founded_on": "2025-03-10", "level": ["x"]})
    client.force_login(tree.district_staff)
    assert client.get(reverse("core:audit_detail", args=[event.pk])).status_code == 200
    assert client.get(reverse("orgs:detail", args=[tree.town1.pk]), {"tab": "history"}).status_code == 200


def test_registered_value_fields_show_choice_labels_for_keys_outside_the_model(client, tree):
    """An election's trail stores a candidate's position as its code; the page shows the label."""
    from gonghui.grassroots.models.elections import CandidatePosition

    event = audit.record(actor=tree.union1_chair, action="grassroots.election.candidate_add", obj=tree.union1,
                         org=tree.union1, object_type="grassroots.Election",
                         after={"candidate": "王五", "proposed_position": CandidatePosition.CHAIR})
    client.force_login(tree.union1_chair)
    rows = {row.key: row for row in client.get(reverse("core:audit_detail", args=[event.pk])).context["changes"]}
    with translation.override("zh-hans"):
        chair = str(CandidatePosition.CHAIR.label)
    assert rows["proposed_position"].after == chair != "CHAIR"
    assert rows["candidate"].after == "王五"  # an unregistered key stays as stored


def test_a_list_of_words_reads_as_words_and_other_json_stays_json():
    from gonghui.core.audit_display import format_value

    assert format_value(None, ["电工", "钳工"]) == "电工、钳工"
    assert format_value(None, []) is None  # shown as a dash
    assert format_value(None, [1, 2]) == "[1, 2]"
    assert format_value(None, {"b": 1, "a": "x"}) == '{"a": "x", "b": 1}'
