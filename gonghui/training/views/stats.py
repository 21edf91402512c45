"""Views of the `stats` area: the statistics page (year filter, tables, chart), its workbook, the
targets list and the target form. Thin: check the action, read the form, call the selector or the
service (a fixed number of queries whatever the size of the data)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from gonghui.core import exports
from gonghui.core.errors import DomainError
from gonghui.core.excel import xlsx_response
from gonghui.core.policies import get_visible_or_404, require
from gonghui.core.selectors import history_for

from ..forms.stats import TargetForm, YearForm
from ..models import TrainingTarget
from ..policies.stats import CONFIGURE, EXPORT, VIEW, can_configure, can_export
from ..selectors import stats as selectors
from ..services import stats as services

TARGETS_PER_PAGE = 50


def _chart_class(n):
    return "chart" if n <= 4 else "chart chart-md" if n <= 10 else "chart chart-lg"


@login_required
@require_GET
def stats(request):
    require(request.user, VIEW)
    # Unbound (no ?year): the field shows this year, the one the figures are of.
    form = YearForm(request.GET or None, initial={"year": timezone.localdate().year})
    year = form.chosen_year() if form.is_bound else YearForm().chosen_year()
    figures = selectors.training_stats(request.user, year=year, refresh=request.GET.get("refresh") == "1")
    chart = None
    if figures.by_town:
        chart = selectors.town_chart(figures, labels={
            "trainees": _("Trainees"), "person_times": _("Person-times"), "target": _("Trainees target")})
    return render(request, "training/stats/stats.html", {
        "form": form, "year": year, "stats": figures, "total": figures.total, "chart": chart,
        "chart_class": _chart_class(len(figures.by_town)), "can_export": can_export(request.user),
        "can_configure": can_configure(request.user), "definitions": selectors.definitions(), "tab": "stats",
    })


@login_required
@require_GET
def stats_export(request):
    require(request.user, EXPORT)
    form = YearForm(request.GET or None)
    year = form.chosen_year() if form.is_bound else YearForm().chosen_year()
    figures = selectors.training_stats(request.user, year=year, action=EXPORT)
    handle = services.export_stats(actor=request.user, stats=figures)
    return xlsx_response(handle, services.stats_filename(year))


@login_required
@require_GET
def target_list(request):
    require(request.user, VIEW)
    form = YearForm(request.GET or None)
    year = form.cleaned_data.get("year") if form.is_bound and form.is_valid() else None
    page = Paginator(selectors.visible_targets(request.user, year=year), TARGETS_PER_PAGE).get_page(
        request.GET.get("page"))
    return render(request, "training/stats/target_list.html", {
        "form": form, "targets": page.object_list, "page_obj": page, "year": year or "",
        "can_configure": can_configure(request.user), "can_export": can_export(request.user), "tab": "stats",
    })


@login_required
@require_http_methods(["GET", "POST"])
def target_edit(request, pk=None):
    target = None
    if pk is not None:
        target = get_visible_or_404(TrainingTarget.objects.select_related("org"), request.user, pk, VIEW)
        require(request.user, CONFIGURE, target.org)
    else:
        require(request.user, CONFIGURE)
    initial = {}
    if target is not None:
        initial = {"org": target.org, "year": target.year, "trainees": target.trainees,
                   "person_times": target.person_times, "hours": target.hours, "note": target.note}
    form = TargetForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.set_target(actor=request.user, org=data["org"], year=data["year"], trainees=data["trainees"],
                                person_times=data["person_times"], hours=data["hours"], note=data["note"],
                                target=target)
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.text)
        except PermissionDenied:
            form.add_error("org", _("You cannot set targets for this organisation."))
        else:
            messages.success(request, _("The target is saved."))
            return redirect(f"{_target_list_url()}?year={data['year']}")
    history = history_for(request.user, target) if target is not None else None
    return render(request, "training/stats/target_form.html", {"form": form, "target": target, "tab": "stats",
                                                               "history": history})


def _target_list_url():
    from django.urls import reverse

    return reverse("training:target_list")


# --- export of the targets (core.exports) ----------------------------------------------------------------

def _plan_targets(user, params):
    """The targets list's year filter over the targets the user may export."""
    require(user, EXPORT)
    form = YearForm(params or None)
    if form.is_bound and not form.is_valid():
        raise exports.ExportRefused(_("The filters could not be read; check them and export again."), code="filters")
    year = form.cleaned_data.get("year") if form.is_bound else None
    rows = selectors.visible_targets(user, year=year).filter(
        pk__in=TrainingTarget.objects.visible_to(user, EXPORT).values("pk"))

    def values():
        for t in rows.iterator(chunk_size=1000):
            yield [t.year, t.org.name, t.trainees, t.person_times, t.hours, t.note,
                   t.updated_by.get_username() if t.updated_by else "",
                   timezone.localtime(t.updated_at).replace(tzinfo=None) if t.updated_at else None]

    def write(target, progress):
        return exports.write_sheet(target, title=_("Yearly training targets"), rows=values(), progress=progress,
                                   headers=[_("Year"), _("Organisation"), _("Trainees target"),
                                            _("Person-times target"), _("Class hours target"), _("Note"),
                                            _("Set by"), _("Updated at")],
                                   widths=[8, 30, 10, 10, 10, 30, 14, 17])

    filters = {"year": year or ""}
    return exports.ExportPlan(write=write, rows=rows, filters=filters, audit=exports.auditor(
        actor=user, action="training.target_export", object_type="training.TargetExport",
        label=_("Training targets export"), reach_action=EXPORT, filters=filters))


TARGET_EXPORT = exports.ExportKind(key="training.targets", label=gettext_lazy("Training targets export"),
                                   plan=_plan_targets, list_url="training:target_list",
                                   filename_prefix="training-targets")


@login_required
@require_GET
def target_export(request):
    return exports.export_response(request, TARGET_EXPORT)
