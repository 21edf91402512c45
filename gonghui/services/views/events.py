"""Pages of events. Thin: fetch through the scope (404 for hidden and missing alike), check the
action, call one service or selector, render.

- the event list (filters, counts by status, pager, export), creating and editing an event;
- an event's page: facts and places, the workflow steps as cards (only the permitted ones), the
  registrations with the organiser's check-in list, the QR check-in code (rotate), the photo
  gallery (upload, remove; images served privately), the history;
- registering: the organiser one member by ID card number, a union its members in bulk;
- the registration list (filters, pager, export), a registration's page (cancel, history);
- the participation statistics (year, org; chart, tables, Excel);
- the member pages on a phone (/services/my/events/): my events, events open to me, register,
  cancel; the QR check-in page the code opens.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gonghui.core import exports
from gonghui.core.errors import DomainError
from gonghui.core.excel import xlsx_response
from gonghui.core.forms import run_service
from gonghui.core.pagination import parse_after
from gonghui.core.policies import get_visible_or_404, require
from gonghui.core.qr import qr_svg
from gonghui.core.responses import export_list, no_store
from gonghui.core.selectors import history_for, reach_orgs
from gonghui.core.uploads import private_file_response
from gonghui.members.selectors import person_of_account
from gonghui.orgs.models import Org

from ..forms import events as forms
from ..models.events import CheckinMethod, Event, EventPhoto, EventStatus, Registration, RegistrationStatus
from ..policies import events as policies
from ..selectors import events as selectors
from ..services import events as services


def _placed_message(created):
    seats = sum(1 for x in created if x.status == RegistrationStatus.REGISTERED)
    waiting = [x for x in created if x.status == RegistrationStatus.WAITLISTED]
    if not waiting:
        return _("%(n)s registered.") % {"n": seats}
    return _("%(n)s registered; %(w)s on the waiting list (places %(first)s–%(last)s).") % {
        "n": seats, "w": len(waiting), "first": waiting[0].waitlist_position, "last": waiting[-1].waitlist_position}


# --- events ---------------------------------------------------------------------------------------------

@login_required
@require_GET
def event_list(request):
    require(request.user, policies.VIEW)
    form = forms.EventFilterForm(request.GET, user=request.user)
    form.is_valid()
    form.set_org_options(reach_orgs(request.user, policies.VIEW))
    filters = form.filters()
    page = selectors.event_page(request.user, filters, after=parse_after(request.GET.get("after")))
    counts = selectors.event_status_counts(request.user, filters)
    return render(request, "services/events/list.html", {
        "form": form, "page": page, "query": form.query_string(),
        "counts": [(label, counts.get(code, 0), code) for code, label in EventStatus.choices if counts.get(code)],
        # The second tab: events of the town or the district offered to us (read only, no export).
        "offered": filters.offered, "can_see_offered": bool(selectors.above_paths(request.user)),
        "can_create": policies.can(request.user, policies.CHANGE) and not filters.offered,
        "open_offered": [] if filters.offered else list(selectors.events_open_for_union(request.user).exclude(
            pk__in=selectors.events(request.user).values("pk"))[:10]),
        "can_export": policies.can(request.user, policies.EXPORT) and not filters.offered, "tab": "events",
    })


@login_required
@require_GET
def event_export(request):
    return export_list(request, action=policies.EXPORT, view_action=policies.VIEW, scoped=[("org", Org)],
                       form=forms.EventFilterForm(request.GET, user=request.user), list_url="services:event_list",
                       export=services.export_events,
                       filename=lambda: f"events-{services.today():%Y%m%d}.xlsx")


@login_required
@require_http_methods(["GET", "POST"])
def event_create(request):
    require(request.user, policies.CHANGE)
    organisers = selectors.organiser_choices(request.user)
    form = forms.EventForm(request.POST or None, organisers=organisers)
    if request.method == "POST" and form.is_valid():
        event = run_service(form, services.create_event, actor=request.user, org=form.cleaned_data["org"],
                            data=form.data_dict())
        if event is not None:
            messages.success(request, _("The event was saved as a draft: publish it to open registration."))
            return redirect("services:event_detail", pk=event.pk)
    return render(request, "services/events/form.html", {"form": form, "event": None, "tab": "events"},
                  status=400 if form.errors else 200)


def _event(request, pk, action=policies.VIEW):
    return get_visible_or_404(Event.objects.select_related("org", "town", "venue", "created_by"), request.user, pk,
                              action)


@login_required
@require_http_methods(["GET", "POST"])
def event_edit(request, pk):
    event = _event(request, pk)
    require(request.user, policies.CHANGE, event.org)
    if event.status not in policies.EDITABLE:
        messages.warning(request, _("An event that is “%(status)s” cannot be changed.")
                         % {"status": event.get_status_display()})
        return redirect("services:event_detail", pk=event.pk)
    initial = {f: getattr(event, f) for f in ("title", "kind", "description", "venue", "place", "starts_at",
                                              "ends_at", "reg_opens_on", "reg_closes_on", "capacity",
                                              "waitlist_limit")}
    form = forms.EventForm(request.POST or None, initial=initial, organisers=[], editing=True)
    if request.method == "POST" and form.is_valid():
        done = run_service(form, services.update_event, actor=request.user, event=event, data=form.data_dict())
        if done is not None:
            messages.success(request, _("The event was saved."))
            return redirect("services:event_detail", pk=event.pk)
    return render(request, "services/events/form.html", {"form": form, "event": event, "tab": "events"},
                  status=400 if form.errors else 200)


STEP_LABELS = {
    "publish": (_("Publish"), "btn-primary"),
    "close": (_("Close registration"), "btn-outline-primary"),
    "reopen": (_("Reopen registration"), "btn-outline-primary"),
    "finish": (_("Mark as finished"), "btn-success"),
    "cancel": (_("Cancel the event"), "btn-outline-danger"),
}


def _render_event(request, event, *, step_form=None, photo_form=None, status=200):
    x = selectors.event_detail(event)
    can_change = policies.can(request.user, policies.CHANGE, event.org)
    offered = selectors.is_offered(request.user, event)
    if offered:  # read only from below: the places of the user's own unions, no history of the organiser
        registrations = list(selectors.registrations(request.user).filter(
            event=event, status__in=policies.CANCELLABLE).select_related("person", "union")
            .order_by("status", "waitlist_position", "registered_at", "pk"))
    else:
        registrations = selectors.event_registrations(event)
    steps = [(name, str(STEP_LABELS[name][0]), STEP_LABELS[name][1])
             for name in policies.steps_for(request.user, event)]
    context = {
        "event": x, "steps": steps, "step_form": step_form or forms.StepForm(prefix="step"),
        "can_change": can_change, "can_edit": can_change and event.status in policies.EDITABLE,
        "registrations": registrations, "offered": offered,
        "photos": list(event.photos.all()),
        "photo_form": photo_form or (forms.PhotoForm(prefix="photo") if can_change else None),
        "can_register": event.status == EventStatus.PUBLISHED and (
            can_change or selectors.may_register_for(request.user, event)),
        "can_checkin": can_change and event.status in (*policies.RUNNING, EventStatus.FINISHED),
        "can_export": policies.can(request.user, policies.EXPORT),
        "history": [] if offered else history_for(request.user, event), "tab": "events",
    }
    if context["can_checkin"]:
        url = services.checkin_url(event)
        opens, closes = services.checkin_window(event)
        context.update({"checkin_url": url, "qr": mark_safe(qr_svg(url, scale=5)), "opens": opens, "closes": closes})
    return no_store(render(request, "services/events/detail.html", context, status=status))


@login_required
@require_GET
def event_detail(request, pk):
    """Readable by the organiser's subtree, and by the users below it once published (a union
    chair opens the town's and the district's events to register members); writes stay 404/403."""
    event = (selectors.readable_events(request.user).select_related("org", "town", "venue", "created_by")
             .filter(pk=pk).first())
    if event is None:
        raise Http404(_("Not found."))
    return _render_event(request, event)


@login_required
@require_POST
def event_step(request, pk, name):
    event = _event(request, pk)
    require(request.user, policies.CHANGE, event.org)
    if name not in STEP_LABELS:
        raise Http404(_("Not found."))
    form = forms.StepForm(request.POST, prefix="step")
    done = run_service(form, lambda: services.step(actor=request.user, event=event, name=name,
                                                   reason=form.cleaned_data["reason"])) if form.is_valid() else None
    if done is None:
        return _render_event(request, event, step_form=form, status=400)
    messages.success(request, _("Done: the event is now “%(status)s”.") % {"status": done.get_status_display()})
    return redirect("services:event_detail", pk=event.pk)


@login_required
@require_POST
def event_rotate(request, pk):
    event = _event(request, pk)
    services.rotate_checkin_token(actor=request.user, event=event)
    messages.success(request, _("A new check-in code was made; the old one no longer works."))
    return redirect("services:event_detail", pk=event.pk)


@login_required
@require_POST
def event_checkin_list(request, pk):
    event = _event(request, pk)
    require(request.user, policies.CHANGE, event.org)
    try:
        n = services.check_in_list(actor=request.user, event=event,
                                   registration_ids=[i for i in request.POST.getlist("registrations") if i.isdigit()])
    except DomainError as exc:
        messages.error(request, exc.text)
    else:
        messages.success(request, _("%(n)s checked in.") % {"n": n})
    return redirect("services:event_detail", pk=event.pk)


@login_required
@require_POST
def event_photo_add(request, pk):
    event = _event(request, pk)
    require(request.user, policies.CHANGE, event.org)
    form = forms.PhotoForm(request.POST, request.FILES, prefix="photo")
    done = run_service(form, lambda: services.add_photo(actor=request.user, event=event,
                                                        upload=form.cleaned_data["image"],
                                                        caption=form.cleaned_data["caption"])) \
        if form.is_valid() else None
    if done is None:
        return _render_event(request, event, photo_form=form, status=400)
    messages.success(request, _("The photo was added to the gallery."))
    return redirect("services:event_detail", pk=event.pk)


def _photo(request, pk, photo_pk):
    event = _event(request, pk)
    photo = EventPhoto.objects.filter(pk=photo_pk, event=event).first()
    if photo is None:
        raise Http404(_("Not found."))
    return event, photo


@login_required
@require_GET
def event_photo(request, pk, photo_pk):
    """The gallery is read wherever the event's page is (also an event offered from above)."""
    photo = EventPhoto.objects.filter(pk=photo_pk, event__in=selectors.readable_events(request.user).filter(pk=pk)) \
        .first()
    if photo is None:
        raise Http404(_("Not found."))
    ext = "jpg" if photo.kind == "jpeg" else "png"
    response = private_file_response(photo.image, f"event-{photo.event_id}-{photo.pk}.{ext}")
    response["Content-Type"] = "image/jpeg" if photo.kind == "jpeg" else "image/png"
    return response


