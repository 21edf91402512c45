"""Pages of skill leaders and the allowance ledger. Thin: fetch through the scope (404 for hidden
and missing alike), check the action, call one service or selector, render.

- the leaders list (filters, counts by town / trade / industry for the year, pager, export) and
  nominating a worker (the union first, then the worker);
- a leader's page: the nomination, the title period, the allowance paid, the steps the user may
  take now (select, not select, withdraw, end the title), and the history;
- the allowance ledger: payments (filters, pager, the finance office's export), totals by year
  and by town, the runs, and running a month by hand (district).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gonghui.core.forms import run_service
from gonghui.core.pagination import parse_after
from gonghui.core.policies import get_visible_or_404, require
from gonghui.core.responses import export_list
from gonghui.core.selectors import history_for, reach_orgs
from gonghui.orgs.models import Org

from ..forms import leaders as forms
from ..models.leaders import LeaderStatus, SkillLeader
from ..policies import leaders as policies
from ..selectors import leaders as selectors
from ..services import leaders as services

# --- leaders ------------------------------------------------------------------------------------


@login_required
@require_GET
def leader_list(request):
    require(request.user, policies.VIEW)
    form = forms.LeaderFilterForm(request.GET, user=request.user)
    form.is_valid()
    form.set_org_options(reach_orgs(request.user, policies.VIEW))
    filters = form.filters()
    page = selectors.leader_page(request.user, filters, after=parse_after(request.GET.get("after")))
    counts = selectors.status_counts(request.user, filters)
    year = filters.year or services.today().year
    return render(request, "honours/leaders/list.html", {
        "form": form, "page": page, "query": form.query_string(), "year": year,
        "counts": [(label, counts.get(code, 0), code) for code, label in LeaderStatus.choices if counts.get(code)],
        "selection": selectors.selection_counts(request.user, year, org=filters.org),
        "can_nominate": policies.can(request.user, policies.SUBMIT),
        "can_export": policies.can(request.user, policies.EXPORT),
        "today": services.today(),
    })


@login_required
@require_GET
def leader_export(request):
    return export_list(request, action=policies.EXPORT, view_action=policies.VIEW, scoped=[("org", Org)],
                       form=forms.LeaderFilterForm(request.GET, user=request.user), list_url="honours:leader_list",
                       export=services.export_leaders,
                       filename=lambda: f"skill-leaders-{services.today():%Y%m%d}.xlsx")


@login_required
@require_http_methods(["GET", "POST"])
def leader_create(request):
    """The union first (a chair's one union is taken directly), then the worker and the trade."""
    require(request.user, policies.SUBMIT)
    data = request.POST if request.method == "POST" else request.GET
    union_q = (data.get("union_q") or "").replace("\x00", "").strip()[:60]
    unions = selectors.union_choices(request.user, union_q)
    org = None
    if data.get("org"):
        org = get_visible_or_404(Org.objects, request.user, parse_after(data.get("org")), policies.SUBMIT)
    elif len(unions) == 1 and not union_q:
        return redirect(f"{request.path}?org={unions[0].pk}")
    context = {"unions": unions, "union_q": union_q, "org": org}
    if org is None:
        return render(request, "honours/leaders/create.html", context)
    person_q = (data.get("person_q") or "").replace("\x00", "").strip()[:30]
    members = selectors.member_choices(org, person_q)
    form = forms.NominateForm(request.POST if request.method == "POST" else None, members=members,
                              initial={"year": services.today().year})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        created = run_service(form, services.nominate_leader, actor=request.user, org=org, person=d["person"],
                              year=d["year"], trade=d["trade"], industry=d["industry"],
                              achievements=d["achievements"])
        if created is not None:
            messages.success(request, _("The nomination was sent to the district."))
            return redirect("honours:leader_detail", pk=created.pk)
    context.update({"form": form, "person_q": person_q})
    return render(request, "honours/leaders/create.html", context, status=400 if form.errors else 200)


def _leader(request, pk):
    return get_visible_or_404(SkillLeader.objects.select_related("org", "town", "person"), request.user, pk)


def _render_detail(request, leader, *, bound=None, status=200):
    actions = policies.leader_actions(request.user, leader)
    today = services.today()
    step_forms = {}
    if actions.select:
        step_forms["select"] = forms.SelectForm(initial={"selected_on": today}, prefix="select")
        step_forms["decline"] = forms.DeclineForm(initial={"decided_on": today}, prefix="decline")
    if actions.withdraw:
        step_forms["withdraw"] = forms.WithdrawForm(prefix="withdraw")
    if actions.end:
        step_forms["end"] = forms.EndForm(initial={"last_day": today}, prefix="end")
    if bound is not None:
        step_forms[bound[0]] = bound[1]
    paid = selectors.leader_allowances(leader)
    return render(request, "honours/leaders/detail.html", {
        "leader": leader, "actions": actions, "step_forms": step_forms, "paid": paid,
        "paid_total": sum((a.amount for a in paid), 0), "holds_today": leader.holds_title and leader.holds_on(today),
        "history": history_for(request.user, leader), "today": today,
    }, status=status)


@login_required
@require_GET
def leader_detail(request, pk):
    return _render_detail(request, _leader(request, pk))


STEPS = {  # step: (form, LeaderActions flag, action code, service call, message)
    "select": (forms.SelectForm, "select", policies.SELECT, lambda u, x, d: services.select_leader(
        actor=u, leader=x, selected_on=d["selected_on"], starts_on=d["starts_on"], note=d["note"]),
        gettext_lazy("Selected: the title is recorded in the worker's honours.")),
    "decline": (forms.DeclineForm, "decline", policies.SELECT, lambda u, x, d: services.decline_leader(
        actor=u, leader=x, decided_on=d["decided_on"], reason=d["reason"]), gettext_lazy("Recorded as not selected.")),
    "withdraw": (forms.WithdrawForm, "withdraw", policies.SUBMIT, lambda u, x, d: services.withdraw_nomination(
        actor=u, leader=x, reason=d["reason"]), gettext_lazy("The nomination was withdrawn.")),
    "end": (forms.EndForm, "end", policies.SELECT, lambda u, x, d: services.end_title(
        actor=u, leader=x, kind=d["kind"], last_day=d["last_day"], reason=d["reason"]),
        gettext_lazy("The title was ended; the allowance stops.")),
}


@login_required
@require_POST
def leader_step(request, pk, step):
    if step not in STEPS:
        raise Http404(_("Not found."))
    form_class, flag, action, run, done = STEPS[step]
    leader = _leader(request, pk)
    require(request.user, action, leader.org)
    if not getattr(policies.leader_actions(request.user, leader), flag):
        messages.warning(request, _("This step cannot be recorded now: the record is “%(status)s”.")
                         % {"status": leader.get_status_display()})
        return redirect("honours:leader_detail", pk=leader.pk)
    form = form_class(request.POST, prefix=step)
    result = run_service(form, lambda: run(request.user, leader, form.cleaned_data)) if form.is_valid() else None
    if result is not None:
        messages.success(request, str(done))
        return redirect("honours:leader_detail", pk=leader.pk)
    return _render_detail(request, leader, bound=(step, form), status=400)


# --- allowances ---------------------------------------------------------------------------------

def _allowance_context(request, run_form=None):
    form = forms.AllowanceFilterForm(request.GET, user=request.user)
    form.is_valid()
    form.set_org_options(reach_orgs(request.user, policies.VIEW))
    filters = form.filters()
    year = filters.month.year if filters.month else (filters.year or services.today().year)
    by_town, by_year = selectors.ledger_totals(request.user, filters, year)
    can_pay = policies.can(request.user, policies.PAY)
    if can_pay and run_form is None:
        run_form = forms.RunForm(initial={"month": services.today().replace(day=1)})
    return {
        "form": form, "query": form.query_string(), "year": year,
        "page": selectors.allowance_page(request.user, filters, after=parse_after(request.GET.get("after"))),
        "by_town": by_town, "by_year": by_year, "month": filters.month,
        "runs": selectors.recent_runs() if can_pay else [],
        "can_pay": can_pay, "run_form": run_form,
        "can_export": policies.can(request.user, policies.EXPORT),
    }


@login_required
@require_GET
def allowance_list(request):
    require(request.user, policies.VIEW)
    return render(request, "honours/leaders/allowances.html", _allowance_context(request))


@login_required
@require_GET
def allowance_export(request):
    return export_list(request, action=policies.EXPORT, view_action=policies.VIEW, scoped=[("org", Org)],
                       form=forms.AllowanceFilterForm(request.GET, user=request.user),
                       list_url="honours:allowance_list", export=services.export_allowances,
                       filename=lambda: f"skill-leader-allowances-{services.today():%Y%m%d}.xlsx")


@login_required
@require_POST
def allowance_run(request):
    require(request.user, policies.PAY)
    form = forms.RunForm(request.POST)
    run = run_service(form, lambda: services.run_allowances(actor=request.user, month=form.cleaned_data["month"])) \
        if form.is_valid() else None
    if run is not None:
        messages.success(request, _("Allowance of %(month)s: %(now)s paid by this run; %(n)s leader(s) paid for the "
                                    "month in all, %(total)s yuan.")
                         % {"month": run.month.strftime("%Y-%m"), "now": run.paid_now, "n": run.paid_count,
                            "total": run.paid_total})
        return redirect("honours:allowance_list")
    return render(request, "honours/leaders/allowances.html", _allowance_context(request, run_form=form), status=400)
