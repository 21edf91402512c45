"""Forms of the survey pages. They collect and shape input; the rules live in services.surveys
(shared with the API)."""

from urllib.parse import urlencode

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gonghui.core.forms import FastSelect
from gonghui.members.forms import DateInput, StyledFormMixin, org_label, set_model_options
from gonghui.orgs.models import Industry, Org

from ..models.surveys import QuestionKind, SurveyAudience, SurveyStatus
from ..policies.surveys import CHANGE, VIEW


class SurveyFilterForm(StyledFormMixin, forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=60,
                        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Title or owner")}))
    org = forms.ModelChoiceField(label=_("Town or union"), required=False, queryset=Org.objects.none(),
                                 empty_label=_("All my organisations"), widget=FastSelect)
    status = forms.ChoiceField(label=pgettext_lazy("survey", "Status"), required=False,
                               choices=[("", _("All statuses"))] + SurveyStatus.choices)
    year = forms.IntegerField(label=_("Opens in (year)"), required=False, min_value=2000, max_value=2100)

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
        from ..selectors.surveys import SurveyFilters

        return SurveyFilters(q=(self.value("q", "") or "").strip(), org=self.value("org"),
                             status=self.value("status", "") or "", year=self.value("year"))

    def query_string(self, **extra):
        f = self.filters()
        params = {"q": f.q, "org": f.org.pk if f.org else "", "status": f.status, "year": f.year or "", **extra}
        return urlencode({k: v for k, v in params.items() if v not in ("", None)})


class SurveyForm(StyledFormMixin, forms.Form):
    org = forms.ModelChoiceField(label=pgettext_lazy("survey", "Owner"), queryset=Org.objects.none(), widget=FastSelect,
                                 help_text=_("The organisation that runs the survey; it may target its subtree."),
                                 error_messages={"required": _("Choose the owner organisation."),
                                                 "invalid_choice": _("Choose an organisation in your reach.")})
    title = forms.CharField(label=pgettext_lazy("survey", "Title"), max_length=120,
                            error_messages={"required": _("The title is required.")})
    intro = forms.CharField(label=_("Introduction"), required=False, max_length=2000,
                            widget=forms.Textarea(attrs={"rows": 3}))
    opens_on = forms.DateField(label=_("Opens on"), widget=DateInput,
                               error_messages={"required": _("The opening date is required."),
                                               "invalid": _("Enter a date such as 2026-03-01.")})
    closes_on = forms.DateField(label=_("Closes on"), widget=DateInput,
                                error_messages={"required": _("The closing date is required."),
                                                "invalid": _("Enter a date such as 2026-03-31.")})
    audience = forms.ChoiceField(label=_("Who is asked"), choices=SurveyAudience.choices,
                                 initial=SurveyAudience.MEMBERS,
                                 help_text=_("Members only: live members. All registered workers: also workers on "
                                             "record who left the union."))
    target_orgs = forms.ModelMultipleChoiceField(
        label=_("Only these organisations"), required=False, queryset=Org.objects.none(),
        widget=forms.SelectMultiple(attrs={"size": 6}),
        help_text=_("Leave empty to ask the owner's whole subtree."),
        error_messages={"invalid_choice": _("Choose organisations in your reach.")})
    industries = forms.MultipleChoiceField(label=_("Only these industries"), required=False,
                                           choices=Industry.choices, widget=forms.CheckboxSelectMultiple,
                                           help_text=_("Leave empty for every industry."))
    anonymous_results = forms.BooleanField(label=_("Anonymous results (small groups hidden in breakdowns)"),
                                           required=False, initial=True)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        from gonghui.core.selectors import reach_orgs

        reach = Org.objects.visible_to(user, CHANGE)
        self.fields["org"].queryset = reach
        self.fields["target_orgs"].queryset = reach
        orgs = reach_orgs(user, CHANGE)
        base = min((o.depth for o in orgs), default=1)
        set_model_options(self.fields["org"], orgs, label=lambda o: org_label(o, base), empty_label="—")
        self.fields["target_orgs"].widget.choices = [(o.pk, org_label(o, base)) for o in orgs]

    def clean(self):
        data = super().clean()
        if data.get("opens_on") and data.get("closes_on") and data["closes_on"] < data["opens_on"]:
            self.add_error("closes_on", _("The closing date cannot be before the opening date."))
        return data


class QuestionForm(StyledFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Kind of question"), choices=QuestionKind.choices)
    text = forms.CharField(label=_("Question"), max_length=300,
                           error_messages={"required": _("The question is required.")})
    required = forms.BooleanField(label=_("An answer is required"), required=False, initial=True)
    scale_max = forms.TypedChoiceField(label=_("Scale"), required=False, coerce=int, empty_value=None,
                                       choices=[("", "—")] + [(n, f"1–{n}") for n in (5, 10)],
                                       help_text=_("For a scale question."))
    options = forms.CharField(label=_("Options"), required=False, max_length=4000,
                              widget=forms.Textarea(attrs={"rows": 4}),
                              help_text=_("For a choice question: one option a line."))

    def option_list(self):
        return [line.strip() for line in (self.cleaned_data.get("options") or "").splitlines() if line.strip()]


class ResultsForm(StyledFormMixin, forms.Form):
    by = forms.ChoiceField(label=_("Breakdown by"), required=False, choices=[
        ("", _("No breakdown")), ("town", _("Town")), ("industry", _("Industry")), ("age_band", _("Age band"))])


class AnswerForm(StyledFormMixin, forms.Form):
    """One field per question, named q<id>; kinds map to radio buttons, check boxes or a text box."""

    def __init__(self, *args, questions, **kwargs):
        super().__init__(*args, **kwargs)
        needed = {"required": _("This question needs an answer.")}
        check = {"class": "form-check-input"}
        for q in questions:
            name = f"q{q.pk}"
            if q.kind == QuestionKind.SINGLE:
                field = forms.ChoiceField(choices=[(o.pk, o.text) for o in q.options.all()],
                                          widget=forms.RadioSelect(attrs=check),
                                          error_messages=needed)
            elif q.kind == QuestionKind.MULTI:
                field = forms.MultipleChoiceField(choices=[(o.pk, o.text) for o in q.options.all()],
                                                  widget=forms.CheckboxSelectMultiple(attrs=check),
                                                  error_messages=needed)
            elif q.kind == QuestionKind.SCALE:
                field = forms.ChoiceField(choices=[(n, str(n)) for n in range(1, (q.scale_max or 5) + 1)],
                                          widget=forms.RadioSelect(attrs={"class": "btn-check"}),
                                          error_messages=needed)
            else:
                field = forms.CharField(max_length=1000,
                                        widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
                                        error_messages={**needed, "max_length": _("At most 1000 characters.")})
            field.label = q.text
            field.required = q.required
            field.question = q
            self.fields[name] = field

    def answers(self) -> dict:
        return {name[1:]: value for name, value in self.cleaned_data.items()}

