"""Forms of the `annual` area: which report (year, industry, org) the page shows."""

from dataclasses import dataclass

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gonghui.core.api_support import MAX_ID
from gonghui.members.forms import StyledFormMixin

from ..rules.annual import rules

BAD_ORG = _("The organisation is not valid; your own is shown.")


@dataclass(frozen=True)
class Choice:
    year: int
    industry: str
    org_id: int | None


def default_year(years) -> int:
    """This year when it has figures (or nothing has), else the latest year that has."""
    this_year = timezone.localdate().year
    return this_year if this_year in years or not years else max(years)


def year_choices(years):
    """The years with figures and this year, newest first."""
    this_year = timezone.localdate().year
    return [(y, str(y)) for y in sorted({*years, this_year}, reverse=True)]


class AnnualForm(StyledFormMixin, forms.Form):
    year = forms.TypedChoiceField(label=pgettext_lazy("annual report", "Year"), coerce=int, required=False,
                                  empty_value=None,
                                  error_messages={"invalid_choice": _("Choose one of the years in the list.")})
    industry = forms.ChoiceField(label=pgettext_lazy("annual report", "Industry"), required=False,
                                 error_messages={"invalid_choice": _("Choose one of the industries in the list.")})
    org = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1, max_value=MAX_ID,
                             error_messages=dict.fromkeys(("invalid", "min_value", "max_value"), BAD_ORG))

    def __init__(self, *args, years=(), industries=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.years = list(years)
        r = rules()
        self.fields["year"].choices = [(y, label) for y, label in year_choices(self.years)
                                       if r.first_year <= y <= r.last_year]
        self.fields["industry"].choices = list(industries)  # "" (all industries) first

    def choice(self) -> Choice:
        """The valid choices; the default for a missing or bad one (its error shows on the form)."""
        data = {}
        if self.is_bound:
            self.is_valid()  # cleaned_data keeps the valid fields only
            data = self.cleaned_data
        return Choice(year=data.get("year") or default_year(self.years), industry=data.get("industry") or "",
                      org_id=data.get("org"))
