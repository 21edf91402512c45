"""Statistics of congresses and proposals for one year, and the workbook. Thin: check the
action, read the year, call `stats.congress_stats` (a bounded number of queries).

GET parameter: year (default this year; a year that is not a number in range is reported on the
form and the current year is shown)."""

from django import forms
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from gonghui.core.excel import xlsx_response
from gonghui.core.policies import require
from gonghui.members.forms import StyledFormMixin

from .. import exporting
from ..forms.disclosures import YEAR_MAX, YEAR_MIN
from ..policies import EXPORT, VIEW, can_export
from ..stats import congress_stats, town_chart
from .status import url_or_none


class YearForm(StyledFormMixin, forms.Form):
    year = forms.IntegerField(label=gettext_lazy("Year"), required=False, min_value=YEAR_MIN, max_value=YEAR_MAX)


def _year(request):
    form = YearForm(request.GET)
    year = form.cleaned_data.get("year") if form.is_valid() else None
    return form, year or timezone.localdate().year


def _chart_class(n):
    return "chart" if n <= 4 else "chart chart-md" if n <= 10 else "chart chart-lg"


@login_required
@require_GET
def stats(request):
    require(request.user, VIEW)
    form, year = _year(request)
    figures = congress_stats(request.user, year=year)
    chart = None
    if figures.by_town:
        chart = town_chart(figures, labels={
            "held": _("Held a congress"), "not_held": _("Not held"), "collected": _("Proposals collected (top axis)"),
            "adopted": _("Proposals adopted (top axis)"), "enterprises_axis": _("Enterprises with a union"),
        })
    return render(request, "congress/stats.html", {
        "form": form, "year": year, "stats": figures, "total": figures.total, "chart": chart,
        "chart_class": _chart_class(len(figures.by_town)), "can_export": can_export(request.user),
        "proposals_url": url_or_none("congress:proposal_list"),
    })


@login_required
@require_GET
def stats_export(request):
    require(request.user, EXPORT)
    _form, year = _year(request)
    figures = congress_stats(request.user, year=year, action=EXPORT)
    handle = exporting.export_stats(actor=request.user, stats=figures)
    return xlsx_response(handle, exporting.stats_filename(year))
