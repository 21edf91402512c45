"""Input rules: USCC check digit, level rules, union kind, unique code — in forms and services."""

import random

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from stdnum.cn import uscc as stdnum_uscc

from gonghui.core.errors import DomainError
from gonghui.core.testing.identifiers import make_uscc
from gonghui.orgs import services
from gonghui.orgs.forms import EnterpriseForm, OrgForm
from gonghui.orgs.models import Enterprise, Industry, Org, OrgLevel, UnionKind


def _enterprise_data(tree, **overrides):
    data = {"name": "新登记企业有限公司", "uscc": make_uscc(random.Random(7)), "industry": Industry.LOGISTICS,
            "headcount": "80", "town": str(tree.town1.pk), "union": ""}
    data.update(overrides)
    return data


def _bad_check_digit(code):
    wrong = next(c for c in "0123456789ABCDEFGHJKLMNPQRTUWXY" if c != code[-1])
    return code[:-1] + wrong


@pytest.mark.parametrize(
    ("transform", "message"),
    [
        (_bad_check_digit, "The check digit of this unified social credit code is wrong; please check the code."),
        (lambda code: code[:17], "A unified social credit code has 18 characters."),
        (lambda code: code + "1", "A unified social credit code has 18 characters."),
    ],
    ids=["bad-check-digit", "too-short", "too-long"],
)
def test_enterprise_form_refuses_bad_uscc_with_a_specific_message(tree, transform, message):
    form = EnterpriseForm(_enterprise_data(tree, uscc=transform(make_uscc(random.Random(7)))), user=tree.town1_cadre)
    assert not form.is_valid()
    assert gettext(message) in " ".join(form.errors["uscc"])


def test_good_uscc_is_accepted_and_lowercase_is_normalised(tree):
    code = make_uscc(random.Random(11))
    assert stdnum_uscc.is_valid(code)
    form = EnterpriseForm(_enterprise_data(tree, uscc=f" {code.lower()} "), user=tree.town1_cadre)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["uscc"] == code


def test_uscc_error_is_shown_inline_and_accessible(tree, client):
    client.force_login(tree.town1_cadre)
    bad = _bad_check_digit(make_uscc(random.Random(3)))
    response = client.post(reverse("orgs:enterprise_create"), _enterprise_data(tree, uscc=bad))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="id_uscc_error"' in html
    assert 'aria-describedby="id_uscc_helptext id_uscc_error"' in html
    assert 'aria-invalid="true"' in html
    assert not Enterprise.objects.filter(name="新登记企业有限公司").exists()


def test_duplicate_uscc_is_refused_on_the_field(tree):
    form = EnterpriseForm(_enterprise_data(tree, uscc=tree.enterprise2.uscc), user=tree.district_staff)
    assert not form.is_valid()
    assert gettext("This unified social credit code is already registered.") in " ".join(form.errors["uscc"])


def test_create_enterprise_through_the_page(tree, client):
    client.force_login(tree.town1_cadre)
    code = make_uscc(random.Random(21))
    response = client.post(reverse("orgs:enterprise_create"),
                           _enterprise_data(tree, uscc=code.lower(), union=str(tree.union1.pk)))
    enterprise = Enterprise.objects.get(uscc=code)
    assert response.status_code == 302 and response["Location"] == reverse("orgs:enterprise_detail",
                                                                            args=[enterprise.pk])
    assert enterprise.union == tree.union1 and enterprise.town == tree.town1


def test_union_chair_must_choose_their_union(tree):
    form = EnterpriseForm(_enterprise_data(tree), user=tree.union1_chair)
    assert not form.is_valid()
    assert "union" in form.errors
    form = EnterpriseForm(_enterprise_data(tree, union=str(tree.union1.pk)), user=tree.union1_chair)
    assert form.is_valid(), form.errors


def test_union_must_lie_in_the_town(tree):
    form = EnterpriseForm(_enterprise_data(tree, union=str(tree.union2.pk)), user=tree.district_staff)
    assert not form.is_valid()
    assert gettext("The union %(union)s is not in %(town)s.") % {"union": tree.union2, "town": tree.town1} \
        in " ".join(form.errors["union"])


def test_enterprise_union_options_follow_the_town(tree, client, hx):
    client.force_login(tree.town1_cadre)
    html = client.get(reverse("orgs:enterprise_union_options"), {"town": tree.town1.pk}, **hx).content.decode()
    assert tree.union1.name in html and tree.union1b.name in html and tree.union2.name not in html
    # Another town's id gives no unions of that town (scope first, then the filter).
    html = client.get(reverse("orgs:enterprise_union_options"), {"town": tree.town2.pk}, **hx).content.decode()
    assert tree.union2.name not in html


# --- level rules -------------------------------------------------------------------------------

def test_org_form_offers_only_the_levels_allowed_under_the_parent(tree):
    levels = {value for value, _label in OrgForm(parent=tree.town1).fields["level"].choices}
    assert levels == {OrgLevel.INDUSTRY, OrgLevel.GRASSROOTS}
    levels = {value for value, _label in OrgForm(parent=tree.union1).fields["level"].choices}
    assert levels == {OrgLevel.GROUP}


