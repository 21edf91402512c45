"""Pages of the `rollups` area: the list of figure refreshes (filters, pager, export, "refresh
now" for district staff) and one refresh's page with its history. Thin: check the action, call
one selector or service, render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from gonghui.core.db_router import reads_from_replica
from gonghui.core.errors import DomainError
from gonghui.core.pagination import parse_after
from gonghui.core.policies import require
from gonghui.core.responses import export_list
from gonghui.core.selectors import history_for

from ..forms.rollups import RefreshForm, RunFilterForm
from ..policies import rollups as policies
from ..selectors import rollups as selectors
from ..services import rollups as services


def _render_list(request, *, refresh_form=None, status=200):
    form = RunFilterForm(request.GET)
    filters = form.filters()
    page = selectors.run_page(request.user, filters, after=parse_after(request.GET.get("after")))
    can_refresh = policies.can(request.user, policies.REFRESH)
    return render(request, "reports/rollups/run_list.html", {
        "form": form, "page": page, "query": form.query_string(), "tab": "rollups",
        "years": selectors.years_in_use(), "can_refresh": can_refresh,
        "refresh_form": (refresh_form or RefreshForm()) if can_refresh else None,
        "can_export": policies.can(request.user, policies.EXPORT),
    }, status=status)


@login_required
@require_GET
@reads_from_replica
def rollup_list(request):
    require(request.user, policies.VIEW)
    return _render_list(request)


@login_required
@require_POST
def rollup_refresh(request):
    require(request.user, policies.REFRESH)
    form = RefreshForm(request.POST)
    if form.is_valid():
        try:
            run = services.request_refresh(actor=request.user, year=form.cleaned_data["year"])
        except DomainError as exc:
            form.add_error("year", exc.text)
        else:
            messages.success(request, _("The figures of %(year)s are being refreshed; this page shows when it is "
                                        "done.") % {"year": run.year})
            return redirect("reports:rollup_detail", pk=run.pk)
    return _render_list(request, refresh_form=form, status=400)


@login_required
@require_GET
@reads_from_replica
def rollup_detail(request, pk):
    require(request.user, policies.VIEW)
    run = selectors.run_detail(request.user, pk)
    if run is None:
        raise Http404(_("Not found."))
    in_use = dict(selectors.years_in_use()).get(run.year)
    return render(request, "reports/rollups/run_detail.html", {
        "run": run, "in_use": in_use, "is_in_use": in_use is not None and in_use.pk == run.pk,
        "history": history_for(request.user, run), "tab": "rollups",
        "can_refresh": policies.can(request.user, policies.REFRESH),
        "refresh_form": RefreshForm(initial={"year": run.year}),
    })


@login_required
@require_GET
@reads_from_replica
def rollup_export(request):
    return export_list(request, action=policies.EXPORT, view_action=policies.VIEW, form=RunFilterForm(request.GET),
                       list_url="reports:rollup_list", export=services.export_runs,
                       filename=lambda: f"statistics-refreshes-{timezone.localtime():%Y%m%d-%H%M}.xlsx")
