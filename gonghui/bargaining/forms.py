"""Forms of the negotiation pages. They collect and shape input; the rules live in services.py
(shared with the API and the import)."""

from urllib.parse import urlencode

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gonghui.core.forms import FastSelect
from gonghui.core.uploads import DocumentField, extension_of
from gonghui.members.forms import DateInput, StyledFormMixin, org_label, set_model_options
from gonghui.orgs.models import Industry, Org

from .models import AgreementKind, Side, Stage, VotingBody, WageAgreement
from .services import TERMS_FIELDS, RepresentativeInput

# --- list filters -------------------------------------------------------------------------------

DUE_CHOICES = [("", _("Any")), ("overdue", _("A step is overdue")), ("soon", _("A step is due soon"))]


class AgreementFilterForm(StyledFormMixin, forms.Form):
    """Filters of the list page and its export (GET: nothing personal in them)."""

    q = forms.CharField(label=_("Search"), required=False, max_length=60,
                        widget=forms.TextInput(attrs={"type": "search",
                                                      "placeholder": _("Title, employer or union")}))
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=[("", _("All kinds"))] + AgreementKind.choices)
    stage = forms.ChoiceField(label=_("Stage"), required=False, choices=[("", _("All stages"))] + Stage.choices)
    org = forms.ModelChoiceField(label=_("Organisation"), required=False, queryset=Org.objects.none(),
                                 empty_label=_("All my organisations"), widget=FastSelect)
    due = forms.ChoiceField(label=_("Deadlines"), required=False, choices=DUE_CHOICES)
    year = forms.IntegerField(label=_("Offer year"), required=False, min_value=2000, max_value=2100)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = Org.objects.visible_to(user, "bargaining.view")

    def value(self, name, default=None):
        data = getattr(self, "cleaned_data", {})
        return data.get(name) if name in data and name not in self.errors else default

    def filters(self):
        from .selectors import AgreementFilters

        return AgreementFilters(q=(self.value("q", "") or "").strip(), kind=self.value("kind", "") or "",
                                stage=self.value("stage", "") or "", org=self.value("org"),
                                due=self.value("due", "") or "", year=self.value("year"))

    def set_org_options(self, orgs):
        base = min((o.depth for o in orgs), default=1)
        set_model_options(self.fields["org"], orgs, label=lambda o: org_label(o, base),
                          empty_label=self.fields["org"].empty_label)

    def query_string(self, **extra):
        f = self.filters()
        params = {"q": f.q, "kind": f.kind, "stage": f.stage, "org": f.org.pk if f.org else "", "due": f.due,
                  "year": f.year or ""}
        params.update(extra)
        return urlencode({k: v for k, v in params.items() if v not in ("", None)})


# --- starting a negotiation --------------------------------------------------------------------

class OfferForm(StyledFormMixin, forms.Form):
    """Step 2: the written offer (要约书). The enterprises covered come from the coverage table
    (`parse_coverage`)."""

    title = forms.CharField(label=pgettext_lazy("wage agreement", "Title"), max_length=120,
                            help_text=_("E.g. 2027 wage agreement of Zhejiang Example Textiles"))
    employer_party = forms.CharField(label=_("Employer party"), max_length=120,
                                     help_text=_("The enterprise, or the employers' organisation for an area or "
                                                 "industry agreement."))
    industry = forms.ChoiceField(label=_("Industry"), required=False, choices=[("", "—")] + Industry.choices)
    offered_by = forms.ChoiceField(label=_("Offer made by"), choices=Side.choices, initial=Side.UNION)
    offered_on = forms.DateField(label=_("Offer sent on"), widget=DateInput())
    offer_received_on = forms.DateField(label=_("Offer received on"), widget=DateInput(),
                                        help_text=_("The reply is due 20 days after this day."))
    offer_points = forms.CharField(label=_("Main points of the offer"), required=False, max_length=4000,
                                   widget=forms.Textarea(attrs={"rows": 3}))
    proposed_talks_on = forms.DateField(label=_("Proposed date of talks"), required=False, widget=DateInput())
    term_years = forms.TypedChoiceField(label=_("Term (years)"), coerce=int, initial=1,
                                        choices=[(1, "1"), (2, "2"), (3, "3")])

    def __init__(self, *args, kind, **kwargs):
        super().__init__(*args, **kwargs)
        if kind != AgreementKind.INDUSTRY:
            del self.fields["industry"]
        else:
            self.fields["industry"].required = True


