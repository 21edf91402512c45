"""Pages of courses and their sessions. Thin: fetch through the scope (404 for hidden and missing
alike), check the action, call one service or selector, render.

- the course list (filters: year, programme, mode, school, status, town/union; search; pager;
  export), creating a course (the organiser first when the user may choose, then a guided form);
- a course's page, the hub: the course, its sessions (add, edit, cancel), the workflow steps the
  user may take now, the enrolment and attendance panels of those areas, and the history.
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

from ..forms import courses as forms
from ..models.courses import Course, CourseSession, CourseStatus
from ..policies import courses as policies
from ..selectors import courses as selectors
from ..services import courses as services


@login_required
@require_GET
def course_list(request):
    require(request.user, policies.VIEW)
    form = forms.CourseFilterForm(request.GET, user=request.user)
    form.is_valid()
    form.set_org_options(reach_orgs(request.user, policies.VIEW))
    filters = form.filters()
    page = selectors.course_page(request.user, filters, after=parse_after(request.GET.get("after")))
    counts = selectors.status_counts(request.user, filters)
    return render(request, "training/courses/list.html", {
        "form": form, "page": page, "query": form.query_string(), "tab": "courses",
        "counts": [(label, counts.get(code, 0), code) for code, label in CourseStatus.choices if counts.get(code)],
        "offered": filters.offered, "can_see_offered": bool(selectors.above_paths(request.user)),
        "can_create": policies.can(request.user, policies.CHANGE) and not filters.offered,
        "can_export": policies.can(request.user, policies.EXPORT),
    })


@login_required
@require_GET
def course_export(request):
    return export_list(request, action=policies.EXPORT, view_action=policies.VIEW, scoped=[("org", Org)],
                       form=forms.CourseFilterForm(request.GET, user=request.user), list_url="training:course_list",
                       export=services.export_courses,
                       filename=lambda: f"courses-{services.today():%Y%m%d}.xlsx")


def _course(request, pk):
    return get_visible_or_404(Course.objects.select_related("org", "town", "school", "host_enterprise"),
                              request.user, pk)


@login_required
@require_http_methods(["GET", "POST"])
def course_create(request):
    """The organiser first (a chair's one union is taken directly), then the guided form."""
    require(request.user, policies.CHANGE)
    data = request.POST if request.method == "POST" else request.GET
    orgs = selectors.organiser_choices(request.user)
    org = None
    if data.get("org"):
        org = get_visible_or_404(Org.objects, request.user, parse_after(data.get("org")), policies.CHANGE)
    elif len(orgs) == 1:
        return redirect(f"{request.path}?org={orgs[0].pk}")
    if org is None:
        return render(request, "training/courses/create.html", {"orgs": orgs, "tab": "courses"})
    form = forms.CourseForm(request.POST if request.method == "POST" else None, org=org,
                            initial={"year": services.today().year, "mode": "INDEPENDENT", "capacity": 40})
    if request.method == "POST" and form.is_valid():
        created = run_service(form, lambda: services.create_course(actor=request.user, org=org,
                                                                   **form.service_data()))
        if created is not None:
            messages.success(request, _("Course %(code)s was created as a draft. Plan its sessions, then open "
                                        "enrolment.") % {"code": created.code})
            return redirect("training:course_detail", pk=created.pk)
    return render(request, "training/courses/form.html", {"form": form, "org": org, "orgs": orgs, "tab": "courses"},
                  status=400 if form.errors else 200)


@login_required
@require_GET
def enterprise_options(request):
    """<option>s of the host-enterprise menu (htmx): enterprises of the organiser's town whose name
    contains the words typed, or with that credit code; the organiser must be in the user's reach."""
    require(request.user, policies.CHANGE)
    org = get_visible_or_404(Org.objects, request.user, parse_after(request.GET.get("org")), policies.CHANGE)
    q = (request.GET.get("enterprise_q") or "").replace("\x00", "").strip()[:60]
    qs = selectors.enterprise_choices(org)
    if q:
        qs = qs.filter(uscc=q.upper()) if len(q) == 18 and q.isalnum() else qs.filter(name__icontains=q)
    chosen = parse_after(request.GET.get("host_enterprise"))
    return render(request, "training/courses/_enterprise_options.html",
                  {"enterprises": list(qs[:forms.ENTERPRISE_OPTIONS]), "chosen": chosen})


@login_required
@require_http_methods(["GET", "POST"])
def course_edit(request, pk):
    course = _course(request, pk)
    require(request.user, policies.CHANGE, course.org)
    if not policies.course_actions(request.user, course).edit:
        messages.warning(request, _("This cannot be done now: the course is “%(status)s”.")
                         % {"status": course.get_status_display()})
        return redirect("training:course_detail", pk=course.pk)
    form = forms.CourseForm(request.POST if request.method == "POST" else None, org=course.org,
                            initial=forms.CourseForm.initial_of(course))
    if request.method == "POST" and form.is_valid() and run_service(
            form, lambda: services.update_course(actor=request.user, course=course,
                                                 **form.service_data())) is not None:
        messages.success(request, _("The course was saved."))
        return redirect("training:course_detail", pk=course.pk)
    return render(request, "training/courses/form.html", {"form": form, "org": course.org, "course": course,
                                                          "tab": "courses"}, status=400 if form.errors else 200)


def _render_detail(request, course, *, bound=None, status=200):
    actions = policies.course_actions(request.user, course)
    offered = selectors.is_offered(request.user, course)
    step_forms = {}
    if actions.sessions:
        step_forms["session"] = forms.SessionForm(prefix="session", org=course.org)
    if actions.cancel:
        step_forms["cancel"] = forms.ReasonForm(prefix="cancel")
    if bound is not None:
        step_forms[bound[0]] = bound[1]
    return render(request, "training/courses/detail.html", {
        "course": selectors.course_detail(course), "actions": actions, "step_forms": step_forms,
        "sessions": selectors.course_sessions(course), "history": history_for(request.user, course),
        "tab": "courses", "now": services.now(), "offered": offered,
    }, status=status)


@login_required
@require_GET
def course_detail(request, pk):
    """Readable by the organiser's subtree, and by the users below it once published (a union
    chair opens the town's and the district's courses to enrol members); writes stay 404 for them."""
    course = (selectors.readable_courses(request.user).select_related("org", "town", "school", "host_enterprise")
              .filter(pk=pk).first())
    if course is None:
        raise Http404(_("Not found."))
    return _render_detail(request, course)


STEPS = {  # step: (form, CourseActions flag, service call, message)
    "open": (forms.EmptyForm, "open", lambda u, c, d: services.open_course(actor=u, course=c),
             gettext_lazy("Enrolment is open.")),
    "close": (forms.EmptyForm, "close", lambda u, c, d: services.close_course(actor=u, course=c),
              gettext_lazy("Enrolment is closed; the enrolled trainees keep their seats.")),
    "reopen": (forms.EmptyForm, "reopen", lambda u, c, d: services.reopen_course(actor=u, course=c),
               gettext_lazy("Enrolment is open again.")),
    "finish": (forms.EmptyForm, "finish", lambda u, c, d: services.finish_course(actor=u, course=c),
               gettext_lazy("The course is finished; completion is decided from the attendance.")),
    "cancel": (forms.ReasonForm, "cancel", lambda u, c, d: services.cancel_course(actor=u, course=c,
                                                                                   reason=d["reason"]),
               gettext_lazy("The course was cancelled; the trainees were told.")),
}


@login_required
@require_POST
def course_step(request, pk, step):
    if step not in STEPS:
        raise Http404(_("Not found."))
    form_class, flag, run, done = STEPS[step]
    course = _course(request, pk)
    require(request.user, policies.CHANGE, course.org)
    if not getattr(policies.course_actions(request.user, course), flag):
        messages.warning(request, _("This cannot be done now: the course is “%(status)s”.")
                         % {"status": course.get_status_display()})
        return redirect("training:course_detail", pk=course.pk)
    form = form_class(request.POST, prefix=step if form_class is not forms.EmptyForm else None)
    result = run_service(form, lambda: run(request.user, course, form.cleaned_data)) if form.is_valid() else None
    if result is not None:
        messages.success(request, str(done))
        return redirect("training:course_detail", pk=course.pk)
    if form_class is forms.EmptyForm:
        for error in form.non_field_errors():
            messages.error(request, error)
        for name, errors in form.errors.items():
            if name != "__all__":
                for error in errors:
                    messages.error(request, error)
        return _render_detail(request, course, status=400)
    return _render_detail(request, course, bound=(step, form), status=400)


def _session_values(form):
    d = form.cleaned_data
    return {"starts_at": d["starts_at"], "ends_at": d["ends_at"], "title": d["title"], "place": d["place"],
            "teacher": d["teacher"], "hours": d["hours"]}


@login_required
@require_POST
def session_add(request, pk):
    course = _course(request, pk)
    require(request.user, policies.CHANGE, course.org)
    form = forms.SessionForm(request.POST, prefix="session", org=course.org)
    if form.is_valid() and run_service(form, lambda: services.add_session(
            actor=request.user, course=course, **_session_values(form))) is not None:
        messages.success(request, _("The session was added."))
        return redirect("training:course_detail", pk=course.pk)
    return _render_detail(request, course, bound=("session", form), status=400)


def _session(request, pk, session_pk):
    course = _course(request, pk)
    try:
        session = course.sessions.select_related("teacher").get(pk=session_pk)
    except CourseSession.DoesNotExist as exc:
        raise Http404(_("Not found.")) from exc
    return course, session


@login_required
@require_http_methods(["GET", "POST"])
def session_edit(request, pk, session_pk):
    course, session = _session(request, pk, session_pk)
    require(request.user, policies.CHANGE, course.org)
    initial = {"title": session.title, "starts_at": session.starts_at, "ends_at": session.ends_at,
               "place": session.place, "teacher": session.teacher, "hours": session.hours}
    form = forms.SessionForm(request.POST if request.method == "POST" else None, initial=initial, org=course.org)
    cancel_form = forms.ReasonForm(request.POST if request.method == "POST" and "cancel-reason" in request.POST
                                   else None, prefix="cancel")
    if request.method == "POST":
        if "cancel-reason" in request.POST:
            form = forms.SessionForm(initial=initial, org=course.org)
            if cancel_form.is_valid() and run_service(cancel_form, lambda: services.cancel_session(
                    actor=request.user, session=session, reason=cancel_form.cleaned_data["reason"])) is not None:
                messages.success(request, _("The session was cancelled."))
                return redirect("training:course_detail", pk=course.pk)
        elif form.is_valid() and run_service(form, lambda: services.update_session(
                actor=request.user, session=session, **_session_values(form))) is not None:
            messages.success(request, _("The session was saved."))
            return redirect("training:course_detail", pk=course.pk)
    bad = form.errors or cancel_form.errors
    return render(request, "training/courses/session_form.html", {
        "course": course, "session": session, "form": form, "cancel_form": cancel_form, "tab": "courses",
        "can_change": policies.course_actions(request.user, course).sessions and not session.is_cancelled,
    }, status=400 if bad else 200)
