"""Forms of the campaign pages. They collect and shape input; the rules live in
services.campaigns (shared with the API)."""

from urllib.parse import urlencode

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gonghui.core.forms import FastSelect
from gonghui.members.forms import StyledFormMixin, org_label, set_model_options
from gonghui.orgs.models import Enterprise, Org

from ..models.campaigns import (
    ApplicationChannel,
    ApplicationStatus,
    BenefitKind,
    CampaignKind,
    CampaignStatus,
    PaymentMethod,
    SchoolLevel,
)
from ..models.hardship import HardshipCategory
from ..policies.campaigns import VIEW

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
MONEY = {"max_digits": 14, "decimal_places": 2, "min_value": 0}
MONEY_ERRORS = {"invalid": _("Enter a sum in yuan, e.g. 3000 or 3000.50."),
                "max_decimal_places": _("A sum has at most 2 decimal places (fen)."),
                "max_digits": _("This sum is too large."), "min_value": _("A sum cannot be negative.")}


class _FilterForm(StyledFormMixin, forms.Form):
    """Shared parts of the list filters (GET: nothing personal in them)."""

    q = forms.CharField(label=_("Search"), required=False, max_length=60,
                        widget=forms.TextInput(attrs={"type": "search"}))
    org = forms.ModelChoiceField(label=_("Town or union"), required=False, queryset=Org.objects.none(),
                                 empty_label=_("All my organisations"), widget=FastSelect)
    year = forms.IntegerField(label=_("Year"), required=False, min_value=2000, max_value=2100,
                              error_messages={"min_value": _("Enter a year between 2000 and 2100."),
                                              "max_value": _("Enter a year between 2000 and 2100.")})
    keys = ("q", "org", "year")

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

    def _campaign(self):
        from ..models.campaigns import Campaign

        cid = self.value("campaign")
        if not cid:
            return None
        return Campaign.objects.filter(pk=cid).first() or Campaign(pk=cid)  # unknown: matches nothing

    def query_string(self, **extra):
        params = {}
        for k in self.keys:
            v = self.value(k)
            params[k] = v.pk if hasattr(v, "pk") else v
        params.update(extra)
        return urlencode({k: v for k, v in params.items() if v not in ("", None)})


class CampaignFilterForm(_FilterForm):
    kind = forms.ChoiceField(label=_("Campaign kind"), required=False,
                             choices=[("", _("All kinds"))] + CampaignKind.choices)
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("All statuses"))] + CampaignStatus.choices)
    keys = ("q", "org", "year", "kind", "status")

    def filters(self):
        from ..selectors.campaigns import CampaignFilters

        return CampaignFilters(q=(self.value("q", "") or "").strip(), org=self.value("org"), year=self.value("year"),
                               kind=self.value("kind", "") or "", status=self.value("status", "") or "")


class ApplicationFilterForm(_FilterForm):
    kind = forms.ChoiceField(label=_("Campaign kind"), required=False,
                             choices=[("", _("All kinds"))] + CampaignKind.choices)
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("All statuses"))] + ApplicationStatus.choices)
    channel = forms.ChoiceField(label=_("Applied through"), required=False,
                                choices=[("", _("All channels"))] + ApplicationChannel.choices)
    campaign = forms.IntegerField(required=False, min_value=1, max_value=2**63 - 1, widget=forms.HiddenInput)
    keys = ("q", "org", "year", "kind", "status", "channel", "campaign")

    def filters(self):
        from ..selectors.campaigns import ApplicationFilters

        return ApplicationFilters(q=(self.value("q", "") or "").strip(), org=self.value("org"),
                                  campaign=self._campaign(), year=self.value("year"),
                                  kind=self.value("kind", "") or "", status=self.value("status", "") or "",
                                  channel=self.value("channel", "") or "")


