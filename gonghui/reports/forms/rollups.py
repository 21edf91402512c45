"""Forms of the `rollups` area: the filters of the list of refreshes and the refresh request."""

from urllib.parse import urlencode

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gonghui.members.forms import StyledFormMixin

from ..models.rollups import RollupStatus, RollupTrigger
from ..rules.rollups import rules


def year_choices():
    this_year = timezone.localdate().year
    return [(y, str(y)) for y in range(this_year, rules().first_year - 1, -1)]


class RunFilterForm(StyledFormMixin, forms.Form):
    """Filters of the list and its export (GET). Invalid values are reported and ignored."""

    q = forms.CharField(label=_("Requested by"), required=False, max_length=60,
                        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Login name")}))
    year = forms.TypedChoiceField(label=_("Year"), required=False, coerce=int, empty_value=None)
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("All statuses")), *RollupStatus.choices])
    trigger = forms.ChoiceField(label=_("Trigger"), required=False,
                                choices=[("", _("All triggers")), *RollupTrigger.choices])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [("", _("All years")), *year_choices()]

    def value(self, name, default=None):
        data = getattr(self, "cleaned_data", {})
        return data.get(name) if name in data and name not in self.errors else default

    def filters(self) -> dict:
        self.is_valid()
        return {"q": (self.value("q", "") or "").strip(), "year": self.value("year"),
                "status": self.value("status", "") or "", "trigger": self.value("trigger", "") or ""}

    def query_string(self, **extra):
        params = {**self.filters(), **extra}
        return urlencode({k: v for k, v in params.items() if v not in ("", None)})


class RefreshForm(StyledFormMixin, forms.Form):
    """Ask for a refresh of one year's figures now."""

    year = forms.TypedChoiceField(label=_("Year to refresh"), coerce=int,
                                  error_messages={"invalid_choice": _("Choose a year from the list."),
                                                  "required": _("Choose the year to refresh.")})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = year_choices()
        self.fields["year"].initial = timezone.localdate().year
