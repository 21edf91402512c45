"""Forms of the skills-contest pages. They collect and shape input; the rules live in
services.contests (shared with the API)."""

from urllib.parse import urlencode

from django import forms
from django.utils.translation import gettext_lazy as _

from gonghui.core.forms import FastSelect
from gonghui.members.forms import DateInput, StyledFormMixin, org_label, set_model_options
from gonghui.members.models import SkillLevel
from gonghui.orgs.models import Org

from ..models.contests import ContestLevel, ContestStatus, ContestTrade
from ..policies.contests import VIEW


class ContestFilterForm(StyledFormMixin, forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=60, widget=forms.TextInput(
        attrs={"type": "search", "placeholder": _("Contest, trade or organiser")}))
    org = forms.ModelChoiceField(label=_("Town or union"), required=False, queryset=Org.objects.none(),
                                 empty_label=_("All my organisations"), widget=FastSelect)
    year = forms.IntegerField(label=_("Year"), required=False, min_value=2000, max_value=2100)
    level = forms.ChoiceField(label=_("Level"), required=False, choices=[("", _("All levels"))] + ContestLevel.choices)
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("All statuses"))] + ContestStatus.choices)
    trade = forms.ModelChoiceField(label=_("Trade"), required=False, queryset=ContestTrade.objects.all(),
                                   empty_label=_("All trades"))
    regular = forms.BooleanField(label=_("Only the ten regular trades"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = Org.objects.visible_to(user, VIEW)

    def set_org_options(self, orgs):
        base = min((o.depth for o in orgs), default=1)
        set_model_options(self.fields["org"], orgs, label=lambda o: org_label(o, base),
                          empty_label=self.fields["org"].empty_label)

    def value(self, name, default=None):
        data = getattr(self, "cleaned_data", {})
        return data.get(name) if name in data and name not in self.errors else default

    def filters(self):
        from ..selectors.contests import ContestFilters

        return ContestFilters(q=(self.value("q", "") or "").strip(), org=self.value("org"), year=self.value("year"),
                              level=self.value("level", "") or "", status=self.value("status", "") or "",
                              trade=self.value("trade"), regular=bool(self.value("regular", False)))

    def query_string(self, **extra):
        f = self.filters()
        params = {"q": f.q, "org": f.org.pk if f.org else "", "year": f.year or "", "level": f.level,
                  "status": f.status, "trade": f.trade.pk if f.trade else "", "regular": "on" if f.regular else "",
                  **extra}
        return urlencode({k: v for k, v in params.items() if v not in ("", None)})


class ContestForm(StyledFormMixin, forms.Form):
    name = forms.CharField(label=_("Contest"), max_length=120)
    trade = forms.ModelChoiceField(label=_("Trade"), queryset=ContestTrade.objects.filter(is_active=True))
    held_on = forms.DateField(label=_("Contest day"), widget=DateInput)
    registration_closes_on = forms.DateField(label=_("Registration closes on"), widget=DateInput)
    venue = forms.CharField(label=_("Contest venue"), max_length=120, required=False)
    capacity = forms.IntegerField(label=_("Capacity"), min_value=1, max_value=10000)
    theory_weight = forms.IntegerField(label=_("Theory weight (%)"), min_value=0, max_value=100)
    practical_weight = forms.IntegerField(label=_("Practical weight (%)"), min_value=0, max_value=100,
                                          help_text=_("The two weights add up to 100."))
    min_age = forms.IntegerField(label=_("Minimum age"), min_value=16, max_value=70)
    max_age = forms.IntegerField(label=_("Maximum age"), min_value=16, max_value=70,
                                 help_text=_("Age on the contest day."))
    min_skill_level = forms.ChoiceField(label=_("Minimum skill grade"), choices=SkillLevel.choices)
    winners = forms.IntegerField(label=_("Ranks honoured"), min_value=0, max_value=100,
                                 help_text=_("These first ranks enter the honours registry when the results are "
                                             "published."))

    def data_input(self):
        from ..services.contests import ContestInput

        d = self.cleaned_data
        return ContestInput(name=d["name"], trade=d["trade"], held_on=d["held_on"],
                            registration_closes_on=d["registration_closes_on"], capacity=d["capacity"],
                            theory_weight=d["theory_weight"], practical_weight=d["practical_weight"],
                            min_age=d["min_age"], max_age=d["max_age"], min_skill_level=d["min_skill_level"],
                            winners=d["winners"], venue=d.get("venue") or "")


class OrganiserForm(StyledFormMixin, forms.Form):
    org = forms.ModelChoiceField(label=_("Organiser"), queryset=Org.objects.none(), widget=FastSelect)

    def __init__(self, *args, user, orgs, **kwargs):
        super().__init__(*args, **kwargs)
        from ..policies.contests import CHANGE

        self.fields["org"].queryset = Org.objects.visible_to(user, CHANGE)
        base = min((o.depth for o in orgs), default=1)
        set_model_options(self.fields["org"], orgs, label=lambda o: org_label(o, base))


class CancelForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(label=_("Reason for cancelling"), max_length=400)


class PublishForm(StyledFormMixin, forms.Form):
    published_on = forms.DateField(label=_("Results published on"), widget=DateInput)


class EmptyForm(forms.Form):
    pass


class WithdrawEntryForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=400, required=False)


class ScoresForm(StyledFormMixin, forms.Form):
    """A theory score, a practical score and "absent" per registered entry."""

    def __init__(self, *args, entries, **kwargs):
        super().__init__(*args, **kwargs)
        self.lines = []
        for e in entries:
            t = forms.DecimalField(label=_("Theory"), required=False, min_value=0, max_value=100, decimal_places=2,
                                   max_digits=5, initial=e.theory_score)
            p = forms.DecimalField(label=_("Practical"), required=False, min_value=0, max_value=100,
                                   decimal_places=2, max_digits=5, initial=e.practical_score)
            a = forms.BooleanField(label=_("Absent"), required=False, initial=e.absent)
            self.fields[f"t_{e.pk}"], self.fields[f"p_{e.pk}"], self.fields[f"a_{e.pk}"] = t, p, a
            self.lines.append(e)
        super_init_style(self)

    def rows(self):
        return [(e, self[f"t_{e.pk}"], self[f"p_{e.pk}"], self[f"a_{e.pk}"]) for e in self.lines]

    def scores(self):
        from ..services.contests import ScoreInput

        d = self.cleaned_data
        return {e.pk: ScoreInput(theory=d.get(f"t_{e.pk}"), practical=d.get(f"p_{e.pk}"),
                                 absent=bool(d.get(f"a_{e.pk}"))) for e in self.lines}


def super_init_style(form):
    """Bootstrap classes on fields added after StyledFormMixin ran."""
    for field in form.fields.values():
        w = field.widget
        if isinstance(w, forms.CheckboxInput):
            w.attrs.setdefault("class", "form-check-input")
        else:
            w.attrs.setdefault("class", "form-control form-control-sm")


class TradeForm(StyledFormMixin, forms.Form):
    code = forms.CharField(label=_("Code"), max_length=16)
    name = forms.CharField(label=_("Trade"), max_length=60)
    is_regular = forms.BooleanField(label=_("One of the ten regular trades"), required=False)
    is_active = forms.BooleanField(label=_("In use"), required=False, initial=True)
