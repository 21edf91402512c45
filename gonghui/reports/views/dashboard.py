"""Views of the `dashboard` area: the statistics dashboard of the district, a town or a union
(`reports:dashboard`, `/reports/?org=&year=&industry=&metric=`), the workbook of its table and the
"refresh now" button. Thin: check the action, read the form, call the selector (a fixed number of
queries from the roll-ups, whatever the size of the subtree)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from gonghui.core.db_router import reads_from_replica
from gonghui.core.excel import xlsx_response
from gonghui.core.policies import require

from ..forms.dashboard import DashboardForm
from ..policies.dashboard import EXPORT, REFRESH, VIEW, can_export, can_refresh
from ..rules.dashboard import rules
from ..selectors import dashboard as selectors
from ..services import dashboard as services


def _load(request, action):
    """(form, dashboard, roots, q, sort) for the org, year, industry and metric asked for; the org
    is in the user's reach for `action`, or the answer is 404 (403 for a user with no reach)."""
    require(request.user, action)
    roots = selectors.top_orgs(request.user)
    org = selectors.dashboard_org(request.user, request.GET.get("org"), roots=roots, action=action)
    form = DashboardForm(request.GET or None)
    year, industry, metric, q, sort = form.choices()
    board = selectors.build_dashboard(request.user, org, year=year, industry=industry, chart_metric=metric,
                                      with_due=action == VIEW)
    return form, board, roots, q, sort


def _header_links(board, sort, q):
    """Each column heading sorts the table by it: largest first, then smallest first, then back to
    the tree order."""
    links = []
    for col in board.columns:
        if sort == f"-{col.code}":
            state, following = "desc", col.code
        elif sort == col.code:
            state, following = "asc", ""
        else:
            state, following = "", f"-{col.code}"
        url = selectors.dashboard_url(board.org.pk, **board.query, q=q, sort=following) + "#below"
        links.append({"column": col, "url": url, "state": state})
    return links


def _bars(rows, col):
    return min(sum(1 for r in rows if col.value(r.figures, r.ratios)), rules().chart_children) if col else 0


def _appeal_rows(rows, cols):
    """(row, cell texts) of the orgs below that received appeals, in tree order."""
    if not cols:
        return []
    return [(r, [c.text(c.value(r.figures, r.ratios)) for c in cols]) for r in rows
            if cols[0].value(r.figures, r.ratios)]


@login_required
@require_GET
@reads_from_replica
def dashboard(request):
    form, board, roots, q, sort = _load(request, VIEW)
    if board.chart_column:
        form.show_chart_metric(board.chart_column.code)
    available = selectors.columns()
    rows = selectors.sort_rows(selectors.search_rows(board.rows, q), sort, available)
    page = Paginator(rows, rules().children_per_page).get_page(request.GET.get("page"))
    appeal_cols = selectors.appeal_columns(available)
    bars = _bars(board.rows, board.chart_column)
    appeal_bars = _bars(board.rows, appeal_cols[0] if appeal_cols else None)
    query = selectors.dashboard_query(board.org.pk, **board.query, q=q, sort=sort)
    return render(request, "reports/dashboard/dashboard.html", {
        "board": board, "form": form, "tab": "dashboard", "roots": roots if len(roots) > 1 else [],
        "crumbs": selectors.breadcrumbs(board.org, roots, board.query),
        "page": page, "q": q, "sort": sort, "query": query, "headers": _header_links(board, sort, q),
        "chart": selectors.children_chart(board.rows, board.chart_column) if board.chart_column else None,
        "chart_class": selectors.chart_size(bars), "chart_capped": bars < sum(
            1 for r in board.rows if board.chart_column and board.chart_column.value(r.figures, r.ratios)),
        "appeal_cols": appeal_cols, "appeals_chart": selectors.appeals_chart(board.rows, available),
        "appeals_chart_class": selectors.chart_size(appeal_bars * 2),
        "appeal_rows": _appeal_rows(board.rows, appeal_cols),
        "welfare_chart": selectors.welfare_chart(board.welfare),
        "welfare_chart_class": selectors.chart_size(sum(1 for line in board.welfare if line.value)),
        "can_export": can_export(request.user, board.org), "can_refresh": can_refresh(request.user),
        "export_url": reverse("reports:dashboard_export") + f"?{query}",
    })


@login_required
@require_GET
@reads_from_replica
def dashboard_export(request):
    _form, board, _roots, q, sort = _load(request, EXPORT)
    available = selectors.columns()
    rows = selectors.sort_rows(selectors.search_rows(board.rows, q), sort, available)
    industry_label = dict(selectors.industry_choices()).get(board.industry, "")
    handle = services.export_dashboard(actor=request.user, dashboard=board, rows=rows,
                                       columns=list(available.values()), industry_label=industry_label)
    return xlsx_response(handle, services.dashboard_filename(board))


@login_required
@require_POST
def dashboard_refresh(request):
    """Ask for the year's roll-ups to be counted again now (district staff); back to the dashboard."""
    from ..services import rollups as rollup_services

    require(request.user, REFRESH)
    form = DashboardForm(request.POST)
    year, industry, metric, _q, _sort = form.choices()
    org_id = request.POST.get("org") or ""
    try:
        rollup_services.request_refresh(actor=request.user, year=year)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The figures of %(year)s are being counted again; reload the page in a "
                                    "minute to see them.") % {"year": year})
    org_id = org_id if str(org_id).isdigit() else ""
    return redirect(selectors.dashboard_url(org_id, year=year, industry=industry, metric=metric))
