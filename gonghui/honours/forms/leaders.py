"""Forms of the skill-leader pages. They collect and shape input; the rules live in
services.leaders (shared with the API)."""

import datetime
from urllib.parse import urlencode

from django import forms
from django.utils.translation import gettext_lazy as _

from gonghui.core.forms import FastSelect
from gonghui.members.forms import DateInput, StyledFormMixin, org_label, set_model_options
from gonghui.orgs.models import Industry, Org

from ..models.leaders import LeaderEndKind, LeaderStatus
from ..policies.leaders import VIEW


class _FilterMixin:
    def value(self, name, default=None):
        data = getattr(self, "cleaned_data", {})
        return data.get(name) if name in data and name not in self.errors else default

    def set_org_options(self, orgs):
        base = min((o.depth for o in orgs), default=1)
        set_model_options(self.fields["org"], orgs, label=lambda o: org_label(o, base),
                          empty_label=self.fields["org"].empty_label)


class LeaderFilterForm(_FilterMixin, StyledFormMixin, forms.Form):
    """Filters of the leaders list and its export (GET: nothing personal in them)."""

    q = forms.CharField(label=_("Search"), required=False, max_length=60,
                        widget=forms.TextInput(attrs={"type": "search",
                                                      "placeholder": _("Name, trade or union")}))
    org = forms.ModelChoiceField(label=_("Town or union"), required=False, queryset=Org.objects.none(),
                                 empty_label=_("All my organisations"), widget=FastSelect)
    year = forms.IntegerField(label=_("Year"), required=False, min_value=2000, max_value=2100)
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("All statuses"))] + LeaderStatus.choices)
    industry = forms.ChoiceField(label=_("Industry"), required=False,
                                 choices=[("", _("All industries"))] + Industry.choices)
    trade = forms.CharField(label=_("Trade"), required=False, max_length=60)
    holding = forms.BooleanField(label=_("Title held today"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = Org.objects.visible_to(user, VIEW)

    def filters(self):
        from ..selectors.leaders import LeaderFilters

        return LeaderFilters(q=(self.value("q", "") or "").strip(), org=self.value("org"), year=self.value("year"),
                             status=self.value("status", "") or "", industry=self.value("industry", "") or "",
                             trade=(self.value("trade", "") or "").strip(), holding=bool(self.value("holding")))

    def query_string(self, **extra):
        f = self.filters()
        params = {"q": f.q, "org": f.org.pk if f.org else "", "year": f.year or "", "status": f.status,
                  "industry": f.industry, "trade": f.trade, "holding": "1" if f.holding else "", **extra}
        return urlencode({k: v for k, v in params.items() if v not in ("", None)})


class MonthField(forms.DateField):
    """A month as YYYY-MM (an <input type="month">), cleaned to its first day."""

    widget = forms.DateInput(attrs={"type": "month"}, format="%Y-%m")
    input_formats = ["%Y-%m", "%Y-%m-%d"]

    def to_python(self, value):
        day = super().to_python(value)
        return day.replace(day=1) if isinstance(day, datetime.date) else day


class AllowanceFilterForm(_FilterMixin, StyledFormMixin, forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=60,
                        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Name or union")}))
    org = forms.ModelChoiceField(label=_("Town or union"), required=False, queryset=Org.objects.none(),
                                 empty_label=_("All my organisations"), widget=FastSelect)
    year = forms.IntegerField(label=_("Year"), required=False, min_value=2000, max_value=2100)
    month = MonthField(label=_("Month"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = Org.objects.visible_to(user, VIEW)

    def filters(self):
        from ..selectors.leaders import AllowanceFilters

        return AllowanceFilters(q=(self.value("q", "") or "").strip(), org=self.value("org"),
                                year=self.value("year"), month=self.value("month"))

    def query_string(self, **extra):
        f = self.filters()
        params = {"q": f.q, "org": f.org.pk if f.org else "", "year": f.year or "",
                  "month": f.month.strftime("%Y-%m") if f.month else "", **extra}
        return urlencode({k: v for k, v in params.items() if v not in ("", None)})


class NominateForm(StyledFormMixin, forms.Form):
    person = forms.ModelChoiceField(label=_("Worker"), queryset=None, widget=FastSelect,
                                    error_messages={"invalid_choice": _("Choose a live member of the union.")})
    year = forms.IntegerField(label=_("Selection year"), min_value=2000, max_value=2100)
    trade = forms.CharField(label=_("Trade"), max_length=60, help_text=_("e.g. CNC lathe operator, electrician"))
    industry = forms.ChoiceField(label=_("Industry"), choices=Industry.choices)
    achievements = forms.CharField(label=_("Achievements"), required=False, max_length=2000,
                                   widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = members
        set_model_options(self.fields["person"], members[:200],
                          label=lambda p: f"{p.name}（{p.id_number_masked}）", empty_label="—")


class SelectForm(StyledFormMixin, forms.Form):
    selected_on = forms.DateField(label=_("Selected on"), widget=DateInput)
    starts_on = forms.DateField(label=_("Title held from"), required=False, widget=DateInput,
                                help_text=_("Default: the day of selection."))
    note = forms.CharField(label=_("Note"), required=False, max_length=400)


class DeclineForm(StyledFormMixin, forms.Form):
    decided_on = forms.DateField(label=_("Decided on"), widget=DateInput)
    reason = forms.CharField(label=_("Reason"), max_length=400)


class WithdrawForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(label=_("Reason"), required=False, max_length=400)


class EndForm(StyledFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("How the title ended"), choices=LeaderEndKind.choices)
    last_day = forms.DateField(label=_("Last day the title is held"), widget=DateInput,
                               help_text=_("The allowance is paid for a month when the title is held on its first "
                                           "day."))
    reason = forms.CharField(label=_("Reason"), max_length=400)


class RunForm(StyledFormMixin, forms.Form):
    month = MonthField(label=_("Month to pay"))
