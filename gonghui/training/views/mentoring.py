"""Pages of 名师带徒 pairs. Thin: fetch through the scope (404 for hidden and missing alike),
check the action, call one service or selector, render.

- the list (filters, search, counts by status, pager, export) and creating a pair (the union
  first, then the apprentice, the master, the term and the goals);
- a pair's page: the term, the goals, the report schedule (written, due, overdue), the final
  assessment, the steps the user may take now (report, assess, end) and the history.
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

from ..forms import mentoring as forms
from ..models.mentoring import Mentorship, MentorshipStatus
from ..policies import mentoring as policies
from ..selectors import mentoring as selectors
from ..services import mentoring as services


@login_required
@require_GET
def mentoring_list(request):
    require(request.user, policies.VIEW)
    form = forms.MentorshipFilterForm(request.GET, user=request.user)
    form.is_valid()
    form.set_org_options(reach_orgs(request.user, policies.VIEW))
    filters = form.filters()
    page = selectors.mentorship_page(request.user, filters, after=parse_after(request.GET.get("after")))
    counts = selectors.status_counts(request.user, filters)
    return render(request, "training/mentoring/list.html", {
        "form": form, "page": page, "query": form.query_string(), "tab": "mentoring",
        "counts": [(label, counts.get(code, 0), code) for code, label in MentorshipStatus.choices
                   if counts.get(code)],
        "can_create": policies.can(request.user, policies.CHANGE),
        "can_export": policies.can(request.user, policies.EXPORT),
        "today": services.today(),
    })


@login_required
@require_GET
def mentoring_export(request):
    return export_list(request, action=policies.EXPORT, view_action=policies.VIEW, scoped=[("org", Org)],
                       form=forms.MentorshipFilterForm(request.GET, user=request.user),
                       list_url="training:mentoring_list", export=services.export_mentorships,
                       filename=lambda: f"mentorships-{services.today():%Y%m%d}.xlsx")


@login_required
@require_http_methods(["GET", "POST"])
def mentoring_create(request):
    """The union first (a chair's one union is taken directly), then the pair."""
    require(request.user, policies.CHANGE)
    data = request.POST if request.method == "POST" else request.GET
    union_q = (data.get("union_q") or "").replace("\x00", "").strip()[:60]
    unions = selectors.union_choices(request.user, union_q)
    org = None
    if data.get("org"):
        org = get_visible_or_404(Org.objects, request.user, parse_after(data.get("org")), policies.CHANGE)
    elif len(unions) == 1 and not union_q:
        return redirect(f"{request.path}?org={unions[0].pk}")
    context = {"unions": unions, "union_q": union_q, "org": org, "tab": "mentoring"}
    if org is None:
        return render(request, "training/mentoring/create.html", context)
    person_q = (data.get("person_q") or "").replace("\x00", "").strip()[:30]
    today = services.today()
    form = forms.CreateForm(request.POST if request.method == "POST" else None,
                            members=selectors.member_choices(org),
                            shown=selectors.member_choices(org, person_q),
                            teachers=selectors.teacher_choices(request.user, org),
                            courses=selectors.master_course_choices(request.user),
                            initial={"starts_on": today, "ends_on": services.add_months(today, 12)
                                     - services.datetime.timedelta(days=1)})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        created = run_service(form, services.create_mentorship, actor=request.user, org=org,
                              apprentice=d["apprentice"], master_teacher=d["master_teacher"],
                              master_person=d["master_person"], trade=d["trade"], starts_on=d["starts_on"],
                              ends_on=d["ends_on"], goals=d["goals"], target_skill_level=d["target_skill_level"],
                              course=d["course"])
        if created is not None:
            messages.success(request, _("The master-apprentice pair was created."))
            return redirect("training:mentoring_detail", pk=created.pk)
    context.update({"form": form, "person_q": person_q})
    return render(request, "training/mentoring/create.html", context, status=400 if form.errors else 200)


def _pair(request, pk):
    return get_visible_or_404(Mentorship.objects.select_related("org", "town", "apprentice", "master_teacher",
                                                                "master_person", "course"), request.user, pk)


def _render_detail(request, m, *, bound=None, status=200):
    actions = policies.mentorship_actions(request.user, m)
    today = services.today()
    reports = selectors.reports_of(m)
    step_forms = {}
    if actions.report:
        step_forms["report"] = forms.ReportForm(initial={"submitted_on": today}, prefix="report")
    if actions.assess:
        step_forms["assess"] = forms.AssessForm(initial={"assessed_on": today}, prefix="assess")
    if actions.end:
        step_forms["end"] = forms.EndForm(initial={"ended_on": today}, prefix="end")
    if bound is not None:
        step_forms[bound[0]] = bound[1]
    next_period = services.next_period(m, written={r.period_no for r in reports}) \
        if m.status == MentorshipStatus.ACTIVE else None
    return render(request, "training/mentoring/detail.html", {
        "m": m, "actions": actions, "step_forms": step_forms, "schedule": selectors.schedule(m, reports),
        "assessment": selectors.assessment_of(m), "next_period": next_period,
        "history": history_for(request.user, m), "today": today, "tab": "mentoring",
    }, status=status)


@login_required
@require_GET
def mentoring_detail(request, pk):
    return _render_detail(request, _pair(request, pk))


STEPS = {  # step: (form, MentorshipActions flag, service call, message)
    "report": (forms.ReportForm, "report", lambda u, x, d: services.submit_report(
        actor=u, mentorship=x, content=d["content"], master_comment=d["master_comment"],
        submitted_on=d["submitted_on"]), gettext_lazy("The progress report was saved.")),
    "assess": (forms.AssessForm, "assess", lambda u, x, d: services.assess(
        actor=u, mentorship=x, result=d["result"], score=d["score"], new_skill_level=d["new_skill_level"],
        assessed_on=d["assessed_on"], assessors=d["assessors"], comment=d["comment"]),
        gettext_lazy("The final assessment was recorded.")),
    "end": (forms.EndForm, "end", lambda u, x, d: services.end_mentorship(
        actor=u, mentorship=x, ended_on=d["ended_on"], reason=d["reason"]),
        gettext_lazy("The pair was ended.")),
}


@login_required
@require_POST
def mentoring_step(request, pk, step):
    if step not in STEPS:
        raise Http404(_("Not found."))
    form_class, flag, run, done = STEPS[step]
    m = _pair(request, pk)
    require(request.user, policies.CHANGE, m.org)
    if not getattr(policies.mentorship_actions(request.user, m), flag):
        messages.warning(request, _("This step cannot be recorded now: the record is “%(status)s”.")
                         % {"status": m.get_status_display()})
        return redirect("training:mentoring_detail", pk=m.pk)
    form = form_class(request.POST, prefix=step)
    result = run_service(form, lambda: run(request.user, m, form.cleaned_data)) if form.is_valid() else None
    if result is not None:
        messages.success(request, str(done))
        return redirect("training:mentoring_detail", pk=m.pk)
    return _render_detail(request, m, bound=(step, form), status=400)
