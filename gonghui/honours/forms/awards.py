"""Forms of the awards pages. They collect and shape input; the rules live in services.awards
(shared with the API)."""

from urllib.parse import urlencode

from django import forms
from django.utils.translation import gettext_lazy as _

from gonghui.core.forms import FastSelect
from gonghui.members.forms import DateInput, StyledFormMixin, org_label, set_model_options
from gonghui.members.models import Person
from gonghui.orgs.models import Enterprise, Org

from ..models.awards import HonourCategory, HonourLevel, HonourType, NominationStatus
from ..policies.awards import VIEW


class _Filters(StyledFormMixin, forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=60,
                        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Name, team or union")}))
    org = forms.ModelChoiceField(label=_("Town or union"), required=False, queryset=Org.objects.none(),
                                 empty_label=_("All my organisations"), widget=FastSelect)
    year = forms.IntegerField(label=_("Year"), required=False, min_value=2000, max_value=2100)

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

    def query_string(self, **extra):
        params = {name: self.data.get(name, "") for name in self.fields}
        params.update(extra)
        if self.is_bound:
            for name in self.errors:
                params.pop(name, None)
        return urlencode({k: v for k, v in params.items() if v not in ("", None)})


class NominationFilterForm(_Filters):
    honour_type = forms.ModelChoiceField(label=_("Award"), required=False, queryset=HonourType.objects.all(),
                                         empty_label=_("All awards"))
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("All statuses"))] + NominationStatus.choices)
    due = forms.ChoiceField(label=_("Due"), required=False, choices=[
        ("", _("Anything")), ("review", _("Waiting for a review")), ("confer", _("Public notice over: to confer"))])

    def filters(self):
        from ..selectors.awards import NominationFilters

        return NominationFilters(q=(self.value("q", "") or "").strip(), org=self.value("org"),
                                 honour_type=self.value("honour_type"), status=self.value("status", "") or "",
                                 year=self.value("year"), due=self.value("due", "") or "")


