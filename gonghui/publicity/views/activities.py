"""Pages of theme activities (主题活动). Thin: fetch through the scope (404 for hidden and missing
alike), check the action, call one service or selector, render.

- the list (filters, search, counts by status, pager, export) and logging an activity (the
  organiser first, then the form);
- an activity's page: the record, its photos (served privately), the steps the user may take now
  (edit, photos, submit, confirm or return) and the history;
- the yearly statistics by town and theme (table, chart, Excel).
"""

from django import forms as djforms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gonghui.core.errors import DomainError
from gonghui.core.excel import xlsx_response
from gonghui.core.forms import run_service
from gonghui.core.pagination import parse_after
from gonghui.core.policies import get_visible_or_404, require
from gonghui.core.responses import export_list
from gonghui.core.selectors import history_for, reach_orgs
from gonghui.core.uploads import limit_upload, private_file_response, upload_limit_then_csrf
from gonghui.orgs.models import Org

from ..forms import activities as forms
from ..models.activities import ActivityPhoto, ActivityStatus, ThemeActivity
from ..policies import activities as policies
from ..selectors import activities as selectors
from ..services import activities as services

TEMPLATES = "publicity/activities/"


@login_required
@require_GET
def activity_list(request):
    require(request.user, policies.VIEW)
    form = forms.ActivityFilterForm(request.GET, user=request.user)
    form.is_valid()
    form.set_org_options(reach_orgs(request.user, policies.VIEW))
    filters = form.filters()
    page = selectors.activity_page(request.user, filters, after=parse_after(request.GET.get("after")))
    counts = selectors.status_counts(request.user, filters)
    return render(request, TEMPLATES + "list.html", {
        "form": form, "page": page, "query": form.query_string(), "tab": "activities",
        "counts": [(label, counts.get(code, 0), code) for code, label in ActivityStatus.choices if counts.get(code)],
        "can_create": policies.can(request.user, policies.CHANGE),
        "can_export": policies.can(request.user, policies.EXPORT),
    })


@login_required
@require_GET
def activity_export(request):
    return export_list(request, action=policies.EXPORT, view_action=policies.VIEW, scoped=[("org", Org)],
                       form=forms.ActivityFilterForm(request.GET, user=request.user),
                       list_url="publicity:activity_list", export=services.export_activities,
                       filename=lambda: f"theme-activities-{services.today():%Y%m%d}.xlsx")


@login_required
@require_http_methods(["GET", "POST"])
def activity_create(request):
    """The organiser first (a chair's one union is taken directly), then the activity."""
    require(request.user, policies.CHANGE)
    data = request.POST if request.method == "POST" else request.GET
    union_q = (data.get("union_q") or "").replace("\x00", "").strip()[:60]
    orgs = selectors.org_choices(request.user, union_q)
    org = None
    if data.get("org"):
        org = get_visible_or_404(Org.objects, request.user, parse_after(data.get("org")), policies.CHANGE)
    elif len(orgs) == 1 and not union_q:
        return redirect(f"{request.path}?org={orgs[0].pk}")
    context = {"unions": orgs, "union_q": union_q, "org": org, "tab": "activities"}
    if org is None:
        return render(request, TEMPLATES + "create.html", context)
    form = forms.ActivityForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        created = run_service(form, services.log_activity, actor=request.user, org=org, **form.cleaned_data)
        if created is not None:
            messages.success(request, _("The activity was logged as a draft: add photos, then submit it to the "
                                        "town."))
            return redirect("publicity:activity_detail", pk=created.pk)
    context["form"] = form
    return render(request, TEMPLATES + "create.html", context, status=400 if form.errors else 200)


def _activity(request, pk):
    return get_visible_or_404(ThemeActivity.objects.select_related("org", "town", "reviewed_by", "created_by"),
                              request.user, pk)


def _render_detail(request, a, *, review_form=None, photo_form=None, status=200):
    actions = policies.activity_actions(request.user, a)
    photos = selectors.photos_of(a)
    return render(request, TEMPLATES + "detail.html", {
        "a": a, "actions": actions, "photos": photos, "tab": "activities",
        "review_form": review_form or (forms.ReviewForm(prefix="review") if actions.review else None),
        "photo_form": photo_form or (forms.PhotoForm(prefix="photo") if actions.photos else None),
        "history": history_for(request.user, a),
    }, status=status)


@login_required
@require_GET
def activity_detail(request, pk):
    return _render_detail(request, _activity(request, pk))


@login_required
@require_http_methods(["GET", "POST"])
def activity_edit(request, pk):
    a = _activity(request, pk)
    require(request.user, policies.CHANGE, a.org)
    if not policies.activity_actions(request.user, a).edit:
        messages.warning(request, _("This step cannot be taken now: the activity is “%(status)s”.")
                         % {"status": a.get_status_display()})
        return redirect("publicity:activity_detail", pk=a.pk)
    form = forms.ActivityForm(request.POST if request.method == "POST" else None,
                              initial=forms.ActivityForm.initial_of(a))
    if request.method == "POST" and form.is_valid() and run_service(
            form, services.update_activity, actor=request.user, activity=a, **form.cleaned_data):
        messages.success(request, _("The activity was saved."))
        return redirect("publicity:activity_detail", pk=a.pk)
    return render(request, TEMPLATES + "edit.html", {"a": a, "form": form, "tab": "activities"},
                  status=400 if form.errors else 200)


