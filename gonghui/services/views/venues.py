"""Pages of venues, rooms, room bookings, art-troupe performances, film screenings and the
calendar. Thin: fetch through the scope (404 for hidden and missing alike), check the action, call
one service or selector, render."""

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
from gonghui.orgs.models import Enterprise, Org

from ..forms import venues as forms
from ..models.venues import (
    BookingStatus,
    Performance,
    PerformanceStatus,
    Room,
    RoomBooking,
    Screening,
    ScreeningStatus,
)
from ..policies import venues as policies
from ..selectors import venues as selectors
from ..services import venues as services


def _counts(counts, choices):
    return [(label, counts.get(code, 0), code) for code, label in choices if counts.get(code)]


def _list_form(request, form_class):
    form = form_class(request.GET, user=request.user)
    form.is_valid()
    form.set_org_options(reach_orgs(request.user, policies.VIEW))
    return form


def _pick_org(request, action, template, context):
    """The org a new record belongs to (?org=), or the picker page; a single choice is taken."""
    q = (request.GET.get("union_q") or "").replace("\x00", "").strip()[:60]
    raw = request.POST.get("org") or request.GET.get("org")
    if raw:
        return get_visible_or_404(Org.objects, request.user, parse_after(raw), action), None
    orgs = selectors.org_choices(request.user, action, q)
    if len(orgs) == 1 and not q:
        room = parse_after(request.GET.get("room"))
        return None, redirect(f"{request.path}?org={orgs[0].pk}" + (f"&room={room}" if room else ""))
    return None, render(request, template, {**context, "unions": orgs, "union_q": q, "org": None})


def _enterprises(org):
    return Enterprise.objects.filter(union__path__startswith=org.path).order_by("name")


# --- venues and rooms ---------------------------------------------------------------------------

@login_required
@require_GET
def venue_list(request):
    require(request.user, policies.VIEW)
    form = _list_form(request, forms.VenueFilterForm)
    page = selectors.venue_page(request.user, form.filters(), after=parse_after(request.GET.get("after")))
    return render(request, "services/venues/venue_list.html", {
        "form": form, "page": page, "query": form.query_string(), "tab": "venues", "sub": "venues",
        "can_create": policies.can(request.user, policies.CHANGE),
        "can_export": policies.can(request.user, policies.EXPORT)})


@login_required
@require_GET
def venue_export(request):
    return export_list(request, action=policies.EXPORT, view_action=policies.VIEW, scoped=[("org", Org)],
                       form=forms.VenueFilterForm(request.GET, user=request.user),
                       list_url="services:venue_list", export=services.export_venues,
                       filename=lambda: f"venues-{services.today():%Y%m%d}.xlsx")


@login_required
@require_http_methods(["GET", "POST"])
def venue_create(request):
    require(request.user, policies.CHANGE)
    context = {"tab": "venues", "sub": "venues", "title": _("New venue")}
    org, early = _pick_org(request, policies.CHANGE, "services/venues/form.html", context)
    if early is not None:
        return early
    form = forms.VenueForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        v = run_service(form, services.create_venue, actor=request.user, org=org, name=d["name"], kind=d["kind"],
                        address=d["address"], contact_phone=d["contact_phone"], description=d["description"])
        if v is not None:
            messages.success(request, _("The venue was added."))
            return redirect("services:venue_detail", pk=v.pk)
    return render(request, "services/venues/form.html", {**context, "form": form, "org": org},
                  status=400 if form.errors else 200)


def _venue(request, pk):
    require(request.user, policies.VIEW)
    v = selectors.venues(request.user).select_related("org").filter(pk=parse_after(pk) or 0).first()
    if v is None:
        raise Http404(_("Not found."))
    return v


@login_required
@require_GET
def venue_detail(request, pk):
    v = _venue(request, pk)
    day = services.today()
    rooms = selectors.rooms_of(v)
    schedules = [(r, selectors.room_schedule(r, day)) for r in rooms]
    # Bookings of other subtrees (a union looking at the district's palace) show as taken slots,
    # without a link (their page is 404 for this user) nor the other org's name.
    shown = [b.pk for _r, schedule in schedules for b in schedule]
    visible = set(selectors.bookings(request.user).filter(pk__in=shown).values_list("pk", flat=True)
                  if shown else [])
    return render(request, "services/venues/venue_detail.html", {
        "v": v, "rooms": schedules, "visible_bookings": visible, "tab": "venues", "sub": "venues",
        "can_change": policies.can(request.user, policies.CHANGE, v.org),
        "can_book": policies.can(request.user, policies.CHANGE),
        "history": history_for(request.user, v, related=[("services.Room", r.pk) for r in rooms]), "today": day})


