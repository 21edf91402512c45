"""Pages of the member import and export. Thin: check the action, fetch through the scope (404
for hidden and missing alike), call one function of `importing` / `exporting`, render.

Uploads are type- and size-checked before anything is stored: the Content-Length is looked at
before the body is read, an upload handler stops at the limit, and the file must open as an
.xlsx workbook. Spreadsheets go out formula-safe (see core.excel).
"""

import tempfile

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRefresh

from gonghui.core import exports
from gonghui.core.excel import SpreadsheetError, check_xlsx, xlsx_response
from gonghui.core.pagination import keyset_page, parse_after
from gonghui.core.policies import get_visible_or_404, require
from gonghui.core.responses import no_store
from gonghui.core.uploads import limit_upload, too_large_import_message
from gonghui.orgs.models import Org, OrgLevel

from . import exporting, importing
from .models import ImportStatus, MemberImport

IMPORT = "members.import"
ERRORS_PER_PAGE = 50



# --- template -------------------------------------------------------------------------------------

@login_required
@require_GET
def import_template(request):
    require(request.user, IMPORT)
    handle = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 — closed by the response
    importing.write_template(handle)
    return xlsx_response(handle, "member-import-template.xlsx")


# --- upload ---------------------------------------------------------------------------------------

class ImportUploadForm(forms.Form):
    target = forms.ModelChoiceField(label=gettext_lazy("Import into"), queryset=Org.objects.none(),
                                    empty_label=None)
    union_code = forms.CharField(
        label=gettext_lazy("Or one union, by its code"), required=False, max_length=32,
        help_text=gettext_lazy("Optional. Every row then goes into this union and the union code column may be "
                               "left empty."))
    file = forms.FileField(label=gettext_lazy("Member spreadsheet (.xlsx)"),
                           widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,application/vnd.openxmlformats-"
                                                                            "officedocument.spreadsheetml.sheet"}))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["target"].queryset = Org.objects.visible_to(user, IMPORT).filter(is_active=True).exclude(
            level=OrgLevel.GROUP)
        self.fields["target"].widget.choices = [(o.pk, _indent(o)) for o in importing.import_targets(user)]
        for name, field in self.fields.items():
            field.widget.attrs["class"] = "form-select" if name == "target" else "form-control"

    def clean_file(self):
        upload = self.cleaned_data["file"]
        try:
            check_xlsx(upload, max_bytes=settings.IMPORT_MAX_UPLOAD_BYTES, name=upload.name)
        except SpreadsheetError as exc:
            raise forms.ValidationError(exc.messages, code=exc.code) from exc
        return upload

    def clean(self):
        data = super().clean()
        code = (data.get("union_code") or "").strip()
        if code:
            union = (Org.objects.visible_to(self.user, IMPORT)
                     .filter(code=code, level=OrgLevel.GRASSROOTS, is_active=True).first())
            if union is None:
                self.add_error("union_code", _("No union with the code “%(code)s” exists in your area.")
                               % {"code": code})
            else:
                data["target"] = union
        return data


def _indent(org):
    return "\u00a0\u00a0" * max(org.depth - 1, 0) + org.name


def _upload_page(request, form, *, status=200, **extra):
    context = {"form": form, "max_mb": f"{settings.IMPORT_MAX_UPLOAD_BYTES / (1024 * 1024):.0f}", **extra}
    return render(request, "members/import_upload.html", context, status=status)


def _too_large_message():
    return too_large_import_message(settings.IMPORT_MAX_UPLOAD_BYTES)


@csrf_exempt
@login_required
@require_http_methods(["GET", "POST"])
def import_upload(request):
    """Refuse an oversized body before reading it, then hand over to the CSRF-protected view
    (the upload handler must be installed before the CSRF check reads the POST)."""
    require(request.user, IMPORT)
    if request.method == "POST" and not limit_upload(request, settings.IMPORT_MAX_UPLOAD_BYTES):
        form = ImportUploadForm(user=request.user)
        form.add_error(None, _too_large_message())
        response = _upload_page(request, form, status=413)
        response["Connection"] = "close"
        return response
    return _import_upload(request)


@csrf_protect
def _import_upload(request):
    if request.method == "POST":
        form = ImportUploadForm(request.POST, request.FILES, user=request.user)
        if getattr(request, "upload_too_large", False):
            form.is_valid()
            form.add_error(None, _too_large_message())
            return _upload_page(request, form, status=413)
        if form.is_valid():
            try:
                member_import = importing.start_member_import(actor=request.user, org=form.cleaned_data["target"],
                                                              upload=form.cleaned_data["file"])
            except ValidationError as exc:
                form.add_error(None, exc.messages)
            else:
                return redirect("members:import_detail", pk=member_import.pk)
        return _upload_page(request, form, status=400)
    form = ImportUploadForm(user=request.user)
    recent = MemberImport.objects.visible_to(request.user).select_related("org", "created_by").defer("report")[:5]
    return _upload_page(request, form, recent=recent)


