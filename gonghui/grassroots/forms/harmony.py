"""Forms of the 和谐劳动关系 pages. They collect and shape input; the rules live in
`services/harmony.py` (shared with the API). Score forms are built from the assessment's
indicators: one score and one note field per indicator (`score_<code>`, `note_<code>`), the
names the services use for their field errors."""

from urllib.parse import urlencode

from django import forms
from django.utils.translation import gettext_lazy as _

from gonghui.core.forms import FastSelect
from gonghui.core.uploads import DocumentField
from gonghui.members.forms import DateInput, StyledFormMixin, org_label, set_model_options
from gonghui.orgs.models import Org

from ..models.harmony import HarmonyRating, HarmonyStatus, IndicatorSource
from ..policies.harmony import VIEW

DUE_CHOICES = [("", _("Any")), ("soon", _("Due soon, not submitted")), ("overdue", _("Overdue, not submitted")),
               ("review", _("Waiting for my review or rating"))]


class _FilterMixin:
    def value(self, name, default=None):
        data = getattr(self, "cleaned_data", {})
        return data.get(name) if name in data and name not in self.errors else default

    def set_org_options(self, orgs):
        base = min((o.depth for o in orgs), default=1)
        set_model_options(self.fields["org"], orgs, label=lambda o: org_label(o, base),
                          empty_label=self.fields["org"].empty_label)


class AssessmentFilterForm(_FilterMixin, StyledFormMixin, forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=60,
                        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Enterprise name")}))
    year = forms.IntegerField(label=_("Year"), required=False, min_value=2000, max_value=2100)
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("All statuses"))] + HarmonyStatus.choices)
    rating = forms.ChoiceField(label=_("Rating"), required=False,
                               choices=[("", _("All ratings"))] + HarmonyRating.choices)
    org = forms.ModelChoiceField(label=_("Town or union"), required=False, queryset=Org.objects.none(),
                                 empty_label=_("All my organisations"), widget=FastSelect)
    due = forms.ChoiceField(label=_("Due"), required=False, choices=DUE_CHOICES)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = Org.objects.visible_to(user, VIEW)

    def filters(self):
        from ..selectors.harmony import AssessmentFilters

        return AssessmentFilters(q=(self.value("q", "") or "").strip(), year=self.value("year"),
                                 status=self.value("status", "") or "", rating=self.value("rating", "") or "",
                                 org=self.value("org"), due=self.value("due", "") or "")

    def query_string(self):
        f = self.filters()
        params = {"q": f.q, "year": f.year or "", "status": f.status, "rating": f.rating,
                  "org": f.org.pk if f.org else "", "due": f.due}
        return urlencode({k: v for k, v in params.items() if v not in ("", None)})


