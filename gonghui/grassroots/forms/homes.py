"""Forms of the 职工之家 pages. They collect and shape input; the rules live in services.homes
(shared with the API)."""

from urllib.parse import urlencode

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gonghui.core.forms import FastSelect
from gonghui.core.uploads import DocumentField
from gonghui.members.forms import DateInput, StyledFormMixin, org_label, set_model_options
from gonghui.orgs.models import Org

from ..models.homes import AssessmentKind, HomeAssessmentStatus, HomeLevel, ScoringMethod
from ..policies.homes import VIEW
from ..selectors.homes import DUE_CHOICES, auto_source_choices


class AssessmentFilterForm(StyledFormMixin, forms.Form):
    """Filters of the list page and its export (GET: nothing personal in them)."""

    q = forms.CharField(label=_("Search"), required=False, max_length=60,
                        widget=forms.TextInput(attrs={"type": "search",
                                                      "placeholder": _("Union or certificate number")}))
    org = forms.ModelChoiceField(label=_("Town or union"), required=False, queryset=Org.objects.none(),
                                 empty_label=_("All my organisations"), widget=FastSelect)
    level = forms.ChoiceField(label=_("Level"), required=False, choices=[("", _("All levels"))] + HomeLevel.choices)
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("All statuses"))] + HomeAssessmentStatus.choices)
    kind = forms.ChoiceField(label=pgettext_lazy("home assessment", "Kind"), required=False,
                             choices=[("", _("Applications and re-checks"))] + AssessmentKind.choices)
    year = forms.IntegerField(label=_("Year"), required=False, min_value=2000, max_value=2100)
    due = forms.ChoiceField(label=_("Due"), required=False, choices=[("", _("Anything"))] + list(DUE_CHOICES))

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
        from ..selectors.homes import AssessmentFilters

        return AssessmentFilters(q=(self.value("q", "") or "").strip(), org=self.value("org"),
                                 level=self.value("level", "") or "", status=self.value("status", "") or "",
                                 kind=self.value("kind", "") or "", year=self.value("year"),
                                 due=self.value("due", "") or "")

    def query_string(self, **extra):
        f = self.filters()
        params = {"q": f.q, "org": f.org.pk if f.org else "", "level": f.level, "status": f.status, "kind": f.kind,
                  "year": f.year or "", "due": f.due, **extra}
        return urlencode({k: v for k, v in params.items() if v not in ("", None)})


class StartForm(StyledFormMixin, forms.Form):
    level = forms.ChoiceField(label=_("Level applied for"), choices=HomeLevel.choices)
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100,
                              help_text=_("The year assessed: the records of this year are counted."))


