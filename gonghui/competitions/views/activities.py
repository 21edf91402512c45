"""Pages of on-the-job activities (岗位成才/建功/练兵): the list (filters, counts per kind, pager,
export), recording and editing an activity, its detail page with the participants (members of the
organiser's subtree, found by name) and the history."""

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
from gonghui.members.models import LIVE_STATUSES, Person
from gonghui.orgs.models import Org

from ..forms import activities as forms
from ..models.activities import ActivityKind, ActivityParticipant, JobActivity
from ..policies import activities as policies
from ..selectors import activities as selectors
from ..services import activities as services


@login_required
@require_GET
def activity_list(request):
    require(request.user, policies.VIEW)
    form = forms.ActivityFilterForm(request.GET, user=request.user)
    form.is_valid()
    form.set_org_options(reach_orgs(request.user, policies.VIEW))
    filters = form.filters()
    page = selectors.activity_page(request.user, filters, after=parse_after(request.GET.get("after")))
    counts = selectors.summary(request.user, filters)
    return render(request, "competitions/activities/list.html", {
        "form": form, "page": page, "query": form.query_string(),
        "counts": [(label, *counts[code], code) for code, label in ActivityKind.choices if code in counts],
        "can_create": policies.can(request.user, policies.CHANGE),
        "can_export": policies.can(request.user, policies.EXPORT),
    })


@login_required
@require_GET
def activity_export(request):
    return export_list(request, action=policies.EXPORT, view_action=policies.VIEW, scoped=[("org", Org)],
                       form=forms.ActivityFilterForm(request.GET, user=request.user),
                       list_url="competitions:activity_list", export=services.export_activities,
                       filename=lambda: f"job-activities-{services.today():%Y%m%d}.xlsx")


@login_required
@require_http_methods(["GET", "POST"])
def activity_create(request):
    require(request.user, policies.CHANGE)
    form = forms.CreateActivityForm(request.POST if request.method == "POST" else None,
                                    orgs=reach_orgs(request.user, policies.CHANGE),
                                    queryset=Org.objects.visible_to(request.user, policies.CHANGE),
                                    initial={"held_on": services.today(), "kind": ActivityKind.TRAINING})
    if request.method == "POST" and form.is_valid():
        created = run_service(form, services.create_activity, actor=request.user, **form.cleaned_data)
        if created is not None:
            messages.success(request, _("The activity was recorded; add its participants."))
            return redirect("competitions:activity_detail", pk=created.pk)
    return render(request, "competitions/activities/form.html", {"form": form, "title": _("Record an activity")},
                  status=400 if form.errors else 200)


def _activity(request, pk):
    return get_visible_or_404(JobActivity.objects.select_related("org"), request.user, pk)


def _people_queryset(a):
    return Person.objects.filter(memberships__union__path__startswith=a.org.path,
                                 memberships__status__in=LIVE_STATUSES).distinct()


def _detail(request, a, *, form=None, status=200):
    can_change = policies.can(request.user, policies.CHANGE, a.org)
    q = (request.GET.get("person_q") or "").replace("\x00", "").strip()[:60]
    if can_change and form is None:
        form = forms.ParticipantForm(people=selectors.person_choices(a, q), queryset=_people_queryset(a))
    return render(request, "competitions/activities/detail.html", {
        "a": a, "participants": selectors.participants_of(a), "can_change": can_change, "form": form,
        "person_q": q, "history": history_for(request.user, a)}, status=status)


@login_required
@require_GET
def activity_detail(request, pk):
    return _detail(request, _activity(request, pk))


@login_required
@require_http_methods(["GET", "POST"])
def activity_edit(request, pk):
    a = _activity(request, pk)
    require(request.user, policies.CHANGE, a.org)
    initial = {f: getattr(a, f) for f in ("kind", "title", "held_on", "ends_on", "place", "description")}
    form = forms.ActivityForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid() and run_service(
            form, services.update_activity, actor=request.user, activity=a, **form.cleaned_data):
        messages.success(request, _("Saved."))
        return redirect("competitions:activity_detail", pk=a.pk)
    return render(request, "competitions/activities/form.html", {"form": form, "a": a, "title": _("Edit the activity")},
                  status=400 if form.errors else 200)


@login_required
@require_POST
def activity_delete(request, pk):
    a = _activity(request, pk)
    require(request.user, policies.CHANGE, a.org)
    services.delete_activity(actor=request.user, activity=a)
    messages.success(request, _("The activity was deleted."))
    return redirect("competitions:activity_list")


@login_required
@require_POST
def participant_add(request, pk):
    a = _activity(request, pk)
    require(request.user, policies.CHANGE, a.org)
    form = forms.ParticipantForm(request.POST, people=[], queryset=_people_queryset(a))
    if form.is_valid() and run_service(form, services.add_participant, actor=request.user, activity=a,
                                       **form.cleaned_data) is not None:
        messages.success(request, _("The participant was added."))
        return redirect("competitions:activity_detail", pk=a.pk)
    return _detail(request, a, form=form, status=400)


@login_required
@require_POST
def participant_remove(request, pk, participant_pk):
    a = _activity(request, pk)
    require(request.user, policies.CHANGE, a.org)
    p = ActivityParticipant.objects.filter(pk=participant_pk, activity=a).first()
    if p is None:
        raise Http404(_("Not found."))
    services.remove_participant(actor=request.user, participant=p)
    messages.success(request, _("The participant was removed."))
    return redirect("competitions:activity_detail", pk=a.pk)
