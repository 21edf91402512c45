"""Forms of the medical mutual aid pages. They collect and shape input; the rules live in
services.mutualaid (shared with the API)."""

from urllib.parse import urlencode

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gonghui.core.forms import FastSelect
from gonghui.core.uploads import DocumentField
from gonghui.members.forms import DateInput, StyledFormMixin, org_label, set_model_options
from gonghui.orgs.models import Org

from ..models.mutualaid import ClaimKind, ClaimStatus, PaymentStatus, PlanStatus
from ..policies.mutualaid import VIEW

MONEY = {"max_digits": 12, "decimal_places": 2, "min_value": 0}


class _Filters(StyledFormMixin, forms.Form):
    def value(self, name, default=None):
        data = getattr(self, "cleaned_data", {})
        return data.get(name) if name in data and name not in self.errors else default

    def set_org_options(self, orgs):
        if "org" not in self.fields:
            return
        base = min((o.depth for o in orgs), default=1)
        set_model_options(self.fields["org"], orgs, label=lambda o: org_label(o, base),
                          empty_label=self.fields["org"].empty_label)

    def query_string(self, **extra):
        params = {}
        for name in self.fields:
            v = self.value(name)
            params[name] = v.pk if hasattr(v, "pk") else v
        params.update(extra)
        return urlencode({k: v for k, v in params.items() if v not in ("", None)})


class PlanFilterForm(_Filters):
    q = forms.CharField(label=_("Search"), required=False, max_length=60,
                        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Plan name")}))
    year = forms.IntegerField(label=_("Year"), required=False, min_value=2000, max_value=2100)
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("All statuses"))] + PlanStatus.choices)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)

    def filters(self):
        from ..selectors.mutualaid import PlanFilters

        return PlanFilters(q=(self.value("q", "") or "").strip(), status=self.value("status", "") or "",
                           year=self.value("year"))


class EnrolmentFilterForm(_Filters):
    q = forms.CharField(label=_("Search"), required=False, max_length=60,
                        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Union name")}))
    org = forms.ModelChoiceField(label=_("Town or union"), required=False, queryset=Org.objects.none(),
                                 empty_label=_("All my organisations"), widget=FastSelect)
    year = forms.IntegerField(label=_("Year"), required=False, min_value=2000, max_value=2100)
    status = forms.ChoiceField(label=_("Payment status"), required=False,
                               choices=[("", _("All statuses"))] + PaymentStatus.choices)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = Org.objects.visible_to(user, VIEW)

    def filters(self):
        from ..selectors.mutualaid import EnrolmentFilters

        return EnrolmentFilters(q=(self.value("q", "") or "").strip(), org=self.value("org"),
                                status=self.value("status", "") or "", year=self.value("year"))


DUE_CHOICES = [("", _("Any")), ("review", _("Awaiting town review")), ("approve", _("Awaiting district approval")),
               ("pay", _("Approved, to be paid")), ("member", _("From the member, to check"))]


class ClaimFilterForm(_Filters):
    q = forms.CharField(label=_("Search"), required=False, max_length=60,
                        widget=forms.TextInput(attrs={"type": "search",
                                                      "placeholder": _("Claim number, worker, hospital, invoice")}))
    org = forms.ModelChoiceField(label=_("Town or union"), required=False, queryset=Org.objects.none(),
                                 empty_label=_("All my organisations"), widget=FastSelect)
    year = forms.IntegerField(label=_("Year"), required=False, min_value=2000, max_value=2100)
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("All statuses"))] + ClaimStatus.choices)
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=[("", _("All kinds"))] + ClaimKind.choices)
    due = forms.ChoiceField(label=_("Waiting for"), required=False, choices=DUE_CHOICES)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = Org.objects.visible_to(user, VIEW)

    def filters(self):
        from ..selectors.mutualaid import ClaimFilters

        return ClaimFilters(q=(self.value("q", "") or "").strip(), org=self.value("org"),
                            status=self.value("status", "") or "", kind=self.value("kind", "") or "",
                            year=self.value("year"), due=self.value("due", "") or "")


class PlanForm(StyledFormMixin, forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    name = forms.CharField(label=_("Name"), max_length=100, help_text=_("e.g. 2027年度职工医疗互助保障"))
    premium = forms.DecimalField(label=_("Premium per member (yuan)"), **MONEY)
    enrol_from = forms.DateField(label=_("Enrolment opens on"), widget=DateInput)
    enrol_until = forms.DateField(label=_("Enrolment closes on"), widget=DateInput)
    coverage_starts = forms.DateField(label=_("Coverage starts on"), widget=DateInput)
    coverage_ends = forms.DateField(label=_("Coverage ends on"), widget=DateInput)
    hospital_deductible = forms.DecimalField(label=_("Hospital stay: deductible per stay (yuan)"), **MONEY)
    hospital_ratio = forms.DecimalField(label=_("Hospital stay: payout ratio"), max_digits=3, decimal_places=2,
                                        min_value=0, max_value=1, help_text=_("0.50 pays half of the eligible costs "
                                                                              "above the deductible."))
    hospital_cap = forms.DecimalField(label=_("Hospital stay: cap per person per year (yuan)"), **MONEY)
    serious_sum = forms.DecimalField(label=_("Serious illness: fixed sum (yuan)"), **MONEY)
    serious_cap = forms.DecimalField(label=_("Serious illness: cap per person per year (yuan)"), **MONEY)
    overall_cap = forms.DecimalField(label=_("Overall cap per person per year (yuan)"), **MONEY)
    note = forms.CharField(label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))