class PaymentFilterForm(_FilterForm):
    method = forms.ChoiceField(label=_("Method"), required=False,
                               choices=[("", _("All methods"))] + PaymentMethod.choices)
    campaign = forms.IntegerField(required=False, min_value=1, max_value=2**63 - 1, widget=forms.HiddenInput)
    keys = ("q", "org", "year", "method", "campaign")

    def filters(self):
        from ..selectors.campaigns import PaymentFilters

        return PaymentFilters(q=(self.value("q", "") or "").strip(), org=self.value("org"),
                              campaign=self._campaign(), year=self.value("year"),
                              method=self.value("method", "") or "")


class CampaignForm(StyledFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Campaign kind"), choices=CampaignKind.choices,
                             error_messages={"required": _("Choose the kind of campaign.")})
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100,
                              error_messages={"required": _("Enter the campaign's year."),
                                              "min_value": _("Enter a year between 2000 and 2100."),
                                              "max_value": _("Enter a year between 2000 and 2100.")})
    title = forms.CharField(label=_("Title"), max_length=120, error_messages={"required": _("Enter the title.")})
    description = forms.CharField(label=_("Description"), required=False, max_length=4000,
                                  widget=forms.Textarea(attrs={"rows": 3}))
    opens_on = forms.DateField(label=_("Applications open on"), widget=DATE,
                               error_messages={"required": _("Enter the date applications open."),
                                               "invalid": _("Enter a date such as 2026-09-01.")})
    closes_on = forms.DateField(label=_("Applications close on"), widget=DATE,
                                error_messages={"required": _("Enter the date applications close."),
                                                "invalid": _("Enter a date such as 2026-09-30.")})
    unions_apply = forms.BooleanField(label=_("Unions apply for their members"), required=False, initial=True)
    members_apply = forms.BooleanField(label=_("Members apply themselves (phone)"), required=False)
    member_required = forms.BooleanField(label=_("Live trade-union member required"), required=False, initial=True)
    hardship_required = forms.BooleanField(label=_("Hardship file on record required"), required=False)
    hardship_categories = forms.MultipleChoiceField(
        label=_("Only these hardship categories (none ticked: any)"), required=False,
        choices=HardshipCategory.choices, widget=forms.CheckboxSelectMultiple)
    migrant_required = forms.BooleanField(label=_("Migrant workers only"), required=False)
    outside_province_required = forms.BooleanField(label=_("Hometown outside the province only"), required=False)
    benefit = forms.ChoiceField(label=_("Benefit"), choices=BenefitKind.choices,
                                error_messages={"required": _("Choose what the campaign gives.")})
    fixed_amount = forms.DecimalField(label=_("Amount per person (yuan)"), required=False,
                                      help_text=_("The sum (fixed), the cap (ticket) or the value of the goods."),
                                      error_messages=MONEY_ERRORS, **MONEY)
    goods = forms.CharField(label=_("Goods"), required=False, max_length=200)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["hardship_categories"].widget.attrs["class"] = "form-check-input"
        for level, label in SchoolLevel.choices:
            self.fields[f"amount_{level}"] = forms.DecimalField(
                label=_("Amount for %(level)s (yuan)") % {"level": label}, required=False,
                error_messages=MONEY_ERRORS, **MONEY)
            self.fields[f"amount_{level}"].widget.attrs["class"] = "form-control"

    @classmethod
    def initial_for(cls, campaign=None):
        from ..services.campaigns import default_school_amounts

        if campaign is None:
            today = timezone.localdate()
            amounts = default_school_amounts()
            return {"year": today.year, "unions_apply": True, "member_required": True, "benefit": BenefitKind.FIXED,
                    **{f"amount_{k}": v for k, v in amounts.items()}}
        data = {f: getattr(campaign, f) for f in ("kind", "year", "title", "description", "opens_on", "closes_on",
                                                 "unions_apply", "members_apply", "member_required",
                                                 "hardship_required", "migrant_required",
                                                 "outside_province_required", "benefit", "fixed_amount", "goods")}
        data["hardship_categories"] = campaign.categories
        data.update({f"amount_{k}": v for k, v in (campaign.school_amounts or {}).items()})
        return data

    def service_data(self):
        d = dict(self.cleaned_data)
        d["school_amounts"] = {level: d.pop(f"amount_{level}") for level in SchoolLevel.values
                               if d.get(f"amount_{level}") not in (None, "")}
        for level in SchoolLevel.values:
            d.pop(f"amount_{level}", None)
        return d

    def amount_fields(self):
        return [self[f"amount_{level}"] for level in SchoolLevel.values]


