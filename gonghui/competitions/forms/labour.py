"""Forms of the labour competition pages. They collect and shape input; the rules live in
services.labour (shared with the API)."""

import re
from decimal import Decimal
from urllib.parse import urlencode

from django import forms
from django.utils.translation import gettext_lazy as _

from gonghui.core.forms import FastSelect
from gonghui.core.uploads import DocumentField
from gonghui.members.forms import DateInput, StyledFormMixin, org_label, set_model_options
from gonghui.members.models import Person
from gonghui.orgs.models import Org

from ..models.labour import CompetitionAwardKind, CompetitionStatus, RoundPeriod, TeamKind
from ..policies.labour import VIEW


class CompetitionFilterForm(StyledFormMixin, forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=60,
                        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Competition or organiser")}))
    org = forms.ModelChoiceField(label=_("Town or union"), required=False, queryset=Org.objects.none(),
                                 empty_label=_("All my organisations"), widget=FastSelect)
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("All statuses"))] + CompetitionStatus.choices)
    year = forms.IntegerField(label=_("Year"), required=False, min_value=2000, max_value=2100)
    period = forms.ChoiceField(label=_("Scored"), required=False, choices=[("", _("Any"))] + RoundPeriod.choices)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = Org.objects.visible_to(user, VIEW)

    def value(self, name, default=None):
        data = getattr(self, "cleaned_data", {})
        return data.get(name) if name in data and name not in self.errors else default

    def set_org_options(self, orgs):
        base = min((o.depth for o in orgs), default=1)
        set_model_options(self.fields["org"], orgs, label=lambda o: org_label(o, base),
                          empty_label=self.fields["org"].empty_label)

    def filters(self):
        from ..selectors.labour import CompetitionFilters

        return CompetitionFilters(q=(self.value("q", "") or "").strip(), org=self.value("org"),
                                  status=self.value("status", "") or "", year=self.value("year"),
                                  period=self.value("period", "") or "")

    def query_string(self, **extra):
        f = self.filters()
        params = {"q": f.q, "org": f.org.pk if f.org else "", "status": f.status, "year": f.year or "",
                  "period": f.period, **extra}
        return urlencode({k: v for k, v in params.items() if v not in ("", None)})


