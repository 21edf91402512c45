"""Forms of the proposal pages. They collect and shape input; the rules live in
services/proposals.py (shared with the API)."""

from urllib.parse import urlencode

from django import forms
from django.utils.translation import gettext_lazy as _

from gonghui.core.forms import FastSelect
from gonghui.members.forms import DateInput, StyledFormMixin, org_label, set_model_options
from gonghui.orgs.models import Org

from ..models import (
    CongressBody,
    Proposal,
    ProposalCategory,
    ProposalStatus,
    ReplyOutcome,
    Satisfaction,
    Session,
)
from ..policies import VIEW
from ..services.proposals import ProposalInput

# --- list filters --------------------------------------------------------------------------------

DUE_CHOICES = [("", _("Any")), ("overdue", _("Reply overdue")), ("soon", _("Reply due soon"))]


class ProposalFilterForm(StyledFormMixin, forms.Form):
    """Filters of the list page and its export (GET)."""

    q = forms.CharField(label=_("Search"), required=False, max_length=60,
                        widget=forms.TextInput(attrs={"type": "search",
                                                      "placeholder": _("Subject, number or proposer")}))
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("All statuses"))] + ProposalStatus.choices)
    due = forms.ChoiceField(label=_("Reply deadline"), required=False, choices=DUE_CHOICES)
    department = forms.CharField(label=_("Responsible department"), required=False, max_length=80)
    org = forms.ModelChoiceField(label=_("Organisation"), required=False, queryset=Org.objects.none(),
                                 empty_label=_("All my organisations"), widget=FastSelect)
    year = forms.IntegerField(label=_("Year submitted"), required=False, min_value=2000, max_value=2100)
    # From links on a congress or session page; not shown as menus (there may be hundreds).
    body = forms.ModelChoiceField(required=False, queryset=CongressBody.objects.none(), widget=forms.HiddenInput)
    session = forms.ModelChoiceField(required=False, queryset=Session.objects.none(), widget=forms.HiddenInput)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = Org.objects.visible_to(user, VIEW)
        self.fields["body"].queryset = CongressBody.objects.visible_to(user, VIEW).select_related("enterprise")
        self.fields["session"].queryset = Session.objects.visible_to(user, VIEW)

    def value(self, name, default=None):
        data = getattr(self, "cleaned_data", {})
        return data.get(name) if name in data and name not in self.errors else default

    @property
    def matches_nothing(self):
        """A congress or session id the user cannot see: the list is empty, not everything."""
        return "body" in self.errors or "session" in self.errors

    def filters(self):
        from ..selectors.proposals import ProposalFilters

        return ProposalFilters(
            q=(self.value("q", "") or "").replace("\x00", "").strip(), status=self.value("status", "") or "",
            due=self.value("due", "") or "", department=(self.value("department", "") or "").replace("\x00", ""),
            org=self.value("org"), body=self.value("body"), session=self.value("session"), year=self.value("year"))

    def set_org_options(self, orgs):
        base = min((o.depth for o in orgs), default=1)
        set_model_options(self.fields["org"], orgs, label=lambda o: org_label(o, base),
                          empty_label=self.fields["org"].empty_label)

    def query_string(self, **extra):
        f = self.filters()
        params = {"q": f.q, "status": f.status, "due": f.due, "department": f.department.strip(),
                  "org": f.org.pk if f.org else "", "year": f.year or "", "body": f.body.pk if f.body else "",
                  "session": f.session.pk if f.session else ""}
        params.update(extra)
        return urlencode({k: v for k, v in params.items() if v not in ("", None)})


# --- the draft ------------------------------------------------------------------------------------

class DelegateChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name}（{obj.group}）" if obj.group else obj.name


class DelegatesChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name}（{obj.group}）" if obj.group else obj.name