@login_required
@require_http_methods(["GET", "POST"])
def venue_edit(request, pk):
    v = _venue(request, pk)
    require(request.user, policies.CHANGE, v.org)
    initial = {k: getattr(v, k) for k in ("name", "kind", "address", "contact_phone", "description", "is_active")}
    form = forms.VenueForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid() and run_service(
            form, services.update_venue, actor=request.user, venue=v, **form.cleaned_data) is not None:
        messages.success(request, _("The venue was saved."))
        return redirect("services:venue_detail", pk=v.pk)
    return render(request, "services/venues/form.html", {
        "form": form, "org": v.org, "title": v.name, "back": v, "tab": "venues", "sub": "venues"},
        status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def room_form(request, venue_pk, pk=None):
    v = _venue(request, venue_pk)
    require(request.user, policies.CHANGE, v.org)
    room = None
    if pk is not None:
        room = Room.objects.filter(venue=v, pk=pk).first()
        if room is None:
            raise Http404(_("Not found."))
    initial = {} if room is None else {k: getattr(room, k) for k in ("name", "kind", "capacity", "equipment",
                                                                    "is_bookable", "opens_at", "closes_at")}
    form = forms.RoomForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        if room is None:
            saved = run_service(form, services.create_room, actor=request.user, venue=v, **form.cleaned_data)
        else:
            room.venue = v
            saved = run_service(form, services.update_room, actor=request.user, room=room, **form.cleaned_data)
        if saved is not None:
            messages.success(request, _("The room was saved."))
            return redirect("services:venue_detail", pk=v.pk)
    return render(request, "services/venues/form.html", {
        "form": form, "org": v.org, "title": room.name if room else _("New room"), "back": v, "tab": "venues",
        "sub": "venues"}, status=400 if form.errors else 200)


# --- bookings -----------------------------------------------------------------------------------

@login_required
@require_GET
def booking_list(request):
    require(request.user, policies.VIEW)
    form = _list_form(request, forms.BookingFilterForm)
    filters = form.filters()
    page = selectors.booking_page(request.user, filters, after=parse_after(request.GET.get("after")))
    counts = selectors.status_counts(selectors.filtered_bookings(request.user, filters))
    return render(request, "services/venues/booking_list.html", {
        "form": form, "page": page, "query": form.query_string(), "tab": "venues", "sub": "bookings",
        "counts": _counts(counts, BookingStatus.choices),
        "can_create": policies.can(request.user, policies.CHANGE),
        "can_export": policies.can(request.user, policies.EXPORT)})


@login_required
@require_GET
def booking_export(request):
    return export_list(request, action=policies.EXPORT, view_action=policies.VIEW, scoped=[("org", Org)],
                       form=forms.BookingFilterForm(request.GET, user=request.user),
                       list_url="services:booking_list", export=services.export_bookings,
                       filename=lambda: f"room-bookings-{services.today():%Y%m%d}.xlsx")


@login_required
@require_http_methods(["GET", "POST"])
def booking_create(request):
    require(request.user, policies.CHANGE)
    context = {"tab": "venues", "sub": "bookings", "title": _("Book a room")}
    org, early = _pick_org(request, policies.CHANGE, "services/venues/form.html", context)
    if early is not None:
        return early
    rooms = selectors.bookable_rooms(request.user, org)
    initial = {"day": services.today() + services.datetime.timedelta(days=1), "contact_name": ""}
    if request.GET.get("room"):
        initial["room"] = parse_after(request.GET.get("room"))
    form = forms.BookingForm(request.POST if request.method == "POST" else None, rooms=rooms, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        starts_at, ends_at = form.slot()
        b = run_service(form, services.request_booking, actor=request.user, room=d["room"], org=org,
                        purpose=d["purpose"], starts_at=starts_at, ends_at=ends_at, attendees=d["attendees"],
                        contact_name=d["contact_name"], contact_phone=d["contact_phone"], note=d["note"])
        if b is not None:
            messages.success(request, _("The booking %(number)s was requested.") % {"number": b.number})
            return redirect("services:booking_detail", pk=b.pk)
    return render(request, "services/venues/form.html", {**context, "form": form, "org": org},
                  status=400 if form.errors else 200)


def _booking(request, pk):
    return get_visible_or_404(RoomBooking.objects.select_related("room__venue__org", "org", "decided_by",
                                                                 "created_by"), request.user, pk)


def _render_booking(request, b, *, bound=None, status=200):
    actions = policies.booking_actions(request.user, b)
    step_forms = {}
    if actions.confirm:
        step_forms["confirm"] = forms.EmptyForm(prefix="confirm")
    if actions.reject:
        step_forms["reject"] = forms.ReasonForm(prefix="reject")
    if actions.cancel:
        step_forms["cancel"] = forms.ReasonForm(prefix="cancel")
    if bound is not None:
        step_forms[bound[0]] = bound[1]
    clash = None
    if b.status == BookingStatus.REQUESTED:
        clash = services.overlapping(b.room, b.starts_at, b.ends_at, exclude=b.pk)
    return render(request, "services/venues/booking_detail.html", {
        "b": b, "actions": actions, "step_forms": step_forms, "clash": clash,
        "history": history_for(request.user, b), "tab": "venues", "sub": "bookings"}, status=status)


@login_required
@require_GET
def booking_detail(request, pk):
    return _render_booking(request, _booking(request, pk))


BOOKING_STEPS = {
    "confirm": (forms.EmptyForm, lambda u, x, d: services.confirm_booking(actor=u, booking=x),
                gettext_lazy("The booking was confirmed.")),
    "reject": (forms.ReasonForm, lambda u, x, d: services.reject_booking(actor=u, booking=x, reason=d["reason"]),
               gettext_lazy("The booking was rejected.")),
    "cancel": (forms.ReasonForm, lambda u, x, d: services.cancel_booking(actor=u, booking=x, reason=d["reason"]),
               gettext_lazy("The booking was cancelled.")),
}


def _step(request, obj, step, steps, actions, render_fn, detail_url):
    if step not in steps:
        raise Http404(_("Not found."))
    form_class, run, done = steps[step]
    if not getattr(actions, step):
        messages.warning(request, _("This step cannot be recorded now: the record is “%(status)s”.")
                         % {"status": obj.get_status_display()})
        return redirect(detail_url, pk=obj.pk)
    form = form_class(request.POST, prefix=step, **({} if step != "schedule" else {
        "rooms": selectors.bookable_rooms(request.user, policies.district_of(obj.org))}))
    result = run_service(form, lambda: run(request.user, obj, form.cleaned_data)) if form.is_valid() else None
    if result is not None:
        messages.success(request, str(done))
        return redirect(detail_url, pk=obj.pk)
    return render_fn(request, obj, bound=(step, form), status=400)


@login_required
@require_POST
def booking_step(request, pk, step):
    b = _booking(request, pk)
    if step not in BOOKING_STEPS:
        raise Http404(_("Not found."))
    if not (policies.can(request.user, policies.CHANGE, b.org)
            or policies.can(request.user, policies.APPROVE, b.room.venue.org)):
        require(request.user, policies.APPROVE, b.room.venue.org)
    return _step(request, b, step, BOOKING_STEPS, policies.booking_actions(request.user, b), _render_booking,
                 "services:booking_detail")


# --- performances -------------------------------------------------------------------------------

def _programme_list(request, *, form_class, page_of, filtered, statuses, template, sub):
    """The performances or the screenings list: the same filters, counts and yearly totals."""
    require(request.user, policies.VIEW)
    form = _list_form(request, form_class)
    filters = form.filters()
    year = filters.year or services.today().year
    page = page_of(request.user, filters, after=parse_after(request.GET.get("after")))
    counts = selectors.status_counts(filtered(request.user, filters))
    return render(request, template, {
        "form": form, "page": page, "query": form.query_string(), "tab": "programme", "sub": sub,
        "counts": _counts(counts, statuses), "totals": selectors.programme_totals(request.user, year),
        "year": year, "can_create": policies.can(request.user, policies.CHANGE),
        "can_export": policies.can(request.user, policies.EXPORT)})


@login_required
@require_GET
def programme_list(request):
    return _programme_list(request, form_class=forms.ProgrammeFilterForm, page_of=selectors.performance_page,
                           filtered=selectors.filtered_performances, statuses=PerformanceStatus.choices,
                           template="services/venues/performance_list.html", sub="performances")


@login_required
@require_GET
def performance_export(request):
    return export_list(request, action=policies.EXPORT, view_action=policies.VIEW, scoped=[("org", Org)],
                       form=forms.ProgrammeFilterForm(request.GET, user=request.user),
                       list_url="services:programme_list", export=services.export_performances,
                       filename=lambda: f"performances-{services.today():%Y%m%d}.xlsx")


@login_required
@require_http_methods(["GET", "POST"])
def performance_create(request):
    require(request.user, policies.CHANGE)
    context = {"tab": "programme", "sub": "performances", "title": _("Request an art troupe performance")}
    org, early = _pick_org(request, policies.CHANGE, "services/venues/form.html", context)
    if early is not None:
        return early
    form = forms.PerformanceRequestForm(request.POST if request.method == "POST" else None,
                                        enterprises=_enterprises(org))
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        p = run_service(form, services.request_performance, actor=request.user, org=org, **d)
        if p is not None:
            messages.success(request, _("The performance was requested."))
            return redirect("services:performance_detail", pk=p.pk)
    return render(request, "services/venues/form.html", {**context, "form": form, "org": org},
                  status=400 if form.errors else 200)


def _performance(request, pk):
    return get_visible_or_404(Performance.objects.select_related("org", "enterprise", "booking__room__venue",
                                                                 "created_by"), request.user, pk)


def _render_performance(request, p, *, bound=None, status=200):
    actions = policies.performance_actions(request.user, p)
    step_forms = {}
    if actions.schedule:
        step_forms["schedule"] = forms.ScheduleForm(
            prefix="schedule", rooms=selectors.bookable_rooms(request.user, policies.district_of(p.org)),
            initial={"day": p.wanted_on, "programme": p.programme, "place": p.place})
    if actions.decline:
        step_forms["decline"] = forms.ReasonForm(prefix="decline")
    if actions.done:
        step_forms["done"] = forms.PerformanceDoneForm(prefix="done", initial={"audience": p.expected_audience})
    if actions.cancel:
        step_forms["cancel"] = forms.ReasonForm(prefix="cancel")
    if bound is not None:
        step_forms[bound[0]] = bound[1]
    return render(request, "services/venues/performance_detail.html", {
        "p": p, "actions": actions, "step_forms": step_forms, "history": history_for(request.user, p),
        "tab": "programme", "sub": "performances"}, status=status)


@login_required
@require_GET
def performance_detail(request, pk):
    return _render_performance(request, _performance(request, pk))


def _schedule(u, p, d):
    return services.schedule_performance(actor=u, performance=p, starts_at=services.timezone.make_aware(
        services.datetime.datetime.combine(d["day"], d["start"])), ends_at=services.timezone.make_aware(
        services.datetime.datetime.combine(d["day"], d["end"])), room=d["room"], place=d["place"],
        programme=d["programme"])


PERFORMANCE_STEPS = {
    "schedule": (forms.ScheduleForm, _schedule, gettext_lazy("The performance was scheduled.")),
    "decline": (forms.ReasonForm, lambda u, x, d: services.decline_performance(actor=u, performance=x,
                                                                               reason=d["reason"]),
                gettext_lazy("The request was declined.")),
    "done": (forms.PerformanceDoneForm, lambda u, x, d: services.record_performance(
        actor=u, performance=x, audience=d["audience"], summary=d["summary"]),
        gettext_lazy("The performance was recorded.")),
    "cancel": (forms.ReasonForm, lambda u, x, d: services.cancel_performance(actor=u, performance=x,
                                                                             reason=d["reason"]),
               gettext_lazy("The performance was cancelled.")),
}


@login_required
@require_POST
def performance_step(request, pk, step):
    p = _performance(request, pk)
    if step not in PERFORMANCE_STEPS:
        raise Http404(_("Not found."))
    if not (policies.can(request.user, policies.CHANGE, p.org) or policies.can_run_troupe(request.user, p.org)):
        require(request.user, policies.CHANGE, p.org)
    return _step(request, p, step, PERFORMANCE_STEPS, policies.performance_actions(request.user, p),
                 _render_performance, "services:performance_detail")


# --- screenings ---------------------------------------------------------------------------------

@login_required
@require_GET
def screening_list(request):
    return _programme_list(request, form_class=forms.ScreeningFilterForm, page_of=selectors.screening_page,
                           filtered=selectors.filtered_screenings, statuses=ScreeningStatus.choices,
                           template="services/venues/screening_list.html", sub="screenings")


@login_required
@require_GET
def screening_export(request):
    return export_list(request, action=policies.EXPORT, view_action=policies.VIEW, scoped=[("org", Org)],
                       form=forms.ScreeningFilterForm(request.GET, user=request.user),
                       list_url="services:screening_list", export=services.export_screenings,
                       filename=lambda: f"screenings-{services.today():%Y%m%d}.xlsx")


@login_required
@require_http_methods(["GET", "POST"])
def screening_create(request):
    require(request.user, policies.CHANGE)
    context = {"tab": "programme", "sub": "screenings", "title": _("Plan a film screening")}
    org, early = _pick_org(request, policies.CHANGE, "services/venues/form.html", context)
    if early is not None:
        return early
    form = forms.ScreeningForm(request.POST if request.method == "POST" else None, enterprises=_enterprises(org),
                               initial={"day": services.today()})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        s = run_service(form, services.plan_screening, actor=request.user, org=org, film=d["film"],
                        starts_at=form.starts_at(), site=d["site"], enterprise=d["enterprise"], note=d["note"])
        if s is not None:
            messages.success(request, _("The screening was planned."))
            return redirect("services:screening_detail", pk=s.pk)
    return render(request, "services/venues/form.html", {**context, "form": form, "org": org},
                  status=400 if form.errors else 200)


def _screening(request, pk):
    return get_visible_or_404(Screening.objects.select_related("org", "enterprise", "created_by"), request.user, pk)


def _render_screening(request, s, *, bound=None, status=200):
    actions = policies.screening_actions(request.user, s)
    step_forms = {}
    if actions.done:
        step_forms["done"] = forms.ScreeningDoneForm(prefix="done")
    if actions.cancel:
        step_forms["cancel"] = forms.ReasonForm(prefix="cancel")
    if bound is not None:
        step_forms[bound[0]] = bound[1]
    return render(request, "services/venues/screening_detail.html", {
        "s": s, "actions": actions, "step_forms": step_forms, "history": history_for(request.user, s),
        "tab": "programme", "sub": "screenings"}, status=status)


@login_required
@require_GET
def screening_detail(request, pk):
    return _render_screening(request, _screening(request, pk))


SCREENING_STEPS = {
    "done": (forms.ScreeningDoneForm, lambda u, x, d: services.record_screening(
        actor=u, screening=x, audience=d["audience"], note=d["note"]), gettext_lazy("The screening was recorded.")),
    "cancel": (forms.ReasonForm, lambda u, x, d: services.cancel_screening(actor=u, screening=x,
                                                                           reason=d["reason"]),
               gettext_lazy("The screening was cancelled.")),
}


@login_required
@require_POST
def screening_step(request, pk, step):
    s = _screening(request, pk)
    if step not in SCREENING_STEPS:
        raise Http404(_("Not found."))
    require(request.user, policies.CHANGE, s.org)
    return _step(request, s, step, SCREENING_STEPS, policies.screening_actions(request.user, s),
                 _render_screening, "services:screening_detail")


# --- calendar -----------------------------------------------------------------------------------

@login_required
@require_GET
def calendar_view(request):
    require(request.user, policies.VIEW)
    data = request.GET.copy()
    if not data.get("month"):
        data["month"] = f"{services.today():%Y-%m}"
    form = forms.CalendarForm(data, user=request.user)
    form.is_valid()
    form.set_org_options(reach_orgs(request.user, policies.VIEW))
    year, month = form.year_month()
    what = form.value("what") or ""
    day = form.value("day")
    if day is not None and not 2000 <= day.year <= 2100:
        day = None
    kinds = (what,) if what else selectors.CALENDAR_KINDS
    items = selectors.calendar_items(request.user, selectors.CalendarFilters(
        year=year, month=month, venue=form.value("venue"), org=form.value("org"), kinds=kinds, day=day))
    month_key = f"{year:04d}-{month:02d}"
    context = {"form": form, "year": year, "month": month, "items": items, "day": day,
               "today": services.today(), "tab": "venues", "sub": "calendar",
               # "+N" of a day: the same filters, that day only
               "day_base": form.query_string(month=month_key, day=None) + "&day="}
    if day is not None:
        context["back"] = form.query_string(month=month_key, day=None)
    else:
        context["weeks"], context["days"] = selectors.month_grid(year, month, items)
        prev_m = (year, month - 1) if month > 1 else (year - 1, 12)
        next_m = (year, month + 1) if month < 12 else (year + 1, 1)
        context["prev"] = form.query_string(month=f"{prev_m[0]:04d}-{prev_m[1]:02d}", day=None)
        context["next"] = form.query_string(month=f"{next_m[0]:04d}-{next_m[1]:02d}", day=None)
    return render(request, "services/venues/calendar.html", context)
