"""The yearly congress-status page and its Excel export. Thin: check the action, read the
filters (a town outside the user's towns is a 404, like a missing one), call the selectors.

GET parameters: year (default this year), town, industry, above_scale, q, held, after.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from gonghui.core.excel import xlsx_response
from gonghui.core.pagination import parse_after
from gonghui.core.policies import require

from .. import exporting
from ..forms.disclosures import EnterpriseFilterForm
from ..policies import EXPORT, VIEW, can_export
from ..rules import rules
from ..selectors import status as selectors


def filter_form(request, action=VIEW):
    """The bound filter form over the user's towns; 404 for a town outside them."""
    towns = selectors.town_options(request.user, action)
    form = EnterpriseFilterForm(request.GET, towns=towns)
    form.is_valid()
    if form.town_out_of_reach():
        raise Http404(_("Not found."))
    return form, towns


def url_or_none(name, *args):
    """A link to a page of another area that may not exist yet: None until its URL resolves."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


@login_required
@require_GET
def status_list(request):
    user = request.user
    require(user, VIEW)
    form, towns = filter_form(request)
    filters = form.filters()
    today = timezone.localdate()
    summary = selectors.status_report(user, filters, towns=towns, today=today)
    page = selectors.status_page(user, filters, count=selectors.listed_count(summary, filters.held),
                                 after=parse_after(request.GET.get("after")), today=today)
    towns_by_path = {town.path: town for town in towns}
    for row in page.items:
        row.place = selectors.town_of(row.union.path, towns_by_path)  # the filter's and the summary's town
        row.must_hold_congress = selectors.must_hold_congress(row)
        row.checklist_url = reverse("congress:disclosure_checklist", args=[row.pk, filters.year])
        row.body_url = url_or_none("congress:body_detail", row.current_body_id) if row.current_body_id else None
    return render(request, "congress/status_list.html", {
        "form": form, "filters": filters, "summary": summary, "page": page, "query": form.query_string(),
        "year": filters.year, "today": today, "can_export": can_export(user),
        "min_headcount": rules().congress_min_headcount,
    })



@login_required
@require_GET
def status_export(request):
    user = request.user
    require(user, EXPORT)
    form, _towns = filter_form(request, EXPORT)
    if not form.is_valid():
        messages.error(request, _("The filters could not be read; check them and export again."))
        return redirect(f"{reverse('congress:status')}?{request.GET.urlencode()}")
    filters = form.filters()
    handle = exporting.export_status(actor=user, filters=filters)
    return xlsx_response(handle, exporting.status_filename(filters.year))
