"""Pages of attendance, completion and certificates. Thin: fetch through the scope (404 for hidden
and missing alike), check the action, call one service or selector, render.

- a session's attendance sheet (one radio group per trainee, saved all or nothing) with its QR
  check-in code (inline SVG, no script), and the member's check-in page the code opens;
- a course's scores page, the completion decision and issuing certificates (POST from the panel);
- the certificates list (filters, search, pager, export), a certificate's page (history, PDF,
  revoke), the member's own PDF;
- the public verification page (no login): a form and `/training/verify/<code>/`.
"""

import math

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gonghui.core.api_support import hit
from gonghui.core.context import client_ip
from gonghui.core.errors import DomainError
from gonghui.core.pagination import parse_after
from gonghui.core.policies import get_visible_or_404, require
from gonghui.core.responses import export_list, no_store
from gonghui.core.selectors import history_for
from gonghui.members.selectors import person_of_account

from ..forms import attendance as forms
from ..models.attendance import AttendanceStatus, Certificate, CertificateStatus
from ..models.courses import Course, CourseSession
from ..policies import attendance as policies
from ..rules.attendance import rules
from ..selectors import attendance as selectors
from ..services import attendance as services


def _course_url(course):
    try:
        return reverse("training:course_detail", kwargs={"pk": course.pk})
    except Exception:  # noqa: BLE001 — the courses area may name it differently; fall back to the list
        return reverse("training:certificate_list")


def _back_to_course(course):
    return redirect(_course_url(course))


# --- a session's attendance ---------------------------------------------------------------------------

def _session(request, session_pk, action=policies.VIEW):
    try:
        return selectors.visible_sessions(request.user, action).select_related("course__org", "teacher") \
            .get(pk=session_pk)
    except CourseSession.DoesNotExist as exc:
        raise Http404(_("Not found.")) from exc


def _sheet_context(request, session, *, errors=None, posted=None):
    can_record = policies.can(request.user, policies.CHANGE, session.course.org)
    rows = selectors.session_sheet(session)
    if posted is not None:
        for row in rows:
            row.posted = posted.get(str(row.enrolment.pk), row.status)
    locked = services.locked_reason(session.course) if can_record else None
    can_record = can_record and locked is None
    context = {"session": session, "course": session.course, "rows": rows, "can_record": can_record,
               "locked": locked.text if locked else "",
               "statuses": AttendanceStatus.choices, "errors": errors or [], "course_url": _course_url(session.course)}
    if can_record and not session.is_cancelled:
        url = services.checkin_url(session)
        opens, closes = services.checkin_window(session)
        context.update({"checkin_url": url, "qr": services.qr_svg(url, scale=5), "opens": opens, "closes": closes})
    return context


@login_required
@require_http_methods(["GET", "POST"])
def session_attendance(request, session_pk):
    session = _session(request, session_pk)
    if request.method == "GET":
        return render(request, "training/attendance/session.html", _sheet_context(request, session))
    require(request.user, policies.CHANGE, session.course.org)
    entries = {k[len("status_"):]: v for k, v in request.POST.items() if k.startswith("status_") and v}
    try:
        n = services.record_attendance(actor=request.user, session=session, entries=entries,
                                       note=request.POST.get("note", "")[:400])
    except DomainError as exc:
        return render(request, "training/attendance/session.html",
                      _sheet_context(request, session, errors=exc.messages, posted=entries), status=400)
    messages.success(request, _("Attendance saved: %(n)s record(s) written or changed.") % {"n": n})
    return redirect("training:session_attendance", session_pk=session.pk)


@login_required
@require_POST
def session_rotate(request, session_pk):
    session = _session(request, session_pk)
    require(request.user, policies.CHANGE, session.course.org)
    services.rotate_checkin_token(actor=request.user, session=session)
    messages.success(request, _("A new check-in code is shown; the old one no longer works."))
    return redirect("training:session_attendance", session_pk=session.pk)


