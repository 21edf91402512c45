"""Pages of hardship files (困难职工档案). Thin: fetch through the scope (404 for hidden and missing
alike), check the action, call one service or selector, render.

- the list (filters, search, counts by status, pager, export) and opening a file (the union
  first, then the worker and the cause);
- a file's page: status, category, dates, the calculator's verdict; the household, incomes, costs
  and cause masked until a user with `welfare.reveal_hardship` asks to see them (a POST, audited,
  answered `no-store`); the steps the user may take now (lines, submit, review, yearly review,
  exit, help), the reviews, the help records and the history.
"""

from django import forms as djforms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gonghui.core.errors import DomainError
from gonghui.core.forms import run_service
from gonghui.core.pagination import parse_after
from gonghui.core.policies import get_visible_or_404, require
from gonghui.core.responses import export_list, no_store
from gonghui.core.selectors import history_for, reach_orgs
from gonghui.orgs.models import Org

from ..forms import hardship as forms
from ..models.hardship import HardshipFile, HardshipStatus
from ..policies import hardship as policies
from ..rules.hardship import rules
from ..selectors import hardship as selectors
from ..services import hardship as services


@login_required
@require_GET
def file_list(request):
    require(request.user, policies.VIEW)
    form = forms.FileFilterForm(request.GET, user=request.user)
    form.is_valid()
    form.set_org_options(reach_orgs(request.user, policies.VIEW))
    filters = form.filters()
    page = selectors.file_page(request.user, filters, after=parse_after(request.GET.get("after")))
    counts = selectors.status_counts(request.user, filters)
    return render(request, "welfare/hardship/list.html", {
        "form": form, "page": page, "query": form.query_string(), "tab": "hardship",
        "counts": [(label, counts.get(code, 0), code) for code, label in HardshipStatus.choices if counts.get(code)],
        "can_create": policies.can(request.user, policies.CHANGE),
        "can_export": policies.can(request.user, policies.EXPORT),
        "today": services.today(),
    })


@login_required
@require_GET
def file_export(request):
    return export_list(request, action=policies.EXPORT, view_action=policies.VIEW, scoped=[("org", Org)],
                       form=forms.FileFilterForm(request.GET, user=request.user),
                       list_url="welfare:file_list", export=services.export_files,
                       filename=lambda: f"hardship-files-{services.today():%Y%m%d}.xlsx")


@login_required
@require_http_methods(["GET", "POST"])
def file_create(request):
    """The union first (a chair's one union is taken directly), then the worker and the cause."""
    require(request.user, policies.CHANGE)
    data = request.POST if request.method == "POST" else request.GET
    union_q = (data.get("union_q") or "").replace("\x00", "").strip()[:60]
    unions = selectors.union_choices(request.user, union_q)
    org = None
    if data.get("org"):
        org = get_visible_or_404(Org.objects, request.user, parse_after(data.get("org")), policies.CHANGE)
    elif len(unions) == 1 and not union_q:
        return redirect(f"{request.path}?org={unions[0].pk}")
    context = {"unions": unions, "union_q": union_q, "org": org, "tab": "hardship"}
    if org is None:
        return render(request, "welfare/hardship/create.html", context)
    person_q = (data.get("person_q") or "").replace("\x00", "").strip()[:30]
    form = forms.CreateForm(request.POST if request.method == "POST" else None,
                            members=selectors.member_choices(org), shown=selectors.member_choices(org, person_q))
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        created = run_service(form, services.create_file, actor=request.user, org=org, person=d["person"],
                              reason=d["reason"], health=d["health"], work=d["work"])
        if created is not None:
            messages.success(request, _("The hardship file %(number)s was opened: add the household, incomes and "
                                        "costs, then submit it.") % {"number": created.number})
            return redirect("welfare:file_detail", pk=created.pk)
    context.update({"form": form, "person_q": person_q})
    return render(request, "welfare/hardship/create.html", context, status=400 if form.errors else 200)


def _file(request, pk):
    return get_visible_or_404(HardshipFile.objects.select_related("org", "person"), request.user, pk)


def _render_detail(request, f, *, bound=None, status=200, revealed=None):
    actions = policies.file_actions(request.user, f)
    today = services.today()
    step_forms = {}
    if actions.edit:
        step_forms["household"] = forms.HouseholdForm(prefix="household")
        step_forms["income"] = forms.IncomeForm(prefix="income")
        step_forms["cost"] = forms.CostForm(prefix="cost")
    if actions.review:
        step_forms["review"] = forms.ReviewForm(initial={"reviewed_on": today}, prefix="review")
    if actions.yearly:
        step_forms["yearly"] = forms.YearlyForm(initial={"reviewed_on": today}, prefix="yearly")
    if actions.exit:
        step_forms["exit"] = forms.ExitForm(initial={"exited_on": today}, prefix="exit")
    if actions.help:
        step_forms["help"] = forms.HelpForm(initial={"given_on": today}, prefix="help")
    if bound is not None:
        step_forms[bound[0]] = bound[1]
    related = [("welfare.HelpRecord", h.pk) for h in selectors.help_records_of(f.person)[:50]]
    # Without the reveal, an editor (union staff) still sees which lines the file has — the kind or
    # relation, never the name, amount or note — so a wrong line can be removed.
    masked_lines = None
    if revealed is None and actions.edit:
        masked_lines = {"household": list(f.household.order_by("pk").only("pk", "relation", "file_id")),
                        "incomes": list(f.incomes.order_by("pk").only("pk", "kind", "file_id")),
                        "costs": list(f.costs.order_by("pk").only("pk", "kind", "file_id"))}
    response = render(request, "welfare/hardship/detail.html", {
        "f": f, "actions": actions, "step_forms": step_forms, "revealed": revealed, "rules": rules(),
        "masked_lines": masked_lines,
        "reviews": selectors.reviews_of(f), "help_records": list(selectors.help_records_of(f.person)[:100]),
        "history": history_for(request.user, f, related=related), "today": today, "tab": "hardship",
        "review_overdue": f.status == HardshipStatus.ACTIVE and f.review_due_on and f.review_due_on < today,
    }, status=status)
    return no_store(response) if revealed is not None else response


