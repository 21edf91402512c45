"""Forms of the org tree and the enterprise register. They check input; the services decide.

Domain refusals raised by a service (level rules, moves into one's own subtree, a USCC taken in
a race) come back on the right field through `gonghui.core.forms.run_service`.
"""

import copy

from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from gonghui.core.validators import normalise_uscc, validate_uscc

from . import selectors
from .models import ALLOWED_CHILDREN, Enterprise, Industry, Org, OrgLevel, UnionKind
from .policies import CHANGE, SET_TOP100


class BootstrapFormMixin:
    """Bootstrap classes on widgets and `is-invalid` on fields with errors. Django (5.2) itself
    adds `aria-invalid` and `aria-describedby="<id>_error"`, which `orgs/_field.html` matches."""

    def _style_widgets(self):
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, forms.Select):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                widget.attrs["class"] = f"{widget.attrs.get('class', '')} is-invalid".strip()


def _level_choices(levels):
    return [(value, label) for value, label in OrgLevel.choices if value in levels]


class OrgForm(BootstrapFormMixin, forms.ModelForm):
    """Create a child (give `parent`) or edit an org (give `instance`). Never saved directly: the
    view passes `cleaned_data` to `services.create_org` / `services.update_org`."""

    class Meta:
        model = Org
        fields = ("name", "short_name", "level", "union_kind", "code", "founded_on", "chair_name",
                  "legal_cert_no", "address", "is_active")
        widgets = {"founded_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}
        help_texts = {
            "union_kind": _("Only for grassroots unions."),
            "code": _("Unique across the district, e.g. the registration code."),
        }

    def __init__(self, *args, parent=None, instance=None, **kwargs):
        if instance is not None:
            instance = copy.copy(instance)  # the form writes into it while validating
            parent = instance.get_parent()
        super().__init__(*args, instance=instance, **kwargs)
        self.parent = parent
        levels = set(ALLOWED_CHILDREN.get(parent.level, set())) if parent is not None else set()
        if instance is not None and instance.pk:
            levels.add(instance.level)
        else:
            del self.fields["is_active"]
        self.fields["level"].choices = _level_choices(levels)
        if instance is None or not instance.pk:
            # Most new sub-units are grassroots unions; otherwise the only (or first) level.
            offered = [value for value, _label in self.fields["level"].choices]
            self.fields["level"].initial = OrgLevel.GRASSROOTS if OrgLevel.GRASSROOTS in offered else (
                offered[0] if offered else None)
            if self.fields["level"].initial == OrgLevel.GRASSROOTS:
                # ...and most grassroots unions are enterprise unions: the kind agrees with the level
                self.fields["union_kind"].initial = UnionKind.ENTERPRISE
        self.fields["union_kind"].choices = [("", _("— not a grassroots union —")), *UnionKind.choices]
        self._style_widgets()

    @property
    def allowed_levels(self):
        return self.fields["level"].choices

    def clean_code(self):
        code = self.cleaned_data["code"].strip()
        if Org.objects.filter(code=code).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(_("Code %(code)s is already used by another organisation."),
                                        code="code_taken", params={"code": code})
        return code

    def clean(self):
        data = super().clean()
        level, kind = data.get("level"), data.get("union_kind")
        if level == OrgLevel.GRASSROOTS and not kind:
            self.add_error("union_kind", _("Choose the kind of grassroots union."))
        elif level and level != OrgLevel.GRASSROOTS and kind:
            self.add_error("union_kind", _("Only a grassroots union has a union kind."))
        return data

    def service_fields(self):
        """Keyword arguments for the create/update service (only changed fields when editing)."""
        names = self.changed_data if self.instance.pk else list(self.cleaned_data)
        return {name: self.cleaned_data[name] for name in names if name in self.cleaned_data}


class OrgChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        indent = "\u3000" * max(obj.depth - 1, 0)
        return f"{indent}{obj.name} ({obj.get_level_display()})"


MOVE_OPTIONS_LIMIT = 500


class MoveOrgForm(BootstrapFormMixin, forms.Form):
    new_parent = OrgChoiceField(queryset=Org.objects.none(), label=_("New parent organisation"),
                                empty_label=_("— choose —"))
    confirm = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, user, org, **kwargs):
        super().__init__(*args, **kwargs)
        self.org = org
        field = self.fields["new_parent"]
        field.queryset = selectors.move_targets(user, org)
        # Validation accepts any target in scope; the select lists the first few hundred.
        options = list(field.queryset[:MOVE_OPTIONS_LIMIT])
        field.widget.choices = [("", field.empty_label)] + [(o.pk, field.label_from_instance(o)) for o in options]
        self.has_targets = bool(options)
        self._style_widgets()


class EnterpriseForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = Enterprise
        fields = ("name", "uscc", "industry", "headcount", "above_scale", "top100", "address", "town", "union")
        error_messages = {
            "uscc": {"unique": _("This unified social credit code is already registered.")},
        }
        help_texts = {
            "uscc": _("18 characters: digits and capital letters, with a check character at the end."),
            "union": _("Leave empty while the enterprise has no union."),
            "top100": _("The district's list of key enterprises (liaison points); set by the district federation."),
        }

    def __init__(self, *args, user, instance=None, **kwargs):
        if instance is not None:
            instance = copy.copy(instance)
        super().__init__(*args, instance=instance, **kwargs)
        self.user = user
        self.fields["uscc"].validators = []  # checked once, in clean_uscc, after normalising
        self.fields["uscc"].widget.attrs.update({"autocomplete": "off", "spellcheck": "false",
                                                 "class": "text-uppercase"})
        self.fields["industry"].choices = [("", _("— choose —")), *Industry.choices]
        if not user.can(SET_TOP100):  # the district's list: shown, not editable, below the district
            self.fields["top100"].disabled = True
        town = self.fields["town"]
        town.queryset = selectors.enterprise_towns(user)
        town.empty_label = _("— choose —")
        town.widget.attrs.update({"hx-get": reverse("orgs:enterprise_union_options"), "hx-target": "#id_union",
                                  "hx-swap": "innerHTML", "hx-trigger": "change"})
        union = self.fields["union"]
        union.queryset = selectors.enterprise_unions(user)
        union.empty_label = _("— no union yet —")
        if not self.is_bound and instance is None:
            self._preselect_single_choices(user)
        if not self.is_bound and self.initial.get("union") and not self.initial.get("town"):
            chosen = union.queryset.filter(pk=self.initial["union"]).first()
            above = chosen.town() if chosen is not None else None
            if above is not None:
                self.initial["town"] = above.pk
        # The select lists the unions of the chosen town (htmx reloads them when the town
        # changes); validation accepts any union the user may use.
        town_id = self._town_value()
        current = instance.union if instance is not None and instance.union_id else None
        options = selectors.enterprise_union_options(user, town_id, current=current)
        union.widget.choices = [("", union.empty_label)] + [(o.pk, o.name) for o in options]
        self._style_widgets()

    def _preselect_single_choices(self, user):
        """A union chair has one town and one union to choose from: choose them already."""
        towns = list(self.fields["town"].queryset[:2])
        if len(towns) == 1 and not self.initial.get("town"):
            self.initial["town"] = towns[0].pk
            if not user.can(CHANGE, towns[0]) and not self.initial.get("union"):
                unions = list(self.fields["union"].queryset.filter(is_active=True)[:2])
                if len(unions) == 1:
                    self.initial["union"] = unions[0].pk

    def _town_value(self):
        name = self.add_prefix("town")
        if self.is_bound:
            value = self.data.get(name)
        else:
            value = self.initial.get("town") or (self.instance.town_id if self.instance.pk else None)
        value = getattr(value, "pk", value)
        try:
            return int(value) if value else None
        except (TypeError, ValueError):
            return None

    def clean_uscc(self):
        value = normalise_uscc(self.cleaned_data.get("uscc", ""))
        validate_uscc(value)
        return value

    def clean(self):
        data = super().clean()
        town, union = data.get("town"), data.get("union")
        if town is not None and union is None and not self.user.can(CHANGE, town):
            self.add_error("union", _("You may register enterprises only for the unions you manage: "
                                      "choose the union."))
        if town is not None and union is not None and not union.path.startswith(town.path):
            self.add_error("union", _("The union %(union)s is not in %(town)s.") % {"union": union, "town": town})
        return data

    def service_fields(self):
        names = self.changed_data if self.instance.pk else list(self.cleaned_data)
        return {name: self.cleaned_data[name] for name in names if name in self.cleaned_data}


YES_NO_ANY = [("", _("Any")), ("yes", _("Yes")), ("no", _("No"))]
MATCH_CHOICES = [("prefix", _("Name starts with")), ("contains", _("Name contains"))]


class EnterpriseFilterForm(BootstrapFormMixin, forms.Form):
    """The list's filters. Invalid values are reported and ignored; the town is an id that the
    view resolves within the user's scope (hidden or missing: 404)."""

    q = forms.CharField(label=_("Name or USCC"), required=False, max_length=100)
    match = forms.ChoiceField(label=_("Match"), choices=MATCH_CHOICES, required=False)
    town = forms.IntegerField(label=_("Town"), required=False, min_value=1, widget=forms.Select)
    industry = forms.ChoiceField(label=_("Industry"), required=False,
                                 choices=[("", _("All industries")), *Industry.choices])
    above_scale = forms.ChoiceField(label=_("Above designated size"), required=False, choices=YES_NO_ANY)
    has_union = forms.ChoiceField(label=_("Has a union"), required=False, choices=YES_NO_ANY)
    top100 = forms.ChoiceField(label=_("District top-100"), required=False, choices=YES_NO_ANY)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        towns = list(selectors.visible_orgs(user).filter(level__in=selectors.TOWN_LEVELS).order_by("path"))
        self.fields["town"].widget.choices = [("", _("All towns"))] + [(t.pk, t.name) for t in towns]
        self.show_town = bool(towns)
        self._style_widgets()

    def filters(self):
        """(town id or None, keyword filters for `selectors.search_enterprises`)."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})

        def yes_no(name):
            return {"yes": True, "no": False}.get(data.get(name) or "")

        return data.get("town"), {
            "q": data.get("q") or "",
            "match": data.get("match") or "",
            "industry": data.get("industry") or "",
            "above_scale": yes_no("above_scale"),
            "has_union": yes_no("has_union"),
            "top100": yes_no("top100"),
        }
