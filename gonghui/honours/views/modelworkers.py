"""Pages of the model-worker registry (劳模). Thin: fetch through the scope (404 for hidden and
missing alike), check the action, call one service or selector, render.

- the list (filters, counts by level, pager, export);
- registering a person with a title entered by hand (the union, then the member, then the title);
- the detail page: the entry, its titles, care by year and every care record, the story, the
  steps the user may take, and the history;
- the read-only story page of a published story (what the publicity module will pick up).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gonghui.core.errors import DomainError
from gonghui.core.forms import run_service
from gonghui.core.pagination import parse_after
from gonghui.core.policies import get_visible_or_404, require
from gonghui.core.responses import export_list
from gonghui.core.selectors import history_for, reach_orgs
from gonghui.members.models import Person
from gonghui.orgs.models import Org, OrgLevel

from ..forms import modelworkers as forms
from ..models.modelworkers import ModelWorker, ModelWorkerCare, ModelWorkerLevel
from ..policies import modelworkers as policies
from ..selectors import modelworkers as selectors
from ..services import modelworkers as services

# --- list -----------------------------------------------------------------------------------------


@login_required
@require_GET
def modelworker_list(request):
    require(request.user, policies.VIEW)
    form = forms.WorkerFilterForm(request.GET, user=request.user)
    form.is_valid()
    form.set_org_options(reach_orgs(request.user, policies.VIEW))
    filters = form.filters()
    on = selectors.today()
    page = selectors.worker_page(request.user, filters, after=parse_after(request.GET.get("after")), on=on)
    counts = selectors.summary(request.user, filters, on=on)
    return render(request, "honours/modelworkers/list.html", {
        "form": form, "page": page, "query": form.query_string(), "today": on, "year": on.year,
        "counts": [(label, counts.get(code, 0), code) for code, label in ModelWorkerLevel.choices
                   if counts.get(code)],
        "can_register": policies.can(request.user, policies.REGISTER),
        "can_export": policies.can(request.user, policies.EXPORT),
        "care_stage": selectors.care_stage(on),
    })


@login_required
@require_GET
def modelworker_export(request):
    return export_list(request, action=policies.EXPORT, view_action=policies.VIEW, scoped=[("org", Org)],
                       form=forms.WorkerFilterForm(request.GET, user=request.user),
                       list_url="honours:modelworker_list", export=services.export_workers,
                       filename=lambda: f"model-workers-{services.today():%Y%m%d}.xlsx")


# --- registering with a title --------------------------------------------------------------------------

@login_required
@require_http_methods(["GET", "POST"])
def modelworker_create(request):
    """The union first, then one of its members not yet in the registry, then the title."""
    require(request.user, policies.REGISTER)
    data = request.POST if request.method == "POST" else request.GET
    union_q = (data.get("union_q") or "").replace("\x00", "").strip()[:60]
    person_q = (data.get("person_q") or "").replace("\x00", "").strip()[:60]
    org = None
    if data.get("org"):
        org = get_visible_or_404(Org.objects.filter(level=OrgLevel.GRASSROOTS), request.user,
                                 parse_after(data.get("org")), policies.REGISTER)
    context = {"union_q": union_q, "person_q": person_q, "org": org}
    if org is None:
        context["unions"] = selectors.register_unions(request.user, union_q)
        return render(request, "honours/modelworkers/create.html", context)
    person = None
    if data.get("person"):
        person = get_visible_or_404(Person.objects, request.user, parse_after(data.get("person")))
        if hasattr(person, "model_worker"):
            messages.info(request, _("%(name)s is already in the registry: add the title here.")
                          % {"name": person.name})
            return redirect("honours:modelworker_detail", pk=person.model_worker.pk)
    context["person"] = person
    if person is None:
        context["members"] = selectors.person_choices(request.user, org, person_q)
        return render(request, "honours/modelworkers/create.html", context)
    today = services.today()
    form = forms.TitleForm(request.POST if request.method == "POST" else None,
                           initial={"level": ModelWorkerLevel.DISTRICT, "year": today.year, "conferred_on": today})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        title = run_service(form, services.enter_title, actor=request.user, person=person, org=org, level=d["level"],
                            year=d["year"], title=d["title"], conferred_on=d["conferred_on"],
                            conferred_by=d["conferred_by"])
        if title is not None:
            messages.success(request, _("%(name)s was added to the model-worker registry.") % {"name": person.name})
            return redirect("honours:modelworker_detail", pk=title.worker_id)
    context["form"] = form
    return render(request, "honours/modelworkers/create.html", context, status=400 if form.errors else 200)


# --- detail ---------------------------------------------------------------------------------------------

def _worker(request, pk):
    return get_visible_or_404(ModelWorker.objects.select_related("org", "person"), request.user, pk)


def _step_forms(request, w, actions):
    today = services.today()
    step_forms = {}
    if actions.care:
        step_forms["care"] = forms.CareForm(initial={"happened_on": today, "kind": "HEALTH_CHECK"}, prefix="care")
    if actions.story:
        step_forms["story"] = forms.StoryForm(initial={"story_title": w.story_title, "story": w.story},
                                              prefix="story")
    if actions.manage:
        step_forms["title"] = forms.TitleForm(initial={"level": ModelWorkerLevel.DISTRICT, "year": today.year,
                                                       "conferred_on": today}, prefix="title")
        step_forms["edit"] = forms.WorkerForm(initial={"org": w.org_id, "note": w.note}, prefix="edit",
                                              orgs=selectors.edit_orgs(request.user, w))
    return step_forms


def _render_detail(request, w, *, bound=None, status=200):
    w = selectors.worker_detail(w)
    actions = policies.worker_actions(request.user, w)
    step_forms = _step_forms(request, w, actions)
    if bound is not None:
        step_forms[bound[0]] = bound[1]
    return render(request, "honours/modelworkers/detail.html", {
        "w": w, "actions": actions, "step_forms": step_forms, "titles": list(w.titles.all()),
        "care_records": list(w.care_records.all()), "care_years": selectors.care_totals(w),
        "history": history_for(request.user, w), "year": services.today().year,
    }, status=status)


@login_required
@require_GET
def modelworker_detail(request, pk):
    return _render_detail(request, _worker(request, pk))


def _run_care(u, w, d):
    return services.add_care(actor=u, worker=w, kind=d["kind"], happened_on=d["happened_on"], amount=d["amount"],
                             description=d["description"], handled_by=d["handled_by"])


def _run_story(u, w, d):
    return services.save_story(actor=u, worker=w, story_title=d["story_title"], story=d["story"])


def _run_title(u, w, d):
    return services.enter_title(actor=u, person=w.person, org=w.org, level=d["level"], year=d["year"],
                                title=d["title"], conferred_on=d["conferred_on"], conferred_by=d["conferred_by"])


def _run_edit(u, w, d):
    return services.update_worker(actor=u, worker=w, org=d["org"], note=d["note"])


STEPS = {  # step: (form, flag of ModelWorkerActions, action code, service call, message)
    "care": (forms.CareForm, "care", policies.CHANGE, _run_care, gettext_lazy("The care record was saved.")),
    "story": (forms.StoryForm, "story", policies.CHANGE, _run_story, gettext_lazy("The story was saved.")),
    "title": (forms.TitleForm, "manage", policies.REGISTER, _run_title, gettext_lazy("The title was added.")),
    "edit": (forms.WorkerForm, "manage", policies.REGISTER, _run_edit, gettext_lazy("The entry was saved.")),
}


@login_required
@require_POST
def modelworker_step(request, pk, step):
    w = _worker(request, pk)
    if step in ("publish", "withdraw"):
        require(request.user, policies.REGISTER, w.org)
        service = services.publish_story if step == "publish" else services.withdraw_story
        try:
            service(actor=request.user, worker=w)
        except DomainError as exc:
            messages.error(request, exc.text)
            return redirect("honours:modelworker_detail", pk=w.pk)
        messages.success(request, _("The story was published.") if step == "publish"
                         else _("The story was withdrawn."))
        return redirect("honours:modelworker_detail", pk=w.pk)
    if step not in STEPS:
        raise Http404(_("Not found."))
    form_class, _flag, action, run, done = STEPS[step]
    require(request.user, action, w.org)
    if form_class is forms.WorkerForm:
        form = form_class(request.POST, prefix=step, orgs=selectors.edit_orgs(request.user, w))
    else:
        form = form_class(request.POST, prefix=step)
    result = run_service(form, lambda: run(request.user, w, form.cleaned_data)) if form.is_valid() else None
    if result is not None:
        messages.success(request, str(done))
        return redirect("honours:modelworker_detail", pk=w.pk)
    return _render_detail(request, w, bound=(step, form), status=400)


@login_required
@require_POST
def modelworker_care_remove(request, pk, care_pk):
    w = _worker(request, pk)
    care = ModelWorkerCare.objects.filter(pk=care_pk, worker=w).first()
    if care is None:
        raise Http404(_("Not found."))
    require(request.user, policies.REGISTER, w.org)
    services.remove_care(actor=request.user, care=care)
    messages.success(request, _("The care record was removed."))
    return redirect("honours:modelworker_detail", pk=w.pk)


# --- the story page ------------------------------------------------------------------------------------

@login_required
@require_GET
def modelworker_story(request, pk):
    """The published story, read-only, for every signed-in user (no personal data beyond the name,
    the union and the titles). An unpublished story answers 404."""
    w = selectors.published_story(pk)
    if w is None:
        raise Http404(_("Not found."))
    return render(request, "honours/modelworkers/story.html", {"w": w, "titles": sorted(
        w.titles.all(), key=lambda t: (-t.year, -t.pk))})