@never_cache
@login_required
@require_GET
def checkin(request, session_pk):
    """The page the QR code opens on the member's phone: checks the member in, or says why not."""
    person = person_of_account(request.user)
    session = CourseSession.objects.select_related("course").filter(pk=session_pk).first()
    try:
        result = services.check_in(actor=request.user, person=person, session_pk=session_pk,
                                   token=request.GET.get("t", "")[:512])
    except DomainError as exc:
        # Name the course and session only to a holder of a genuine code of this session.
        known = session if exc.code != "invalid_token" else None
        return render(request, "training/attendance/checkin.html",
                      {"error": exc.text, "code": exc.code, "session": known,
                       "course": known.course if known else None, "person": person if known else None},
                      status=400)
    return render(request, "training/attendance/checkin.html", {
        "result": result, "session": session, "course": session.course, "person": person})


# --- scores, completion, certificates of a course --------------------------------------------------------

def _course(request, course_pk, action=policies.VIEW):
    return get_visible_or_404(Course.objects.select_related("org"), request.user, course_pk, action)


@login_required
@require_http_methods(["GET", "POST"])
def course_scores(request, course_pk):
    course = _course(request, course_pk)
    require(request.user, policies.CHANGE, course.org)
    panel = selectors.course_panel(course)
    errors, posted = [], None
    if request.method == "POST":
        posted = {k[len("score_"):]: v for k, v in request.POST.items() if k.startswith("score_")}
        try:
            n = services.record_scores(actor=request.user, course=course, scores=posted)
        except DomainError as exc:
            errors = exc.messages
        else:
            messages.success(request, _("Scores saved: %(n)s changed.") % {"n": n})
            return redirect("training:course_scores", course_pk=course.pk)
        for line in panel["trainees"]:
            line.posted = posted.get(str(line.enrolment.pk), "")
    locked = services.locked_reason(course, scores=True)
    return render(request, "training/attendance/scores.html", {
        "course": course, "panel": panel, "errors": errors, "course_url": _course_url(course),
        "locked": locked.text if locked else "",
    }, status=400 if errors else 200)


@login_required
@require_POST
def course_complete(request, course_pk):
    course = _course(request, course_pk)
    require(request.user, policies.CHANGE, course.org)
    try:
        d = services.decide_completion(actor=request.user, course=course)
    except DomainError as exc:
        messages.error(request, exc.text)
    else:
        messages.success(request, _("Completion decided: %(done)s completed, %(not)s not completed.")
                         % {"done": d.completed + d.kept, "not": d.not_completed})
    return _back_to_course(course)


@login_required
@require_POST
def course_issue(request, course_pk):
    course = _course(request, course_pk)
    require(request.user, policies.CHANGE, course.org)
    try:
        certs = services.issue_certificates(actor=request.user, course=course)
    except DomainError as exc:
        messages.error(request, exc.text)
    else:
        messages.success(request, _("%(n)s certificate(s) issued.") % {"n": len(certs)})
    return _back_to_course(course)


# --- certificates ---------------------------------------------------------------------------------------

@login_required
@require_GET
def certificate_list(request):
    require(request.user, policies.VIEW)
    form = forms.CertificateFilterForm(request.GET)
    form.is_valid()
    filters = form.filters()
    counts = selectors.status_counts(request.user, filters)
    page = selectors.certificate_page(request.user, filters, after=parse_after(request.GET.get("after")),
                                      counts=counts)
    return render(request, "training/attendance/certificate_list.html", {
        "form": form, "page": page, "query": form.query_string(),
        "counts": [(label, counts.get(code, 0), code) for code, label in CertificateStatus.choices
                   if counts.get(code)],
        "can_export": policies.can(request.user, policies.EXPORT),
    })


@login_required
@require_GET
def certificate_export(request):
    return export_list(request, action=policies.EXPORT, view_action=policies.VIEW, scoped=[("course", Course)],
                       form=forms.CertificateFilterForm(request.GET), list_url="training:certificate_list",
                       export=services.export_certificates,
                       filename=lambda: f"training-certificates-{services.today():%Y%m%d}.xlsx")


