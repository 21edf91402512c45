"""Pages of the exports (`core.exports`): a background export's status page and download, for
the user who asked only (anyone else, like an unknown or expired job, gets the same 404); and
the audit trail's own export."""

import mimetypes

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from gonghui.orgs.models import Org

from . import exports
from .audit_display import describe_events
from .excel import xlsx_response
from .forms import AuditFilterForm
from .logging import mask_text
from .policies import require
from .responses import no_store
from .selectors import AuditFilters, reach_orgs, search_audit_events
from .templatetags.gonghui import actor_label


@login_required
@require_GET
def export_status(request, job_id):
    job = exports.export_job(request.user, job_id)
    if job is None:
        if request.htmx:
            return _stop_polling()
        raise Http404(_("Not found."))
    kind = exports.kind_of(job["kind"], job.get("module", ""))
    context = {"job": job, "back_url": kind.list_link(job["params"]) if kind else "",
               "extension": kind.filename().rsplit(".", 1)[-1] if kind else "xlsx"}
    template = "core/exports/_status.html" if request.htmx else "core/exports/status.html"
    return no_store(render(request, template, context))


def _stop_polling():
    """The job expired (or was never the user's) while its status page was polling: htmx stops
    polling on status 286 and shows this instead of "preparing…" forever."""
    message = _("This export is no longer available. Export the list again.")
    return no_store(HttpResponse(format_html('<div class="alert alert-warning">{}</div>', message), status=286))


@login_required
@require_GET
def export_download(request, job_id):
    handle, filename = exports.open_export_file(request.user, job_id)
    response = xlsx_response(handle, filename)
    if not filename.endswith(".xlsx"):  # a kind with a file of its own (the annual report's PDF)
        response["Content-Type"] = mimetypes.guess_type(filename)[0] or "application/octet-stream"
    return response


# --- the audit trail -------------------------------------------------------------------------------

AUDIT_VIEW = "audit.view"
AUDIT_CHUNK = 2000  # events labelled at a time: one name query per model per chunk, never per row


def _plan_audit(user, params):
    """The audit trail page's filters (action, actor, record type, dates, org) over the events the
    user may read (`audit.view`: reading the trail is what allows exporting it). ID and mobile
    numbers in the record names and values are masked, whatever the reader may reveal elsewhere."""
    require(user, AUDIT_VIEW)
    org = exports.checked_org(user, params, "org", Org, AUDIT_VIEW)
    orgs = reach_orgs(user, AUDIT_VIEW)
    if org is not None and org not in orgs:
        orgs.append(org)
    form = AuditFilterForm(params, orgs=orgs)
    if not form.is_valid():
        raise exports.ExportRefused(_("The filters could not be read; check them and export again."), code="filters")
    data = form.cleaned_data
    filters = AuditFilters(action=data.get("action", ""), actor=data.get("actor", ""),
                           object_type=data.get("object_type", ""), date_from=data.get("date_from"),
                           date_to=data.get("date_to"), org=org)
    qs = search_audit_events(user, filters)
    described = {"action": filters.action, "actor": filters.actor, "object_type": filters.object_type,
                 "date_from": str(filters.date_from or ""), "date_to": str(filters.date_to or ""),
                 "org": org.pk if org else None}

    def write(target, progress):
        return exports.write_sheet(target, title=_("Audit trail"), headers=audit_headers(), rows=_audit_rows(qs),
                                   widths=[17, 14, 24, 26, 14, 30, 10, 24, 15, 60], text_columns=(6, 8),
                                   progress=progress)

    return exports.ExportPlan(write=write, rows=qs, filters=described, audit=exports.auditor(
        actor=user, action="audit.export", object_type="core.AuditExport", label=_("Audit trail export"),
        org=org, reach_action=AUDIT_VIEW, filters=described))


def audit_headers():
    return [_("Time"), _("Who"), _("Action"), _("Action code"), _("Record type"), _("Record"), _("Record id"),
            _("Organisation"), _("IP"), _("Changes")]


def _audit_rows(qs):
    """Rows of the audit export, labelled a chunk at a time."""
    chunk = []
    for event in qs.order_by("-pk").select_related("org").iterator(chunk_size=AUDIT_CHUNK):
        chunk.append(event)
        if len(chunk) == AUDIT_CHUNK:
            yield from _described(chunk)
            chunk = []
    if chunk:
        yield from _described(chunk)


def _described(events):
    for event in describe_events(events):
        yield [timezone.localtime(event.at).replace(tzinfo=None), str(actor_label(event.actor_name)),
               str(event.action_label), event.action, str(event.object_type_label), mask_text(event.object_repr or ""),
               event.object_id, event.org.name if event.org else "", event.ip or "",
               mask_text(_changes_text(event.changes))]


def _changes_text(rows):
    """“label: before → after” for each key (only the value when the key is on one side)."""
    parts = []
    for row in rows:
        if row.in_before and row.in_after:
            if not row.changed:
                continue
            parts.append(f"{row.label}: {row.before or '—'} → {row.after or '—'}")
        else:
            parts.append(f"{row.label}: {(row.after if row.in_after else row.before) or '—'}")
    return "; ".join(parts)


AUDIT = exports.ExportKind(key="core.audit", label=gettext_lazy("Audit trail export"), plan=_plan_audit,
                           list_url="core:audit_list", filename_prefix="audit")


@login_required
@require_GET
def audit_export(request):
    return exports.export_response(request, AUDIT)
