"""Views of the `stats` area: the appeal statistics page (period and category filter, key figures,
tables by category, town and handling org, top issues, survey participation, two charts) and its
workbook. Thin: check the action, read the form, call the selector (a fixed number of queries)."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.dates import MONTHS_3
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_GET

from gonghui.core.excel import xlsx_response
from gonghui.core.policies import require

from ..forms.stats import PeriodForm
from ..policies.stats import EXPORT, VIEW, can_export
from ..rules.stats import rules
from ..selectors import stats as selectors
from ..services import stats as services


def _chart_class(n):
    return "chart" if n <= 4 else "chart chart-md" if n <= 10 else "chart chart-lg"


def _query(year, month, category):
    from urllib.parse import urlencode

    return urlencode({k: v for k, v in (("year", year), ("month", month), ("category", category)) if v})


@login_required
@require_GET
def appeal_stats(request):
    require(request.user, VIEW)
    form = PeriodForm(request.GET or None)
    year, month, category = form.period()
    if not form.is_bound:
        form = PeriodForm(initial={"year": year})
    figures = selectors.appeal_stats(request.user, year=year, month=month, category=category,
                                     refresh=request.GET.get("refresh") == "1")
    labels = {"received": _("Received"), "closed": pgettext("appeal statistics", "Closed"),
              "months": [str(MONTHS_3[m]) for m in range(1, 13)]}
    orgs = Paginator(figures.by_org, rules().orgs_per_page).get_page(request.GET.get("org_page"))
    query = _query(year, month, category)
    return render(request, "voice/stats/stats.html", {
        "form": form, "year": year, "month": month, "category": category, "stats": figures,
        "total": figures.total, "query": query,
        "monthly_chart": selectors.monthly_chart(figures, labels=labels) if figures.total.figures.received else None,
        "category_chart": selectors.category_chart(figures, labels=labels) if figures.by_category else None,
        "category_chart_class": _chart_class(len(figures.by_category)),
        "orgs": orgs, "can_export": can_export(request.user), "definitions": selectors.definitions(),
        "top_year": figures.top_month[0], "top_month": figures.top_month[1], "tab": "stats",
    })


@login_required
@require_GET
def appeal_stats_export(request):
    require(request.user, EXPORT)
    year, month, category = PeriodForm(request.GET or None).period()
    figures = selectors.appeal_stats(request.user, year=year, month=month, category=category, action=EXPORT)
    handle = services.export_stats(actor=request.user, stats=figures)
    return xlsx_response(handle, services.stats_filename(figures))