class BudgetForm(StyledFormMixin, forms.Form):
    org = forms.ModelChoiceField(label=_("Organisation"), queryset=Org.objects.none(),
                                 error_messages={"required": _("Choose the organiser or a town."),
                                                 "invalid_choice": _("Choose the organiser or a town.")})
    allocated = forms.DecimalField(label=_("Allocated (yuan)"), error_messages={
        **MONEY_ERRORS, "required": _("Enter the allocated sum.")}, **MONEY)

    def __init__(self, *args, orgs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = Org.objects.filter(pk__in=[o.pk for o in orgs])
        base = min((o.depth for o in orgs), default=1)
        set_model_options(self.fields["org"], orgs, label=lambda o: org_label(o, base), empty_label="—")


class DetailsForm(StyledFormMixin, forms.Form):
    """The details an application carries, per kind of campaign (shown as the campaign needs)."""

    reason = forms.CharField(label=_("Situation"), required=False, max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 3}))
    child_name = forms.CharField(label=_("Child's name"), required=False, max_length=40)
    child_school = forms.CharField(label=_("Child's school"), required=False, max_length=100)
    school_level = forms.ChoiceField(label=_("School level"), required=False,
                                     choices=[("", "—")] + SchoolLevel.choices)
    route = forms.CharField(label=_("Route (from – to)"), required=False, max_length=100)
    ticket_cost = forms.DecimalField(label=_("Ticket cost (yuan)"), required=False, error_messages=MONEY_ERRORS,
                                     **MONEY)

    def __init__(self, *args, campaign=None, **kwargs):
        super().__init__(*args, **kwargs)
        if campaign is not None:
            if campaign.benefit != BenefitKind.BY_SCHOOL_LEVEL:
                for f in ("child_name", "child_school", "school_level"):
                    del self.fields[f]
            if campaign.benefit != BenefitKind.TICKET:
                for f in ("route", "ticket_cost"):
                    del self.fields[f]


class ApplicationForm(DetailsForm):
    """A union applies for one of its members, found by ID card number."""

    id_number = forms.CharField(label=_("Member's ID card number"), max_length=18, min_length=15,
                                error_messages={"required": _("Enter the member's ID card number."),
                                                "min_length": _("An ID card number has 15 or 18 characters."),
                                                "max_length": _("An ID card number has 15 or 18 characters.")})
    field_order = ["id_number"]

    def __init__(self, *args, union, **kwargs):
        super().__init__(*args, **kwargs)
        self.union = union
        self.order_fields(["id_number"])

    def clean_id_number(self):
        from gonghui.core import pii
        from gonghui.members.models import Person

        number = self.cleaned_data["id_number"].strip().upper()
        person = Person.objects.filter(id_number_hash=pii.lookup_hash(number),
                                       memberships__union=self.union).distinct().first()
        if person is None:
            raise forms.ValidationError(_("No member of %(union)s with this ID card number.")
                                        % {"union": self.union.name}, code="unknown")
        self.person = person
        return number


class NoteForm(StyledFormMixin, forms.Form):
    note = forms.CharField(label=_("Note"), required=False, max_length=400)


class RejectForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(label=_("Reason for rejection"), max_length=400,
                             error_messages={"required": _("Enter the reason for rejection.")})


class WithdrawForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(label=_("Reason"), required=False, max_length=400)