@login_required
@require_POST
def event_photo_delete(request, pk, photo_pk):
    event, photo = _photo(request, pk, photo_pk)
    services.delete_photo(actor=request.user, photo=photo)
    messages.success(request, _("The photo was removed."))
    return redirect("services:event_detail", pk=event.pk)


# --- registering --------------------------------------------------------------------------------------------

def _clean_q(value, limit):
    return (value or "").replace("\x00", "").strip()[:limit]


@login_required
@require_http_methods(["GET", "POST"])
def event_register(request, pk):
    """The organiser registers one member by ID card number; a union (picked, or the chair's one
    union) registers members in bulk, all or nothing."""
    require(request.user, policies.CHANGE)
    event = Event.objects.filter(pk=pk, status=EventStatus.PUBLISHED).select_related("org").first()
    if event is None:
        raise Http404(_("Not found."))
    is_organiser = policies.can(request.user, policies.CHANGE, event.org)
    unions = list(selectors.union_choices(request.user, event)[:200])
    if not is_organiser and not unions:
        raise Http404(_("Not found."))
    data = request.POST if request.method == "POST" else request.GET
    context = {"event": event, "is_organiser": is_organiser, "unions": unions, "tab": "events"}
    if is_organiser:
        one = forms.OneMemberForm(request.POST if request.method == "POST" and data.get("one") else None,
                                  user=request.user, prefix="one")
        context["one_form"] = one
        if one.is_bound:
            if one.is_valid():
                created = run_service(one, services.register, actor=request.user, event=event, person=one.person)
                if created is not None:
                    messages.success(request, _placed_message([created]))
                    return redirect("services:event_detail", pk=event.pk)
            return render(request, "services/events/register.html", context, status=400)
    org = None
    if data.get("org"):
        org = next((u for u in unions if str(u.pk) == str(data.get("org"))), None)
        if org is None:
            raise Http404(_("Not found."))
    elif len(unions) == 1:
        org = unions[0]
    context["org"] = org
    if org is None:
        return render(request, "services/events/register.html", context)
    person_q = _clean_q(data.get("person_q"), 30)
    members = selectors.member_choices(org, person_q)
    shown = list(members[:100])
    form = forms.BulkRegisterForm(request.POST if request.method == "POST" else None, members=members, shown=shown)
    rows = []
    if request.method == "POST" and form.is_valid():
        try:
            created = services.register_members(actor=request.user, event=event, union=org,
                                                people=form.cleaned_data["people"])
        except services.RegistrationRowsError as exc:
            rows = exc.rows
            form.add_error(None, _("Nobody was registered: correct the lines below and send again."))
        except DomainError as exc:
            form.add_error(None, exc.text)
        else:
            messages.success(request, _placed_message(created))
            return redirect(f"{reverse('services:registration_list')}?event={event.pk}")
    context.update({"form": form, "person_q": person_q, "rows": rows})
    return render(request, "services/events/register.html", context, status=400 if form.errors else 200)


