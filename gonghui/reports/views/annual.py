"""Views of the `annual` area: the annual statistics report page of an org (every section as a
table, each figure linked to the list behind it, each child row to the child's report) and its
downloads (xlsx, PDF, JSON; audited). Thin: check the action, read the form, call the selector or
the service (a fixed number of queries whatever the size of the tree)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_GET

from gonghui.core.db_router import reads_from_replica
from gonghui.core.errors import DomainError
from gonghui.core.exports import export_response
from gonghui.core.policies import require

from ..forms.annual import AnnualForm
from ..policies.annual import EXPORT, VIEW, can, can_export
from ..selectors import annual as selectors
from ..services import annual as services


def _choose(request):
    """(form, choice, org) of the request: the org asked for (404 when out of reach) or the user's
    own top org."""
    form = AnnualForm(request.GET or None, years=selectors.available_years(),
                      industries=selectors.industry_choices())
    choice = form.choice()
    org = selectors.resolve_org(request.user, choice.org_id) if choice.org_id else \
        selectors.default_org(request.user)
    if org is None:
        raise Http404
    return form, choice, org


@login_required
@require_GET
@reads_from_replica
def annual_report(request):
    require(request.user, VIEW)
    form, choice, org = _choose(request)
    if not form.is_bound:
        form = AnnualForm(initial={"year": choice.year, "org": org.pk}, years=form.years,
                          industries=selectors.industry_choices())
    report = selectors.build_annual_report(org=org, year=choice.year, industry=choice.industry, links=True)
    query = selectors.report_url(org, choice.year, choice.industry).split("?", 1)[1]
    return render(request, "reports/annual/report.html", {
        "form": form, "report": report, "query": query, "tab": "annual",
        "crumbs": selectors.breadcrumbs(request.user, org),
        "can_export": can_export(request.user, org), "can_refresh": can(request.user, "reports.refresh"),
        "no_figures": selectors.no_figures_message(),
    })


@login_required
@require_GET
@reads_from_replica
def annual_report_download(request, fmt):
    require(request.user, EXPORT)
    form, choice, org = _choose(request)
    if form.is_bound and form.errors:
        # The page says what is wrong; a file of another year or industry than asked would mislead.
        return redirect(f"{reverse('reports:annual')}?{request.GET.urlencode()}")
    if fmt == "pdf":
        # Seconds to tens of seconds of layout: a background job and its status page.
        return export_response(request, services.ANNUAL_PDF)
    report = selectors.build_annual_report(org=org, year=choice.year, industry=choice.industry)
    try:
        file = services.export_annual_report(actor=request.user, report=report, fmt=fmt)
    except DomainError as exc:  # no Chinese font for the PDF
        messages.error(request, exc.text)
        return redirect(f"{reverse('reports:annual')}?{request.GET.urlencode()}")
    return file_response(file)


def file_response(file) -> HttpResponse:
    response = HttpResponse(file.content, content_type=file.content_type)
    response["Content-Disposition"] = f'attachment; filename="{file.filename}"'
    add_never_cache_headers(response)
    return response
