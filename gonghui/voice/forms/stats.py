"""Forms of the `stats` area: the period (year, optional month) and category of the statistics."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gonghui.members.forms import StyledFormMixin

from ..models.appeals import AppealCategory
from ..rules.stats import rules

MONTH_CHOICES = [("", _("Whole year"))] + [(str(m), str(m)) for m in range(1, 13)]


class PeriodForm(StyledFormMixin, forms.Form):
    year = forms.IntegerField(label=_("Year"), required=False)
    month = forms.TypedChoiceField(label=pgettext_lazy("calendar", "Month"), choices=MONTH_CHOICES, coerce=int,
                                   empty_value=None, required=False,
                                   error_messages={"invalid_choice": _("Choose a month from 1 to 12.")})
    category = forms.ChoiceField(label=_("Category"), required=False,
                                 choices=[("", _("All categories")), *AppealCategory.choices],
                                 error_messages={"invalid_choice": _("Choose one of the appeal categories.")})

    def clean_year(self):
        year = self.cleaned_data.get("year")
        r = rules()
        if year is not None and not r.first_year <= year <= r.last_year:
            raise forms.ValidationError(_("The year must be between %(first)s and %(last)s."),
                                        params={"first": r.first_year, "last": r.last_year}, code="bad_year")
        return year

    def period(self):
        """(year, month or None, category or ""): the valid choices, this year for a missing or bad year
        (the error shows on the form), no month or category when theirs is bad."""
        data = {}
        if self.is_bound:
            self.is_valid()  # cleaned_data keeps the valid fields only
            data = self.cleaned_data
        return data.get("year") or timezone.localdate().year, data.get("month") or None, data.get("category") or ""