class RatedFilterForm(AssessmentFilterForm):
    """The rated list: year and rating first; status is always RATED."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["status"]
        del self.fields["due"]


class StartForm(StyledFormMixin, forms.Form):
    enterprise = forms.TypedChoiceField(label=_("Enterprise"), coerce=int, choices=())
    year = forms.TypedChoiceField(label=_("Year"), coerce=int, choices=())

    def __init__(self, *args, enterprises, years, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].choices = [(e.pk, f"{e.name}（{e.union.name}）") for e in enterprises]
        self.fields["year"].choices = [(y, str(y)) for y in years]


def _score_fields(form, scores, *, review=False):
    for s in scores:
        code = s.indicator.code
        auto = s.indicator.source != IndicatorSource.SELF
        if auto and not review:
            continue
        initial = (s.review_score if s.review_score is not None else s.self_score) if review else s.self_score
        form.fields[f"score_{code}"] = forms.IntegerField(
            label=_("Score (0–%(max)s)") % {"max": s.max_score}, required=False,
            min_value=0, max_value=s.max_score, initial=initial,
            error_messages={"min_value": _("The score cannot be below 0."),
                            "max_value": _("The score cannot be above %(limit_value)s."),
                            "invalid": _("Enter a whole number.")},
            widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": 0, "max": s.max_score}))
        form.fields[f"note_{code}"] = forms.CharField(
            label=_("Why this score (changes need a note)") if review else _("Explanation"),
            required=False, max_length=400 if review else 1000,
            initial=(s.review_note if review else s.self_note),
            widget=forms.Textarea(attrs={"rows": 2}))


class SelfScoresForm(StyledFormMixin, forms.Form):
    """The guided self-assessment: one card per self-scored indicator."""

    self_note = forms.CharField(label=_("Notes of the self-assessment"), required=False, max_length=4000,
                                widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, scores, **kwargs):
        super().__init__(*args, **kwargs)
        _score_fields(self, scores)
        for name, field in self.fields.items():
            if name.startswith(("score_", "note_")):  # added after the mixin styled the others
                field.widget.attrs["class"] = "form-control"
        self.scores = scores

    def service_scores(self):
        d = self.cleaned_data
        return {s.indicator.code: {"score": d.get(f"score_{s.indicator.code}"),
                                   "note": d.get(f"note_{s.indicator.code}", "")}
                for s in self.scores if s.indicator.source == IndicatorSource.SELF}


class ReviewForm(StyledFormMixin, forms.Form):
    """The town's review: every indicator's score (the union's, prefilled) and a note."""

    reviewed_on = forms.DateField(label=_("Reviewed on"), widget=DateInput())
    note = forms.CharField(label=_("Review opinion"), required=False, max_length=4000,
                           widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, scores, **kwargs):
        super().__init__(*args, **kwargs)
        _score_fields(self, scores, review=True)
        for name, field in self.fields.items():
            if name.startswith(("score_", "note_")):
                field.widget.attrs["class"] = "form-control"
        self.scores = scores

    def service_scores(self):
        d = self.cleaned_data
        return {s.indicator.code: {"score": d.get(f"score_{s.indicator.code}"),
                                   "note": d.get(f"note_{s.indicator.code}", "")} for s in self.scores}


class SubmitForm(StyledFormMixin, forms.Form):
    submitted_on = forms.DateField(label=_("Submitted on"), widget=DateInput())


class ReturnForm(StyledFormMixin, forms.Form):
    returned_on = forms.DateField(label=_("Returned on"), widget=DateInput())
    reason = forms.CharField(label=_("Reason for returning"), max_length=400, widget=forms.Textarea(attrs={"rows": 2}))


class RateForm(StyledFormMixin, forms.Form):
    rated_on = forms.DateField(label=_("Rated on"), widget=DateInput())
    rating = forms.ChoiceField(label=_("Rating"), required=False,
                               choices=[("", _("By the thresholds"))] + HarmonyRating.choices)
    reason = forms.CharField(label=_("Reason (when the rating differs from the thresholds)"), required=False,
                             max_length=400, widget=forms.Textarea(attrs={"rows": 2}))


class EvidenceForm(StyledFormMixin, forms.Form):
    indicator = forms.ChoiceField(label=_("Indicator"), choices=())
    file = DocumentField(label=_("File (PDF, JPG or PNG)"))

    def __init__(self, *args, indicators, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["indicator"].choices = [(i.code, i.name) for i in indicators]


class NewSetForm(StyledFormMixin, forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    copy_from = forms.TypedChoiceField(label=_("Start from"), required=False, coerce=int, empty_value=None,
                                       choices=())

    def __init__(self, *args, sets, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["copy_from"].choices = [("", _("The built-in default indicators"))] + [
            (s.pk, _("A copy of %(year)s") % {"year": s.year}) for s in sets]


SOURCE_CHOICES = IndicatorSource.choices


ROW_FIELDS = ("code", "name", "max_score", "source", "evidence")
EXTRA_ROWS = 3


def posted_rows(data) -> list[dict]:
    """The editor's rows (`rows-<n>-<field>`) in order, blank rows left out; the service checks
    them as a whole and names the row of any problem."""
    numbers = sorted({int(key.split("-")[1]) for key in data if key.startswith("rows-")
                      and key.count("-") == 2 and key.split("-")[1].isdecimal() and len(key.split("-")[1]) < 4})
    rows = []
    for n in numbers:
        row = {f: (data.get(f"rows-{n}-{f}") or "").strip()[:400] for f in ROW_FIELDS}
        if any(row[f] for f in ("code", "name", "max_score", "evidence")):
            rows.append(row)
    return rows


class SetHeaderForm(StyledFormMixin, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=120)
    submit_due_on = forms.DateField(label=_("Self-assessments due on"), widget=DateInput())