# --- list, detail, status -------------------------------------------------------------------------

@login_required
@require_GET
def import_list(request):
    require(request.user, IMPORT)
    qs = MemberImport.objects.visible_to(request.user).select_related("org", "created_by").defer("report")
    page = keyset_page(qs, after=parse_after(request.GET.get("after")))
    return render(request, "members/import_list.html", {"page": page,
                                                        "can_export": request.user.can(exporting.EXPORT)})


def _get_import(request, pk):
    return get_visible_or_404(MemberImport.objects.select_related("org", "created_by", "confirmed_by"),
                              request.user, pk)


def _detail_context(request, member_import):
    report = member_import.report or {}
    failed_rows = report.get("commit_errors") if member_import.status == ImportStatus.FAILED else None
    rows = failed_rows or report.get("rows") or []
    page = Paginator(rows, ERRORS_PER_PAGE).get_page(request.GET.get("page"))
    return {
        "imp": member_import, "report": report, "errors_page": page, "failed_rows": bool(failed_rows),
        "progress": importing.import_progress(member_import) if member_import.is_running else None,
        "can_cancel": member_import.status in (ImportStatus.VALIDATED, ImportStatus.INVALID, ImportStatus.FAILED),
    }


@login_required
@require_GET
def import_detail(request, pk):
    member_import = _get_import(request, pk)
    response = render(request, "members/import_detail.html", _detail_context(request, member_import))
    return no_store(response)


@login_required
@require_GET
def import_status(request, pk):
    """htmx polling while a check or import runs; reloads the page once it has finished."""
    member_import = _get_import(request, pk)
    if not member_import.is_running:
        if request.htmx:
            return HttpResponseClientRefresh()
        return redirect("members:import_detail", pk=pk)
    return no_store(render(request, "members/_import_progress.html", _detail_context(request, member_import)))


@login_required
@require_GET
def import_errors(request, pk):
    member_import = _get_import(request, pk)
    handle = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 — closed by the response
    importing.write_error_report(handle, member_import)
    return xlsx_response(handle, f"member-import-{member_import.pk}-errors.xlsx")


# --- confirm, cancel, check again ---------------------------------------------------------------------

@login_required
@require_http_methods(["GET", "POST"])
def import_confirm(request, pk):
    member_import = _get_import(request, pk)
    if request.method == "POST":
        try:
            importing.confirm_member_import(actor=request.user, member_import=member_import)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        return redirect("members:import_detail", pk=pk)
    require(request.user, IMPORT, member_import.org)
    if member_import.status != ImportStatus.VALIDATED:
        return redirect("members:import_detail", pk=pk)
    return no_store(render(request, "members/import_confirm.html", {"imp": member_import}))


@login_required
@require_POST
def import_cancel(request, pk):
    member_import = _get_import(request, pk)
    try:
        importing.cancel_member_import(actor=request.user, member_import=member_import)
        messages.info(request, _("The import was cancelled; nothing was saved and the file was deleted."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("members:import_detail", pk=pk)


@login_required
@require_POST
def import_recheck(request, pk):
    member_import = _get_import(request, pk)
    try:
        importing.recheck_member_import(actor=request.user, member_import=member_import)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("members:import_detail", pk=pk)


# --- export -------------------------------------------------------------------------------------

@login_required
@require_GET
def export(request):
    """The member list's filters (GET q/org/status/migrant) as an .xlsx; `pii=full` asks for full
    ID and mobile numbers (members.export_full only). Large exports become a background job
    (core.exports), whose status page is core's."""
    require(request.user, exporting.EXPORT)
    try:
        started = exports.start_export(actor=request.user, kind=exporting.MEMBERS, params=request.GET)
    except exporting.ExportRefused as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(_list_url())  # without the query: it may hold an ID or mobile number
    if started.job_id:
        return redirect("core:export_status", job_id=started.job_id)
    return xlsx_response(started.file, started.filename)


def _list_url():
    try:
        return reverse("members:list")
    except Exception:  # noqa: BLE001 — the list page may be absent in a cut-down deployment
        return reverse("members:import_upload")


@login_required
@require_GET
def export_status(request, job_id):
    """Older links to a member export job: the job's page is core's now."""
    if exporting.export_job(request.user, job_id) is None:
        raise Http404(_("Not found."))
    return redirect("core:export_status", job_id=job_id)


@login_required
@require_GET
def export_download(request, job_id):
    handle, filename = exporting.open_export_file(request.user, job_id)
    return xlsx_response(handle, filename)


@login_required
@require_GET
def transfer_export(request):
    """One tab of the transfer list (GET tab) as an .xlsx, ID numbers masked."""
    return exports.export_response(request, exporting.TRANSFERS)


@login_required
@require_GET
def import_list_export(request):
    """The member imports the user may see, as an .xlsx."""
    return exports.export_response(request, exporting.IMPORTS)
