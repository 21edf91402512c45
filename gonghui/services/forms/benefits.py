"""Forms of the member-benefit pages. They collect and shape input; the rules live in
services.benefits (shared with the API)."""

from urllib.parse import urlencode

from django import forms
from django.utils.translation import gettext_lazy as _

from gonghui.core.forms import FastSelect
from gonghui.members.forms import DateInput, StyledFormMixin, org_label, set_model_options
from gonghui.orgs.models import Org

from ..models.benefits import Merchant, MerchantCategory, MerchantStatus, OfferLimit, OfferStatus
from ..policies.benefits import VIEW


class _FilterMixin:
    def value(self, name, default=None):
        data = getattr(self, "cleaned_data", {})
        return data.get(name) if name in data and name not in self.errors else default

    def set_org_options(self, orgs):
        base = min((o.depth for o in orgs), default=1)
        set_model_options(self.fields["org"], orgs, label=lambda o: org_label(o, base),
                          empty_label=self.fields["org"].empty_label)

    def query_string(self, **extra):
        params = {}
        for name in self.fields:
            v = self.value(name)
            if hasattr(v, "pk"):
                v = v.pk
            elif hasattr(v, "isoformat"):
                v = v.isoformat()
            params[name] = v
        params.update(extra)
        return urlencode({k: v for k, v in params.items() if v not in ("", None)})


def _org_field():
    return forms.ModelChoiceField(label=_("Town or union"), required=False, queryset=Org.objects.none(),
                                  empty_label=_("All my organisations"), widget=FastSelect)


class MerchantFilterForm(_FilterMixin, StyledFormMixin, forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=60,
                        widget=forms.TextInput(attrs={"type": "search",
                                                      "placeholder": _("Name, address or merchant code")}))
    org = _org_field()
    category = forms.ChoiceField(label=_("Category"), required=False,
                                 choices=[("", _("All categories"))] + MerchantCategory.choices)
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("All statuses"))] + MerchantStatus.choices)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = Org.objects.visible_to(user, VIEW)

    def filters(self):
        from ..selectors.benefits import MerchantFilters

        return MerchantFilters(q=(self.value("q", "") or "").strip(), org=self.value("org"),
                               category=self.value("category", "") or "", status=self.value("status", "") or "")


class OfferFilterForm(_FilterMixin, StyledFormMixin, forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=60,
                        widget=forms.TextInput(attrs={"type": "search",
                                                      "placeholder": _("Offer, discount or merchant")}))
    org = _org_field()
    category = forms.ChoiceField(label=_("Category"), required=False,
                                 choices=[("", _("All categories"))] + MerchantCategory.choices)
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("All statuses"))] + OfferStatus.choices)
    valid = forms.ChoiceField(label=_("Valid today"), required=False,
                              choices=[("", _("All")), ("1", _("Valid today only"))])

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = Org.objects.visible_to(user, VIEW)

    def filters(self):
        from ..selectors.benefits import OfferFilters

        return OfferFilters(q=(self.value("q", "") or "").strip(), org=self.value("org"),
                            category=self.value("category", "") or "", status=self.value("status", "") or "",
                            valid=self.value("valid", "") or "")


class RedemptionFilterForm(_FilterMixin, StyledFormMixin, forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=60,
                        widget=forms.TextInput(attrs={"type": "search",
                                                      "placeholder": _("Member's name, offer or merchant")}))
    org = _org_field()
    merchant = forms.ModelChoiceField(label=_("Merchant"), required=False, queryset=Merchant.objects.none(),
                                      empty_label=_("All merchants"), widget=FastSelect)
    date_from = forms.DateField(label=_("From"), required=False, widget=DateInput)
    date_to = forms.DateField(label=_("To"), required=False, widget=DateInput)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        from ..selectors.benefits import readable_merchants

        self.fields["org"].queryset = Org.objects.visible_to(user, VIEW)
        self.fields["merchant"].queryset = readable_merchants(user)

    def clean(self):
        data = super().clean()
        a, b = data.get("date_from"), data.get("date_to")
        if a and b and b < a:
            self.add_error("date_to", _("The end date cannot be before the start date."))
        return data

    def filters(self):
        from ..selectors.benefits import RedemptionFilters

        return RedemptionFilters(q=(self.value("q", "") or "").strip(), org=self.value("org"),
                                 merchant=self.value("merchant"), date_from=self.value("date_from"),
                                 date_to=self.value("date_to"))


