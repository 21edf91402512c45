"""Coverage statistics page and the Excel exports. Thin: check the action, fetch the org filter
through the scope (404 for hidden and missing alike), call one selector or export function.

GET parameters: `on` (the "as at" date, default today) and `org` (one org of the user's reach)
for the statistics; the list page's filters (q, kind, stage, org, due, year) for the agreement
export.
"""

from django import forms
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from gonghui.core.excel import xlsx_response
from gonghui.core.forms import FastSelect
from gonghui.core.pagination import parse_after
from gonghui.core.policies import get_visible_or_404, require
from gonghui.core.responses import export_list
from gonghui.core.selectors import reach_orgs
from gonghui.members.forms import DateInput, StyledFormMixin, org_label, set_model_options
from gonghui.orgs.models import Org

from . import exporting
from .forms import AgreementFilterForm
from .models import AgreementKind
from .policies import EXPORT, VIEW, can_export
from .stats import coverage_stats, town_chart


class StatsFilterForm(StyledFormMixin, forms.Form):
    on = forms.DateField(label=gettext_lazy("As at"), required=False, widget=DateInput())
    org = forms.ModelChoiceField(label=gettext_lazy("Organisation"), required=False, queryset=Org.objects.none(),
                                 empty_label=gettext_lazy("All my organisations"), widget=FastSelect)

    def __init__(self, *args, user, orgs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = Org.objects.visible_to(user, VIEW)
        base = min((o.depth for o in orgs), default=1)
        set_model_options(self.fields["org"], orgs, label=lambda o: org_label(o, base),
                          empty_label=self.fields["org"].empty_label)


def _stats_for(request, action):
    """(form, stats) from the GET parameters; an org outside the user's view reach is a 404."""
    user = request.user
    org = None
    if request.GET.get("org"):
        org = get_visible_or_404(Org.objects.all(), user, parse_after(request.GET.get("org")), VIEW)
    orgs = reach_orgs(user, VIEW)
    if org is not None and org not in orgs:
        orgs.append(org)
    data = request.GET.copy()
    if not data.get("on"):
        data["on"] = timezone.localdate().isoformat()  # shown in the date picker
    form = StatsFilterForm(data, user=user, orgs=orgs)
    on = form.cleaned_data.get("on") if form.is_valid() else None
    require(user, action, org) if org is not None else require(user, action)
    return form, coverage_stats(user, on=on or timezone.localdate(), org=org, action=action)


def _chart_class(n):
    return "chart" if n <= 4 else "chart chart-md" if n <= 10 else "chart chart-lg"


@login_required
@require_GET
def stats(request):
    require(request.user, VIEW)
    form, figures = _stats_for(request, VIEW)
    chart = None
    if figures.by_town:
        chart = town_chart(figures, labels={
            "single": str(AgreementKind.SINGLE.label), "area": str(AgreementKind.AREA.label),
            "industry": str(AgreementKind.INDUSTRY.label), "workers": _("Distinct covered workers (top axis)"),
            "agreements_axis": _("Agreements in force"), "above": _("Above town level"),
        })
    query = request.GET.copy()
    return render(request, "bargaining/stats.html", {
        "form": form, "stats": figures, "total": figures.total, "chart": chart,
        "chart_class": _chart_class(len(figures.by_town)), "can_export": can_export(request.user),
        "query": query.urlencode(), "today": timezone.localdate(),
    })



@login_required
@require_GET
def stats_export(request):
    require(request.user, EXPORT)
    _form, figures = _stats_for(request, EXPORT)
    handle = exporting.export_stats(actor=request.user, stats=figures)
    return xlsx_response(handle, exporting.stats_filename(figures))


@login_required
@require_GET
def agreement_export(request):
    """The list page's filters as an .xlsx of the agreements the user may export."""
    return export_list(request, action=EXPORT, view_action=VIEW, scoped=[("org", Org)],
                       form=AgreementFilterForm(request.GET, user=request.user), list_url="bargaining:list",
                       export=exporting.export_agreements, filename=exporting.agreements_filename)
