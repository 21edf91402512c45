"""Forms of the facility pages."""

from django import forms
from django.utils.translation import gettext_lazy as _

from gonghui.core.forms import FastSelect
from gonghui.members.forms import DateInput, StyledFormMixin, set_model_options
from gonghui.orgs.models import Enterprise

from ..models.facilities import FacilityKind, FacilityStatus
from .centres import EmptyForm, FilterForm, RateForm, ReasonForm  # noqa: F401 — the step forms


class FacilityFilterForm(FilterForm):
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=[("", _("All kinds"))] + FacilityKind.choices)
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("All statuses"))] + FacilityStatus.choices)
    year = forms.IntegerField(label=_("Year"), required=False, min_value=2000, max_value=2100)
    overdue = forms.BooleanField(label=_("Decision overdue"), required=False)

    @property
    def filters_class(self):
        from ..selectors.facilities import FacilityFilters

        return FacilityFilters


class FacilityForm(StyledFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=FacilityKind.choices)
    title = forms.CharField(label=_("Facility name"), max_length=120, help_text=_("e.g. 园区职工爱心超市."))
    enterprise = forms.ModelChoiceField(label=_("Enterprise"), required=False, queryset=Enterprise.objects.none(),
                                        widget=FastSelect, empty_label="—",
                                        error_messages={"invalid_choice": _("Choose an enterprise of your union.")})
    location = forms.CharField(label=_("Location"), max_length=200, required=False,
                               help_text=_("Where it should be; empty: the enterprise's address."))
    workers_served = forms.IntegerField(label=_("Workers served"), min_value=1)
    justification = forms.CharField(label=_("Why it is needed"), max_length=2000,
                                    widget=forms.Textarea(attrs={"rows": 4}),
                                    help_text=_("e.g. the nearest shop is 5 km away and there is no bus."))

    def __init__(self, *args, org, **kwargs):
        super().__init__(*args, **kwargs)
        qs = Enterprise.objects.filter(union__path__startswith=org.path).order_by("name")
        self.fields["enterprise"].queryset = qs
        set_model_options(self.fields["enterprise"], qs[:100], empty_label="—")


class StartForm(StyledFormMixin, forms.Form):
    partner = forms.CharField(label=_("Partner"), max_length=120,
                              help_text=_("Who sets it up and runs it: a bank for an ATM, the bus company, a "
                                          "merchant."))
    partner_contact = forms.CharField(label=_("Partner contact"), max_length=120, required=False)
    planned_open_on = forms.DateField(label=_("Planned opening on"), widget=DateInput)


class OpenForm(StyledFormMixin, forms.Form):
    opened_on = forms.DateField(label=_("Opened on"), widget=DateInput)


class CloseForm(StyledFormMixin, forms.Form):
    closed_on = forms.DateField(label=_("Closed on"), widget=DateInput)
    reason = forms.CharField(label=_("Reason"), max_length=400, widget=forms.Textarea(attrs={"rows": 2}))