class ScoringForm(StyledFormMixin, forms.Form):
    """One score (0..maximum) and a note per REVIEWER line; the AUTO lines are shown, not asked."""

    def __init__(self, *args, items, score_attr, note_attr, required, fallback_attr=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.lines = []
        for item in items:
            if item.is_auto:
                continue
            initial = getattr(item, score_attr)
            if initial is None and fallback_attr:
                initial = getattr(item, fallback_attr)
            self.fields[f"score_{item.code}"] = forms.IntegerField(
                label=_("%(code)s %(text)s: score (0–%(max)s)") % {"code": item.code, "text": item.text,
                                                                   "max": item.max_score},
                min_value=0, max_value=item.max_score, required=required, initial=initial,
                widget=forms.NumberInput(attrs={"inputmode": "numeric"}))
            self.fields[f"note_{item.code}"] = forms.CharField(
                label=_("%(code)s: note") % {"code": item.code}, required=False, max_length=400,
                initial=getattr(item, note_attr))
            self.lines.append(item)

    def line_fields(self):
        return [(item, self[f"score_{item.code}"], self[f"note_{item.code}"]) for item in self.lines]

    def other_fields(self):
        return [f for f in self if not f.name.startswith(("score_", "note_"))]

    def scores(self):
        d = self.cleaned_data
        return {item.code: {"score": d.get(f"score_{item.code}"), "note": d.get(f"note_{item.code}", "")}
                for item in self.lines}


class TownReviewForm(ScoringForm):
    decision = forms.ChoiceField(label=_("Decision"), widget=forms.RadioSelect, choices=[
        ("forward", _("Forward to the district")), ("return", _("Return to the union"))])
    reviewed_on = forms.DateField(label=_("Reviewed on"), widget=DateInput)
    reviewer = forms.CharField(label=_("Reviewer"), max_length=64, required=False)
    comments = forms.CharField(label=_("Comments"), required=False, max_length=2000,
                               widget=forms.Textarea(attrs={"rows": 3}))
    reason = forms.CharField(label=_("Reason for returning"), required=False, max_length=400,
                             help_text=_("Required when the application is returned."))

    def __init__(self, *args, items, **kwargs):
        # Scores are required only to forward; the service names a missing line.
        super().__init__(*args, items=items, score_attr="town_score", note_attr="town_note", required=False,
                         fallback_attr="self_score", **kwargs)


class DistrictReviewForm(ScoringForm):
    decision = forms.ChoiceField(label=_("Decision"), widget=forms.RadioSelect, choices=[
        ("award", _("Award")), ("refuse", _("Do not award"))])
    decided_on = forms.DateField(label=_("Decided on"), widget=DateInput)
    certificate_no = forms.CharField(label=_("Certificate number"), max_length=64, required=False,
                                     help_text=_("Required to award; a re-check keeps the award's number when empty."))
    comments = forms.CharField(label=_("Comments"), required=False, max_length=2000,
                               widget=forms.Textarea(attrs={"rows": 3}))
    reason = forms.CharField(label=_("Reason for not awarding"), required=False, max_length=400)

    def __init__(self, *args, items, **kwargs):
        super().__init__(*args, items=items, score_attr="final_score", note_attr="final_note", required=False,
                         fallback_attr="town_score", **kwargs)


class SelfScoreForm(ScoringForm):
    def __init__(self, *args, items, **kwargs):
        super().__init__(*args, items=items, score_attr="self_score", note_attr="self_note", required=False,
                         **kwargs)


class SubmitForm(StyledFormMixin, forms.Form):
    submitted_on = forms.DateField(label=_("Submitted on"), widget=DateInput)


class WithdrawForm(StyledFormMixin, forms.Form):
    withdrawn_on = forms.DateField(label=_("Withdrawn on"), widget=DateInput)
    reason = forms.CharField(label=_("Reason"), required=False, max_length=400)


class RecheckForm(StyledFormMixin, forms.Form):
    started_on = forms.DateField(label=_("Started on"), widget=DateInput)


class EvidenceForm(StyledFormMixin, forms.Form):
    item = forms.ChoiceField(label=_("For the line"))
    file = DocumentField(label=_("File (PDF, JPG or PNG)"))

    def __init__(self, *args, items, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].choices = [(i.code, f"{i.code} {i.text}") for i in items]


# --- standards ----------------------------------------------------------------------------------

class StandardCreateForm(StyledFormMixin, forms.Form):
    level = forms.ChoiceField(label=_("Level"), choices=HomeLevel.choices)
    effective_year = forms.IntegerField(label=_("In force from (year)"), min_value=2000, max_value=2100)


class StandardCopyForm(StyledFormMixin, forms.Form):
    effective_year = forms.IntegerField(label=_("New version in force from (year)"), min_value=2000, max_value=2100)


class StandardForm(StyledFormMixin, forms.Form):
    title = forms.CharField(label=pgettext_lazy("home standard", "Title"), max_length=120)
    pass_mark = forms.IntegerField(label=_("Pass mark"), min_value=1, max_value=100)


class CriterionForm(StyledFormMixin, forms.Form):
    code = forms.CharField(label=_("Code"), max_length=32, help_text=_("Letters, digits, “_” or “-”, e.g. SAFETY."))
    text = forms.CharField(label=_("Criterion"), max_length=300)
    max_score = forms.IntegerField(label=_("Maximum score"), min_value=1, max_value=100)
    method = forms.ChoiceField(label=_("How it is scored"), choices=ScoringMethod.choices)
    auto_source = forms.ChoiceField(label=_("Record source (for criteria computed from records)"), required=False)
    evidence_hint = forms.CharField(label=_("Evidence expected"), max_length=300, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["auto_source"].choices = [("", "—")] + auto_source_choices()