# --- registrations --------------------------------------------------------------------------------------------

@login_required
@require_GET
def registration_list(request):
    require(request.user, policies.VIEW)
    form = forms.RegistrationFilterForm(request.GET, user=request.user)
    form.is_valid()
    form.set_org_options(reach_orgs(request.user, policies.VIEW))
    filters = form.filters()
    page = selectors.registration_page(request.user, filters, after=parse_after(request.GET.get("after")))
    counts = selectors.registration_status_counts(request.user, filters)
    return render(request, "services/events/registration_list.html", {
        "form": form, "page": page, "query": form.query_string(), "event": filters.event,
        "counts": [(label, counts.get(code, 0), code) for code, label in RegistrationStatus.choices
                   if counts.get(code)],
        "can_export": policies.can(request.user, policies.EXPORT), "tab": "events",
    })


@login_required
@require_GET
def registration_export(request):
    return export_list(request, action=policies.EXPORT, view_action=policies.VIEW,
                       scoped=[("org", Org)],
                       form=forms.RegistrationFilterForm(request.GET, user=request.user),
                       list_url="services:registration_list", export=services.export_registrations,
                       filename=lambda: f"event-registrations-{services.today():%Y%m%d}.xlsx")


def _registration(request, pk):
    return get_visible_or_404(Registration.objects.select_related("event", "event__org", "person", "union", "town",
                                                                  "registered_by"), request.user, pk)


