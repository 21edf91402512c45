"""Forms of the 名师带徒 pages. They collect and shape input; the rules live in
services.mentoring (shared with the API)."""

from urllib.parse import urlencode

from django import forms
from django.utils.translation import gettext_lazy as _

from gonghui.core.forms import FastSelect
from gonghui.members.forms import DateInput, StyledFormMixin, org_label, set_model_options
from gonghui.members.models import SkillLevel
from gonghui.orgs.models import Org

from ..models.mentoring import AssessmentResult, MentorshipStatus
from ..policies.mentoring import VIEW

DUE_CHOICES = [("", _("Any")), ("overdue", _("Progress report overdue")), ("soon", _("Progress report due soon")),
               ("assess", _("Term over, not assessed"))]


class MentorshipFilterForm(StyledFormMixin, forms.Form):
    """Filters of the pairs list and its export (GET: nothing personal in them)."""

    q = forms.CharField(label=_("Search"), required=False, max_length=60,
                        widget=forms.TextInput(attrs={"type": "search",
                                                      "placeholder": _("Apprentice, master, trade or union")}))
    org = forms.ModelChoiceField(label=_("Town or union"), required=False, queryset=Org.objects.none(),
                                 empty_label=_("All my organisations"), widget=FastSelect)
    year = forms.IntegerField(label=_("Term starts in"), required=False, min_value=2000, max_value=2100)
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("All statuses"))] + MentorshipStatus.choices)
    trade = forms.CharField(label=_("Trade"), required=False, max_length=60)
    due = forms.ChoiceField(label=_("Due"), required=False, choices=DUE_CHOICES)
    result = forms.ChoiceField(label=_("Assessment result"), required=False,
                               choices=[("", _("Any"))] + AssessmentResult.choices)

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
        from ..selectors.mentoring import MentorshipFilters

        return MentorshipFilters(q=(self.value("q", "") or "").strip(), org=self.value("org"),
                                 status=self.value("status", "") or "", trade=(self.value("trade", "") or "").strip(),
                                 year=self.value("year"), due=self.value("due", "") or "",
                                 result=self.value("result", "") or "")

    def query_string(self, **extra):
        f = self.filters()
        params = {"q": f.q, "org": f.org.pk if f.org else "", "year": f.year or "", "status": f.status,
                  "trade": f.trade, "due": f.due, "result": f.result, **extra}
        return urlencode({k: v for k, v in params.items() if v not in ("", None)})


class CreateForm(StyledFormMixin, forms.Form):
    apprentice = forms.ModelChoiceField(label=_("Apprentice"), queryset=None, widget=FastSelect,
                                        error_messages={"invalid_choice": _("Choose a live member of the union.")})
    master_teacher = forms.ModelChoiceField(label=_("Master from the teacher pool"), queryset=None, required=False,
                                            widget=FastSelect,
                                            error_messages={"invalid_choice": _("Choose a teacher of the pool.")})
    master_person = forms.ModelChoiceField(label=_("…or a master of the union"), queryset=None, required=False,
                                           widget=FastSelect,
                                           error_messages={"invalid_choice": _("Choose a live member of the "
                                                                               "union.")})
    trade = forms.CharField(label=_("Trade"), max_length=60, help_text=_("e.g. CNC lathe operator, electrician"))
    starts_on = forms.DateField(label=_("Term starts on"), widget=DateInput)
    ends_on = forms.DateField(label=_("Term ends on"), widget=DateInput, help_text=_("A term lasts 1 to 3 years."))
    target_skill_level = forms.ChoiceField(label=_("Target skill level"), choices=SkillLevel.choices[1:])
    goals = forms.CharField(label=_("Goals"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4}))
    course = forms.ModelChoiceField(label=_("Master-apprentice course"), queryset=None, required=False,
                                    widget=FastSelect, help_text=_("Optional: the intake this pair belongs to."))

    def __init__(self, *args, members, teachers, courses, shown=None, **kwargs):
        super().__init__(*args, **kwargs)
        for name, qs in (("apprentice", members), ("master_person", members), ("master_teacher", teachers),
                         ("course", courses)):
            self.fields[name].queryset = qs
        shown = members if shown is None else shown
        set_model_options(self.fields["apprentice"], shown[:200],
                          label=lambda p: f"{p.name}（{p.id_number_masked}）", empty_label="—")
        set_model_options(self.fields["master_person"], shown[:200],
                          label=lambda p: f"{p.name}（{p.id_number_masked}）", empty_label="—")
        set_model_options(self.fields["master_teacher"], teachers[:200],
                          label=lambda t: f"{t.name}（{t.get_kind_display()}）", empty_label="—")
        set_model_options(self.fields["course"], courses[:100], label=lambda c: f"{c.year} {c.title}",
                          empty_label="—")

    def clean(self):
        data = super().clean()
        if data.get("master_teacher") and data.get("master_person"):
            self.add_error("master_person", _("Choose the master either from the teacher pool or from the "
                                              "registry, not both."))
        elif not self.errors and not data.get("master_teacher") and not data.get("master_person"):
            self.add_error("master_teacher", _("Choose the master."))
        return data


class ReportForm(StyledFormMixin, forms.Form):
    submitted_on = forms.DateField(label=_("Report date"), widget=DateInput)
    content = forms.CharField(label=_("Progress"), max_length=4000, widget=forms.Textarea(attrs={"rows": 4}),
                              help_text=_("What the apprentice learnt and did in the period."))
    master_comment = forms.CharField(label=_("Master's comment"), required=False, max_length=2000,
                                     widget=forms.Textarea(attrs={"rows": 3}))


class AssessForm(StyledFormMixin, forms.Form):
    assessed_on = forms.DateField(label=_("Assessed on"), widget=DateInput)
    result = forms.ChoiceField(label=_("Result"), choices=AssessmentResult.choices)
    score = forms.DecimalField(label=_("Score"), min_value=0, max_value=100, max_digits=4, decimal_places=1)
    new_skill_level = forms.ChoiceField(label=_("New skill level"), required=False,
                                        choices=[("", _("Unchanged"))] + SkillLevel.choices[1:],
                                        help_text=_("On a pass: recorded on the apprentice in the registry."))
    assessors = forms.CharField(label=_("Assessors"), required=False, max_length=200)
    comment = forms.CharField(label=_("Comment"), required=False, max_length=2000,
                              widget=forms.Textarea(attrs={"rows": 3}))


class EndForm(StyledFormMixin, forms.Form):
    ended_on = forms.DateField(label=_("Ended on"), widget=DateInput)
    reason = forms.CharField(label=_("Reason"), max_length=400)
