"""Forms of the `dashboard` area: the year, industry and chart metric of a dashboard, and the
search of its table. A bad value never stops the page: the field shows why, and its default is
used (this year, all industries, the default metric)."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gonghui.members.forms import StyledFormMixin

from ..selectors import dashboard as selectors


class DashboardForm(StyledFormMixin, forms.Form):
    org = forms.CharField(required=False, widget=forms.HiddenInput)
    year = forms.TypedChoiceField(label=_("Year"), coerce=int, required=False, empty_value=None,
                                  error_messages={"invalid_choice": _("Choose one of the years listed; "
                                                                      "the figures of this year are shown.")})
    industry = forms.ChoiceField(label=_("Industry"), required=False,
                                 error_messages={"invalid_choice": _("Choose one of the industries listed; "
                                                                     "all industries are shown.")})
    metric = forms.ChoiceField(label=_("Figure in the chart"), required=False,
                               error_messages={"invalid_choice": _("Choose one of the figures listed; "
                                                                   "the default figure is shown.")})
    q = forms.CharField(label=_("Organisation name"), required=False, max_length=60,
                        error_messages={"max_length": _("Type at most %(limit_value)d characters of the name.")})
    sort = forms.CharField(required=False, max_length=80, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(y, str(y)) for y in selectors.year_choices()]
        self.fields["industry"].choices = [("", _("All industries")), *selectors.industry_choices()]
        self.fields["metric"].choices = selectors.chart_choices()
        self.fields["q"].widget.attrs.update(type="search", placeholder=_("Part of the name"))

    def choices(self):
        """(year, industry, metric, q, sort) — the valid values; this year for a missing or bad year,
        "" (all industries, the default figure, no search, tree order) for the others."""
        data = {}
        if self.is_bound:
            self.is_valid()  # cleaned_data keeps the valid fields only
            data = self.cleaned_data
        return (data.get("year") or timezone.localdate().year, data.get("industry") or "", data.get("metric") or "",
                data.get("q") or "", data.get("sort") or "")

    def show_chart_metric(self, code):
        """Let the chart's select show the figure drawn (the default one when none or a bad one was
        asked for; the error, if any, stays beside it)."""
        if self.is_bound:
            self.data = self.data.copy()
            self.data["metric"] = code
        else:
            self.fields["metric"].initial = code

