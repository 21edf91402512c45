"""厂务公开 pages: the list across the user's enterprises (with its Excel export), one
enterprise's yearly checklist (record a disclosure, its history) and deleting a disclosure.
Thin: fetch through the scope (404 for hidden and missing alike), check the action, call one
service or selector."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gonghui.core.errors import DomainError
from gonghui.core.excel import xlsx_response
from gonghui.core.forms import run_service
from gonghui.core.pagination import parse_after
from gonghui.core.policies import get_visible_or_404, require

from .. import exporting
from ..forms.disclosures import YEAR_MAX, YEAR_MIN, DisclosureForm
from ..models import Disclosure
from ..policies import CHANGE, EXPORT, VIEW, can_change, can_export
from ..selectors import disclosures as selectors
from ..selectors.status import town_of, unionised_enterprises
from ..services import disclosures as services
from .status import filter_form


@login_required
@require_GET
def disclosure_list(request):
    user = request.user
    require(user, VIEW)
    form, towns = filter_form(request)
    filters = form.filters()
    summary = selectors.disclosure_summary(user, filters)
    count = summary.with_missing if filters.missing else summary.enterprises
    page = selectors.disclosure_page(user, filters, count=count, after=parse_after(request.GET.get("after")))
    towns_by_path = {town.path: town for town in towns}
    for row in page.items:
        row.place = town_of(row.enterprise.union.path, towns_by_path)  # the filter's town
        row.checklist_url = reverse("congress:disclosure_checklist", args=[row.enterprise.pk, filters.year])
    today = timezone.localdate()
    return render(request, "congress/disclosure_list.html", {
        "form": form, "filters": filters, "summary": summary, "page": page, "query": form.query_string(),
        "year": filters.year, "today": today, "year_open": filters.year >= today.year,
        "can_export": can_export(user),
    })


@login_required
@require_GET
def disclosure_export(request):
    user = request.user
    require(user, EXPORT)
    form, _towns = filter_form(request, EXPORT)
    if not form.is_valid():
        messages.error(request, _("The filters could not be read; check them and export again."))
        return redirect(f"{reverse('congress:disclosure_list')}?{request.GET.urlencode()}")
    filters = form.filters()
    handle = exporting.export_disclosures(actor=user, filters=filters)
    return xlsx_response(handle, exporting.disclosures_filename(filters.year))


def _enterprise_or_404(user, enterprise_id):
    enterprise = (unionised_enterprises(user, VIEW).select_related("town", "union").filter(pk=enterprise_id)
                  .first())
    if enterprise is None:
        raise Http404(_("Not found."))
    return enterprise


def default_day(year, today):
    """The date the form proposes: today in the current year, 31 December in a past one."""
    if year < today.year:
        return datetime.date(year, 12, 31)
    return today if year == today.year else None


@login_required
@require_http_methods(["GET", "POST"])
def disclosure_checklist(request, enterprise_id, year):
    user = request.user
    require(user, VIEW)
    if not YEAR_MIN <= year <= YEAR_MAX:
        raise Http404(_("Not found."))
    enterprise = _enterprise_or_404(user, enterprise_id)
    may_change = can_change(user, enterprise.union)
    today = timezone.localdate()
    form = DisclosureForm(request.POST or None, initial={"disclosed_on": default_day(year, today)})
    if request.method == "POST":
        require(user, CHANGE, enterprise.union)
        if form.is_valid():
            data = form.cleaned_data
            done = run_service(form, services.record_disclosure, actor=user, enterprise=enterprise, year=year,
                               item=data["item"], disclosed_on=data["disclosed_on"], channel=data["channel"],
                               summary=data["summary"])
            if done is not None:
                messages.success(request, _("Disclosure recorded."))
                return redirect("congress:disclosure_checklist", enterprise.pk, year)
    checklist = selectors.checklist(enterprise, year)
    return render(request, "congress/disclosure_checklist.html", {
        "enterprise": enterprise, "year": year, "checklist": checklist, "form": form, "can_change": may_change,
        "today": today, "year_open": year >= today.year, "future_year": year > today.year,
        "history": selectors.history(user, enterprise, year),
        "list_url": f"{reverse('congress:disclosure_list')}?year={year}",
    })


@login_required
@require_POST
def disclosure_delete(request, pk):
    user = request.user
    disclosure = get_visible_or_404(Disclosure.objects.all(), user, pk, VIEW)
    require(user, CHANGE, disclosure.org)
    try:
        services.delete_disclosure(actor=user, disclosure=disclosure)
    except DomainError as exc:
        messages.error(request, exc.text)
    else:
        messages.success(request, _("Disclosure deleted; the history keeps what it said."))
    return redirect("congress:disclosure_checklist", disclosure.enterprise_id, disclosure.year)