class RecordFilterForm(_Filters):
    q = forms.CharField(label=_("Search"), required=False, max_length=60,
                        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Name, team or honour")}))
    category = forms.ChoiceField(label=_("Category"), required=False,
                                 choices=[("", _("All categories"))] + HonourCategory.choices)
    level = forms.ChoiceField(label=_("Level"), required=False, choices=[("", _("All levels"))] + HonourLevel.choices)

    def filters(self):
        from ..selectors.awards import RecordFilters

        return RecordFilters(q=(self.value("q", "") or "").strip(), org=self.value("org"),
                             category=self.value("category", "") or "", level=self.value("level", "") or "",
                             year=self.value("year"))


class NominationForm(StyledFormMixin, forms.Form):
    honour_type = forms.ModelChoiceField(label=_("Award"), queryset=HonourType.objects.filter(is_active=True),
                                         empty_label=None)
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    person = forms.ModelChoiceField(label=_("Person (member of the union)"), required=False,
                                    queryset=Person.objects.none(), widget=FastSelect,
                                    help_text=_("For an award to a person."))
    team_name = forms.CharField(label=_("Team"), required=False, max_length=120,
                                help_text=_("For 工人先锋号: the team (workshop, section, group)."))
    enterprise = forms.ModelChoiceField(label=_("The team's enterprise"), required=False,
                                        queryset=Enterprise.objects.none(), widget=FastSelect)
    deeds = forms.CharField(label=_("Deeds (事迹)"), max_length=4000, widget=forms.Textarea(attrs={"rows": 4}))
    wage_arrears = forms.BooleanField(label=_("The enterprise owes wages (arrears)"), required=False)
    no_social_insurance = forms.BooleanField(label=_("The enterprise does not pay social insurance for all staff"),
                                             required=False)
    serious_accident_on = forms.DateField(label=_("Date of a serious safety accident in the last 3 years, if any"),
                                          required=False, widget=DateInput)
    submitted_on = forms.DateField(label=_("Submitted on"), widget=DateInput)

    def __init__(self, *args, org, person_q="", **kwargs):
        super().__init__(*args, **kwargs)
        from gonghui.members.models import Membership

        live = Membership.objects.live().filter(union__path__startswith=org.path).values("person_id")
        people = Person.objects.filter(pk__in=live).order_by("name", "id")
        self.fields["person"].queryset = people
        shown = people.filter(name__startswith=person_q) if person_q else people
        # The menu lists at most 300 (a big union: narrow it by the name's beginning); any live
        # member of the union is accepted.
        set_model_options(self.fields["person"], list(shown[:300]), empty_label="—")
        firms = Enterprise.objects.filter(union__path__startswith=org.path).order_by("name")
        self.fields["enterprise"].queryset = firms
        set_model_options(self.fields["enterprise"], list(firms[:200]), empty_label="—")


class TownReviewForm(StyledFormMixin, forms.Form):
    decision = forms.ChoiceField(label=_("Decision"), choices=[("forward", _("Forward to the district")),
                                                              ("reject", _("Reject"))])
    reviewed_on = forms.DateField(label=_("Reviewed on"), widget=DateInput)
    comments = forms.CharField(label=_("Comments"), required=False, max_length=400)
    reason = forms.CharField(label=_("Reason for rejecting"), required=False, max_length=400)


class DistrictReviewForm(StyledFormMixin, forms.Form):
    decision = forms.ChoiceField(label=_("Decision"), choices=[("approve", _("Approve and start the public notice")),
                                                              ("reject", _("Reject"))])
    reviewed_on = forms.DateField(label=_("Reviewed on"), widget=DateInput)
    notice_starts_on = forms.DateField(label=_("Public notice from"), required=False, widget=DateInput,
                                       help_text=_("Default: the day of the review."))
    comments = forms.CharField(label=_("Comments"), required=False, max_length=400)
    reason = forms.CharField(label=_("Reason for rejecting"), required=False, max_length=400)


class ObjectionForm(StyledFormMixin, forms.Form):
    received_on = forms.DateField(label=_("Received on"), widget=DateInput)
    objector = forms.CharField(label=_("Raised by (may stay anonymous)"), required=False, max_length=64)
    content = forms.CharField(label=_("The objection"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))


class DecideObjectionForm(StyledFormMixin, forms.Form):
    objection = forms.IntegerField(widget=forms.HiddenInput)
    decision = forms.ChoiceField(label=_("Finding"), choices=[("dismiss", _("Dismiss: the deeds stand")),
                                                             ("uphold", _("Uphold: do not confer"))])
    decided_on = forms.DateField(label=_("Decided on"), widget=DateInput)
    note = forms.CharField(label=_("What was found"), max_length=400)


class ConferForm(StyledFormMixin, forms.Form):
    conferred_on = forms.DateField(label=_("Conferred on"), widget=DateInput)
    certificate_no = forms.CharField(label=_("Certificate number"), required=False, max_length=64)


class WithdrawForm(StyledFormMixin, forms.Form):
    withdrawn_on = forms.DateField(label=_("Withdrawn on"), widget=DateInput)
    reason = forms.CharField(label=_("Reason"), required=False, max_length=400)


class QuotaForm(StyledFormMixin, forms.Form):
    honour_type = forms.ModelChoiceField(label=_("Award"), queryset=HonourType.objects.all(), empty_label=None)
    org = forms.ModelChoiceField(label=_("Town or union"), queryset=Org.objects.none(), widget=FastSelect)
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    places = forms.IntegerField(label=_("Places"), min_value=0, max_value=999)

    def __init__(self, *args, user, orgs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = Org.objects.visible_to(user, "honours.configure").filter(is_active=True)
        base = min((o.depth for o in orgs), default=1)
        set_model_options(self.fields["org"], orgs, label=lambda o: org_label(o, base))


class TypeForm(StyledFormMixin, forms.Form):
    honour_type = forms.ModelChoiceField(label=_("Award"), queryset=HonourType.objects.all(), empty_label=None)
    name = forms.CharField(label=_("Name"), max_length=120)
    is_active = forms.BooleanField(label=_("Open for nominations"), required=False)
    description = forms.CharField(label=_("Description"), required=False, max_length=400)
