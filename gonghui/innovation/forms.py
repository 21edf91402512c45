"""Forms of the innovation pages. They collect and shape input; the rules live in services.py
(shared with the API)."""

from urllib.parse import urlencode

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gonghui.core.forms import FastSelect
from gonghui.members.forms import DateInput, StyledFormMixin, org_label, set_model_options
from gonghui.orgs.models import Org

from .models import ProjectStatus, SuggestionKind, SuggestionStatus
from .policies import VIEW
from .rules import rules
from .services import TeamInput

YUAN = {"max_digits": 14, "decimal_places": 2}


class _FilterMixin:
    def value(self, name, default=None):
        data = getattr(self, "cleaned_data", {})
        return data.get(name) if name in data and name not in self.errors else default

    def set_org_options(self, orgs):
        base = min((o.depth for o in orgs), default=1)
        set_model_options(self.fields["org"], orgs, label=lambda o: org_label(o, base),
                          empty_label=self.fields["org"].empty_label)


class SuggestionFilterForm(_FilterMixin, StyledFormMixin, forms.Form):
    """Filters of the list page, its summary and its export (GET: nothing personal in them)."""

    q = forms.CharField(label=_("Search"), required=False, max_length=60,
                        widget=forms.TextInput(attrs={"type": "search",
                                                      "placeholder": _("Title, enterprise or submitter")}))
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=[("", _("All kinds"))] + SuggestionKind.choices)
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("All statuses"))] + SuggestionStatus.choices)
    org = forms.ModelChoiceField(label=_("Town or union"), required=False, queryset=Org.objects.none(),
                                 empty_label=_("All my organisations"), widget=FastSelect)
    year = forms.IntegerField(label=_("Year submitted"), required=False, min_value=2000, max_value=2100)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = Org.objects.visible_to(user, VIEW)

    def filters(self):
        from .selectors import SuggestionFilters

        return SuggestionFilters(q=(self.value("q", "") or "").strip(), kind=self.value("kind", "") or "",
                                 status=self.value("status", "") or "", org=self.value("org"),
                                 year=self.value("year"))

    def query_string(self, **extra):
        f = self.filters()
        params = {"q": f.q, "kind": f.kind, "status": f.status, "org": f.org.pk if f.org else "",
                  "year": f.year or "", **extra}
        return urlencode({k: v for k, v in params.items() if v not in ("", None)})