class CompetitionForm(StyledFormMixin, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    starts_on = forms.DateField(label=_("Starts on"), widget=DateInput)
    ends_on = forms.DateField(label=_("Ends on"), widget=DateInput)
    period = forms.ChoiceField(label=_("Scored"), choices=RoundPeriod.choices)
    description = forms.CharField(label=_("Description"), required=False, max_length=4000,
                                  widget=forms.Textarea(attrs={"rows": 3}))


class CreateForm(CompetitionForm):
    org = forms.ModelChoiceField(label=_("Organiser"), queryset=Org.objects.none(), widget=FastSelect)
    field_order = ["org"]

    def __init__(self, *args, orgs, queryset, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = queryset
        base = min((o.depth for o in orgs), default=1)
        set_model_options(self.fields["org"], orgs, label=lambda o: org_label(o, base))


class CriteriaForm(StyledFormMixin, forms.Form):
    """Rows of code, name and weight (%); empty rows are ignored. The weights must sum to 100."""

    def __init__(self, *args, criteria=(), extra=2, **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = []
        count = max(len(criteria) + extra, 5)
        for n in range(count):
            c = criteria[n] if n < len(criteria) else None
            self.fields[f"code_{n}"] = forms.CharField(label=_("Code"), required=False, max_length=32,
                                                       initial=c.code if c else "")
            self.fields[f"name_{n}"] = forms.CharField(label=_("Criterion"), required=False, max_length=60,
                                                       initial=c.name if c else "")
            self.fields[f"weight_{n}"] = forms.DecimalField(label=_("Weight (%)"), required=False, min_value=0,
                                                            max_value=100, decimal_places=2, max_digits=5,
                                                            initial=c.weight if c else None)
            self.rows.append((self[f"code_{n}"], self[f"name_{n}"], self[f"weight_{n}"]))
        self.count = count

    def criteria(self):
        from ..services.labour import CriterionInput

        out = []
        for n in range(self.count):
            code, name, weight = (self.cleaned_data.get(f"{k}_{n}") for k in ("code", "name", "weight"))
            if not code and not name and weight in (None, ""):
                continue
            out.append(CriterionInput(code=code or "", name=name or "", weight=weight if weight is not None else ""))
        return out

    def total(self):
        data = getattr(self, "cleaned_data", None) or {}
        return sum((data.get(f"weight_{n}") or Decimal(0) for n in range(self.count)), Decimal(0))


class TeamForm(StyledFormMixin, forms.Form):
    org = forms.ModelChoiceField(label=_("Union"), queryset=Org.objects.none(), widget=FastSelect)
    name = forms.CharField(label=_("Team"), max_length=120)
    kind = forms.ChoiceField(label=_("Kind"), choices=TeamKind.choices)
    leader = forms.CharField(label=_("Team leader"), required=False, max_length=64)

    def __init__(self, *args, competition, orgs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = Org.objects.filter(path__startswith=competition.org.path)
        base = min((o.depth for o in orgs), default=1)
        set_model_options(self.fields["org"], orgs, label=lambda o: org_label(o, base))


def split_names(text):
    return [n.strip() for n in re.split(r"[\n,，、;；]+", text or "") if n.strip()]


class RoundForm(StyledFormMixin, forms.Form):
    label = forms.CharField(label=_("Scoring period"), max_length=60, help_text=_("e.g. 2026年3月 or 2026年第一季度"))
    period_starts_on = forms.DateField(label=_("Period starts on"), widget=DateInput)
    period_ends_on = forms.DateField(label=_("Period ends on"), widget=DateInput)
    judges = forms.CharField(label=_("Judges"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2}),
                             help_text=_("Their names, separated by commas or one per line."))

    def judge_names(self):
        return split_names(self.cleaned_data.get("judges"))


class ScoreForm(StyledFormMixin, forms.Form):
    """One judge's scores: a 0–100 box per team and criterion; empty boxes are left as they are.
    `grid` is [(team, [(criterion, bound field)])]: on a phone each box is labelled by its
    criterion alone (the team heads the row)."""

    judge = forms.ChoiceField(label=_("Judge"))

    def __init__(self, *args, round, teams, criteria, existing=None, **kwargs):  # noqa: A002
        super().__init__(*args, **kwargs)
        self.fields["judge"].choices = [(j, j) for j in round.judges]
        self.grid = []
        existing = existing or {}
        for t in teams:
            cells = []
            for c in criteria:
                name = f"s_{t.pk}_{c.pk}"
                self.fields[name] = forms.DecimalField(
                    label=f"{t.name} · {c.name}", required=False, min_value=0, max_value=100, decimal_places=2,
                    max_digits=5, initial=existing.get((t.pk, c.pk)),
                    widget=forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal", "class": "form-control"}))
                cells.append((c, self[name]))
            self.grid.append((t, cells))
        self.teams, self.criteria = teams, criteria

    def scores(self):
        out = {}
        for t in self.teams:
            for c in self.criteria:
                value = self.cleaned_data.get(f"s_{t.pk}_{c.pk}")
                if value is not None:
                    out.setdefault(t.pk, {})[c.code] = value
        return out


class EvidenceForm(StyledFormMixin, forms.Form):
    team = forms.TypedChoiceField(label=_("Team"), coerce=int)
    criterion = forms.TypedChoiceField(label=_("Criterion"), coerce=int, required=False, empty_value=None)
    note = forms.CharField(label=_("Note"), required=False, max_length=200)
    file = DocumentField(label=_("File"))

    def __init__(self, *args, teams, criteria, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].choices = [(t.pk, t.name) for t in teams]
        self.fields["criterion"].choices = [("", _("The whole competition"))] + [(c.pk, c.name) for c in criteria]


class StartForm(StyledFormMixin, forms.Form):
    started_on = forms.DateField(label=_("Started on"), widget=DateInput)


class FinishForm(StyledFormMixin, forms.Form):
    finished_on = forms.DateField(label=_("Finished on"), widget=DateInput)


class CancelForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=400)


class CloseRoundForm(StyledFormMixin, forms.Form):
    closed_on = forms.DateField(label=_("Closed on"), widget=DateInput)


class AwardForm(StyledFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Award for"), choices=CompetitionAwardKind.choices)
    team = forms.TypedChoiceField(label=_("Team"), coerce=int)
    person = forms.ModelChoiceField(label=_("Person (individual award)"), required=False,
                                    queryset=Person.objects.none(), widget=FastSelect,
                                    empty_label=_("— a team award —"))
    title = forms.CharField(label=_("Recognition"), max_length=120,
                            help_text=_("e.g. 立功竞赛先进集体, 一等功"))
    conferred_on = forms.DateField(label=_("Conferred on"), widget=DateInput)

    def __init__(self, *args, teams, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].choices = [(t.pk, t.name) for t in teams]
        self.fields["person"].queryset = Person.objects.filter(pk__in=[p.pk for p in people]) if people else \
            Person.objects.none()
        set_model_options(self.fields["person"], people, label=lambda p: p.name,
                          empty_label=self.fields["person"].empty_label)

    def clean(self):
        data = super().clean()
        if data.get("kind") == CompetitionAwardKind.INDIVIDUAL and not data.get("person"):
            self.add_error("person", _("Choose the person awarded."))
        return data
