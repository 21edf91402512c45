"""Pages of the bulk import of existing wage agreements. Thin: check the action, read the upload,
call `importing.import_file`, render the report.

One page, no stored batch: the user uploads the file; every row is checked; either the full
per-row report is shown (nothing saved) or everything is imported in one transaction and the
summary shown. "Check only" runs the checks and saves nothing. The last report's problems are
kept in the session (capped) so they can be downloaded as a workbook.

Uploads are size-checked before the body is read (Content-Length, then an upload handler that
stops at the limit) and must open as an .xlsx workbook (`core.excel.check_xlsx`).
"""

import tempfile

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods

from gonghui.core.excel import SpreadsheetError, check_xlsx, xlsx_response
from gonghui.core.policies import require
from gonghui.core.responses import no_store
from gonghui.core.uploads import limit_upload, too_large_import_message

from . import importing
from .policies import IMPORT

SESSION_KEY = "bargaining_import_errors"
ERRORS_ON_PAGE = 300



def _max_mb():
    return f"{settings.IMPORT_MAX_UPLOAD_BYTES / (1024 * 1024):.0f}"


class ImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Wage agreement spreadsheet (.xlsx)"),
        widget=forms.ClearableFileInput(attrs={
            "class": "form-control",
            "accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}))
    check_only = forms.BooleanField(
        label=gettext_lazy("Check only (save nothing)"), required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        try:
            check_xlsx(upload, max_bytes=settings.IMPORT_MAX_UPLOAD_BYTES, name=upload.name)
        except SpreadsheetError as exc:
            raise forms.ValidationError(exc.messages, code=exc.code) from exc
        return upload


def _too_large_message():
    return too_large_import_message(settings.IMPORT_MAX_UPLOAD_BYTES)


def _page(request, form, *, status=200, report=None, page_error=""):
    context = {"form": form, "page_error": page_error, "max_mb": _max_mb(), "report": report,
               "max_rows": importing.MAX_ROWS, "objection_days": importing.rules().objection_days}
    if report is not None:
        context["errors_shown"] = report.errors[:ERRORS_ON_PAGE]
        context["more_errors"] = report.error_count - len(context["errors_shown"])
    return no_store(render(request, "bargaining/import.html", context, status=status))


@csrf_exempt
@login_required
@require_http_methods(["GET", "POST"])
def import_page(request):
    """Refuse an oversized body before reading it, then hand over to the CSRF-protected view
    (the upload handler must be installed before the CSRF check reads the POST)."""
    require(request.user, IMPORT)
    if request.method == "POST" and not limit_upload(request, settings.IMPORT_MAX_UPLOAD_BYTES):
        response = _page(request, ImportForm(), status=413, page_error=_too_large_message())
        response["Connection"] = "close"
        return response
    return _import_page(request)


@csrf_protect
def _import_page(request):
    if request.method != "POST":
        return _page(request, ImportForm())
    if getattr(request, "upload_too_large", False):
        return _page(request, ImportForm(), status=413, page_error=_too_large_message())
    form = ImportForm(request.POST, request.FILES)
    if not form.is_valid():
        return _page(request, form, status=400)
    upload = form.cleaned_data["file"]
    report = importing.import_file(actor=request.user, fileobj=upload,
                                   check_only=form.cleaned_data["check_only"], source_name=upload.name)
    if report.ok:
        request.session.pop(SESSION_KEY, None)
        return _page(request, ImportForm(), report=report)
    request.session[SESSION_KEY] = {
        "file": upload.name[:200], "file_errors": report.file_errors,
        "errors": [e.as_dict() for e in report.errors],
        "truncated_at": len(report.errors) if report.truncated else None,
    }
    return _page(request, form, status=400, report=report)


@login_required
@require_GET
def import_template(request):
    require(request.user, IMPORT)
    handle = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 — closed by the response
    importing.write_template(handle)
    return xlsx_response(handle, "wage-agreement-import-template.xlsx")


@login_required
@require_GET
def import_errors(request):
    """The problems of the user's last checked file, as a workbook."""
    require(request.user, IMPORT)
    stored = request.session.get(SESSION_KEY) or {}
    handle = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 — closed by the response
    importing.write_error_report(handle, stored.get("errors", []), file_errors=stored.get("file_errors", []),
                                 truncated_at=stored.get("truncated_at"))
    return xlsx_response(handle, "wage-agreement-import-errors.xlsx")
