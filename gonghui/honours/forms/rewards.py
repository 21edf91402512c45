"""Forms of the skill training reward pages. They collect and shape input; the rules live in
services.rewards (shared with the API)."""

from urllib.parse import urlencode

from django import forms
from django.utils.translation import gettext_lazy as _

from gonghui.core.forms import FastSelect
from gonghui.core.uploads import DocumentField
from gonghui.members.forms import DateInput, StyledFormMixin, org_label, set_model_options
from gonghui.orgs.models import Org

from ..models.rewards import REWARD_LEVEL_CHOICES, RewardClaimStatus, SkillRewardBatch
from ..policies.rewards import VIEW
from ..selectors.rewards import DUE_CHOICES


class RewardFilterForm(StyledFormMixin, forms.Form):
    """Filters of the list page and its export (GET: nothing personal in them)."""

    q = forms.CharField(label=_("Search"), required=False, max_length=60,
                        widget=forms.TextInput(attrs={"type": "search",
                                                      "placeholder": _("Worker, certificate number, trade or union")}))
    org = forms.ModelChoiceField(label=_("Town or union"), required=False, queryset=Org.objects.none(),
                                 empty_label=_("All my organisations"), widget=FastSelect)
    level = forms.ChoiceField(label=_("Level"), required=False, choices=[("", _("All levels"))] + REWARD_LEVEL_CHOICES)
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("All statuses"))] + RewardClaimStatus.choices)
    year = forms.IntegerField(label=_("Year"), required=False, min_value=2000, max_value=2100)
    due = forms.ChoiceField(label=_("Due"), required=False, choices=[("", _("Anything"))] + list(DUE_CHOICES))
    batch = forms.ModelChoiceField(label=_("Payment batch"), required=False, queryset=SkillRewardBatch.objects.none(),
                                   widget=forms.HiddenInput)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = Org.objects.visible_to(user, VIEW)
        self.fields["batch"].queryset = SkillRewardBatch.objects.visible_to(user, VIEW)

    def value(self, name, default=None):
        data = getattr(self, "cleaned_data", {})
        return data.get(name) if name in data and name not in self.errors else default

    def set_org_options(self, orgs):
        base = min((o.depth for o in orgs), default=1)
        set_model_options(self.fields["org"], orgs, label=lambda o: org_label(o, base),
                          empty_label=self.fields["org"].empty_label)

    def filters(self):
        from ..selectors.rewards import RewardFilters

        return RewardFilters(q=(self.value("q", "") or "").strip(), org=self.value("org"),
                             level=self.value("level", "") or "", status=self.value("status", "") or "",
                             year=self.value("year"), due=self.value("due", "") or "", batch=self.value("batch"))

    def query_string(self, **extra):
        f = self.filters()
        params = {"q": f.q, "org": f.org.pk if f.org else "", "level": f.level, "status": f.status,
                  "year": f.year or "", "due": f.due, "batch": f.batch.pk if f.batch else "", **extra}
        return urlencode({k: v for k, v in params.items() if v not in ("", None)})


class ClaimForm(StyledFormMixin, forms.Form):
    """The certificate: level, trade, number, date, issuer. The worker is chosen before."""

    level = forms.ChoiceField(label=_("Certificate level"), choices=[("", "—")] + REWARD_LEVEL_CHOICES)
    trade = forms.CharField(label=_("Trade (occupation)"), max_length=60,
                            widget=forms.TextInput(attrs={"placeholder": _("e.g. electrician, welder")}))
    certificate_no = forms.CharField(label=_("Certificate number"), max_length=60)
    certificate_on = forms.DateField(label=_("Certificate issued on"), widget=DateInput)
    issuer = forms.CharField(label=_("Issued by"), max_length=120, required=False)
    note = forms.CharField(label=_("Note"), max_length=400, required=False)


class NewClaimForm(ClaimForm):
    """A new claim: the certificate and, optionally, its scan at once."""

    file = DocumentField(label=_("Scan of the certificate"), required=False,
                         help_text=_("PDF, JPG or PNG. Required before the claim is submitted."))


class ScanForm(StyledFormMixin, forms.Form):
    file = DocumentField(label=_("Scan of the certificate"))


class SubmitForm(StyledFormMixin, forms.Form):
    submitted_on = forms.DateField(label=_("Submitted on"), widget=DateInput)


class WithdrawForm(StyledFormMixin, forms.Form):
    withdrawn_on = forms.DateField(label=_("Withdrawn on"), widget=DateInput)
    reason = forms.CharField(label=_("Reason"), max_length=400, required=False)


class CheckRadios(forms.RadioSelect):
    """Radios styled as Bootstrap checks (a plain RadioSelect drew each as a text box)."""

    template_name = "honours/rewards/_radios.html"


class _DecisionForm(StyledFormMixin, forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["decision"].widget.attrs["class"] = "form-check-input"


class TownReviewForm(_DecisionForm):
    decision = forms.ChoiceField(label=_("Decision"), widget=CheckRadios, choices=[
        ("pass", _("Pass on to the district")), ("return", _("Return to the union")), ("reject", _("Refuse"))])
    reviewed_on = forms.DateField(label=_("Reviewed on"), widget=DateInput)
    reason = forms.CharField(label=_("Reason"), max_length=400, required=False,
                             help_text=_("Required to return or refuse the claim."))


class DistrictReviewForm(_DecisionForm):
    decision = forms.ChoiceField(label=_("Decision"), widget=CheckRadios, choices=[
        ("approve", _("Approve for payment")), ("return", _("Return to the union")), ("reject", _("Refuse"))])
    decided_on = forms.DateField(label=_("Decided on"), widget=DateInput)
    reason = forms.CharField(label=_("Reason"), max_length=400, required=False,
                             help_text=_("Required to return or refuse the claim."))


class PayForm(StyledFormMixin, forms.Form):
    claims = forms.TypedMultipleChoiceField(label=_("Claims"), coerce=int, choices=[],
                                            widget=forms.CheckboxSelectMultiple,
                                            error_messages={"required": _("Choose the approved claims to pay.")})
    paid_on = forms.DateField(label=_("Paid on"), widget=DateInput)
    reference = forms.CharField(label=_("Payment reference"), max_length=64,
                                help_text=_("The voucher or transfer number of the finance office."))
    note = forms.CharField(label=_("Note"), max_length=400, required=False)

    def __init__(self, *args, claims=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["claims"].choices = [(c.pk, str(c)) for c in claims]


class TotalsForm(StyledFormMixin, forms.Form):
    year = forms.IntegerField(label=_("Year"), required=False, min_value=2000, max_value=2100)