@login_required
@require_GET
def file_detail(request, pk):
    return _render_detail(request, _file(request, pk))


@never_cache
@login_required
@require_POST
def file_reveal(request, pk):
    """The page with the household, incomes, costs and cause shown (audited; never cached)."""
    f = _file(request, pk)
    try:
        values = services.reveal_file(actor=request.user, file=f)
    except PermissionDenied:
        messages.error(request, _("You may not see the household and income of hardship files."))
        return redirect("welfare:file_detail", pk=f.pk)
    return _render_detail(request, f, revealed=values)


STEPS = {  # step: (form, FileActions flag, service call, message)
    "household": (forms.HouseholdForm, "edit", lambda u, x, d: services.add_household_member(
        actor=u, file=x, name=d["name"], relation=d["relation"], birth_year=d["birth_year"], health=d["health"],
        work=d["work"]), gettext_lazy("The household member was added.")),
    "income": (forms.IncomeForm, "edit", lambda u, x, d: services.add_income(
        actor=u, file=x, kind=d["kind"], annual_amount=d["annual_amount"], note=d["note"]),
        gettext_lazy("The income line was added.")),
    "cost": (forms.CostForm, "edit", lambda u, x, d: services.add_cost(
        actor=u, file=x, kind=d["kind"], annual_amount=d["annual_amount"], note=d["note"]),
        gettext_lazy("The cost line was added.")),
    "submit": (None, "submit", lambda u, x, d: services.submit_file(actor=u, file=x),
               gettext_lazy("The file was sent to the town for review.")),
    "review": (forms.ReviewForm, "review", lambda u, x, d: services.review_file(
        actor=u, file=x, decision=d["decision"], note=d["note"], reviewed_on=d["reviewed_on"]),
        gettext_lazy("The review was recorded.")),
    "yearly": (forms.YearlyForm, "yearly", lambda u, x, d: services.yearly_review(
        actor=u, file=x, note=d["note"], reviewed_on=d["reviewed_on"]),
        gettext_lazy("The yearly review was recorded.")),
    "exit": (forms.ExitForm, "exit", lambda u, x, d: services.exit_file(
        actor=u, file=x, kind=d["kind"], note=d["note"], exited_on=d["exited_on"]),
        gettext_lazy("The worker exited the hardship files.")),
    "help": (forms.HelpForm, "help", lambda u, x, d: services.add_help(
        actor=u, file=x, kind=d["kind"], given_on=d["given_on"], amount=d["amount"], goods=d["goods"],
        note=d["note"]), gettext_lazy("The help record was added.")),
}


STEP_RIGHTS = {"submit": policies.SUBMIT, "review": policies.REVIEW, "yearly": policies.REVIEW,
               "exit": policies.REVIEW}


class _NoFields(djforms.Form):
    pass


@login_required
@require_POST
def file_step(request, pk, step):
    if step not in STEPS:
        raise Http404(_("Not found."))
    form_class, flag, run, done = STEPS[step]
    f = _file(request, pk)
    require(request.user, STEP_RIGHTS.get(step, policies.CHANGE), f.org)
    if not getattr(policies.file_actions(request.user, f), flag):
        messages.warning(request, _("This step cannot be taken now: the file is “%(status)s”.")
                         % {"status": f.get_status_display()})
        return redirect("welfare:file_detail", pk=f.pk)
    form = form_class(request.POST, prefix=step) if form_class else _NoFields(request.POST)
    result = run_service(form, lambda: run(request.user, f, form.cleaned_data)) if form.is_valid() else None
    if result is not None:
        messages.success(request, str(done))
        return redirect("welfare:file_detail", pk=f.pk)
    if form_class is None:
        for error in form.non_field_errors():
            messages.error(request, error)
        return _render_detail(request, _file(request, pk), status=400)
    return _render_detail(request, _file(request, pk), bound=(step, form), status=400)


@login_required
@require_POST
def file_remove_line(request, pk, part, line_id):
    f = _file(request, pk)
    require(request.user, policies.CHANGE, f.org)
    try:
        services.remove_line(actor=request.user, file=f, part=part, line_id=line_id)
    except DomainError as exc:
        messages.error(request, exc.text)
    else:
        messages.success(request, _("The line was removed."))
    return redirect("welfare:file_detail", pk=f.pk)
