"""Pages of suggestions (合理化建议, 五小) and technical projects (技术攻关). Thin: fetch through
the scope (404 for hidden and missing alike), check the action, call one service or selector,
render.

A record's detail page carries the form of every step the user may record now; each form posts
to `<pk>/<step>/`, which on a refusal shows the detail page again with the form's errors.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gonghui.core import exports
from gonghui.core.forms import run_service
from gonghui.core.pagination import parse_after
from gonghui.core.policies import get_visible_or_404, require
from gonghui.core.responses import export_list
from gonghui.core.selectors import history_for, reach_orgs
from gonghui.orgs.models import Org

from . import forms, policies, selectors, services
from .models import ProjectStatus, Suggestion, SuggestionStatus, TechProject
from .rules import grade_label, rules
from .services import ProjectInput, SuggestionInput


def _search_text(value, limit=60):
    return (value or "").replace("\x00", "").strip()[:limit]


# --- suggestion list ---------------------------------------------------------------------------

@login_required
@require_GET
def suggestion_list(request):
    require(request.user, policies.VIEW)
    form = forms.SuggestionFilterForm(request.GET, user=request.user)
    form.is_valid()
    form.set_org_options(reach_orgs(request.user, policies.VIEW))
    filters = form.filters()
    page = selectors.suggestion_page(request.user, filters, after=parse_after(request.GET.get("after")))
    return render(request, "innovation/list.html", {
        "form": form, "page": page, "query": form.query_string(),
        "summary": selectors.summary(selectors.filtered(request.user, filters)),
        "can_change": policies.can_change(request.user), "can_export": policies.can_export(request.user),
    })


# --- choosing the union ------------------------------------------------------------------------

def _chosen_union(user, org_id):
    if not org_id:
        return None
    org = get_visible_or_404(Org.objects, user, org_id, policies.CHANGE)
    return org if org.is_union and org.is_active else None


def _pick_union(request, data):
    """(org, context, redirect): the union picked (a chair's one union is taken directly)."""
    union_q = _search_text(data.get("union_q"))
    unions = selectors.union_choices(request.user, union_q)
    org = _chosen_union(request.user, data.get("org"))
    if org is None and len(unions) == 1 and not union_q and not data.get("org"):
        return None, {}, redirect(f"{request.path}?org={unions[0].pk}")
    return org, {"unions": unions, "union_q": union_q, "org": org}, None


# --- submitting --------------------------------------------------------------------------------

@login_required
@require_http_methods(["GET", "POST"])
def suggestion_create(request):
    """Record a member's suggestion on their behalf: the union first, then the form. The
    submitter is searched by name among the union's current members (`member_q`)."""
    require(request.user, policies.CHANGE)
    data = request.POST if request.method == "POST" else request.GET
    org, context, jump = _pick_union(request, data)
    if jump:
        return jump
    if org is None:
        return render(request, "innovation/suggestion_form.html", context)
    member_q = _search_text(data.get("member_q"), 32)
    candidates = selectors.member_candidates(org, member_q)
    # parse_after: a positive id or None ("²".isdigit() is True, yet int("²") fails).
    posted_person = parse_after(data.get("submitter_person"))
    if posted_person and posted_person not in {pid for pid, _n in candidates}:
        person = selectors.live_member(org, posted_person)
        if person is not None:
            candidates = [(person.pk, person.name), *candidates]
    enterprises = selectors.union_enterprises(org)
    initial = {"submitted_on": services.today()}
    form = forms.SuggestionForm(request.POST if request.method == "POST" else None, initial=initial,
                                enterprises=enterprises, candidates=candidates)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        enterprise = next(e for e in enterprises if e.pk == d["enterprise"])
        person = selectors.live_member(org, d["submitter_person"]) if d["submitter_person"] else None
        created = run_service(form, services.submit_suggestion, actor=request.user, org=org, enterprise=enterprise,
                              submitter_person=person, data=SuggestionInput(
                                  kind=d["kind"], title=d["title"], problem=d["problem"], proposal=d["proposal"],
                                  expected_benefit=d["expected_benefit"], submitted_on=d["submitted_on"],
                                  submitter_name=d["submitter_name"], co_authors=d["co_authors"]))
        if created is not None:
            messages.success(request, _("The suggestion was recorded."))
            return redirect("innovation:detail", pk=created.pk)
    context.update({"form": form, "member_q": member_q, "candidates": candidates, "enterprises": enterprises})
    return render(request, "innovation/suggestion_form.html", context)


# --- suggestion detail and its steps -------------------------------------------------------------

@dataclass(frozen=True)
class Step:
    form: type
    allowed: str                   # the SuggestionActions / ProjectActions flag that shows it
    run: Callable                  # (actor, record, form) -> the service's result
    done: str
    initial: Callable = lambda record: {}


def _today(*names):
    return lambda record: dict.fromkeys(names, services.today())


SUGGESTION_STEPS = {
    "evaluate": Step(forms.EvaluateForm, "evaluate", lambda u, s, f: services.evaluate_suggestion(
        actor=u, suggestion=s, **f.service_kwargs()), gettext_lazy("The evaluation was recorded."),
        _today("evaluated_on")),
    "adopt": Step(forms.AdoptForm, "adopt", lambda u, s, f: services.adopt_suggestion(
        actor=u, suggestion=s, **f.cleaned_data), gettext_lazy("The suggestion was adopted."), _today("decided_on")),
    "decline": Step(forms.DeclineForm, "decline", lambda u, s, f: services.decline_suggestion(
        actor=u, suggestion=s, **f.cleaned_data), gettext_lazy("The decision was recorded."), _today("decided_on")),
    "implement": Step(forms.ImplementForm, "implement", lambda u, s, f: services.implement_suggestion(
        actor=u, suggestion=s, implemented_on=f.cleaned_data["implemented_on"],
        benefit_yuan=f.cleaned_data["benefit_yuan"], measured_on=f.cleaned_data["measured_on"],
        note=f.cleaned_data["note"]), gettext_lazy("The implementation and its benefit were recorded."),
        _today("implemented_on", "measured_on")),
    "reward": Step(forms.RewardForm, "reward", lambda u, s, f: services.pay_reward(
        actor=u, suggestion=s, amount=f.cleaned_data["amount"], paid_on=f.cleaned_data["paid_on"],
        recipients=f.cleaned_data["recipients"] or None), gettext_lazy("The reward was recorded."),
        _today("paid_on")),
    "withdraw": Step(forms.WithdrawForm, "withdraw", lambda u, s, f: services.withdraw_suggestion(
        actor=u, suggestion=s, **f.cleaned_data), gettext_lazy("The suggestion was withdrawn."),
        _today("withdrawn_on")),
}


def _step_forms(steps, actions, record, bound=None):
    """{step: form} for every step the user may record now (the bound one keeps its errors)."""
    result = {}
    for code, step in steps.items():
        if not getattr(actions, step.allowed):
            continue
        if bound is not None and bound[0] == code:
            result[code] = bound[1]
        else:
            result[code] = step.form(initial=step.initial(record), prefix=code)
    return result


def _render_suggestion(request, suggestion, bound=None, status=200):
    s = selectors.suggestion_detail(suggestion)
    actions = policies.suggestion_actions(request.user, s)
    return render(request, "innovation/detail.html", {
        "s": s, "actions": actions, "scores": list(s.scores.all()),
        "grade_label": grade_label(s.grade) if s.grade else "", "co_authors": s.team()[1:],
        "step_forms": _step_forms(SUGGESTION_STEPS, actions, s, bound),
        "min_score": rules().adopt_min_score, "history": history_for(request.user, s),
        "is_adopted_status": s.status in (SuggestionStatus.ADOPTED, SuggestionStatus.IMPLEMENTED),
    }, status=status)


@login_required
@require_GET
def suggestion_detail(request, pk):
    suggestion = get_visible_or_404(Suggestion.objects, request.user, pk)
    return _render_suggestion(request, suggestion)


@login_required
@require_POST
def suggestion_step(request, pk, step):
    page = SUGGESTION_STEPS.get(step)
    if page is None:
        raise Http404(_("Not found."))
    suggestion = get_visible_or_404(Suggestion.objects.select_related("org", "enterprise__town"), request.user, pk)
    require(request.user, policies.CHANGE, *suggestion.scope_orgs())
    return _post_step(request, suggestion, step, page, policies.suggestion_actions(request.user, suggestion),
                      detail="innovation:detail", render_record=_render_suggestion, s=suggestion)


def _post_step(request, record, step, page, actions, *, detail, render_record, **record_arg):
    """One workflow step posted from a detail page: refused with a warning when the record's
    status does not allow it now; the service's refusals are shown on the step's form (400)."""
    if not getattr(actions, page.allowed):
        messages.warning(request, _("This step cannot be recorded now: the record is “%(status)s”.")
                         % {"status": record.get_status_display()})
        return redirect(detail, pk=record.pk)
    form = page.form(request.POST, prefix=step)
    if form.is_valid() and run_service(form, page.run, u=request.user, f=form, **record_arg) is not None:
        messages.success(request, page.done)
        return redirect(detail, pk=record.pk)
    return render_record(request, record, bound=(step, form), status=400)


# --- technical projects -----------------------------------------------------------------------------

@login_required
@require_GET
def project_list(request):
    require(request.user, policies.VIEW)
    form = forms.ProjectFilterForm(request.GET, user=request.user)
    form.is_valid()
    form.set_org_options(reach_orgs(request.user, policies.VIEW))
    today = services.today()
    page = selectors.project_page(request.user, form.filters(), after=parse_after(request.GET.get("after")), on=today)
    return render(request, "innovation/project_list.html", {
        "form": form, "page": page, "query": form.query_string(), "today": today,
        "can_change": policies.can_change(request.user), "can_export": policies.can_export(request.user),
    })


@login_required
@require_http_methods(["GET", "POST"])
def project_create(request):
    require(request.user, policies.CHANGE)
    data = request.POST if request.method == "POST" else request.GET
    org, context, jump = _pick_union(request, data)
    if jump:
        return jump
    if org is None:
        return render(request, "innovation/project_form.html", context)
    enterprises = selectors.union_enterprises(org)
    form = forms.ProjectForm(request.POST if request.method == "POST" else None, enterprises=enterprises,
                             initial={"started_on": services.today()})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        enterprise = next(e for e in enterprises if e.pk == d["enterprise"])
        created = run_service(form, services.create_project, actor=request.user, org=org, enterprise=enterprise,
                              data=ProjectInput(title=d["title"], goal=d["goal"], planned_end_on=d["planned_end_on"],
                                                team=form.team_members(), started_on=d["started_on"]))
        if created is not None:
            messages.success(request, _("The project was recorded."))
            return redirect("innovation:project_detail", pk=created.pk)
    context.update({"form": form})
    return render(request, "innovation/project_form.html", context)


PROJECT_STEPS = {
    "start": Step(forms.StartForm, "start", lambda u, p, f: services.start_project(
        actor=u, project=p, **f.cleaned_data), gettext_lazy("The project was started."), _today("started_on")),
    "milestone": Step(forms.MilestoneForm, "milestone", lambda u, p, f: services.add_milestone(
        actor=u, project=p, **f.cleaned_data), gettext_lazy("The milestone was added.")),
    "done": Step(forms.MilestoneDoneForm, "complete", lambda u, p, f: services.complete_milestone(
        actor=u, project=p, milestone_id=f.cleaned_data["milestone"], done_on=f.cleaned_data["done_on"]),
        gettext_lazy("The milestone was marked done."), _today("done_on")),
    "complete": Step(forms.CompleteForm, "complete", lambda u, p, f: services.complete_project(
        actor=u, project=p, **f.cleaned_data), gettext_lazy("The project's result was recorded."),
        _today("completed_on")),
    "abandon": Step(forms.AbandonForm, "abandon", lambda u, p, f: services.abandon_project(
        actor=u, project=p, **f.cleaned_data), gettext_lazy("The project was abandoned."), _today("abandoned_on")),
}


def _render_project(request, project, bound=None, status=200):
    p = selectors.project_detail(project)
    actions = policies.project_actions(request.user, p)
    today = services.today()
    milestones = list(p.milestones.all())
    step_forms = _step_forms(PROJECT_STEPS, actions, p, bound)
    done_form = step_forms.pop("done", None)
    done_error_for = bound[1].data.get("done-milestone") if bound and bound[0] == "done" else None
    rows = [{"m": m, "overdue": p.is_open and m.is_overdue(today),
             "form": (done_form if done_error_for == str(m.pk) else
                      forms.MilestoneDoneForm(initial={"milestone": m.pk, "done_on": today}, prefix="done"))
             if done_form is not None and m.done_on is None else None} for m in milestones]
    return render(request, "innovation/project_detail.html", {
        "p": p, "actions": actions, "team": list(p.team.all()), "milestones": rows,
        "overdue": sum(1 for r in rows if r["overdue"]), "step_forms": step_forms, "today": today,
        "history": history_for(request.user, p),
    }, status=status)


@login_required
@require_GET
def project_detail(request, pk):
    project = get_visible_or_404(TechProject.objects, request.user, pk)
    return _render_project(request, project)


@login_required
@require_POST
def project_step(request, pk, step):
    page = PROJECT_STEPS.get(step)
    if page is None:
        raise Http404(_("Not found."))
    project = get_visible_or_404(TechProject.objects.select_related("org", "enterprise__town"), request.user, pk)
    require(request.user, policies.CHANGE, *project.scope_orgs())
    return _post_step(request, project, step, page, policies.project_actions(request.user, project),
                      detail="innovation:project_detail", render_record=_render_project, p=project)


# --- export ------------------------------------------------------------------------------------------

@login_required
@require_GET
def suggestion_export(request):
    """The list page's filters as an .xlsx of the suggestions the user may export."""
    from . import exporting

    return export_list(request, action=policies.EXPORT, view_action=policies.VIEW, scoped=[("org", Org)],
                       form=forms.SuggestionFilterForm(request.GET, user=request.user), list_url="innovation:list",
                       export=exporting.export_suggestions, filename=exporting.filename)


# --- export of the technical projects (core.exports) --------------------------------------------------

def _plan_projects(user, params):
    """The project list's filters over the projects the user may export, one row per project with
    its milestones done and whether one is overdue."""
    require(user, policies.EXPORT)
    exports.checked_org(user, params, "org", Org, policies.VIEW)
    form = forms.ProjectFilterForm(params, user=user)
    if not form.is_valid():
        raise exports.ExportRefused(_("The filters could not be read; check them and export again."), code="filters")
    today = services.today()
    chosen = selectors.filtered_projects(user, form.filters(), on=today).filter(
        pk__in=selectors.projects(user, policies.EXPORT).values("pk"))
    rows = selectors.project_rows(today).filter(pk__in=chosen.values("pk")).order_by("-pk")
    statuses = dict(ProjectStatus.choices)

    def values():
        for p in rows.iterator(chunk_size=500):
            yield [p.title, p.org.name, p.enterprise.name if p.enterprise else "",
                   str(statuses.get(p.status, p.status)), p.started_on, p.planned_end_on, p.milestones_done,
                   p.milestones_total,
                   _("Yes") if p.has_overdue else _("No"), p.benefit_yuan, p.completed_on, p.abandoned_on, p.result]

    def write(target, progress):
        return exports.write_sheet(target, title=_("Technical projects"), rows=values(), progress=progress,
                                   headers=[_("Title"), _("Union"), _("Enterprise"), _("Status"), _("Started on"),
                                            _("Planned end"), _("Milestones done"), _("Milestones"),
                                            _("Milestone overdue"), _("Benefit (yuan)"), _("Completed on"),
                                            _("Abandoned on"), _("Result")],
                                   widths=[36, 26, 30, 10, 12, 12, 8, 8, 8, 14, 12, 12, 40])

    filters = {key: value for key, value in params.items() if key in ("q", "status", "org", "overdue")}
    return exports.ExportPlan(write=write, rows=chosen, filters=filters, audit=exports.auditor(
        actor=user, action="innovation.project_export", object_type="innovation.ProjectExport",
        label=_("Technical projects export"), org=form.filters().org, reach_action=policies.EXPORT, filters=filters))


PROJECT_EXPORT = exports.ExportKind(key="innovation.projects", label=gettext_lazy("Technical projects export"),
                                    plan=_plan_projects, list_url="innovation:project_list",
                                    filename_prefix="tech-projects")


@login_required
@require_GET
def project_export(request):
    return exports.export_response(request, PROJECT_EXPORT)
