"""Forms of the `joins` area. They collect and shape input; the rules live in services.joins
(shared with the API).

The member's forms work without JavaScript: the enterprise is found with a "find" button that
posts the form back with the matches as choices (everything typed is kept), and the town or
the receiving union is asked for only when the enterprise needs it.
"""

from urllib.parse import urlencode

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gonghui.core.forms import FastSelect
from gonghui.core.regions import PROVINCE_CHOICES
from gonghui.members.forms import DateInput, StyledFormMixin, org_label, set_model_options
from gonghui.orgs.models import Org, OrgLevel

from ..models.joins import JoinRoute, JoinStatus
from ..policies.joins import VIEW

MIGRANT_CHOICES = [("", _("Decide from my hometown province")), ("yes", _("Yes")), ("no", _("No"))]
NOT_LISTED = "none"  # the worker's enterprise is not among the matches


def mark_invalid(form):
    """`is-invalid` on the fields a service refused after the form's own checks passed."""
    for name in form.errors:
        if name in form.fields:
            widget = form.fields[name].widget
            if "is-invalid" not in widget.attrs.get("class", ""):
                widget.attrs["class"] = f"{widget.attrs.get('class', '')} is-invalid".strip()


def enterprise_choice_label(enterprise):
    return f"{enterprise.name}（{enterprise.town.name}）"


class WorkplaceMixin:
    """The enterprise part of the member's forms: a name to find, the matches to pick from, and
    the town for an enterprise that is not registered."""

    def setup_workplace(self, *, matches, towns):
        # "Not in the list" is always accepted (the radios are shown only when there are matches).
        choices = [(str(e.pk), enterprise_choice_label(e)) for e in matches]
        choices.append((NOT_LISTED, _("My enterprise is not in this list")))
        self.fields["enterprise"].choices = choices
        self.fields["enterprise"].widget.attrs["class"] = "form-check-input"  # radios, not a text box
        self.fields["town"].queryset = Org.objects.filter(pk__in=[t.pk for t in towns])
        set_model_options(self.fields["town"], towns, label=lambda o: o.name,
                          empty_label=self.fields["town"].empty_label)
        self.matches = matches

    def picked_enterprise_id(self):
        value = self.cleaned_data.get("enterprise") or ""
        return int(value) if value.isdigit() else None


class JoinForm(WorkplaceMixin, StyledFormMixin, forms.Form):
    name = forms.CharField(label=_("Real name"), max_length=64,
                           error_messages={"required": _("Give your name as on your ID card.")})
    id_number = forms.CharField(label=_("ID card number"), max_length=18, min_length=18,
                                widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "text",
                                                              "autocapitalize": "characters"}),
                                help_text=_("18 characters. Your date of birth and gender are read from it."),
                                error_messages={"required": _("Give your ID card number."),
                                                "min_length": _("An ID card number has 18 characters.")})
    phone = forms.CharField(label=_("Mobile"), max_length=20, required=False,
                            widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}))
    enterprise_name = forms.CharField(label=_("The enterprise you work at"), max_length=200, required=False,
                                      help_text=_("Type part of its name and press “Find my enterprise”."))
    enterprise = forms.ChoiceField(label=_("Pick your enterprise"), required=False, widget=forms.RadioSelect)
    town = forms.ModelChoiceField(label=_("Town, sub-district or platform of the enterprise"), required=False,
                                  queryset=Org.objects.none(), empty_label=_("Only if it is not in the list"))
    hometown_province = forms.ChoiceField(label=_("Hometown province"), required=False,
                                          choices=[("", _("As on my ID card"))] + PROVINCE_CHOICES)
    is_migrant = forms.ChoiceField(label=_("Migrant worker (外来务工)"), required=False, choices=MIGRANT_CHOICES)
    consent = forms.BooleanField(label=_("I accept the Constitution of the Chinese Trade Unions and apply to join "
                                         "of my own free will."), required=False)

    def __init__(self, *args, matches=(), towns=(), phone_masked="", **kwargs):
        super().__init__(*args, **kwargs)
        self.setup_workplace(matches=list(matches), towns=list(towns))
        self.phone_masked = phone_masked
        if phone_masked:  # the login's own verified mobile is used
            del self.fields["phone"]

    def migrant_value(self):
        return {"yes": True, "no": False}.get(self.cleaned_data.get("is_migrant") or "")


