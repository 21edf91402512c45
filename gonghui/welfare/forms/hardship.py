"""Forms of the hardship file pages. They collect and shape input; the rules live in
services.hardship (shared with the API)."""

from urllib.parse import urlencode

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gonghui.core.forms import FastSelect
from gonghui.members.forms import DateInput, StyledFormMixin, org_label, set_model_options
from gonghui.orgs.models import Org

from ..models.hardship import CostKind, ExitReason, HardshipCategory, HardshipStatus, HelpKind, IncomeKind, Relation
from ..policies.hardship import VIEW

DUE_CHOICES = [("", _("Any")), ("overdue", _("Yearly review overdue")), ("soon", _("Yearly review due soon"))]
AMOUNT = {"max_digits": 10, "decimal_places": 2, "min_value": 0,
          "error_messages": {"invalid": _("Enter an amount in yuan, e.g. 12000.00."),
                             "max_decimal_places": _("An amount has at most two decimal places."),
                             "min_value": _("The amount cannot be negative."),
                             "max_digits": _("The amount is too large.")}}


class FileFilterForm(StyledFormMixin, forms.Form):
    """Filters of the files list and its export (GET: nothing sensitive in them)."""

    q = forms.CharField(label=_("Search"), required=False, max_length=60,
                        widget=forms.TextInput(attrs={"type": "search",
                                                      "placeholder": _("Worker's name, file number or union")}))
    org = forms.ModelChoiceField(label=_("Town or union"), required=False, queryset=Org.objects.none(),
                                 empty_label=_("All my organisations"), widget=FastSelect)
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("All statuses"))] + HardshipStatus.choices)
    category = forms.ChoiceField(label=_("Category"), required=False,
                                 choices=[("", _("All categories"))] + HardshipCategory.choices)
    year = forms.IntegerField(label=_("On file since (year)"), required=False, min_value=2000, max_value=2100)
    due = forms.ChoiceField(label=pgettext_lazy("hardship filter", "Yearly review"), required=False,
                            choices=DUE_CHOICES)

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
        from ..selectors.hardship import FileFilters

        return FileFilters(q=(self.value("q", "") or "").strip(), org=self.value("org"),
                           status=self.value("status", "") or "", category=self.value("category", "") or "",
                           year=self.value("year"), due=self.value("due", "") or "")

    def query_string(self, **extra):
        f = self.filters()
        params = {"q": f.q, "org": f.org.pk if f.org else "", "status": f.status, "category": f.category,
                  "year": f.year or "", "due": f.due, **extra}
        return urlencode({k: v for k, v in params.items() if v not in ("", None)})


class CreateForm(StyledFormMixin, forms.Form):
    person = forms.ModelChoiceField(label=_("Worker"), queryset=None, widget=FastSelect,
                                    error_messages={"invalid_choice": _("Choose a live member of the union without "
                                                                        "an open file."),
                                                    "required": _("Choose the worker.")})
    reason = forms.CharField(label=_("Cause of hardship"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4}),
                             help_text=_("What put the household in hardship (illness, disability, loss of work…)."),
                             error_messages={"required": _("Describe the cause of hardship.")})
    health = forms.CharField(label=_("The worker's health"), required=False, max_length=100)
    work = forms.CharField(label=_("The worker's work"), required=False, max_length=100)

    def __init__(self, *args, members, shown=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = members
        shown = members if shown is None else shown
        set_model_options(self.fields["person"], shown[:200], label=lambda p: f"{p.name}（{p.id_number_masked}）",
                          empty_label="—")


class HouseholdForm(StyledFormMixin, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=40, error_messages={"required": _("Enter the name.")})
    relation = forms.ChoiceField(label=_("Relation"), choices=Relation.choices[1:],
                                 error_messages={"required": _("Choose the relation to the worker.")})
    birth_year = forms.IntegerField(label=_("Birth year"), min_value=1900, max_value=2100,
                                    error_messages={"required": _("Enter the birth year."),
                                                    "invalid": _("Enter the birth year, e.g. 1985.")})
    health = forms.CharField(label=_("Health"), required=False, max_length=100)
    work = forms.CharField(label=_("Work or school"), required=False, max_length=100)


class IncomeForm(StyledFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Kind of income"), choices=IncomeKind.choices)
    annual_amount = forms.DecimalField(label=_("Annual amount (yuan)"), **AMOUNT)
    note = forms.CharField(label=_("Note"), required=False, max_length=200)


class CostForm(StyledFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Kind of cost"), choices=CostKind.choices,
                             help_text=_("Rigid costs are subtracted from the income; unexpected ones decide "
                                         "hardship from an accident."))
    annual_amount = forms.DecimalField(label=_("Annual amount (yuan)"), **AMOUNT)
    note = forms.CharField(label=_("Note"), required=False, max_length=200)


class ReviewForm(StyledFormMixin, forms.Form):
    decision = forms.ChoiceField(label=_("Decision"), choices=[
        ("ACCEPTED", _("Accept on file (category by the calculator)")), ("RETURNED", _("Return to the union")),
        ("REJECTED", _("Reject"))])
    reviewed_on = forms.DateField(label=_("Reviewed on"), widget=DateInput)
    note = forms.CharField(label=_("Reason or note"), required=False, max_length=400,
                           help_text=_("Required to reject or return."))


class YearlyForm(StyledFormMixin, forms.Form):
    reviewed_on = forms.DateField(label=_("Reviewed on"), widget=DateInput)
    note = forms.CharField(label=_("Note"), required=False, max_length=400,
                           help_text=_("Update the household, incomes and costs first: the calculator decides "
                                       "whether the file stays."))


class ExitForm(StyledFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Reason for exit"), choices=ExitReason.choices)
    exited_on = forms.DateField(label=_("Exited on"), widget=DateInput)
    note = forms.CharField(label=_("Note"), required=False, max_length=400)


class HelpForm(StyledFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=[(HelpKind.VISIT, HelpKind.VISIT.label),
                                                       (HelpKind.OTHER, HelpKind.OTHER.label)])
    given_on = forms.DateField(label=_("Given on"), widget=DateInput)
    amount = forms.DecimalField(label=_("Amount (yuan)"), required=False, **AMOUNT)
    goods = forms.CharField(label=_("Goods"), required=False, max_length=200)
    note = forms.CharField(label=_("Description"), max_length=80,
                           help_text=_("e.g. 春节走访慰问, 住院探望"),
                           error_messages={"required": _("Describe the help.")})
