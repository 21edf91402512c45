"""Forms of the status area: the enterprise filters shared by the congress-status list and the
厂务公开 list (and their exports), and recording one disclosure. They shape input; the rules
live in `services/disclosures.py`."""

from urllib.parse import urlencode

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gonghui.members.forms import DateInput, StyledFormMixin
from gonghui.orgs.models import Industry

from ..models import DisclosureChannel
from ..rules import disclosure_items
from ..selectors.status import HELD_NO, HELD_YES, EnterpriseFilters

YEAR_MIN, YEAR_MAX = 2000, 2100

HELD_CHOICES = [("", _("Any")), (HELD_NO, _("Not held this year")), (HELD_YES, _("Held this year"))]


def default_year():
    return timezone.localdate().year


class EnterpriseFilterForm(StyledFormMixin, forms.Form):
    """GET filters. `towns` are the town menu (the towns of the user's enterprises); a town id
    outside it is reported by `town_out_of_reach` so the view answers 404, like a missing one."""

    year = forms.IntegerField(label=_("Year"), required=False, min_value=YEAR_MIN, max_value=YEAR_MAX)
    town = forms.TypedChoiceField(label=pgettext_lazy("filter", "Town"), required=False, coerce=int,
                                  empty_value=None, choices=())
    industry = forms.ChoiceField(label=_("Industry"), required=False,
                                 choices=[("", _("All industries"))] + Industry.choices)
    above_scale = forms.BooleanField(label=_("Above designated size only"), required=False)
    q = forms.CharField(label=_("Enterprise name"), required=False, max_length=60,
                        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Part of the name")}))
    held = forms.ChoiceField(label=_("Congress held"), required=False, choices=HELD_CHOICES)
    missing = forms.BooleanField(label=_("Only enterprises with missing items"), required=False)

    def __init__(self, *args, towns, **kwargs):
        super().__init__(*args, **kwargs)
        self.towns = {town.pk: town for town in towns}
        self.fields["town"].choices = [("", _("All towns"))] + [(town.pk, town.name) for town in towns]

    def town_out_of_reach(self) -> bool:
        """A town id was given that is not one of the user's towns (or not a number at all)."""
        raw = (self.data.get("town") or "").strip()
        if not raw:
            return False
        return not raw.isdecimal() or int(raw) not in self.towns

    def value(self, name, default=None):
        data = getattr(self, "cleaned_data", {})
        return data.get(name) if name in data and name not in self.errors else default

    def filters(self) -> EnterpriseFilters:
        town_id = self.value("town")
        return EnterpriseFilters(
            year=self.value("year") or default_year(), town=self.towns.get(town_id),
            industry=self.value("industry", "") or "", above_scale=bool(self.value("above_scale")),
            q=(self.value("q", "") or "").replace("\x00", "").strip(), held=self.value("held", "") or "",
            missing=bool(self.value("missing")))

    def query_string(self, **extra) -> str:
        f = self.filters()
        params = {"year": f.year, "town": f.town.pk if f.town else "", "industry": f.industry,
                  "above_scale": "on" if f.above_scale else "", "q": f.q, "held": f.held,
                  "missing": "on" if f.missing else ""}
        params.update(extra)
        return urlencode({k: v for k, v in params.items() if v not in ("", None)})


class DisclosureForm(StyledFormMixin, forms.Form):
    """One disclosure of a checklist item in the year of the checklist page."""

    item = forms.ChoiceField(label=_("Item"), choices=())
    disclosed_on = forms.DateField(label=_("Disclosed on"), widget=DateInput(),
                                   help_text=_("A day of the checklist's year, not in the future."))
    channel = forms.ChoiceField(label=_("Channel"), choices=DisclosureChannel.choices)
    summary = forms.CharField(label=_("What was disclosed"), required=False, max_length=200,
                              widget=forms.TextInput(attrs={"placeholder": _("E.g. 2026 bonus plan, notice no. 3")}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].choices = [("", "—")] + [(code, label) for code, label in disclosure_items()]