class TransferForm(WorkplaceMixin, StyledFormMixin, forms.Form):
    enterprise_name = forms.CharField(label=_("Your new enterprise"), max_length=200, required=False,
                                      help_text=_("Type part of its name and press “Find my enterprise”."))
    enterprise = forms.ChoiceField(label=_("Pick your new enterprise"), required=False, widget=forms.RadioSelect)
    town = forms.ModelChoiceField(label=_("Town, sub-district or platform of the enterprise"), required=False,
                                  queryset=Org.objects.none(), empty_label=_("Only if it is not in the list"))
    union = forms.ModelChoiceField(label=_("The union that receives you"), required=False,
                                   queryset=Org.objects.none(), empty_label="—",
                                   help_text=_("Your new enterprise has no union of its own: choose the town's "
                                               "joint union."))
    effective_on = forms.DateField(label=_("Working at the new enterprise since"), required=False, widget=DateInput,
                                   help_text=_("Leave empty for today."))
    reason = forms.CharField(label=_("Reason (optional)"), max_length=150, required=False)

    def __init__(self, *args, matches=(), towns=(), unions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.setup_workplace(matches=list(matches), towns=list(towns))
        unions = list(unions)
        self.fields["union"].queryset = Org.objects.filter(pk__in=[u.pk for u in unions])
        set_model_options(self.fields["union"], unions, label=lambda o: o.name, empty_label="—")
        if not unions:
            del self.fields["union"]


class WithdrawForm(forms.Form):
    pass


# --- the cadres' pages ------------------------------------------------------------------------------

YES = [("", _("Any")), ("1", _("Yes"))]


class JoinFilterForm(StyledFormMixin, forms.Form):
    """Filters of the list, its export and the dashboard's link (GET)."""

    q = forms.CharField(label=_("Worker's name starts with"), required=False, max_length=32,
                        widget=forms.TextInput(attrs={"type": "search"}))
    status = forms.ChoiceField(label=pgettext_lazy("join filter", "Status"), required=False,
                               choices=[("", _("All statuses"))] + JoinStatus.choices)
    org = forms.ModelChoiceField(label=_("Town or union"), required=False, queryset=Org.objects.none(),
                                 empty_label=_("All my organisations"), widget=FastSelect)
    town = forms.ModelChoiceField(label=pgettext_lazy("join filter", "Town"), required=False,
                                  queryset=Org.objects.none(), empty_label=_("All towns"), widget=FastSelect)
    route = forms.ChoiceField(label=pgettext_lazy("join request", "Decided by"), required=False,
                              choices=[("", _("Any"))] + JoinRoute.choices)
    submitted_from = forms.DateField(label=_("Sent from"), required=False, widget=DateInput)
    submitted_to = forms.DateField(label=_("Sent until"), required=False, widget=DateInput)
    overdue = forms.ChoiceField(label=_("Overdue"), required=False, choices=YES)

    def __init__(self, data=None, *args, user, **kwargs):
        super().__init__(data, *args, **kwargs)
        visible = Org.objects.visible_to(user, VIEW)
        self.fields["org"].queryset = visible
        self.fields["town"].queryset = visible.filter(level__in=(OrgLevel.TOWN, OrgLevel.PLATFORM))

    def clean(self):
        data = super().clean()
        start, end = data.get("submitted_from"), data.get("submitted_to")
        if start and end and end < start:
            self.add_error("submitted_to", _("The end of the period is before its start."))
        return data

    def value(self, name, default=None):
        data = getattr(self, "cleaned_data", {})
        return data.get(name) if name in data and name not in self.errors else default

    def set_org_options(self, orgs, towns):
        base = min((o.depth for o in orgs), default=1)
        set_model_options(self.fields["org"], orgs, label=lambda o: org_label(o, base),
                          empty_label=self.fields["org"].empty_label)
        set_model_options(self.fields["town"], towns, label=lambda o: o.name,
                          empty_label=self.fields["town"].empty_label)

    def filters(self):
        from ..selectors.joins import JoinFilters

        v = self.value
        return JoinFilters(q=(v("q", "") or "").strip(), status=v("status", "") or "", org=v("org"), town=v("town"),
                           route=v("route", "") or "", submitted_from=v("submitted_from"),
                           submitted_to=v("submitted_to"), overdue=v("overdue") == "1")

    def query_string(self, **extra):
        params = {**self.filters().as_params(), **extra}
        return urlencode({k: v for k, v in params.items() if v not in ("", None)})


class ApproveForm(StyledFormMixin, forms.Form):
    union = forms.ModelChoiceField(label=_("Admit to the union"), required=False, queryset=Org.objects.none(),
                                   empty_label="—", widget=FastSelect)

    def __init__(self, *args, unions=(), **kwargs):
        super().__init__(*args, **kwargs)
        unions = list(unions)
        self.fields["union"].queryset = Org.objects.filter(pk__in=[u.pk for u in unions])
        set_model_options(self.fields["union"], unions, label=lambda o: o.name, empty_label="—")


class RejectForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(label=_("Reason (the worker reads it)"), max_length=400,
                             widget=forms.Textarea(attrs={"rows": 2}),
                             error_messages={"required": _("Say why the request is not approved.")})
