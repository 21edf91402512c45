"""Pages of worker schools and the teacher pool. Thin: fetch through the scope (404 for hidden and
missing alike), check the action, call one service or selector, render.

- schools: list (filters, search, counts by status, pager, export), detail (details, courses
  held there, the steps the user may take: edit, close, reopen; history), open a school, edit;
- teachers: list (filters by kind, speciality, pool; search; pager; export), detail (details,
  the sessions taught in courses the user may see; history), register (a person of the registry
  found by name, or an external lecturer), edit, take out of / put back into the pool.
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

from ..forms import schools as forms
from ..models.schools import SchoolStatus, Teacher, TeacherKind, WorkerSchool
from ..policies import schools as policies
from ..selectors import schools as selectors
from ..services import schools as services

# --- schools ------------------------------------------------------------------------------------


@login_required
@require_GET
def school_list(request):
    require(request.user, policies.VIEW)
    form = forms.SchoolFilterForm(request.GET, user=request.user)
    form.is_valid()
    form.set_org_options(reach_orgs(request.user, policies.VIEW))
    filters = form.filters()
    page = selectors.school_page(request.user, filters, after=parse_after(request.GET.get("after")))
    counts = selectors.school_status_counts(request.user, filters)
    return render(request, "training/schools/list.html", {
        "form": form, "page": page, "query": form.query_string(), "tab": "schools",
        "counts": [(label, counts.get(code, 0), code) for code, label in SchoolStatus.choices if counts.get(code)],
        "can_create": policies.can(request.user, policies.APPROVE),
        "can_export": policies.can(request.user, policies.EXPORT),
    })


@login_required
@require_GET
def school_export(request):
    return export_list(request, action=policies.EXPORT, view_action=policies.VIEW, scoped=[("org", Org)],
                       form=forms.SchoolFilterForm(request.GET, user=request.user), list_url="training:school_list",
                       export=services.export_schools,
                       filename=lambda: f"worker-schools-{services.today():%Y%m%d}.xlsx")


def _school_kwargs(d):
    return {k: d[k] for k in ("name", "address", "capacity", "modes", "contact_name", "contact_phone",
                              "description")}


@login_required
@require_http_methods(["GET", "POST"])
def school_create(request):
    require(request.user, policies.APPROVE)
    orgs = selectors.running_org_choices(request.user, policies.APPROVE)
    initial = {"org": orgs[0].pk} if len(orgs) == 1 else {}
    form = forms.SchoolForm(request.POST if request.method == "POST" else None, orgs=orgs,
                            initial={**initial, "modes": ["INDEPENDENT"]})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        school = run_service(form, services.create_school, actor=request.user, org=d["org"], **_school_kwargs(d))
        if school is not None:
            messages.success(request, _("The worker school was opened."))
            return redirect("training:school_detail", pk=school.pk)
    return render(request, "training/schools/form.html", {"form": form, "school": None},
                  status=400 if form.errors else 200)


def _school(request, pk):
    return get_visible_or_404(WorkerSchool.objects.select_related("org"), request.user, pk)


def _render_school(request, school, *, bound=None, status=200):
    actions = policies.school_actions(request.user, school)
    step_forms = {}
    if actions.close:
        step_forms["close"] = forms.CloseSchoolForm(prefix="close")
    if actions.reopen:
        step_forms["reopen"] = forms.ReopenSchoolForm(prefix="reopen")
    if bound is not None:
        step_forms[bound[0]] = bound[1]
    courses, course_counts = selectors.school_courses(request.user, school)
    from ..models.courses import CourseStatus

    return render(request, "training/schools/detail.html", {
        "school": school, "actions": actions, "step_forms": step_forms, "courses": courses,
        "course_counts": [(label, course_counts[code]) for code, label in CourseStatus.choices
                          if course_counts.get(code)],
        "history": history_for(request.user, school),
    }, status=status)


@login_required
@require_GET
def school_detail(request, pk):
    """Readable also below the running org (a union picks the town's school); writes stay 404."""
    school = selectors.readable_schools(request.user).select_related("org").filter(pk=pk).first()
    if school is None:
        raise Http404(_("Not found."))
    return _render_school(request, school)


@login_required
@require_http_methods(["GET", "POST"])
def school_edit(request, pk):
    school = _school(request, pk)
    require(request.user, policies.APPROVE, school.org)
    initial = {k: getattr(school, k) for k in ("name", "address", "capacity", "modes", "contact_name",
                                                "contact_phone", "description")}
    form = forms.SchoolForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        done = run_service(form, services.update_school, actor=request.user, school=school,
                           **_school_kwargs(form.cleaned_data))
        if done is not None:
            messages.success(request, _("The worker school was saved."))
            return redirect("training:school_detail", pk=school.pk)
    return render(request, "training/schools/form.html", {"form": form, "school": school},
                  status=400 if form.errors else 200)


SCHOOL_STEPS = {  # step: (form, SchoolActions flag, service call, message)
    "close": (forms.CloseSchoolForm, "close", lambda u, x, d: services.close_school(
        actor=u, school=x, reason=d["reason"], closed_on=d["closed_on"]),
        gettext_lazy("The worker school was closed.")),
    "reopen": (forms.ReopenSchoolForm, "reopen", lambda u, x, d: services.reopen_school(
        actor=u, school=x, reason=d["reason"]), gettext_lazy("The worker school was reopened.")),
}


@login_required
@require_POST
def school_step(request, pk, step):
    if step not in SCHOOL_STEPS:
        raise Http404(_("Not found."))
    form_class, flag, run, done = SCHOOL_STEPS[step]
    school = _school(request, pk)
    require(request.user, policies.APPROVE, school.org)
    if not getattr(policies.school_actions(request.user, school), flag):
        messages.warning(request, _("This step cannot be recorded now: the school is “%(status)s”.")
                         % {"status": school.get_status_display()})
        return redirect("training:school_detail", pk=school.pk)
    form = form_class(request.POST, prefix=step)
    result = run_service(form, lambda: run(request.user, school, form.cleaned_data)) if form.is_valid() else None
    if result is not None:
        messages.success(request, str(done))
        return redirect("training:school_detail", pk=school.pk)
    return _render_school(request, school, bound=(step, form), status=400)


# --- teachers -----------------------------------------------------------------------------------

@login_required
@require_GET
def teacher_list(request):
    require(request.user, policies.VIEW)
    form = forms.TeacherFilterForm(request.GET, user=request.user)
    form.is_valid()
    form.set_org_options(reach_orgs(request.user, policies.VIEW))
    filters = form.filters()
    page = selectors.teacher_page(request.user, filters, after=parse_after(request.GET.get("after")))
    counts = selectors.teacher_kind_counts(request.user, filters)
    return render(request, "training/teachers/list.html", {
        "form": form, "page": page, "query": form.query_string(), "tab": "teachers",
        "counts": [(label, counts.get(code, 0), code) for code, label in TeacherKind.choices if counts.get(code)],
        "specialities": selectors.speciality_choices(request.user),
        "can_create": policies.can(request.user, policies.CHANGE),
        "can_export": policies.can(request.user, policies.EXPORT),
    })


@login_required
@require_GET
def teacher_export(request):
    return export_list(request, action=policies.EXPORT, view_action=policies.VIEW, scoped=[("org", Org)],
                       form=forms.TeacherFilterForm(request.GET, user=request.user),
                       list_url="training:teacher_list", export=services.export_teachers,
                       filename=lambda: f"teachers-{services.today():%Y%m%d}.xlsx")


def _teacher_kwargs(d):
    return {"employer": d["employer"], "title": d["title"], "specialities": d["specialities"], "phone": d["phone"],
            "note": d["note"]}


@login_required
@require_http_methods(["GET", "POST"])
def teacher_create(request):
    """A person of the registry is found by the start of their name (`person_q`), then chosen."""
    require(request.user, policies.CHANGE)
    data = request.POST if request.method == "POST" else request.GET
    person_q = (data.get("person_q") or "").replace("\x00", "").strip()[:30]
    people = selectors.person_choices(request.user, person_q, action=policies.CHANGE)
    if request.method == "POST" and data.get("person"):
        from gonghui.members.models import Person

        chosen = Person.objects.visible_to(request.user, policies.CHANGE).filter(
            pk=parse_after(data.get("person"))).first()
        if chosen is not None and chosen not in people:
            people.append(chosen)
    orgs = list(Org.objects.visible_to(request.user, policies.CHANGE).filter(is_active=True)
                .exclude(level="GROUP").order_by("path")[:200])
    initial = {"org": orgs[0].pk} if orgs else {}
    if request.method == "GET" and data.get("kind") in TeacherKind.values:
        initial["kind"] = data["kind"]
    elif person_q:
        initial["kind"] = TeacherKind.INTERNAL_MASTER
    form = forms.TeacherForm(request.POST if request.method == "POST" else None, orgs=orgs, people=people,
                             initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        teacher = run_service(form, services.create_teacher, actor=request.user, org=d["org"], kind=d["kind"],
                              person=d["person"], name=d["name"], **_teacher_kwargs(d))
        if teacher is not None:
            messages.success(request, _("The teacher was added to the pool."))
            return redirect("training:teacher_detail", pk=teacher.pk)
    return render(request, "training/teachers/form.html", {
        "form": form, "teacher": None, "person_q": person_q, "people": people,
    }, status=400 if form.errors else 200)


def _teacher(request, pk):
    return get_visible_or_404(Teacher.objects.select_related("org", "person"), request.user, pk)


def _render_teacher(request, teacher, *, bound=None, status=200):
    actions = policies.teacher_actions(request.user, teacher)
    step_forms = {}
    if actions.deactivate:
        step_forms["deactivate"] = forms.DeactivateTeacherForm(prefix="deactivate")
    if actions.reactivate:
        step_forms["reactivate"] = forms.ReactivateTeacherForm(prefix="reactivate")
    if bound is not None:
        step_forms[bound[0]] = bound[1]
    sessions, totals = selectors.teacher_sessions(request.user, teacher)
    return render(request, "training/teachers/detail.html", {
        "teacher": teacher, "actions": actions, "step_forms": step_forms, "sessions": sessions, "totals": totals,
        "history": history_for(request.user, teacher),
    }, status=status)


@login_required
@require_GET
def teacher_detail(request, pk):
    """Readable also below the registering org (the district's pool is shared); writes stay 404."""
    teacher = selectors.readable_teachers(request.user).select_related("org", "person").filter(pk=pk).first()
    if teacher is None:
        raise Http404(_("Not found."))
    return _render_teacher(request, teacher)


@login_required
@require_http_methods(["GET", "POST"])
def teacher_edit(request, pk):
    teacher = _teacher(request, pk)
    require(request.user, policies.CHANGE, teacher.org)
    initial = {"kind": teacher.kind, "name": teacher.name, "employer": teacher.employer, "title": teacher.title,
               "specialities": "、".join(teacher.specialities), "phone": teacher.phone(), "note": teacher.note}
    form = forms.TeacherForm(request.POST if request.method == "POST" else None, initial=initial, editing=teacher)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        done = run_service(form, services.update_teacher, actor=request.user, teacher=teacher, kind=d["kind"],
                           name=d.get("name", ""), **_teacher_kwargs(d))
        if done is not None:
            messages.success(request, _("The teacher was saved."))
            return redirect("training:teacher_detail", pk=teacher.pk)
    return render(request, "training/teachers/form.html", {"form": form, "teacher": teacher},
                  status=400 if form.errors else 200)


TEACHER_STEPS = {
    "deactivate": (forms.DeactivateTeacherForm, "deactivate", lambda u, x, d: services.deactivate_teacher(
        actor=u, teacher=x, reason=d["reason"]), gettext_lazy("The teacher was taken out of the pool.")),
    "reactivate": (forms.ReactivateTeacherForm, "reactivate", lambda u, x, d: services.reactivate_teacher(
        actor=u, teacher=x), gettext_lazy("The teacher is back in the pool.")),
}


@login_required
@require_POST
def teacher_step(request, pk, step):
    if step not in TEACHER_STEPS:
        raise Http404(_("Not found."))
    form_class, flag, run, done = TEACHER_STEPS[step]
    teacher = _teacher(request, pk)
    require(request.user, policies.CHANGE, teacher.org)
    if not getattr(policies.teacher_actions(request.user, teacher), flag):
        messages.warning(request, _("This step cannot be recorded now."))
        return redirect("training:teacher_detail", pk=teacher.pk)
    form = form_class(request.POST, prefix=step)
    result = run_service(form, lambda: run(request.user, teacher, form.cleaned_data)) if form.is_valid() else None
    if result is not None:
        messages.success(request, str(done))
        return redirect("training:teacher_detail", pk=teacher.pk)
    return _render_teacher(request, teacher, bound=(step, form), status=400)