class StatsForm(StyledFormMixin, forms.Form):
    year = forms.IntegerField(label=_("Year"), required=False, min_value=2000, max_value=2100)


class MerchantForm(StyledFormMixin, forms.Form):
    """Signing (with the signing org and an optional PIN) and editing a merchant (without)."""

    org = forms.ModelChoiceField(label=_("Signed by"), queryset=Org.objects.none(), widget=FastSelect,
                                 error_messages={"invalid_choice": _("Choose the district or a town of your own.")})
    name = forms.CharField(label=_("Merchant name"), max_length=80)
    category = forms.ChoiceField(label=_("Category"), choices=MerchantCategory.choices)
    address = forms.CharField(label=_("Address"), max_length=200)
    contact_name = forms.CharField(label=_("Contact person"), max_length=32, required=False)
    contact_phone = forms.CharField(label=_("Contact phone"), max_length=20, required=False)
    agreement_start = forms.DateField(label=_("Agreement starts"), widget=DateInput)
    agreement_end = forms.DateField(label=_("Agreement ends"), widget=DateInput)
    pin = forms.CharField(label=_("Merchant PIN"), required=False, max_length=8,
                          widget=forms.PasswordInput(attrs={"inputmode": "numeric", "autocomplete": "new-password"}),
                          help_text=_("6 to 8 digits; the merchant types it to log a redemption. Can be set later."))

    def __init__(self, *args, orgs=None, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["org"]
            del self.fields["pin"]
        else:
            self.fields["org"].queryset = Org.objects.filter(pk__in=[o.pk for o in orgs or []])
            set_model_options(self.fields["org"], orgs or [], label=lambda o: o.name)


class OfferForm(StyledFormMixin, forms.Form):
    title = forms.CharField(label=_("Offer title"), max_length=80)
    discount = forms.CharField(label=_("Discount"), max_length=120,
                               help_text=_("What the member gets, e.g. 9折, 满100减20, free cup of tea."))
    description = forms.CharField(label=_("Description"), max_length=1000, required=False,
                                  widget=forms.Textarea(attrs={"rows": 3}))
    valid_from = forms.DateField(label=_("Valid from"), widget=DateInput)
    valid_to = forms.DateField(label=_("Valid to"), widget=DateInput)
    limit = forms.ChoiceField(label=_("Per-member limit"), choices=OfferLimit.choices)
    limit_count = forms.IntegerField(label=_("Times per month"), required=False, min_value=1, max_value=31,
                                     help_text=_("Only for “N times per member per month”."))


class ReasonForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=400, widget=forms.Textarea(attrs={"rows": 2}))


class OptionalReasonForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=400, required=False,
                             widget=forms.Textarea(attrs={"rows": 2}))


class EmptyForm(forms.Form):
    pass


class PinForm(StyledFormMixin, forms.Form):
    pin = forms.CharField(label=_("New PIN"), max_length=8,
                          widget=forms.PasswordInput(attrs={"inputmode": "numeric", "autocomplete": "new-password"}))
    pin2 = forms.CharField(label=_("New PIN again"), max_length=8,
                           widget=forms.PasswordInput(attrs={"inputmode": "numeric", "autocomplete": "new-password"}))

    def clean(self):
        data = super().clean()
        if data.get("pin") and data.get("pin2") and data["pin"] != data["pin2"]:
            self.add_error("pin2", _("The two PINs are not the same."))
        return data


class MerchantLoginForm(StyledFormMixin, forms.Form):
    """The merchant's sign-in on the public verify page (kept in the browser session)."""

    merchant_code = forms.CharField(label=_("Merchant code"), max_length=12,
                                    widget=forms.TextInput(attrs={"autocomplete": "username",
                                                                  "autocapitalize": "characters"}))
    pin = forms.CharField(label=_("Merchant PIN"), max_length=8,
                          widget=forms.PasswordInput(attrs={"inputmode": "numeric",
                                                            "autocomplete": "current-password"}))