def _render_registration(request, x, *, form=None, status=200):
    can_cancel = policies.may_cancel_registration(request.user, x) and not x.checked_in_at
    return render(request, "services/events/registration_detail.html", {
        "x": x, "can_cancel": can_cancel,
        "form": form or (forms.CancelForm(prefix="cancel") if can_cancel else None),
        "history": history_for(request.user, x), "tab": "events",
    }, status=status)


@login_required
@require_GET
def registration_detail(request, pk):
    return _render_registration(request, _registration(request, pk))


@login_required
@require_POST
def registration_cancel(request, pk):
    x = _registration(request, pk)
    require(request.user, policies.CHANGE, x.event.org, *([x.union] if x.union_id else []))
    form = forms.CancelForm(request.POST, prefix="cancel")
    done = run_service(form, lambda: services.cancel_registration(actor=request.user, registration=x,
                                                                  reason=form.cleaned_data["reason"])) \
        if form.is_valid() else None
    if done is None:
        return _render_registration(request, x, form=form, status=400)
    messages.success(request, _("The registration was cancelled; the first on the waiting list, if any, takes the "
                                "place."))
    return redirect("services:registration_detail", pk=x.pk)


# --- statistics ---------------------------------------------------------------------------------------------

def _chart_class(n):
    return "chart" if n <= 4 else "chart chart-md" if n <= 10 else "chart chart-lg"


