"""Forms of the founding (组建) and 未建会企业 pages. They collect and shape input; the rules live
in `services/foundings.py` (shared with the API)."""

from urllib.parse import urlencode

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gonghui.core.forms import FastSelect
from gonghui.members.forms import DateInput, StyledFormMixin, org_label, set_model_options
from gonghui.orgs.models import Industry, Org

from ..models.foundings import ApplicantKind, FoundingForm, FoundingStatus
from ..policies.foundings import VIEW
from ..rules.committees import rules as committee_rules
from ..rules.foundings import rules
from ..services.foundings import FoundingInput

MAX_COUNT = 10_000_000


class _FilterMixin:
    def value(self, name, default=None):
        data = getattr(self, "cleaned_data", {})
        return data.get(name) if name in data and name not in self.errors else default

    def set_org_options(self, field, orgs):
        base = min((o.depth for o in orgs), default=1)
        set_model_options(self.fields[field], orgs, label=lambda o: org_label(o, base),
                          empty_label=self.fields[field].empty_label)


DUE_CHOICES = [("", _("Any deadline")), ("overdue", _("Overdue")), ("soon", _("Due soon"))]


class FoundingFilterForm(_FilterMixin, StyledFormMixin, forms.Form):
    """Filters of the application list, its summary and its export (GET)."""

    q = forms.CharField(label=_("Search"), required=False, max_length=60,
                        widget=forms.TextInput(attrs={"type": "search",
                                                      "placeholder": _("Enterprise, union or contact")}))
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("All statuses"))] + FoundingStatus.choices)
    form = forms.ChoiceField(label=_("Proposed form"), required=False,
                             choices=[("", _("All forms"))] + FoundingForm.choices)
    org = forms.ModelChoiceField(label=_("Town or union"), required=False, queryset=Org.objects.none(),
                                 empty_label=_("All my organisations"), widget=FastSelect)
    year = forms.IntegerField(label=_("Year submitted"), required=False, min_value=2000, max_value=2100)
    due = forms.ChoiceField(label=_("Deadline"), required=False, choices=DUE_CHOICES)
    open = forms.BooleanField(label=_("In progress only"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = Org.objects.visible_to(user, VIEW)

    def filters(self):
        from ..selectors.foundings import FoundingFilters

        return FoundingFilters(q=(self.value("q", "") or "").strip(), status=self.value("status", "") or "",
                               form=self.value("form", "") or "", org=self.value("org"), year=self.value("year"),
                               due=self.value("due", "") or "", open=bool(self.value("open", False)))

    def query_string(self, **extra):
        f = self.filters()
        params = {"q": f.q, "status": f.status, "form": f.form, "org": f.org.pk if f.org else "",
                  "year": f.year or "", "due": f.due, "open": "on" if f.open else "", **extra}
        return urlencode({k: v for k, v in params.items() if v not in ("", None)})


SIZE_CHOICES = [("", _("Any size")), ("lt25", _("Fewer than 25")), ("25_99", _("25–99")),
                ("100_499", _("100–499")), ("500", _("500 or more"))]
APPLICATION_CHOICES = [("", _("With or without")), ("open", _("Application in progress")),
                       ("none", _("No application yet"))]
SORT_CHOICES = [("headcount", _("Headcount, largest first")), ("name", pgettext_lazy("sort", "Name")),
                ("town", _("Town"))]


class UnorganisedFilterForm(_FilterMixin, StyledFormMixin, forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=60,
                        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Enterprise name")}))
    town = forms.ModelChoiceField(label=_("Town"), required=False, queryset=Org.objects.none(),
                                  empty_label=_("All my towns"), widget=FastSelect)
    industry = forms.ChoiceField(label=_("Industry"), required=False,
                                 choices=[("", _("All industries"))] + Industry.choices)
    size = forms.ChoiceField(label=_("Headcount"), required=False, choices=SIZE_CHOICES)
    application = forms.ChoiceField(label=_("Founding application"), required=False, choices=APPLICATION_CHOICES)
    above_scale = forms.BooleanField(label=_("Above designated size only"), required=False)
    top100 = forms.BooleanField(label=_("Top-100 only"), required=False)
    sort = forms.ChoiceField(label=_("Sort by"), required=False, choices=SORT_CHOICES)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["town"].queryset = Org.objects.visible_to(user, VIEW)

    def filters(self):
        from ..selectors.foundings import UnorganisedFilters

        return UnorganisedFilters(q=(self.value("q", "") or "").strip(), town=self.value("town"),
                                  industry=self.value("industry", "") or "", size=self.value("size", "") or "",
                                  above_scale=bool(self.value("above_scale")), top100=bool(self.value("top100")),
                                  application=self.value("application", "") or "",
                                  sort=self.value("sort", "") or "headcount")

    def query_string(self, **extra):
        f = self.filters()
        params = {"q": f.q, "town": f.town.pk if f.town else "", "industry": f.industry, "size": f.size,
                  "application": f.application, "above_scale": "on" if f.above_scale else "",
                  "top100": "on" if f.top100 else "", "sort": f.sort if f.sort != "headcount" else "", **extra}
        return urlencode({k: v for k, v in params.items() if v not in ("", None)})


def _term_choices():
    """The terms the committees area seats (its rules; 3 or 5 years by default)."""
    labels = {3: _("3 years"), 5: _("5 years")}
    return [("", "—")] + [(n, labels[n]) for n in committee_rules().term_years]


class ApplicationForm(StyledFormMixin, forms.Form):
    """The application, guided: who applies, how many wish to join, the form that follows from
    that number, and (when it was held) the founding meeting and the committee it elected."""

    applicant_kind = forms.ChoiceField(label=_("Who applies"), choices=ApplicantKind.choices,
                                       widget=forms.RadioSelect)
    contact_name = forms.CharField(label=_("Contact person"), max_length=64)
    contact_phone = forms.CharField(label=_("Contact phone"), max_length=20,
                                    widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}))
    members_count = forms.IntegerField(label=_("Workers who wish to join"), min_value=1, max_value=MAX_COUNT,
                                       widget=forms.NumberInput(attrs={"inputmode": "numeric"}))
    form = forms.ChoiceField(label=_("Proposed form"), choices=FoundingForm.choices, widget=forms.RadioSelect)
    joint_union = forms.TypedChoiceField(label=_("Joint union to join"), required=False, coerce=int,
                                         empty_value=None, choices=())
    proposed_name = forms.CharField(label=_("Name of the new union"), max_length=120, required=False,
                                    help_text=_("Empty: the enterprise's name followed by 工会委员会 (or 工会)."))
    meeting_on = forms.DateField(label=_("Founding meeting held on"), required=False, widget=DateInput(),
                                 help_text=_("Leave empty if the meeting has not been held yet."))
    term_years = forms.TypedChoiceField(label=_("Term"), required=False, coerce=int, empty_value=None,
                                        choices=_term_choices)
    chair_name = forms.CharField(label=_("Chair (or organiser)"), max_length=64, required=False)
    vice_chair_names = forms.CharField(label=_("Vice-chairs"), max_length=400, required=False,
                                       help_text=_("Names separated by commas or 、."))
    committee_member_names = forms.CharField(label=_("Other committee members"), max_length=1000, required=False,
                                             widget=forms.Textarea(attrs={"rows": 2}),
                                             help_text=_("Names separated by commas or 、."))
    note = forms.CharField(label=_("Note"), max_length=4000, required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, joint_unions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.joint_unions = {u.pk: u for u in joint_unions}
        self.fields["joint_union"].choices = [("", "—")] + [(u.pk, u.name) for u in joint_unions]
        self.fields["form"].help_text = _("%(n)s members or more: a committee; fewer: an organiser or joining a "
                                          "joint union.") % {"n": rules().committee_min_members}

    def data_input(self) -> FoundingInput:
        d = self.cleaned_data
        return FoundingInput(applicant_kind=d["applicant_kind"], contact_name=d["contact_name"],
                             contact_phone=d["contact_phone"], members_count=d["members_count"], form=d["form"],
                             joint_union=self.joint_unions.get(d["joint_union"]) if d["joint_union"] else None,
                             proposed_name=d["proposed_name"], meeting_on=d["meeting_on"],
                             term_years=d["term_years"], chair_name=d["chair_name"],
                             vice_chair_names=d["vice_chair_names"],
                             committee_member_names=d["committee_member_names"], note=d["note"])


class SubmitForm(StyledFormMixin, forms.Form):
    submitted_on = forms.DateField(label=_("Submitted on"), widget=DateInput())


class ReviewForm(StyledFormMixin, forms.Form):
    reviewed_on = forms.DateField(label=_("Reviewed on"), widget=DateInput())
    note = forms.CharField(label=_("Review note"), max_length=400, required=False)


class ReturnForm(StyledFormMixin, forms.Form):
    returned_on = forms.DateField(label=_("Returned on"), widget=DateInput())
    reason = forms.CharField(label=_("What the applicant must change"), max_length=400,
                             widget=forms.Textarea(attrs={"rows": 2}))


class RefuseForm(StyledFormMixin, forms.Form):
    refused_on = forms.DateField(label=_("Refused on"), widget=DateInput())
    reason = forms.CharField(label=_("Reason for refusing"), max_length=400, widget=forms.Textarea(attrs={"rows": 2}))


class ApproveForm(StyledFormMixin, forms.Form):
    approved_on = forms.DateField(label=_("Approval date"), widget=DateInput())
    decision_no = forms.CharField(label=_("Approval decision no."), max_length=64,
                                  widget=forms.TextInput(attrs={"placeholder": "萧工复〔2026〕12号"}))


class RegisterForm(StyledFormMixin, forms.Form):
    registered_on = forms.DateField(label=_("Registered on"), widget=DateInput())
    legal_cert_no = forms.CharField(label=_("Legal-person certificate no."), max_length=64)
    code = forms.CharField(label=_("Union code"), max_length=32, required=False,
                           help_text=_("Empty: the town's code followed by the application number."))


class WithdrawForm(StyledFormMixin, forms.Form):
    withdrawn_on = forms.DateField(label=_("Withdrawn on"), widget=DateInput())
    reason = forms.CharField(label=_("Reason for withdrawing"), max_length=400, required=False)