class EditOfferForm(StyledFormMixin, forms.Form):
    title = forms.CharField(label=pgettext_lazy("wage agreement", "Title"), max_length=120)
    employer_party = forms.CharField(label=_("Employer party"), max_length=120)
    offer_points = forms.CharField(label=_("Main points of the offer"), required=False, max_length=4000,
                                   widget=forms.Textarea(attrs={"rows": 3}))
    proposed_talks_on = forms.DateField(label=_("Proposed date of talks"), required=False, widget=DateInput())


# --- the workflow steps -------------------------------------------------------------------------

class ReplyForm(StyledFormMixin, forms.Form):
    replied_on = forms.DateField(label=_("Reply received on"), widget=DateInput())
    reply_note = forms.CharField(label=_("What the reply says"), required=False, max_length=4000,
                                 widget=forms.Textarea(attrs={"rows": 3}))
    first_meeting_on = forms.DateField(
        label=_("First meeting planned on"), required=False, widget=DateInput(),
        help_text=_("Talks must begin within 10 working days of the reply; the wage data is due 5 working "
                    "days before the first meeting."))


class ScheduleForm(StyledFormMixin, forms.Form):
    first_meeting_on = forms.DateField(label=_("First meeting planned on"), widget=DateInput())


class DataForm(StyledFormMixin, forms.Form):
    provided_on = forms.DateField(
        label=_("Wage data provided on"), widget=DateInput(),
        help_text=_("Wage totals, labour costs, finances, social insurance and training spending."))


REPS_HELP = _("One person per line: name, then a comma and the position. The first line is the chief "
              "representative. 3 to 10 people, the same number on both sides.")


class RepresentativesForm(StyledFormMixin, forms.Form):
    union_reps = forms.CharField(label=_("Workers' side"), max_length=2000, help_text=REPS_HELP,
                                 widget=forms.Textarea(attrs={"rows": 6}))
    employer_reps = forms.CharField(label=_("Employer side"), max_length=2000, help_text=REPS_HELP,
                                    widget=forms.Textarea(attrs={"rows": 6}))
    recorder_name = forms.CharField(label=_("Recorder"), max_length=64)

    @staticmethod
    def initial_for(agreement):
        lines = {Side.UNION: [], Side.EMPLOYER: []}
        for rep in agreement.representatives.order_by("-is_chief", "id"):
            lines[rep.side].append(f"{rep.name}, {rep.position}".rstrip(", "))
        return {"union_reps": "\n".join(lines[Side.UNION]), "employer_reps": "\n".join(lines[Side.EMPLOYER]),
                "recorder_name": agreement.recorder_name}

    def representatives(self):
        reps = []
        for side, name in ((Side.UNION, "union_reps"), (Side.EMPLOYER, "employer_reps")):
            lines = [line.strip() for line in self.cleaned_data[name].splitlines() if line.strip()]
            for number, line in enumerate(lines):
                person, _sep, position = line.replace("，", ",").partition(",")
                reps.append(RepresentativeInput(side, person.strip(), position.strip(), number == 0))
        return reps


class RoundForm(StyledFormMixin, forms.Form):
    held_on = forms.DateField(label=_("Held on"), widget=DateInput())
    minutes = forms.CharField(label=_("Minutes"), max_length=20000, widget=forms.Textarea(attrs={"rows": 6}),
                              help_text=_("Who attended, each side's proposal, what was agreed and what is open."))


class TermsForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = WageAgreement
        fields = TERMS_FIELDS
        widgets = {name: forms.Textarea(attrs={"rows": 2}) for name in (
            "wage_system", "payment_terms", "allowances", "piece_rates", "overtime_pay", "leave_pay",
            "special_groups", "skilled_worker_terms")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["term_years"].widget = forms.Select(choices=[(1, "1"), (2, "2"), (3, "3")],
                                                        attrs={"class": "form-select"})
        if not self.instance.needs_minimum_terms:
            self.fields["min_wage"].help_text = _("Required for area and industry agreements.")

    def terms(self):
        return {name: self.cleaned_data[name] for name in TERMS_FIELDS}


class VoteForm(StyledFormMixin, forms.Form):
    body = forms.ChoiceField(label=_("Voting body"), choices=VotingBody.choices)
    held_on = forms.DateField(label=_("Held on"), widget=DateInput())
    eligible = forms.IntegerField(label=_("Delegates (or staff) in total"), min_value=1,
                                  help_text=_("All delegates of the congress, or all staff where there is none."))
    present = forms.IntegerField(label=_("Present"), min_value=0)
    yes = forms.IntegerField(label=_("In favour"), min_value=0)
    no = forms.IntegerField(label=_("Against"), min_value=0)
    abstain = forms.IntegerField(label=_("Abstaining"), min_value=0, initial=0)


class SignedFileMixin:
    """The stored name comes from the type found in the file, never from the browser's name."""

    def clean_signed_file(self):
        upload = self.cleaned_data.get("signed_file")
        if upload:
            upload.name = f"wage-agreement.{extension_of(upload.document_kind)}"
        return upload


class SignForm(SignedFileMixin, StyledFormMixin, forms.Form):
    signed_on = forms.DateField(label=_("Signed on"), widget=DateInput())
    starts_on = forms.DateField(label=_("In force from"), widget=DateInput())
    signed_file = DocumentField(label=_("Signed agreement (PDF or image)"), required=False)


class AttachForm(SignedFileMixin, StyledFormMixin, forms.Form):
    signed_file = DocumentField(label=_("Signed agreement (PDF or image)"))


class FileForm(StyledFormMixin, forms.Form):
    filed_on = forms.DateField(label=_("Filed with the labour bureau on"), widget=DateInput())
    bureau_ref = forms.CharField(label=_("Filing reference"), max_length=64, required=False)


class ObjectionForm(StyledFormMixin, forms.Form):
    objection_on = forms.DateField(label=_("Objection received on"), widget=DateInput())
    note = forms.CharField(label=_("What the bureau objected to"), max_length=4000,
                           widget=forms.Textarea(attrs={"rows": 3}))


class PublishForm(StyledFormMixin, forms.Form):
    published_on = forms.DateField(label=_("Published to staff on"), widget=DateInput())
    method = forms.CharField(label=_("How it was published"), max_length=120,
                             help_text=_("E.g. factory-affairs notice board, staff meeting, intranet."))


class RenewForm(StyledFormMixin, forms.Form):
    offered_by = forms.ChoiceField(label=_("Offer made by"), choices=Side.choices, initial=Side.UNION)
    offered_on = forms.DateField(label=_("Offer sent on"), widget=DateInput())
    offer_received_on = forms.DateField(label=_("Offer received on"), widget=DateInput())
    offer_points = forms.CharField(label=_("Main points of the offer"), required=False, max_length=4000,
                                   widget=forms.Textarea(attrs={"rows": 3}))
    proposed_talks_on = forms.DateField(label=_("Proposed date of talks"), required=False, widget=DateInput())


class CancelForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(label=_("Reason for cancelling"), max_length=200)


class StaffRequestForm(StyledFormMixin, forms.Form):
    enterprise = forms.ModelChoiceField(label=_("Enterprise"), queryset=None, empty_label=None)
    received_on = forms.DateField(label=_("Request received on"), widget=DateInput())
    signatures = forms.IntegerField(label=_("Staff who signed"), min_value=1)
    headcount = forms.IntegerField(label=_("Staff of the enterprise"), min_value=1, required=False,
                                   help_text=_("Empty: the headcount registered for the enterprise."))
    note = forms.CharField(label=_("What the staff ask for"), required=False, max_length=4000,
                           widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, enterprises, **kwargs):
        super().__init__(*args, **kwargs)
        from gonghui.orgs.models import Enterprise

        self.fields["enterprise"].queryset = Enterprise.objects.filter(pk__in=[e.pk for e in enterprises])
