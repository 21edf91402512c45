"""Pages of enrolments. Thin: fetch through the scope (404 for hidden and missing alike), check the
action, call one service or selector, render.

- the enrolment list (filters, counts by status, pager, export);
- enrolling members: the course (OPEN courses the user organises or that are open to a union the
  user runs), the union, then the members (checkboxes, name search) — all or nothing;
- an enrolment's page: the place, cancelling it, and the history;
- the member pages on a phone (/training/my/): my courses (cancel a place), courses open to me
  (enrol), my certificates. The person is always `person_of_account(request.user)` (None → 404).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gonghui.core.forms import run_service
from gonghui.core.pagination import parse_after
from gonghui.core.policies import get_visible_or_404, require
from gonghui.core.responses import export_list
from gonghui.core.selectors import history_for, reach_orgs
from gonghui.members.selectors import person_of_account
from gonghui.orgs.models import Org

from ..forms import enrolment as forms
from ..models.courses import Course, CourseStatus
from ..models.enrolment import Enrolment, EnrolmentStatus
from ..policies import enrolment as policies
from ..selectors import enrolment as selectors
from ..services import enrolment as services


def _placed_message(created):
    seats = sum(1 for x in created if x.status == EnrolmentStatus.ENROLLED)
    waiting = [x for x in created if x.status == EnrolmentStatus.WAITLISTED]
    if not waiting:
        return _("%(n)s enrolled.") % {"n": seats}
    return _("%(n)s enrolled; %(w)s on the waiting list (places %(first)s–%(last)s).") % {
        "n": seats, "w": len(waiting), "first": waiting[0].waitlist_position, "last": waiting[-1].waitlist_position}


# --- list ---------------------------------------------------------------------------------------

@login_required
@require_GET
def enrolment_list(request):
    require(request.user, policies.VIEW)
    form = forms.EnrolmentFilterForm(request.GET, user=request.user)
    form.is_valid()
    form.set_org_options(reach_orgs(request.user, policies.VIEW))
    filters = form.filters()
    page = selectors.enrolment_page(request.user, filters, after=parse_after(request.GET.get("after")))
    counts = selectors.status_counts(request.user, filters)
    return render(request, "training/enrolment/list.html", {
        "form": form, "page": page, "query": form.query_string(), "course": filters.course,
        "counts": [(label, counts.get(code, 0), code) for code, label in EnrolmentStatus.choices if counts.get(code)],
        "can_enrol": policies.can(request.user, policies.CHANGE),
        "can_export": policies.can(request.user, policies.EXPORT), "tab": "enrolments",
    })


@login_required
@require_GET
def enrolment_export(request):
    return export_list(request, action=policies.EXPORT, view_action=policies.VIEW, scoped=[("org", Org)],
                       form=forms.EnrolmentFilterForm(request.GET, user=request.user),
                       list_url="training:enrolment_list", export=services.export_enrolments,
                       filename=lambda: f"training-enrolments-{services.today():%Y%m%d}.xlsx")


# --- enrolling members --------------------------------------------------------------------------

def _clean_q(value, limit):
    return (value or "").replace("\x00", "").strip()[:limit]


@login_required
@require_http_methods(["GET", "POST"])
def enrolment_create(request):
    """The course, then the union (a chair's one union is taken directly), then the members."""
    require(request.user, policies.CHANGE)
    data = request.POST if request.method == "POST" else request.GET
    course_id = parse_after(data.get("course"))
    if not data.get("course"):
        course_q = _clean_q(data.get("course_q"), 60)
        return render(request, "training/enrolment/create.html",
                      {"courses": selectors.courses_for_enrolling(request.user, q=course_q), "course": None,
                       "course_q": course_q})
    course = Course.objects.filter(pk=course_id, status=CourseStatus.OPEN).select_related("org").first() \
        if course_id else None
    if course is None or not selectors.may_enrol_in(request.user, course):
        raise Http404(_("Not found."))
    context = {"course": course}
    if policies.can(request.user, policies.CHANGE, course.org):
        one = forms.OneWorkerForm(request.POST if request.method == "POST" and data.get("one") else None,
                                  user=request.user, prefix="one")
        context["one_form"] = one
        if one.is_bound:
            if one.is_valid():
                created = run_service(one, services.enrol, actor=request.user, course=course, person=one.person)
                if created is not None:
                    messages.success(request, _placed_message([created]))
                    return redirect(f"{_enrolments_url()}?course={course.pk}")
            context.update({"places": selectors.places(course), "unions": [], "org": None, "union_q": ""})
            return render(request, "training/enrolment/create.html", context, status=400)
    unions = selectors.union_choices(request.user, _clean_q(data.get("union_q"), 60), within=course.org)
    org = None
    if data.get("org"):
        org = get_visible_or_404(Org.objects, request.user, parse_after(data.get("org")), policies.CHANGE)
    elif len(unions) == 1 and not data.get("union_q"):
        org = unions[0]
    context.update({"unions": unions, "union_q": _clean_q(data.get("union_q"), 60), "org": org,
                    "places": selectors.places(course)})
    if org is None:
        return render(request, "training/enrolment/create.html", context)
    person_q = _clean_q(data.get("person_q"), 30)
    members = selectors.member_choices(org, person_q)
    picker = selectors.member_page(members, course, parse_after(data.get("page")) or 1)
    form = forms.BulkEnrolForm(request.POST if request.method == "POST" else None, members=members,
                               shown=picker.people)
    rows = []
    if request.method == "POST" and form.is_valid():
        try:
            created = services.enrol_members(actor=request.user, course=course, union=org,
                                             people=form.cleaned_data["people"])
        except services.EnrolmentRowsError as exc:
            rows = exc.rows
            form.add_error(None, _("Nobody was enrolled: correct the lines below and send again."))
        except services.DomainError as exc:
            form.add_error(None, exc.text)
        else:
            messages.success(request, _placed_message(created))
            return redirect(f"{_enrolments_url()}?course={course.pk}")
    context.update({"form": form, "person_q": person_q, "rows": rows, "picker": picker})
    return render(request, "training/enrolment/create.html", context, status=400 if form.errors else 200)


def _enrolments_url():
    from django.urls import reverse

    return reverse("training:enrolment_list")


# --- one enrolment ------------------------------------------------------------------------------

def _enrolment(request, pk):
    return get_visible_or_404(Enrolment.objects.select_related("course", "course__org", "person", "union", "town",
                                                               "enrolled_by"), request.user, pk)


def _render_detail(request, x, *, form=None, status=200):
    can_cancel = policies.may_cancel(request.user, x)
    return render(request, "training/enrolment/detail.html", {
        "x": x, "can_cancel": can_cancel, "form": form or (forms.CancelForm(prefix="cancel") if can_cancel else None),
        "history": history_for(request.user, x), "tab": "enrolments",
    }, status=status)


@login_required
@require_GET
def enrolment_detail(request, pk):
    return _render_detail(request, _enrolment(request, pk))


@login_required
@require_POST
def enrolment_cancel(request, pk):
    x = _enrolment(request, pk)
    orgs = [x.course.org] + ([x.union] if x.union_id else [])
    require(request.user, policies.CHANGE, *orgs)
    if not policies.may_cancel(request.user, x):
        messages.warning(request, _("This place cannot be cancelled: it is “%(status)s”.")
                         % {"status": x.get_status_display()})
        return redirect("training:enrolment_detail", pk=x.pk)
    form = forms.CancelForm(request.POST, prefix="cancel")
    done = run_service(form, lambda: services.cancel_enrolment(actor=request.user, enrolment=x,
                                                               reason=form.cleaned_data["reason"])) \
        if form.is_valid() else None
    if done is not None:
        messages.success(request, _("The place was cancelled; the first on the waiting list, if any, takes a freed "
                                    "seat."))
        return redirect("training:enrolment_detail", pk=x.pk)
    return _render_detail(request, x, form=form, status=400)


# --- member pages ---------------------------------------------------------------------------------

def _person(request):
    person = person_of_account(request.user)
    if person is None:
        raise Http404(_("Not found."))
    return person


@login_required
@require_GET
def my_courses(request):
    person = _person(request)
    return render(request, "training/enrolment/my.html", {
        "person": person, "mine": selectors.my_enrolments(person),
        "open_courses": selectors.courses_open_to_person(person),
        "cancellable": {EnrolmentStatus.ENROLLED, EnrolmentStatus.WAITLISTED},
        "running": {CourseStatus.OPEN, CourseStatus.CLOSED},
    })


@login_required
@require_POST
def my_enrol(request, course_pk):
    person = _person(request)
    course = selectors.courses_in_reach(person).filter(pk=course_pk, status__in=(CourseStatus.OPEN,
                                                                                 CourseStatus.CLOSED)).first()
    if course is None:
        raise Http404(_("Not found."))
    try:
        x = services.enrol_self(user=request.user, person=person, course=course)
    except services.DomainError as exc:
        messages.error(request, exc.text)
    else:
        if x.status == EnrolmentStatus.WAITLISTED:
            messages.success(request, _("You are on the waiting list of “%(course)s”, place %(n)s.")
                             % {"course": course.title, "n": x.waitlist_position})
        else:
            messages.success(request, _("You are enrolled in “%(course)s”.") % {"course": course.title})
    return redirect("training:my_courses")


@login_required
@require_POST
def my_cancel(request, pk):
    person = _person(request)
    x = Enrolment.objects.filter(pk=pk, person=person).select_related("course").first()
    if x is None:
        raise Http404(_("Not found."))
    try:
        services.cancel_own(user=request.user, person=person, enrolment=x,
                            reason=(request.POST.get("reason") or "")[:400])
    except services.DomainError as exc:
        messages.error(request, exc.text)
    else:
        messages.success(request, _("Your place on “%(course)s” was cancelled.") % {"course": x.course.title})
    return redirect("training:my_courses")