class _NoFields(djforms.Form):
    pass


@login_required
@require_POST
def activity_submit(request, pk):
    a = _activity(request, pk)
    if not policies.can_submit(request.user, a.org):
        require(request.user, policies.SUBMIT, a.org)
    form = _NoFields(request.POST)
    form.is_valid()
    if run_service(form, services.submit_activity, actor=request.user, activity=a) is not None:
        messages.success(request, _("The activity was submitted for confirmation."))
    else:
        for error in form.non_field_errors():
            messages.error(request, error)
    return redirect("publicity:activity_detail", pk=a.pk)


@login_required
@require_POST
def activity_review(request, pk):
    a = _activity(request, pk)
    require(request.user, policies.REVIEW, a.org)
    if not policies.can_review(request.user, a.org):
        raise PermissionDenied(_("The activities of your own organisation are confirmed by the level above."))
    form = forms.ReviewForm(request.POST, prefix="review")
    if form.is_valid() and run_service(form, services.review_activity, actor=request.user, activity=a,
                                       decision=form.cleaned_data["decision"],
                                       reason=form.cleaned_data["reason"]) is not None:
        confirmed = form.cleaned_data["decision"] == ActivityStatus.CONFIRMED
        messages.success(request, _("The activity was confirmed.") if confirmed
                         else _("The activity was returned to the organiser."))
        return redirect("publicity:activity_detail", pk=a.pk)
    return _render_detail(request, _activity(request, pk), review_form=form, status=400)


def _photo_limit():
    from ..rules.activities import rules

    return rules().photo_max_bytes


@upload_limit_then_csrf(_photo_limit)
@login_required
@require_POST
def activity_photo_add(request, pk):
    """A photo: a body already over the limit is refused (413) before it is read; one that grows
    past it stops being read (nothing stored) and the form says so."""
    limit = _photo_limit()
    if not limit_upload(request, limit):
        return HttpResponse(_("The file is larger than %(mb)s MB.") % {"mb": limit // (1024 * 1024)}, status=413)
    a = _activity(request, pk)
    require(request.user, policies.CHANGE, a.org)
    form = forms.PhotoForm(request.POST, request.FILES, prefix="photo")
    if getattr(request, "upload_too_large", False):
        form.is_valid()
        form.add_error("image", _("The file is larger than %(mb)s MB.") % {"mb": limit // (1024 * 1024)})
        return _render_detail(request, _activity(request, pk), photo_form=form, status=400)
    done = form.is_valid() and run_service(form, services.add_photo, actor=request.user, activity=a,
                                           upload=form.cleaned_data["image"], caption=form.cleaned_data["caption"])
    if not done:
        return _render_detail(request, _activity(request, pk), photo_form=form, status=400)
    messages.success(request, _("The photo was added."))
    return redirect("publicity:activity_detail", pk=a.pk)


def _photo(request, pk, photo_pk):
    a = _activity(request, pk)
    photo = ActivityPhoto.objects.filter(pk=photo_pk, activity=a).first()
    if photo is None:
        raise Http404(_("Not found."))
    return a, photo


@login_required
@require_GET
def activity_photo(request, pk, photo_pk):
    """The photo, after the scope check on its activity; an attachment, never cached."""
    _a, photo = _photo(request, pk, photo_pk)
    ext = "jpg" if photo.kind == "jpeg" else "png"
    response = private_file_response(photo.image, f"activity-{photo.activity_id}-{photo.pk}.{ext}")
    response["Content-Type"] = "image/jpeg" if photo.kind == "jpeg" else "image/png"
    return response


@login_required
@require_POST
def activity_photo_delete(request, pk, photo_pk):
    a, photo = _photo(request, pk, photo_pk)
    require(request.user, policies.CHANGE, a.org)
    try:
        services.delete_photo(actor=request.user, photo=photo)
    except DomainError as exc:
        messages.error(request, exc.text)
    else:
        messages.success(request, _("The photo was removed."))
    return redirect("publicity:activity_detail", pk=a.pk)


def _chart_class(n):
    return "chart" if n <= 4 else "chart chart-md" if n <= 10 else "chart chart-lg"


@login_required
@require_GET
def activity_stats(request):
    require(request.user, policies.VIEW)
    form = forms.StatsForm(request.GET)
    year = form.year_value()
    stats = selectors.yearly_stats(request.user, year)
    return render(request, TEMPLATES + "stats.html", {
        "form": form, "year": year, "stats": stats, "tab": "activities",
        "chart": selectors.stats_chart(stats) if stats.rows else None, "chart_class": _chart_class(len(stats.rows)),
        "definitions": selectors.definitions(year), "can_export": policies.can(request.user, policies.EXPORT),
    })


@login_required
@require_GET
def activity_stats_export(request):
    require(request.user, policies.EXPORT)
    year = forms.StatsForm(request.GET).year_value()
    handle, _rows = services.export_stats(actor=request.user, year=year)
    return xlsx_response(handle, f"theme-activities-{year}.xlsx")