class EnrolForm(StyledFormMixin, forms.Form):
    plan = forms.ModelChoiceField(label=_("Plan"), queryset=None, error_messages={
        "invalid_choice": _("Choose an open plan.")})
    mode = forms.ChoiceField(label=_("Who"), widget=forms.RadioSelect, initial="all", choices=[
        ("all", _("Every live member not yet enrolled")), ("picked", _("Only the members ticked below"))])
    people = forms.ModelMultipleChoiceField(label=_("Members"), queryset=None, required=False,
                                            widget=forms.CheckboxSelectMultiple, error_messages={
                                                "invalid_choice": _("Choose live members of the union who are not "
                                                                    "enrolled yet.")})

    def __init__(self, *args, plans, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["plan"].queryset = plans
        self.fields["people"].queryset = members
        self.fields["people"].choices = [(p.pk, f"{p.name}（{p.id_number_masked}）") for p in members[:300]]

    def clean(self):
        data = super().clean()
        if data.get("mode") == "picked" and not data.get("people") and "people" not in self.errors:
            self.add_error("people", _("Tick the members to enrol."))
        return data


class AddPeopleForm(StyledFormMixin, forms.Form):
    people = forms.ModelMultipleChoiceField(label=_("Members to add"), queryset=None, required=False,
                                            widget=forms.CheckboxSelectMultiple, help_text=_(
                                                "None ticked: every live member not yet enrolled."))

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["people"].queryset = members
        self.fields["people"].choices = [(p.pk, f"{p.name}（{p.id_number_masked}）") for p in members[:300]]


class PaymentForm(StyledFormMixin, forms.Form):
    paid_on = forms.DateField(label=pgettext_lazy("mutual aid premium", "Paid on"), widget=DateInput)
    reference = forms.CharField(label=_("Payment reference"), max_length=60,
                                help_text=_("Bank transfer number or receipt number."))
    amount = forms.DecimalField(label=_("Amount paid (yuan)"), required=False, **MONEY,
                                help_text=_("Optional: checked against the amount due."))


class ClaimForm(StyledFormMixin, forms.Form):
    coverage = forms.ModelChoiceField(label=_("Worker"), queryset=None, widget=FastSelect, error_messages={
        "invalid_choice": _("Choose a worker covered by a paid enrolment of the union.")})
    kind = forms.ChoiceField(label=_("Kind"), choices=ClaimKind.choices)
    hospital = forms.CharField(label=_("Hospital"), max_length=100)
    admitted_on = forms.DateField(label=_("Admitted on (or diagnosed on)"), widget=DateInput)
    discharged_on = forms.DateField(label=_("Discharged on"), widget=DateInput, required=False,
                                    help_text=_("Serious illness: leave empty."))
    diagnosis = forms.CharField(label=_("Diagnosis"), max_length=200)
    invoice_numbers = forms.CharField(label=_("Invoice numbers"), max_length=400,
                                      help_text=_("Separate several numbers with spaces or commas."))
    total_cost = forms.DecimalField(label=_("Total costs (yuan)"), **MONEY)
    eligible_cost = forms.DecimalField(label=_("Eligible costs (yuan)"), **MONEY,
                                       help_text=_("The part the plan pays on (after medical insurance)."))

    def __init__(self, *args, coverages, shown=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["coverage"].queryset = coverages
        self.set_coverage_options(coverages if shown is None else shown)

    def set_coverage_options(self, shown):
        set_model_options(self.fields["coverage"], shown[:200], empty_label="—",
                          label=lambda c: f"{c.person.name}（{c.person.id_number_masked}）· {c.plan.year}")


class MemberClaimForm(ClaimForm):
    """The member's own claim: the coverage is one of theirs (the plan's year and the union), the
    rest as the union's form."""

    def __init__(self, *args, coverages, **kwargs):
        super().__init__(*args, coverages=coverages, **kwargs)
        field = self.fields["coverage"]
        field.label = _("Plan")
        field.error_messages["invalid_choice"] = _("Choose one of your paid mutual aid plans.")
        self.fields["total_cost"].widget.attrs.setdefault("inputmode", "decimal")
        self.fields["eligible_cost"].widget.attrs.setdefault("inputmode", "decimal")

    def set_coverage_options(self, shown):
        set_model_options(self.fields["coverage"], list(shown), empty_label=None,
                          label=lambda c: f"{c.plan.name} · {c.union.name}")


class ReturnForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(label=_("What the member must correct"), max_length=400,
                             widget=forms.Textarea(attrs={"rows": 2}))


class DocumentForm(StyledFormMixin, forms.Form):
    file = DocumentField(label=_("Document (PDF, JPG or PNG)"))


class ReviewForm(StyledFormMixin, forms.Form):
    note = forms.CharField(label=_("Review note"), required=False, max_length=400)


class RejectForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=400)


class ApproveForm(StyledFormMixin, forms.Form):
    confirm = forms.BooleanField(label=_("I checked the documents and the payout"), error_messages={
        "required": _("Tick the box to confirm.")})


class PayoutForm(StyledFormMixin, forms.Form):
    paid_on = forms.DateField(label=_("Paid on"), widget=DateInput)
    reference = forms.CharField(label=_("Payment reference"), max_length=60)
