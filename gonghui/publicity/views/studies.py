"""Pages of cadre study sessions. Thin: fetch through the scope (404 for hidden and missing
alike), check the action, call one service or selector, render.

- list (filters, search, counts by status, pager, export), create, edit;
- a session's page: details, counts, the invitees with their attendance, materials, history and
  the steps the user may take (invite, cancel, mark held, add material); the attendance sheet
  (bulk, one page) with the QR check-in code; the QR check-in page the cadre's phone opens;
- "my study sessions" (any signed-in user: their invitations and their record for the year);
- counts by town for a year, with the Excel export.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gonghui.core.errors import DomainError
from gonghui.core.excel import xlsx_response
from gonghui.core.forms import run_service
from gonghui.core.pagination import parse_after
from gonghui.core.policies import get_visible_or_404, require
from gonghui.core.qr import qr_svg
from gonghui.core.responses import export_list, no_store
from gonghui.core.selectors import history_for, reach_orgs
from gonghui.core.uploads import private_file_response, upload_limit_then_csrf
from gonghui.orgs.models import Org

from ..forms import studies as forms
from ..models.studies import StudyAttendance, StudyMaterial, StudySession, StudyStatus
from ..policies import studies as policies
from ..rules.studies import rules
from ..selectors import studies as selectors
from ..services import studies as services

TAB = "studies"


@login_required
@require_GET
def study_list(request):
    require(request.user, policies.VIEW)
    form = forms.StudyFilterForm(request.GET, user=request.user)
    form.set_org_options(reach_orgs(request.user, policies.VIEW))
    form.is_valid()
    filters = form.filters()
    page = selectors.session_page(request.user, filters, after=parse_after(request.GET.get("after")))
    counts = selectors.status_counts(request.user, filters)
    return render(request, "publicity/studies/list.html", {
        "form": form, "page": page, "query": form.query_string(), "tab": TAB,
        "counts": [(label, counts.get(code, 0), code) for code, label in StudyStatus.choices if counts.get(code)],
        "can_create": policies.can(request.user, policies.CHANGE),
        "can_export": policies.can(request.user, policies.EXPORT),
    })


@login_required
@require_GET
def study_export(request):
    form = forms.StudyFilterForm(request.GET, user=request.user)
    form.set_org_options(reach_orgs(request.user, policies.VIEW))
    return export_list(request, action=policies.EXPORT, view_action=policies.VIEW, scoped=[("org", Org)],
                       form=form, list_url="publicity:study_list", export=services.export_sessions,
                       filename=lambda: f"study-sessions-{services.today():%Y%m%d}.xlsx")


def _organisers(user):
    return [o for o in reach_orgs(user, policies.CHANGE) if o.is_active]


@login_required
@require_http_methods(["GET", "POST"])
def study_create(request):
    require(request.user, policies.CHANGE)
    organisers = _organisers(request.user)
    data = request.POST if request.method == "POST" else request.GET
    org = None
    if data.get("org"):
        org = get_visible_or_404(Org.objects, request.user, parse_after(data.get("org")), policies.CHANGE)
    elif len(organisers) == 1:
        org = organisers[0]
    form = forms.SessionForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and org is not None and form.is_valid():
        created = run_service(form, services.create_session, actor=request.user, org=org, **form.cleaned_data)
        if created is not None:
            messages.success(request, _("The study session was created: invite the cadres now."))
            return redirect("publicity:study_detail", pk=created.pk)
    return render(request, "publicity/studies/form.html", {
        "form": form, "org": org, "organisers": organisers, "tab": TAB, "creating": True,
    }, status=400 if form.errors else 200)


def _session(request, pk, action=None):
    return get_visible_or_404(StudySession.objects.select_related("org", "town"), request.user, pk, action)


@login_required
@require_http_methods(["GET", "POST"])
def study_edit(request, pk):
    session = _session(request, pk)
    require(request.user, policies.CHANGE, session.org)
    if request.method == "POST":
        form = forms.SessionForm(request.POST)
        if form.is_valid() and run_service(form, services.update_session, actor=request.user, session=session,
                                           **form.cleaned_data) is not None:
            messages.success(request, _("The study session was saved."))
            return redirect("publicity:study_detail", pk=session.pk)
    else:
        form = forms.SessionForm(initial={f: getattr(session, f) for f in services.EDITABLE})
    return render(request, "publicity/studies/form.html", {"form": form, "org": session.org, "session": session,
                                                           "tab": TAB}, status=400 if form.errors else 200)


def _step_forms(request, session, actions, bound=None):
    step_forms = {}
    if actions.invite:
        q = (request.GET.get("who") or "").replace("\x00", "").strip()[:40]
        step_forms["invite"] = forms.InviteForm(prefix="invite", orgs=selectors.org_choices(request.user, session),
                                                users=selectors.cadre_choices(session, q))
    if actions.cancel:
        step_forms["cancel"] = forms.CancelForm(prefix="cancel")
    if actions.materials:
        step_forms["material"] = forms.MaterialForm(prefix="material")
    if bound is not None:
        step_forms[bound[0]] = bound[1]
    return step_forms


def _render_detail(request, session, *, bound=None, status=200):
    actions = policies.session_actions(request.user, session)
    return render(request, "publicity/studies/detail.html", {
        "s": session, "actions": actions, "step_forms": _step_forms(request, session, actions, bound),
        "invitees": selectors.invitees_of(session), "materials": selectors.materials_of(session),
        "counts": selectors.sheet_counts(session), "lock_day": services.lock_day(session),
        "locked": services.attendance_locked(session), "history": history_for(request.user, session), "tab": TAB,
    }, status=status)


@login_required
@require_GET
def study_detail(request, pk):
    return _render_detail(request, _session(request, pk))


def _invite(request, session, form):
    d = form.cleaned_data
    orgs = list(Org.objects.filter(pk__in=[int(x) for x in d["orgs"]]))
    from gonghui.accounts.models import User

    users = list(User.objects.filter(pk__in=[int(x) for x in d["users"]]))
    return services.invite(actor=request.user, session=session, whole_subtree=d["whole_subtree"], orgs=orgs,
                           users=users)


STEPS = {  # step: (form, actions flag, run, message)
    "invite": (forms.InviteForm, "invite", _invite, None),
    "cancel": (forms.CancelForm, "cancel", lambda r, s, f: services.cancel_session(
        actor=r.user, session=s, reason=f.cleaned_data["reason"]), gettext_lazy("The study session was cancelled.")),
    "hold": (None, "hold", lambda r, s, f: services.mark_held(actor=r.user, session=s),
             gettext_lazy("The study session is marked held.")),
    "material": (forms.MaterialForm, "materials", lambda r, s, f: services.add_material(
        actor=r.user, session=s, upload=f.cleaned_data["file"]), gettext_lazy("The material was added.")),
}


def _material_limit():
    return rules().material_max_bytes


def _too_large_text():
    return _("The file is larger than %(mb)s MB.") % {"mb": round(_material_limit() / 2**20)}


@upload_limit_then_csrf(_material_limit)  # a material over the limit is never read to the end
@login_required
@require_POST
def study_step(request, pk, step):
    if step not in STEPS:
        raise Http404(_("Not found."))
    if not getattr(request, "_upload_limit_fits", True):
        return HttpResponse(_too_large_text(), status=413)
    form_class, flag, run, done = STEPS[step]
    session = _session(request, pk)
    require(request.user, policies.CHANGE, session.org)
    if not getattr(policies.session_actions(request.user, session), flag):
        messages.warning(request, _("This step cannot be taken now: the session is “%(status)s”.")
                         % {"status": session.get_status_display()})
        return redirect("publicity:study_detail", pk=session.pk)
    if form_class is forms.InviteForm:
        form = form_class(request.POST, prefix=step, orgs=selectors.org_choices(request.user, session, limit=5000),
                          users=selectors.cadre_choices(session, limit=5000))
    elif form_class is not None:
        form = form_class(request.POST, request.FILES, prefix=step)
    else:
        form = None
    if form is None:
        try:
            run(request, session, None)
        except DomainError as exc:
            messages.error(request, exc.text)
        else:
            messages.success(request, str(done))
        return redirect("publicity:study_detail", pk=session.pk)
    if getattr(request, "upload_too_large", False):
        form.is_valid()
        form.add_error("file" if "file" in form.fields else None, _too_large_text())
        result = None
    else:
        result = run_service(form, lambda: run(request, session, form)) if form.is_valid() else None
    if result is not None:
        messages.success(request, str(done) if done else _("%(n)s cadres invited.") % {"n": result})
        return redirect("publicity:study_detail", pk=session.pk)
    return _render_detail(request, _session(request, pk), bound=(step, form), status=400)


@login_required
@require_POST
def study_uninvite(request, pk, invitee_id):
    session = _session(request, pk)
    require(request.user, policies.CHANGE, session.org)
    try:
        services.remove_invitee(actor=request.user, session=session, invitee_id=invitee_id)
    except DomainError as exc:
        messages.error(request, exc.text)
    else:
        messages.success(request, _("The invitation was removed."))
    return redirect("publicity:study_detail", pk=session.pk)


@login_required
@require_GET
def study_material(request, pk, material_id):
    session = _session(request, pk)
    material = StudyMaterial.objects.filter(session=session, pk=material_id).first()
    if material is None:
        raise Http404(_("Not found."))
    return private_file_response(material.file, material.name)


@login_required
@require_POST
def study_material_delete(request, pk, material_id):
    session = _session(request, pk)
    require(request.user, policies.CHANGE, session.org)
    try:
        services.delete_material(actor=request.user, session=session, material_id=material_id)
    except DomainError as exc:
        messages.error(request, exc.text)
    else:
        messages.success(request, _("The material was removed."))
    return redirect("publicity:study_detail", pk=session.pk)


@login_required
@require_http_methods(["GET", "POST"])
def study_attendance(request, pk):
    """The organiser's sheet: one status (and a reason for leave) per invitee, saved at once; the
    QR check-in code beside it while the sheet is open."""
    session = _session(request, pk)
    require(request.user, policies.CHANGE, session.org)
    invitees = selectors.invitees_of(session)
    errors = []
    if request.method == "POST":
        entries = {str(i.pk): (request.POST.get(f"status_{i.pk}", "")[:10], request.POST.get(f"reason_{i.pk}", ""))
                   for i in invitees}
        try:
            n = services.record_attendance(actor=request.user, session=session, entries=entries)
        except DomainError as exc:
            errors = exc.messages
            for i in invitees:
                i.status, i.reason = entries[str(i.pk)][0] or i.status, entries[str(i.pk)][1]
        else:
            messages.success(request, _("Attendance saved: %(n)s changed.") % {"n": n})
            return redirect("publicity:study_attendance", pk=session.pk)
    actions = policies.session_actions(request.user, session)
    context = {"s": session, "invitees": invitees, "errors": errors, "actions": actions, "tab": TAB,
               "statuses": StudyAttendance.choices, "counts": selectors.sheet_counts(session),
               "lock_day": services.lock_day(session), "locked": services.attendance_locked(session)}
    if actions.qr:
        url = services.checkin_url(session)
        opens, closes = services.checkin_window(session)
        context.update({"checkin_url": url, "qr": qr_svg(url, scale=5), "opens": opens, "closes": closes})
    return no_store(render(request, "publicity/studies/attendance.html", context, status=400 if errors else 200))


@login_required
@require_POST
def study_rotate(request, pk):
    session = _session(request, pk)
    services.rotate_checkin_token(actor=request.user, session=session)
    messages.success(request, _("A new check-in code was made; the old one no longer works."))
    return redirect("publicity:study_attendance", pk=session.pk)


@login_required
@require_http_methods(["GET", "POST"])
def study_checkin(request, pk):
    """The page the QR code opens on the cadre's phone: a button to check in (POST), the result."""
    token = (request.POST.get("t") if request.method == "POST" else request.GET.get("t", "")) or ""
    token = token[:512]
    invitation = selectors.my_invitation(request.user, pk)
    context = {"token": token, "invitation": invitation, "session": invitation.session if invitation else None}
    if request.method == "GET":
        return no_store(render(request, "publicity/studies/checkin.html", context))
    try:
        result = services.check_in(actor=request.user, session_pk=pk, token=token)
    except DomainError as exc:
        context.update({"error": exc.text, "code": exc.code})
        return no_store(render(request, "publicity/studies/checkin.html", context, status=400))
    context.update({"result": result, "invitation": result.invitee})
    return no_store(render(request, "publicity/studies/checkin.html", context))