class ProjectFilterForm(_FilterMixin, StyledFormMixin, forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=60,
                        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Title or enterprise")}))
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("All statuses"))] + ProjectStatus.choices)
    org = forms.ModelChoiceField(label=_("Town or union"), required=False, queryset=Org.objects.none(),
                                 empty_label=_("All my organisations"), widget=FastSelect)
    overdue = forms.BooleanField(label=_("With an overdue milestone"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = Org.objects.visible_to(user, VIEW)

    def filters(self):
        from .selectors import ProjectFilters

        return ProjectFilters(q=(self.value("q", "") or "").strip(), status=self.value("status", "") or "",
                              org=self.value("org"), overdue=bool(self.value("overdue", False)))

    def query_string(self, **extra):
        f = self.filters()
        params = {"q": f.q, "status": f.status, "org": f.org.pk if f.org else "", "overdue": "on" if f.overdue else "",
                  **extra}
        return urlencode({k: v for k, v in params.items() if v not in ("", None)})


# --- submitting -------------------------------------------------------------------------------

class SuggestionForm(StyledFormMixin, forms.Form):
    """A suggestion recorded on a member's behalf. The submitter is picked from the union's
    current members found by `member_q` (a GET search on the same page), or typed as a name."""

    enterprise = forms.TypedChoiceField(label=_("Enterprise"), coerce=int)
    kind = forms.ChoiceField(label=_("Kind"), choices=SuggestionKind.choices)
    title = forms.CharField(label=pgettext_lazy("suggestion or project", "Title"), max_length=120)
    problem = forms.CharField(label=_("Current problem"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))
    proposal = forms.CharField(label=_("Proposal"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4}))
    expected_benefit = forms.CharField(label=_("Expected benefit"), required=False, max_length=5000,
                                       widget=forms.Textarea(attrs={"rows": 2}))
    submitter_person = forms.TypedChoiceField(label=_("Submitter (member of the union)"), coerce=int,
                                              required=False, empty_value=None)
    submitter_name = forms.CharField(label=_("Or the submitter's name"), max_length=64, required=False,
                                     help_text=_("When the submitter is not found among the members."))
    co_authors = forms.CharField(label=_("Co-authors"), max_length=400, required=False,
                                 help_text=_("Names of the team members, separated by commas."))
    submitted_on = forms.DateField(label=_("Submitted on"), widget=DateInput())

    def __init__(self, *args, enterprises, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].choices = [(e.pk, e.name) for e in enterprises]
        self.fields["submitter_person"].choices = [("", _("— not a listed member —"))] + [
            (pid, name) for pid, name in candidates]

    def clean(self):
        data = super().clean()
        if not data.get("submitter_person") and not (data.get("submitter_name") or "").strip():
            self.add_error("submitter_name", _("Pick the submitter among the members or type their name."))
        return data


# --- the suggestion's workflow -----------------------------------------------------------------

class EvaluateForm(StyledFormMixin, forms.Form):
    """The scoring form: one field per criterion of `INNOVATION_RULES`, then the evaluators."""

    evaluated_on = forms.DateField(label=_("Evaluated on"), widget=DateInput())
    evaluators = forms.CharField(label=_("Evaluators"), max_length=200,
                                 help_text=_("Names, separated by commas."))
    comments = forms.CharField(label=_("Comments"), required=False, max_length=5000,
                               widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        scores = {}
        for criterion in rules().criteria:
            scores[f"score_{criterion.code}"] = forms.IntegerField(
                label=_("%(label)s (0–%(max)s)") % {"label": criterion.label, "max": criterion.max_points},
                min_value=0, max_value=criterion.max_points,
                widget=forms.NumberInput(attrs={"class": "form-control", "inputmode": "numeric"}))
        self.fields = {**scores, **self.fields}

    def scores(self):
        return {name[6:]: value for name, value in self.cleaned_data.items() if name.startswith("score_")}

    def service_kwargs(self):
        d = self.cleaned_data
        return {"scores": self.scores(), "evaluated_on": d["evaluated_on"], "evaluators": d["evaluators"],
                "comments": d["comments"]}


class AdoptForm(StyledFormMixin, forms.Form):
    decided_on = forms.DateField(label=_("Adopted on"), widget=DateInput())


class DeclineForm(StyledFormMixin, forms.Form):
    decided_on = forms.DateField(label=_("Decided on"), widget=DateInput())
    reason = forms.CharField(label=_("Reason for not adopting"), max_length=400)


class ImplementForm(StyledFormMixin, forms.Form):
    implemented_on = forms.DateField(label=_("Implemented on"), widget=DateInput())
    benefit_yuan = forms.DecimalField(label=_("Measured benefit (yuan)"), min_value=0, **YUAN)
    measured_on = forms.DateField(label=_("Benefit measured on"), widget=DateInput())
    note = forms.CharField(label=_("How the benefit was measured"), required=False, max_length=5000,
                           widget=forms.Textarea(attrs={"rows": 2}))


class RewardForm(StyledFormMixin, forms.Form):
    amount = forms.DecimalField(label=_("Reward (yuan)"), min_value=0, **YUAN)
    paid_on = forms.DateField(label=_("Paid on"), widget=DateInput())
    recipients = forms.CharField(label=_("Recipients"), required=False, max_length=400,
                                 help_text=_("Empty: the submitter and the co-authors."))


class WithdrawForm(StyledFormMixin, forms.Form):
    withdrawn_on = forms.DateField(label=_("Withdrawn on"), widget=DateInput())
    reason = forms.CharField(label=_("Reason"), required=False, max_length=400)


# --- technical projects --------------------------------------------------------------------------

TEAM_HELP = _("One person per line: name, then a comma and their role in the team. The first line is the leader.")


class ProjectForm(StyledFormMixin, forms.Form):
    enterprise = forms.TypedChoiceField(label=_("Enterprise"), coerce=int)
    title = forms.CharField(label=pgettext_lazy("suggestion or project", "Title"), max_length=120)
    goal = forms.CharField(label=_("Goal"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3}),
                           help_text=_("The problem to solve and the measurable target."))
    team = forms.CharField(label=_("Team"), max_length=3000, widget=forms.Textarea(attrs={"rows": 4}),
                           help_text=TEAM_HELP)
    started_on = forms.DateField(label=_("Started on"), required=False, widget=DateInput(),
                                 help_text=_("Empty: the project is planned and starts later."))
    planned_end_on = forms.DateField(label=_("Planned end"), widget=DateInput())

    def __init__(self, *args, enterprises, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].choices = [(e.pk, e.name) for e in enterprises]

    def team_members(self):
        lines = [line.strip() for line in self.cleaned_data["team"].splitlines() if line.strip()]
        members = []
        for number, line in enumerate(lines):
            name, _sep, role = line.replace("，", ",").partition(",")
            members.append(TeamInput(name=name.strip(), role=role.strip(), is_leader=number == 0))
        return members


class StartForm(StyledFormMixin, forms.Form):
    started_on = forms.DateField(label=_("Started on"), widget=DateInput())


class MilestoneForm(StyledFormMixin, forms.Form):
    title = forms.CharField(label=_("Milestone"), max_length=120)
    due_on = forms.DateField(label=_("Due on"), widget=DateInput())
    note = forms.CharField(label=_("Note"), required=False, max_length=400)


class MilestoneDoneForm(StyledFormMixin, forms.Form):
    milestone = forms.IntegerField(widget=forms.HiddenInput())
    done_on = forms.DateField(label=_("Done on"), widget=DateInput())


class CompleteForm(StyledFormMixin, forms.Form):
    completed_on = forms.DateField(label=_("Completed on"), widget=DateInput())
    result = forms.CharField(label=_("Result"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))
    benefit_yuan = forms.DecimalField(label=_("Benefit (yuan)"), min_value=0, **YUAN)


class AbandonForm(StyledFormMixin, forms.Form):
    abandoned_on = forms.DateField(label=_("Abandoned on"), widget=DateInput())
    reason = forms.CharField(label=_("Reason for abandoning"), max_length=400)