@login_required
@require_GET
def event_stats(request):
    require(request.user, policies.VIEW)
    form = forms.StatsFilterForm(request.GET, user=request.user)
    form.is_valid()
    form.set_org_options(reach_orgs(request.user, policies.VIEW))
    filters = form.filters()
    stats = selectors.participation(request.user, filters)
    chart = selectors.town_chart(stats, labels={"registrations": _("Registrations"), "checkins": _("Check-ins")}) \
        if stats.by_town else None
    return render(request, "services/events/stats.html", {
        "form": form, "stats": stats, "year": filters.year, "chart": chart, "query": form.query_string(),
        "chart_class": _chart_class(len(stats.by_town)), "can_export": policies.can(request.user, policies.EXPORT),
        "tab": "events",
    })


@login_required
@require_GET
def event_stats_export(request):
    require(request.user, policies.EXPORT)
    if request.GET.get("org"):
        get_visible_or_404(Org.objects.all(), request.user, parse_after(request.GET.get("org")), policies.VIEW)
    form = forms.StatsFilterForm(request.GET, user=request.user)
    if not form.is_valid():
        messages.error(request, _("The filters could not be read; check them and export again."))
        return redirect("services:event_stats")
    filters = form.filters()
    handle, _rows = services.export_stats(actor=request.user, filters=filters)
    return xlsx_response(handle, f"event-statistics-{filters.year}.xlsx")


# --- member pages ------------------------------------------------------------------------------------------------

def _person(request):
    person = person_of_account(request.user)
    if person is None:
        raise Http404(_("Not found."))
    return person


@login_required
@require_GET
def my_events(request):
    person = _person(request)
    return render(request, "services/events/my.html", {
        "person": person, "mine": selectors.my_registrations(person),
        "open_events": selectors.events_open_to_person(person),
        "cancellable": set(policies.CANCELLABLE), "running": set(policies.RUNNING),
    })


@login_required
@require_POST
def my_register(request, pk):
    person = _person(request)
    event = next((e for e in selectors.events_open_to_person(person) if e.pk == pk), None)
    if event is None:
        if not Registration.objects.filter(event_id=pk, person=person).exists():
            raise Http404(_("Not found."))
        messages.error(request, _("You are already registered for this event."))
        return redirect("services:my_events")
    try:
        x = services.register_self(user=request.user, person=person, event=event)
    except DomainError as exc:
        messages.error(request, exc.text)
    else:
        if x.status == RegistrationStatus.WAITLISTED:
            messages.success(request, _("You are on the waiting list of “%(event)s”, place %(n)s.")
                             % {"event": event.title, "n": x.waitlist_position})
        else:
            messages.success(request, _("You are registered for “%(event)s”.") % {"event": event.title})
    return redirect("services:my_events")