class PaymentForm(StyledFormMixin, forms.Form):
    amount = forms.DecimalField(label=_("Amount paid (yuan)"), required=False, error_messages=MONEY_ERRORS,
                                help_text=_("Empty: the approved sum."), **MONEY)
    paid_on = forms.DateField(label=_("Paid on"), widget=DATE,
                              error_messages={"required": _("Enter the payment date."),
                                              "invalid": _("Enter a date such as 2026-09-15.")})
    method = forms.ChoiceField(label=_("Method"), choices=PaymentMethod.choices,
                               error_messages={"required": _("Choose how it was paid.")})
    reference = forms.CharField(label=_("Reference"), required=False, max_length=60)


class HandOverForm(StyledFormMixin, forms.Form):
    items = forms.CharField(label=_("Items"), max_length=200, error_messages={"required": _("Enter the items.")})
    quantity = forms.IntegerField(label=_("Quantity"), min_value=1, max_value=100000, initial=1,
                                  error_messages={"required": _("Enter the quantity."),
                                                  "min_value": _("Enter a quantity between 1 and 100000."),
                                                  "max_value": _("Enter a quantity between 1 and 100000.")})
    given_on = forms.DateField(label=_("Given on"), widget=DATE,
                               error_messages={"required": _("Enter the date given."),
                                               "invalid": _("Enter a date such as 2026-07-15.")})


class GoodsForm(HandOverForm):
    """Goods handed out by an org: to a member (ID card number) or to a site / enterprise."""

    org = forms.ModelChoiceField(label=_("Given by"), queryset=Org.objects.none(), widget=FastSelect,
                                 error_messages={"required": _("Choose who gave the goods."),
                                                 "invalid_choice": _("Choose who gave the goods.")})
    id_number = forms.CharField(label=_("Recipient's ID card number"), required=False, max_length=18,
                                min_length=15,
                                error_messages={"min_length": _("An ID card number has 15 or 18 characters.")})
    enterprise = forms.CharField(label=_("Or the enterprise visited"), required=False, max_length=200,
                                 help_text=_("Its name or unified social credit code, as in the registry."))
    site = forms.CharField(label=_("Or the site visited"), required=False, max_length=100,
                           help_text=_("A building site, a logistics park… when it is not a registered enterprise."))
    value = forms.DecimalField(label=_("Value (yuan)"), error_messages={**MONEY_ERRORS,
                                                                       "required": _("Enter the value.")}, **MONEY)

    def __init__(self, *args, user, orgs, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["org"].queryset = Org.objects.filter(pk__in=[o.pk for o in orgs])
        base = min((o.depth for o in orgs), default=1)
        set_model_options(self.fields["org"], orgs, label=lambda o: org_label(o, base), empty_label="—")
        self.person = None
        self.enterprise = None

    def clean_enterprise(self):
        text = (self.cleaned_data.get("enterprise") or "").strip()
        if not text:
            return ""
        found = list(Enterprise.objects.visible_to(self.user).filter(Q(uscc=text.upper()) | Q(name=text))[:2])
        if not found:
            raise forms.ValidationError(_("No enterprise with this name or credit code in your area of the registry."),
                                        code="unknown")
        if len(found) > 1:
            raise forms.ValidationError(_("Several enterprises have this name: enter the unified social credit "
                                          "code."), code="ambiguous")
        self.enterprise = found[0]
        return text

    def clean_id_number(self):
        from gonghui.core import pii
        from gonghui.members.models import Person

        number = (self.cleaned_data.get("id_number") or "").strip().upper()
        if not number:
            return ""
        person = Person.objects.visible_to(self.user).filter(id_number_hash=pii.lookup_hash(number)).first()
        if person is None:
            raise forms.ValidationError(_("No worker with this ID card number in your area of the registry."),
                                        code="unknown")
        self.person = person
        return number

    def clean(self):
        data = super().clean()
        if not self.errors and not data.get("id_number") and not data.get("enterprise") \
                and not (data.get("site") or "").strip():
            self.add_error("site", _("Name who received the goods: a member's ID card number, an enterprise or "
                                     "the site."))
        return data