class ProposalForm(StyledFormMixin, forms.Form):
    """The draft: the one issue, its reasons and what is proposed, who proposes and co-signs."""

    title = forms.CharField(label=_("Subject"), max_length=120,
                            help_text=_("One issue per proposal, e.g. “Add a night-shift canteen in plant 2”."))
    category = forms.ChoiceField(label=_("Category"), choices=[("", "—")] + ProposalCategory.choices)
    session = forms.ModelChoiceField(label=_("For the session"), required=False, queryset=Session.objects.none(),
                                     empty_label=_("No particular session"))
    proposer = DelegateChoiceField(label=_("Proposer"), queryset=None, empty_label="—",
                                   help_text=_("A seated delegate of this congress (substitutes may not propose)."))
    reasons = forms.CharField(label=_("Reasons"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4}),
                              help_text=_("The situation and the problem it causes."))
    suggestions = forms.CharField(label=_("What is proposed"), max_length=5000,
                                  widget=forms.Textarea(attrs={"rows": 4}))
    cosigners = DelegatesChoiceField(
        label=_("Co-signing delegates"), required=False, queryset=None, widget=forms.CheckboxSelectMultiple,
        help_text=_("At least two other seated delegates must co-sign before the proposal is submitted."))

    def __init__(self, *args, delegates, sessions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["proposer"].queryset = delegates
        self.fields["cosigners"].queryset = delegates
        self.fields["session"].queryset = sessions
        self.fields["cosigners"].widget.attrs["class"] = "form-check-input"

    @staticmethod
    def initial_for(proposal: Proposal):
        return {"title": proposal.title, "category": proposal.category, "session": proposal.session_id,
                "proposer": proposal.proposer_id, "reasons": proposal.reasons, "suggestions": proposal.suggestions,
                "cosigners": [d.pk for d in proposal.cosigners.all()]}

    def proposal_input(self) -> ProposalInput:
        d = self.cleaned_data
        return ProposalInput(title=d["title"], category=d["category"], reasons=d["reasons"],
                             suggestions=d["suggestions"], proposer=d["proposer"], cosigners=list(d["cosigners"]),
                             session=d["session"])


# --- the workflow steps ---------------------------------------------------------------------------

class SubmitForm(StyledFormMixin, forms.Form):
    submitted_on = forms.DateField(label=_("Submitted on"), widget=DateInput())
    one_issue = forms.BooleanField(
        label=_("This proposal raises one issue only"), required=True,
        error_messages={"required": _("Confirm that the proposal raises one issue only; split it otherwise.")},
        help_text=_("The proposal committee checks this when it reviews the proposal."))


class AcceptForm(StyledFormMixin, forms.Form):
    reviewed_on = forms.DateField(label=_("Reviewed on"), widget=DateInput(),
                                  help_text=_("The proposal gets its number (year and sequence) when accepted."))


class DeclineForm(StyledFormMixin, forms.Form):
    reviewed_on = forms.DateField(label=_("Reviewed on"), widget=DateInput())
    review_reason = forms.CharField(label=_("Reason, for the proposer"), max_length=2000,
                                    widget=forms.Textarea(attrs={"rows": 3}))


class AssignForm(StyledFormMixin, forms.Form):
    department = forms.CharField(label=_("Responsible department"), max_length=80,
                                 widget=forms.TextInput(attrs={"list": "departments", "autocomplete": "off"}),
                                 help_text=_("The reply is due two months after the assignment (the next working "
                                             "day when that falls on a rest day)."))
    assigned_on = forms.DateField(label=_("Assigned on"), widget=DateInput())


class ExtendForm(StyledFormMixin, forms.Form):
    extension_reason = forms.CharField(label=_("Reason for the extension"), max_length=200,
                                       help_text=_("The reply may be extended once, by one month."))


class ReplyForm(StyledFormMixin, forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=[("", "—")] + ReplyOutcome.choices)
    reply = forms.CharField(label=_("The department's reply"), max_length=5000,
                            widget=forms.Textarea(attrs={"rows": 4}),
                            help_text=_("For outcome C, the reply must say why it cannot be solved for now."))
    replied_on = forms.DateField(label=_("Replied on"), widget=DateInput())
    benefit_estimated = forms.DecimalField(label=_("Estimated benefit (yuan)"), required=False, min_value=0,
                                           max_digits=14, decimal_places=2,
                                           help_text=_("Optional, for an adopted proposal (A or B)."))


class RateForm(StyledFormMixin, forms.Form):
    satisfaction = forms.ChoiceField(label=_("The proposer's rating"), choices=[("", "—")] + Satisfaction.choices,
                                     help_text=_("Not satisfied reopens the proposal once: the department answers "
                                                 "again within two months."))
    rated_on = forms.DateField(label=_("Rated on"), widget=DateInput())


class BenefitForm(StyledFormMixin, forms.Form):
    benefit_verified = forms.DecimalField(label=_("Verified benefit (yuan)"), min_value=0, max_digits=14,
                                          decimal_places=2)
    benefit_estimated = forms.DecimalField(label=_("Estimated benefit (yuan)"), required=False, min_value=0,
                                           max_digits=14, decimal_places=2,
                                           help_text=_("Empty keeps the estimate recorded with the reply."))