@pytest.mark.parametrize(
    ("parent", "level", "code"),
    [
        ("town1", OrgLevel.TOWN, "level_not_allowed"),
        ("union1", OrgLevel.GRASSROOTS, "level_not_allowed"),
        ("district", OrgLevel.GROUP, "level_not_allowed"),
    ],
)
def test_create_org_refuses_levels_the_parent_cannot_hold(tree, parent, level, code):
    with pytest.raises(DomainError) as err:
        services.create_org(actor=tree.district_staff, parent=getattr(tree, parent), name="新单位", level=level,
                            code="NEW1")
    assert err.value.code == code and err.value.field == "level"
    assert not Org.objects.filter(code="NEW1").exists()


def test_grassroots_union_needs_a_kind_and_others_must_not_have_one(tree):
    form = OrgForm({"name": "新工会", "level": OrgLevel.GRASSROOTS, "code": "N1", "union_kind": ""},
                   parent=tree.town1)
    assert not form.is_valid() and "union_kind" in form.errors
    form = OrgForm({"name": "新行业工会", "level": OrgLevel.INDUSTRY, "code": "N2",
                    "union_kind": UnionKind.ENTERPRISE}, parent=tree.town1)
    assert not form.is_valid() and "union_kind" in form.errors
    form = OrgForm({"name": "新工会", "level": OrgLevel.GRASSROOTS, "code": "N3",
                    "union_kind": UnionKind.JOINT}, parent=tree.town1)
    assert form.is_valid(), form.errors


def test_code_must_be_unique(tree):
    form = OrgForm({"name": "新工会", "level": OrgLevel.GRASSROOTS, "code": "U2",
                    "union_kind": UnionKind.ENTERPRISE}, parent=tree.town1)
    assert not form.is_valid()
    assert gettext("Code %(code)s is already used by another organisation.") % {"code": "U2"} \
        in " ".join(form.errors["code"])
    # Editing keeps one's own code.
    form = OrgForm({"name": "甲企业工会（改）", "level": OrgLevel.GRASSROOTS, "code": "U1",
                    "union_kind": UnionKind.ENTERPRISE, "is_active": "on"}, instance=tree.union1)
    assert form.is_valid(), form.errors


def test_create_child_through_the_page_is_audited(tree, client):
    client.force_login(tree.town1_cadre)
    response = client.post(reverse("orgs:create_child", args=[tree.town1.pk]), {
        "name": "丁企业工会", "level": OrgLevel.GRASSROOTS, "union_kind": UnionKind.ENTERPRISE, "code": "U1C"})
    node = Org.objects.get(code="U1C")
    assert response.status_code == 302 and response["Location"] == reverse("orgs:detail", args=[node.pk])
    assert node.get_parent() == tree.town1
    from gonghui.core.models import AuditEvent

    event = AuditEvent.objects.get(action="orgs.org.create", object_id=str(node.pk))
    assert event.actor == tree.town1_cadre and event.after["name"] == "丁企业工会"


def test_service_refusal_lands_on_the_level_field(tree, client):
    """A level change that would orphan sub-units: the service refuses, the form shows it on `level`."""
    client.force_login(tree.district_staff)
    response = client.post(reverse("orgs:edit", args=[tree.town1.pk]), {
        "name": tree.town1.name, "level": OrgLevel.PLATFORM, "code": "T1", "is_active": "on"})
    assert response.status_code == 302  # a platform may hold grassroots unions
    group = services.create_org(actor=tree.district_staff, parent=tree.union1, name="一组", level=OrgLevel.GROUP,
                                code="G1")
    assert group.level == OrgLevel.GROUP
    industry = services.create_org(actor=tree.district_staff, parent=tree.town2, name="物流行业工会",
                                   level=OrgLevel.INDUSTRY, code="I2")
    services.create_org(actor=tree.district_staff, parent=industry, name="物流甲工会", level=OrgLevel.GRASSROOTS,
                        code="I2U", union_kind=UnionKind.ENTERPRISE)
    response = client.post(reverse("orgs:edit", args=[industry.pk]), {
        "name": industry.name, "level": OrgLevel.GRASSROOTS, "union_kind": UnionKind.JOINT, "code": "I2",
        "is_active": "on"})
    assert response.status_code == 200
    form = response.context["form"]
    with translation.override(settings.LANGUAGE_CODE):  # the language the request was served in
        orphans = gettext("A %(level)s cannot hold its current sub-units (%(children)s); move them first.") % {
            "level": OrgLevel.GRASSROOTS.label, "children": OrgLevel.GRASSROOTS.label}
    assert "level" in form.errors and orphans in " ".join(form.errors["level"])
    assert Org.objects.get(pk=industry.pk).level == OrgLevel.INDUSTRY


def test_union_chair_gets_their_town_and_union_preselected(tree):
    form = EnterpriseForm(user=tree.union1_chair)
    assert form.initial["town"] == tree.town1.pk and form.initial["union"] == tree.union1.pk
    form = EnterpriseForm(user=tree.town1_cadre)
    assert form.initial["town"] == tree.town1.pk and "union" not in form.initial