def _certificate(request, pk):
    try:
        return selectors.certificate_rows().filter(pk__in=selectors.certificates(request.user).values("pk")) \
            .select_related("enrolment__course__org", "enrolment__union", "issued_by").get(pk=pk)
    except Certificate.DoesNotExist as exc:
        raise Http404(_("Not found.")) from exc


def _render_certificate(request, cert, *, form=None, status=200):
    can_revoke = (cert.status == CertificateStatus.VALID
                  and policies.can(request.user, policies.APPROVE, cert.enrolment.course.org))
    return render(request, "training/attendance/certificate_detail.html", {
        "cert": cert, "code": services.display_code(cert.code), "verify_url": services.verify_url(cert),
        "can_revoke": can_revoke, "form": form or (forms.RevokeForm() if can_revoke else None),
        "history": history_for(request.user, cert), "course_url": _course_url(cert.enrolment.course),
    }, status=status)


@login_required
@require_GET
def certificate_detail(request, pk):
    return _render_certificate(request, _certificate(request, pk))


def _pdf_response(request, cert, fallback):
    try:
        data = services.render_certificate_pdf(actor=request.user, certificate=cert)
    except DomainError as exc:
        messages.error(request, exc.text)
        return redirect(fallback)
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="certificate-{cert.number}.pdf"'
    return no_store(response)


@login_required
@require_GET
def certificate_pdf(request, pk):
    cert = _certificate(request, pk)
    return _pdf_response(request, cert, reverse("training:certificate_detail", kwargs={"pk": cert.pk}))


@login_required
@require_POST
def certificate_revoke(request, pk):
    cert = _certificate(request, pk)
    require(request.user, policies.APPROVE, cert.enrolment.course.org)
    form = forms.RevokeForm(request.POST)
    if form.is_valid():
        try:
            services.revoke_certificate(actor=request.user, certificate=cert, reason=form.cleaned_data["reason"])
        except DomainError as exc:
            form.add_error("reason" if exc.field == "reason" else None, exc.messages)
        else:
            messages.success(request, _("The certificate is revoked; its code now verifies as revoked."))
            return redirect("training:certificate_detail", pk=cert.pk)
    return _render_certificate(request, cert, form=form, status=400)


@login_required
@require_GET
def my_certificate_pdf(request, pk):
    """A member's own certificate (found through their person, never by another person's id)."""
    person = person_of_account(request.user)
    if person is None:
        raise Http404(_("Not found."))
    cert = selectors.my_certificates(person).filter(pk=pk).first()
    if cert is None:
        raise Http404(_("Not found."))
    return _pdf_response(request, cert, "/")


# --- public verification -------------------------------------------------------------------------------

@never_cache
@require_GET
def verify(request):
    form = forms.VerifyForm(request.GET or None)
    if form.is_bound and form.is_valid():
        code = services.normalise_code(form.cleaned_data["code"])
        if code:
            return redirect("training:verify_code", code=services.display_code(code))
    return render(request, "training/attendance/verify.html", {"form": form})


VERIFY_RATE_SCOPE = "training-verify"  # shared with the API's verify endpoint


def _verify_rate_wait(request):
    """Seconds to wait when this client IP made too many verifications, else None."""
    return hit(VERIFY_RATE_SCOPE, client_ip(request) or "-", rules().verify_rate)


@never_cache
@require_GET
def verify_code(request, code):
    wait = _verify_rate_wait(request)
    if wait is not None:
        seconds = math.ceil(wait)
        response = render(request, "training/attendance/verify.html", {
            "form": forms.VerifyForm(initial={"code": code[:40]}), "limited": True,
            "limited_message": _("Too many verifications from your network in a short time. "
                                 "Please wait %(n)s seconds and try again.") % {"n": seconds},
        }, status=429)
        response["Retry-After"] = str(seconds)
        return response
    result = services.verify_code(code[:64])
    return render(request, "training/attendance/verify.html", {
        "form": forms.VerifyForm(initial={"code": code[:40]}), "result": result,
        "code": services.display_code(services.normalise_code(code))[:40],
    })