@login_required
@require_GET
def my_studies(request):
    """The sessions I am invited to and my record of the year (any signed-in user; own rows only)."""
    form = forms.StatsForm(request.GET)
    year = (form.cleaned_data.get("year") if form.is_valid() else None) or services.today().year
    form = form if form.errors else forms.StatsForm({"year": year})  # the field shows the year shown
    return render(request, "publicity/studies/my.html", {
        "form": form, "year": year, "upcoming": list(selectors.my_upcoming(request.user)[:20]),
        "invitations": list(selectors.my_invitations(request.user, year)[:200]),
        "record": selectors.my_record(request.user, year)})


@login_required
@require_GET
def my_study_material(request, pk, material_id):
    invitation = selectors.my_invitation(request.user, pk)
    material = StudyMaterial.objects.filter(session_id=pk, pk=material_id).first() if invitation else None
    if material is None:
        raise Http404(_("Not found."))
    return private_file_response(material.file, material.name)


@login_required
@require_GET
def my_study_detail(request, pk):
    invitation = selectors.my_invitation(request.user, pk)
    if invitation is None:
        raise Http404(_("Not found."))
    return render(request, "publicity/studies/my_detail.html", {
        "i": invitation, "s": invitation.session, "materials": selectors.materials_of(invitation.session)})


@login_required
@require_GET
def study_stats(request):
    require(request.user, policies.VIEW)
    form = forms.StatsForm(request.GET)
    year = (form.cleaned_data.get("year") if form.is_valid() else None) or services.today().year
    form = form if form.errors else forms.StatsForm({"year": year})
    table = selectors.town_counts(request.user, year)
    chart = selectors.town_chart(table, labels={"sessions": _("Sessions held"),
                                                "attended": _("Attended (person-times)")}) if table.lines else None
    n = len(table.lines)
    chart_class = "chart" if n <= 4 else "chart chart-md" if n <= 10 else "chart chart-lg"
    return render(request, "publicity/studies/stats.html", {
        "form": form, "year": year, "table": table, "chart": chart, "chart_class": chart_class, "tab": TAB,
        "definitions": services.definitions(), "can_export": policies.can(request.user, policies.EXPORT)})


@login_required
@require_GET
def study_stats_export(request):
    require(request.user, policies.EXPORT)
    form = forms.StatsForm(request.GET)
    year = (form.cleaned_data.get("year") if form.is_valid() else None) or services.today().year
    handle, _rows = services.export_town_counts(actor=request.user, year=year)
    return xlsx_response(handle, f"study-sessions-by-town-{year}.xlsx")


