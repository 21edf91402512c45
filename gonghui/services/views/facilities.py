"""Pages of facility requests: the list (kind, status, year, overdue, town/union; search; pager;
export), a union's request form, and the request's page with the workflow steps as cards and its
history."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gonghui.core.forms import run_service
from gonghui.core.policies import get_visible_or_404, require
from gonghui.core.selectors import history_for

from ..forms import facilities as forms
from ..models.facilities import FacilityStatus
from ..policies import facilities as policies
from ..selectors import facilities as selectors
from ..services import facilities as services
from ..services.centres import today
from .centres import _export, _list, _pick_union, _require_party, run_step


@login_required
@require_GET
def facility_list(request):
    def extra(f):
        counts = selectors.status_counts(request.user, f)
        return {"counts": [(label, counts.get(code, 0), code) for code, label in FacilityStatus.choices
                           if counts.get(code)],
                "can_create": bool(selectors.union_choices(request.user, limit=1)), "today": today()}

    return _list(request, forms.FacilityFilterForm, selectors.request_page, "services/facilities/list.html",
                 "facilities", extra)


@login_required
@require_GET
def facility_export(request):
    return _export(request, forms.FacilityFilterForm, services.export_requests, "services:facility_list",
                   "facility-requests")


@login_required
@require_http_methods(["GET", "POST"])
def facility_create(request):
    require(request.user, policies.SUBMIT)
    org, picker, choose_again = _pick_union(request, selectors.union_choices, "facilities", _("Request a facility"))
    if org is None:
        return picker
    form = forms.FacilityForm(request.POST if request.method == "POST" else None, org=org)
    if request.method == "POST" and form.is_valid():
        req = run_service(form, lambda: services.submit_request(actor=request.user, org=org, **form.cleaned_data))
        if req is not None:
            messages.success(request, _("Request %(number)s was sent to the town.") % {"number": req.number})
            return redirect("services:facility_detail", pk=req.pk)
    return render(request, "services/centres/form.html", {
        "form": form, "org": org, "tab": "facilities", "title": _("Request a facility"),
        "back": "services:facility_list", "choose_again": choose_again}, status=400 if form.errors else 200)


def _request(request, pk):
    return get_visible_or_404(selectors.request_rows(), request.user, pk)


def _render(request, req, *, bound=None, status=200):
    actions = policies.facility_actions(request.user, req)
    step_forms = {}
    if actions.approve:
        step_forms["approve"] = forms.EmptyForm(prefix="approve")
        step_forms["reject"] = forms.ReasonForm(prefix="reject")
    if actions.start:
        step_forms["start"] = forms.StartForm(prefix="start")
    if actions.open:
        step_forms["open"] = forms.OpenForm(prefix="open", initial={"opened_on": today()})
    if actions.close:
        step_forms["close"] = forms.CloseForm(prefix="close", initial={"closed_on": today()})
    if actions.rate:
        step_forms["rate"] = forms.RateForm(prefix="rate")
    if actions.withdraw:
        step_forms["withdraw"] = forms.ReasonForm(prefix="withdraw")
    if bound is not None:
        step_forms[bound[0]] = bound[1]
    return render(request, "services/facilities/detail.html", {
        "req": req, "actions": actions, "step_forms": step_forms, "tab": "facilities", "today": today(),
        "history": history_for(request.user, req)}, status=status)


@login_required
@require_GET
def facility_detail(request, pk):
    return _render(request, _request(request, pk))


STEPS = {
    "approve": (forms.EmptyForm, "approve", lambda u, r, d: services.approve_request(actor=u, request=r),
                gettext_lazy("The request was approved.")),
    "reject": (forms.ReasonForm, "reject", lambda u, r, d: services.reject_request(actor=u, request=r, **d),
               gettext_lazy("The request was rejected.")),
    "start": (forms.StartForm, "start", lambda u, r, d: services.start_request(actor=u, request=r, **d),
              gettext_lazy("The partner was recorded; the facility is being set up.")),
    "open": (forms.OpenForm, "open", lambda u, r, d: services.open_request(actor=u, request=r, **d),
             gettext_lazy("The facility is open.")),
    "close": (forms.CloseForm, "close", lambda u, r, d: services.close_request(actor=u, request=r, **d),
              gettext_lazy("The facility was closed.")),
    "rate": (forms.RateForm, "rate", lambda u, r, d: services.rate_request(actor=u, request=r, **d),
             gettext_lazy("Thank you: the rating was saved.")),
    "withdraw": (forms.ReasonForm, "withdraw", lambda u, r, d: services.withdraw_request(actor=u, request=r, **d),
                 gettext_lazy("The request was withdrawn.")),
}


@login_required
@require_POST
def facility_step(request, pk, step):
    req = _request(request, pk)
    town = policies.town_of(req)
    return run_step(request, req, STEPS, step, policies.facility_actions, "services:facility_detail", _render,
                    require_any=lambda: _require_party(request.user, (policies.APPROVE, town),
                                                       (policies.CHANGE, town), (policies.SUBMIT, req.org)))