@login_required
@require_POST
def my_cancel(request, pk):
    person = _person(request)
    x = Registration.objects.filter(pk=pk, person=person).select_related("event").first()
    if x is None:
        raise Http404(_("Not found."))
    try:
        services.cancel_own(user=request.user, person=person, registration=x,
                            reason=(request.POST.get("reason") or "")[:400])
    except DomainError as exc:
        messages.error(request, exc.text)
    else:
        messages.success(request, _("Your registration for “%(event)s” was cancelled.") % {"event": x.event.title})
    return redirect("services:my_events")


@login_required
@require_GET
def event_checkin(request, pk):
    """The page the QR code opens on the member's phone: checks in at once (idempotent)."""
    person = person_of_account(request.user)
    try:
        result = services.check_in(actor=request.user, person=person, event_pk=pk, token=request.GET.get("t", ""))
    except DomainError as exc:
        known = Event.objects.filter(pk=pk).first() if exc.code != "invalid_token" else None
        return no_store(render(request, "services/events/checkin.html",
                               {"error": exc.text, "code": exc.code, "event": known,
                                "person": person if known else None},
                               status=400))
    return no_store(render(request, "services/events/checkin.html",
                           {"result": result, "event": result.registration.event, "person": person}))


# --- export of an event's check-in list (core.exports) -------------------------------------------------

def _plan_checkins(user, params):
    """The registrations of one event as its page lists them (registered and waiting), with
    check-in times, limited to the registrations the user may export: the organiser's side
    exports them all, a union below only its own members'. ID numbers masked."""
    require(user, policies.EXPORT)
    # Readable as on the event's page: the organiser's subtree, and the unions below it once published.
    event = selectors.readable_events(user).filter(pk=parse_after(params.get("event")) or 0).first()
    if event is None:
        raise Http404(_("Not found."))
    rows = (Registration.objects.filter(event=event, status__in=selectors.LIVE_STATUSES,
                                        pk__in=Registration.objects.visible_to(user, policies.EXPORT).values("pk"))
            .order_by("status", "waitlist_position", "registered_at", "pk"))
    statuses, methods = dict(RegistrationStatus.choices), dict(CheckinMethod.choices)

    def values():
        for (name, id_masked, union, status, position, registered, checked, method) in rows.values_list(
                "person__name", "person__id_number_masked", "union__name", "status", "waitlist_position",
                "registered_at", "checked_in_at", "checkin_method").iterator(chunk_size=1000):
            yield [name, id_masked, union or "", str(statuses.get(status, status)), position,
                   _local(registered), _local(checked), str(methods.get(method, "")) if method else ""]

    def write(target, progress):
        return exports.write_sheet(target, title=_("Check-in list"), rows=values(), progress=progress,
                                   text_columns=(1,), headers=[_("Name"), _("ID card number"), _("Union"), _("Status"),
                                            _("Place on the waiting list"), _("Registered at"), _("Checked in at"),
                                            _("Checked in by")],
                                   widths=[10, 20, 30, 12, 8, 17, 17, 12])

    filters = {"event": event.pk}
    return exports.ExportPlan(write=write, rows=rows, filters=filters, audit=exports.auditor(
        actor=user, action="services.checkin_export", object_type="services.CheckinExport",
        label=_("Event check-in export"), org=event.org, reach_action=policies.EXPORT, filters=filters))


def _local(moment):
    return timezone.localtime(moment).replace(tzinfo=None) if moment else None


CHECKIN_EXPORT = exports.ExportKind(
    key="services.checkins", label=gettext_lazy("Event check-in export"), plan=_plan_checkins,
    list_url="services:event_list", filename_prefix="event-checkins",
    back=lambda params: reverse("services:event_detail", args=[parse_after(params.get("event")) or 0]))


@login_required
@require_GET
def event_checkin_export(request, pk):
    return exports.export_response(request, CHECKIN_EXPORT, event=pk)
