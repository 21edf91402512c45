"""FastSelect renders the same options, selection and attributes as Django's Select."""

import re

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
