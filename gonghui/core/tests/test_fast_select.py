"""FastSelect renders the same options, selection and attributes as Django's Select."""

import re

import pytest
from django import forms

from gonghui.core.forms import FastSelect

CHOICES = [("", "— 全部 —"), ("1", "甲 & 乙 <工会>"), ("2", "丙"), ("Group", [("3", "丁"), ("4", "戊")])]


def options(html):
    return re.findall(r'<option value="([^"]*)"( selected)?>([^<]*)</option>', html)


def test_same_markup_content_as_django_select():
    for value in ("", "2", "4", None):
        ours = FastSelect(attrs={"class": "form-select", "data-autosubmit": ""}, choices=CHOICES)
        django = forms.Select(attrs={"class": "form-select", "data-autosubmit": ""}, choices=CHOICES)
        html, expected = ours.render("org", value, {"id": "id_org"}), django.render("org", value, {"id": "id_org"})
        assert options(html) == options(expected)
        assert html.startswith('<select name="org" class="form-select" data-autosubmit="" id="id_org">')
        assert '<optgroup label="Group">' in html and html.endswith("</select>")
        assert "甲 &amp; 乙 &lt;工会&gt;" in html  # labels are escaped


def test_member_filter_uses_it(tree):
    from gonghui.members.forms import MemberSearchForm

    form = MemberSearchForm(user=tree.town1_cadre)
    assert isinstance(form.fields["org"].widget, FastSelect)


def test_audit_filter_menus_use_it_with_the_same_options(tree):
    # ≈540 actions and ≈160 record types: through Django's option template they cost ≈100 ms a page.
    from gonghui.core.forms import AuditFilterForm

    form = AuditFilterForm({"action": "orgs.", "object_type": "orgs.Org", "org": str(tree.town1.pk)},
                           orgs=[tree.district, tree.town1])
    for name in ("action", "object_type", "org"):
        field = form.fields[name]
        assert isinstance(field.widget, FastSelect)
        value = form[name].value()
        expected = options(forms.Select(choices=field.choices).render(name, value))
        assert options(field.widget.render(name, value)) == expected
        assert [option for option in expected if option[1]], name  # the chosen value stays selected


def test_audit_menus_are_built_once_per_language(monkeypatch):
    from django.utils import translation

    from gonghui.core import forms as core_forms

    monkeypatch.setattr(core_forms, "_AUDIT_MENUS", {})
    with translation.override("zh-hans"):
        built = core_forms.AuditFilterForm().fields["action"].choices
    monkeypatch.setattr(core_forms, "action_choices", lambda: pytest.fail("built again"))
    with translation.override("zh-hans"):
        assert core_forms.AuditFilterForm().fields["action"].choices == built
    monkeypatch.setattr(core_forms, "action_choices", lambda: [("Orgs", [("orgs.", "All")])])
    with translation.override("en"):  # another language has its own menus
        assert core_forms.AuditFilterForm().fields["action"].choices[1][0] == "Orgs"
