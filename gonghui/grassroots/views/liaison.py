"""Pages of liaison points (联系基层工作点): visits, follow-ups, assignments (with bulk assign)
and the quarterly coverage report. Thin: fetch through the scope (404 for hidden and missing
alike), check the action, call one service or selector, render."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gonghui.core.api_support import MAX_ID
from gonghui.core.excel import xlsx_response
from gonghui.core.forms import run_service
from gonghui.core.pagination import parse_after
from gonghui.core.policies import get_visible_or_404, require
from gonghui.core.responses import export_list
from gonghui.core.selectors import history_for, reach_orgs
from gonghui.orgs.models import Org

from ..forms import liaison as forms
from ..models.liaison import FollowUpStatus, LiaisonAssignment, LiaisonFollowUp, LiaisonVisit
from ..policies import liaison as policies
from ..rules.liaison import rules
from ..selectors import liaison as selectors
from ..services import liaison as services


def _stamp(now=None):
    return f"{timezone.localtime(now):%Y%m%d-%H%M}"


def _common(request):
    return {"can_liaise": policies.can_liaise(request.user), "can_export": policies.can_export(request.user),
            "today": services.today()}


# --- visits -----------------------------------------------------------------------------------------

@login_required
@require_GET
def visit_list(request):
    require(request.user, policies.VIEW)
    form = forms.VisitFilterForm(request.GET, user=request.user)
    form.is_valid()
    form.set_org_options(reach_orgs(request.user, policies.VIEW))
    page = selectors.visit_page(request.user, form.filters(), after=parse_after(request.GET.get("after")))
    return render(request, "grassroots/liaison/visit_list.html", {
        "form": form, "page": page, "query": form.query_string(), "tab": "liaison", "sub": "visits",
        **_common(request)})


@login_required
@require_GET
def visit_export(request):
    return export_list(request, action=policies.EXPORT, view_action=policies.VIEW, scoped=[("org", Org)],
                       form=forms.VisitFilterForm(request.GET, user=request.user),
                       list_url="grassroots:liaison_visit_list", export=services.export_visits,
                       filename=lambda: f"liaison-visits-{_stamp()}.xlsx")


def _enterprise_for_visit(request, value):
    pk = parse_after(value)
    if not pk:
        return None
    enterprise = selectors.liaise_enterprises(request.user).select_related("town", "union").filter(pk=pk).first()
    if enterprise is None:
        raise Http404(_("Not found."))
    return enterprise


@login_required
@require_http_methods(["GET", "POST"])
def visit_create(request):
    """Log a visit: pick the enterprise (searched by name, or among the user's liaison points),
    then the form. A visit may carry its first follow-up action."""
    require(request.user, policies.LIAISE)
    data = request.POST if request.method == "POST" else request.GET
    enterprise = _enterprise_for_visit(request, data.get("enterprise"))
    context = {"tab": "liaison", "sub": "visits", **_common(request)}
    if enterprise is None:
        q = (request.GET.get("q") or "").replace("\x00", "").strip()[:60]
        context.update({"q": q, "found": selectors.find_enterprises(request.user, q)})
        return render(request, "grassroots/liaison/visit_pick.html", context)
    require(request.user, policies.LIAISE, enterprise.town)
    cadres = selectors.cadre_choices(request.user)
    form = forms.VisitForm(request.POST if request.method == "POST" else None, cadres=cadres,
                           initial={"visited_on": services.today()})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        by_id = {u.pk: u for u, _org in cadres}
        follow_ups = []
        if (d["follow_up_action"] or "").strip():
            follow_ups.append(services.FollowUpInput(action=d["follow_up_action"], due_on=d["follow_up_due_on"],
                                                     owner=by_id.get(d["follow_up_owner"]),
                                                     owner_name=d["follow_up_owner_name"]))
        visit = run_service(form, services.record_visit, actor=request.user, enterprise=enterprise,
                            data=services.VisitInput(
                                visited_on=d["visited_on"], topics=d["topics"], cadre=by_id.get(d["cadre"]),
                                cadre_name=d["cadre_name"], companions=d["companions"],
                                topic_other=d["topic_other"], notes=d["notes"], problems=d["problems"],
                                follow_ups=follow_ups))
        if visit is not None:
            messages.success(request, _("The visit was recorded."))
            return redirect("grassroots:liaison_visit_detail", pk=visit.pk)
    context.update({"form": form, "enterprise": enterprise,
                    "recent": selectors.enterprise_visits(enterprise, request.user, limit=3)})
    return render(request, "grassroots/liaison/visit_form.html", context, status=400 if form.errors else 200)


FOLLOW_UP_FIELDS = ("follow_up_action", "follow_up_owner", "follow_up_owner_name", "follow_up_due_on")


@login_required
@require_http_methods(["GET", "POST"])
def visit_edit(request, pk):
    """Correct a visit (date, cadre, topics, notes, problems); follow-ups are kept apart."""
    visit = get_visible_or_404(LiaisonVisit.objects.select_related("town", "enterprise", "enterprise__union"),
                               request.user, pk)
    require(request.user, policies.LIAISE, visit.town)
    cadres = selectors.cadre_choices(request.user)
    if visit.cadre_id and visit.cadre_id not in {u.pk for u, _org in cadres}:
        cadres = [(visit.cadre, visit.town.name), *cadres]
    initial = {"visited_on": visit.visited_on, "cadre": visit.cadre_id,
               "cadre_name": "" if visit.cadre_id else visit.cadre_name, "companions": visit.companions,
               "topics": visit.topic_codes, "topic_other": visit.topic_other, "notes": visit.notes,
               "problems": visit.problems}
    form = forms.VisitForm(request.POST if request.method == "POST" else None, cadres=cadres, initial=initial)
    for name in FOLLOW_UP_FIELDS:
        del form.fields[name]
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        done = run_service(form, services.update_visit, actor=request.user, visit=visit, data=services.VisitInput(
            visited_on=d["visited_on"], topics=d["topics"], cadre={u.pk: u for u, _org in cadres}.get(d["cadre"]),
            cadre_name=d["cadre_name"], companions=d["companions"], topic_other=d["topic_other"], notes=d["notes"],
            problems=d["problems"]))
        if done is not None:
            messages.success(request, _("The visit was corrected."))
            return redirect("grassroots:liaison_visit_detail", pk=visit.pk)
    return render(request, "grassroots/liaison/visit_form.html", {
        "form": form, "enterprise": visit.enterprise, "visit": visit, "tab": "liaison", "sub": "visits",
        **_common(request)}, status=400 if form.errors else 200)


def _render_visit(request, visit, *, follow_up_form=None, close_forms=None, status=200):
    visit = selectors.visit_detail(visit)
    may = policies.may_liaise(request.user, visit)
    cadres = selectors.cadre_choices(request.user) if may else []
    close_forms = close_forms or {}
    ups = list(visit.follow_ups.all())
    for up in ups:
        up.close_form = close_forms.get(up.pk) or (
            forms.CloseFollowUpForm(initial={"closed_on": services.today()}, prefix=f"close{up.pk}")
            if may and up.status == FollowUpStatus.OPEN else None)
    return render(request, "grassroots/liaison/visit_detail.html", {
        "v": visit, "follow_ups": ups, "may_liaise": may, "tab": "liaison", "sub": "visits",
        "follow_up_form": follow_up_form or (forms.FollowUpForm(cadres=cadres, initial={
            "due_on": max(visit.visited_on, services.today()) + datetime.timedelta(days=rules().follow_up_days)})
            if may else None),
        "others": [v for v in selectors.enterprise_visits(visit.enterprise, request.user, limit=6) if v.pk != visit.pk],
        "history": history_for(request.user, visit,
                               related=[("grassroots.LiaisonFollowUp", up.pk) for up in ups]),
        **_common(request)}, status=status)


@login_required
@require_GET
def visit_detail(request, pk):
    visit = get_visible_or_404(LiaisonVisit.objects, request.user, pk)
    return _render_visit(request, visit)


@login_required
@require_POST
def follow_up_add(request, pk):
    visit = get_visible_or_404(LiaisonVisit.objects.select_related("town", "enterprise"), request.user, pk)
    require(request.user, policies.LIAISE, visit.town)
    cadres = selectors.cadre_choices(request.user)
    form = forms.FollowUpForm(request.POST, cadres=cadres)
    if form.is_valid():
        d = form.cleaned_data
        owner = {u.pk: u for u, _org in cadres}.get(d["owner"])
        done = run_service(form, services.add_follow_up, actor=request.user, visit=visit,
                           data=services.FollowUpInput(action=d["action"], due_on=d["due_on"], owner=owner,
                                                       owner_name=d["owner_name"]))
        if done is not None:
            messages.success(request, _("The follow-up action was added."))
            return redirect("grassroots:liaison_visit_detail", pk=visit.pk)
    return _render_visit(request, visit, follow_up_form=form, status=400)


@login_required
@require_POST
def follow_up_close(request, pk):
    follow_up = get_visible_or_404(LiaisonFollowUp.objects.select_related("town", "visit"), request.user, pk)
    require(request.user, policies.LIAISE, follow_up.town)
    form = forms.CloseFollowUpForm(request.POST, prefix=f"close{follow_up.pk}")
    if form.is_valid():
        done = run_service(form, services.close_follow_up, actor=request.user, follow_up=follow_up,
                           closed_on=form.cleaned_data["closed_on"], note=form.cleaned_data["note"])
        if done is not None:
            messages.success(request, _("The follow-up action was closed."))
            return redirect("grassroots:liaison_visit_detail", pk=follow_up.visit_id)
    return _render_visit(request, follow_up.visit, close_forms={follow_up.pk: form}, status=400)


# --- follow-ups ---------------------------------------------------------------------------------------

@login_required
@require_GET
def follow_up_list(request):
    require(request.user, policies.VIEW)
    form = forms.FollowUpFilterForm(request.GET, user=request.user)
    form.is_valid()
    form.set_org_options(reach_orgs(request.user, policies.VIEW))
    page = selectors.follow_up_page(request.user, form.filters(), after=parse_after(request.GET.get("after")))
    return render(request, "grassroots/liaison/follow_up_list.html", {
        "form": form, "page": page, "query": form.query_string(), "tab": "liaison", "sub": "follow_ups",
        **_common(request)})


@login_required
@require_GET
def follow_up_export(request):
    return export_list(request, action=policies.EXPORT, view_action=policies.VIEW, scoped=[("org", Org)],
                       form=forms.FollowUpFilterForm(request.GET, user=request.user),
                       list_url="grassroots:liaison_follow_up_list", export=services.export_follow_ups,
                       filename=lambda: f"liaison-follow-ups-{_stamp()}.xlsx")


# --- assignments ------------------------------------------------------------------------------------

@login_required
@require_GET
def assignment_list(request):
    require(request.user, policies.VIEW)
    form = forms.AssignmentFilterForm(request.GET, user=request.user)
    form.is_valid()
    form.set_org_options(reach_orgs(request.user, policies.VIEW))
    page = selectors.assignment_page(request.user, form.filters(), after=parse_after(request.GET.get("after")))
    for row in page.items:
        row.may_end = row.status == "ACTIVE" and policies.may_liaise(request.user, row)
    return render(request, "grassroots/liaison/assignment_list.html", {
        "form": form, "page": page, "query": form.query_string(), "tab": "liaison", "sub": "assignments",
        "end_form": forms.EndAssignmentForm(initial={"ends_on": services.today()}), **_common(request)})


@login_required
@require_GET
def assignment_export(request):
    return export_list(request, action=policies.EXPORT, view_action=policies.VIEW, scoped=[("org", Org)],
                       form=forms.AssignmentFilterForm(request.GET, user=request.user),
                       list_url="grassroots:liaison_assignment_list", export=services.export_assignments,
                       filename=lambda: f"liaison-assignments-{_stamp()}.xlsx")


@login_required
@require_POST
def assignment_end(request, pk):
    assignment = get_visible_or_404(LiaisonAssignment.objects.select_related("town"), request.user, pk)
    require(request.user, policies.LIAISE, assignment.town)
    form = forms.EndAssignmentForm(request.POST)
    if form.is_valid():
        done = run_service(form, services.end_assignment, actor=request.user, assignment=assignment,
                           ends_on=form.cleaned_data["ends_on"], note=form.cleaned_data["note"])
        if done is not None:
            messages.success(request, _("The assignment was ended."))
            return redirect("grassroots:liaison_assignment_list")
    errors = "; ".join(str(e) for errs in form.errors.values() for e in errs)
    messages.error(request, _("The assignment could not be ended: %(errors)s") % {"errors": errors})
    return redirect("grassroots:liaison_assignment_list")


@login_required
@require_http_methods(["GET", "POST"])
def assign(request):
    """Bulk assign: filter the enterprises, tick them, choose one cadre and the period."""
    require(request.user, policies.LIAISE)
    filters_form = forms.AssignCandidateFilterForm(request.GET, user=request.user)
    filters_form.is_valid()
    filters_form.set_org_options(reach_orgs(request.user, policies.VIEW))
    page = selectors.assign_candidate_page(request.user, filters_form.filters(),
                                           after=parse_after(request.GET.get("after")))
    cadres = selectors.cadre_choices(request.user)
    posted_ids = [parse_after(v) for v in request.POST.getlist("enterprises")] if request.method == "POST" else []
    posted_ids = [pk for pk in posted_ids if pk and pk <= MAX_ID]  # larger ids fit no column: invalid
    form = forms.AssignForm(request.POST if request.method == "POST" else None, cadres=cadres,
                            enterprise_ids=posted_ids, initial={"starts_on": services.today()})
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            d = form.cleaned_data
            chosen = list(selectors.liaise_enterprises(request.user).select_related("town")
                          .filter(pk__in=d["enterprises"]))
            if len(chosen) != len(set(d["enterprises"])):
                raise Http404(_("Not found."))
            cadre = {u.pk: u for u, _org in cadres}.get(d["cadre"])
            done = run_service(form, services.assign_cadre, actor=request.user, cadre=cadre, enterprises=chosen,
                               starts_on=d["starts_on"], ends_on=d["ends_on"], note=d["note"])
            if done is not None:
                messages.success(request, _("%(cadre)s was assigned %(n)s enterprises.")
                                 % {"cadre": cadre, "n": len(done)})
                return redirect("grassroots:liaison_assignment_list")
    return render(request, "grassroots/liaison/assign.html", {
        "filters_form": filters_form, "form": form, "page": page, "query": filters_form.query_string(),
        "ticked": set(posted_ids), "tab": "liaison", "sub": "assignments", **_common(request)}, status=status)


# --- coverage -----------------------------------------------------------------------------------------

def _coverage_inputs(request):
    form = forms.CoverageForm(request.GET, user=request.user)
    form.is_valid()
    form.set_org_options(reach_orgs(request.user, policies.VIEW))
    return form, form.chosen_quarter(services.today()), form.value("org")


@login_required
@require_GET
def coverage(request):
    require(request.user, policies.VIEW)
    form, quarter, org = _coverage_inputs(request)
    cadre = (form.value("cadre", "") or "").strip()
    report = selectors.coverage_report(request.user, quarter, org)
    page = selectors.uncovered_page(request.user, quarter, org, cadre, after=parse_after(request.GET.get("after")))
    return render(request, "grassroots/liaison/coverage.html", {
        "form": form, "quarter": quarter, "report": report, "page": page, "cadre": cadre,
        "query": form.query_string(year=quarter.year, quarter=quarter.number),
        "previous": quarter.previous(), "next": quarter.next(),
        "tab": "liaison", "sub": "coverage", **_common(request)})


@login_required
@require_GET
def coverage_export(request):
    require(request.user, policies.EXPORT)
    _form, quarter, org = _coverage_inputs(request)
    handle, _rows = services.export_coverage(actor=request.user, quarter=quarter, org=org)
    return xlsx_response(handle, f"liaison-coverage-{quarter.year}Q{quarter.number}.xlsx")
