"""Excel exports of list pages: written at once when small, as a background job when large.

A module describes each export once as an `ExportKind`: how to turn a user and the list page's
GET parameters into an `ExportPlan` (check the rights and the scope, read the filters, say which
rows will be written, how to write them and how to audit them). Then

- `export_response(request, kind)` is the whole export view: the file at once when the plan
  counts at most `EXPORT_BACKGROUND_ROWS` rows (default 20,000; a kind may have its own
  threshold), otherwise a background job and a redirect to its status page;
- the job (`run_export_job`, Celery task `gonghui.core.tasks.run_export_task`) plans the export
  again as the same user when it runs — rights and scope are checked at that moment, not only
  when it was asked for — and writes the file to private storage
  (`private/exports/<user id>/<job id>.xlsx`);
- `core:export_status` shows the job's progress (htmx polling, or a refresh link without
  JavaScript) and `core:export_download` hands out the file, both to the user who asked only:
  anyone else, like an unknown or expired job, gets the same 404.

A job's state is a row of `core.ExportJob` (owner, status, progress, file), never only the
cache: the production cache drops writes while Redis is down, and a job must not vanish with
them. A job is shown for `EXPORT_TTL_HOURS` (24) after it was asked for; then
`purge_export_files` deletes its row and its file (the daily `purge-member-files` beat entry
runs it). A worker claims a job with one conditional UPDATE, so a redelivered task never runs it
twice, and a claimed job untouched for `EXPORT_STALE_MINUTES` (60) shows as failed.

Writing goes through `excel.XlsxStream` (XlsxWriter's constant-memory mode, formula-safe
cells) over querysets read with `iterator()`, so memory stays flat however many rows there are
(bench/exports.py measures 600,000 members).
"""

import datetime
import importlib
import logging
import re
import shutil
import tempfile
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.core.files.storage import default_storage
from django.http import Http404, QueryDict
from django.shortcuts import redirect
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from . import audit
from .excel import XlsxStream, xlsx_response
from .models import ExportJob
from .pagination import parse_after
from .policies import get_visible_or_404, require

logger = logging.getLogger(__name__)

STORAGE_FOLDER = "private/exports"
PROGRESS_EVERY = 5000  # rows between two progress updates of a background job
# List parameters that choose a page, not the rows: an export always starts at the first row.
PAGE_PARAMETERS = ("after", "page")


def background_rows(kind=None) -> int:
    """Above this many rows an export runs in the background."""
    own = kind.background_rows() if kind is not None and kind.background_rows else None
    return int(own if own is not None else getattr(settings, "EXPORT_BACKGROUND_ROWS", 20_000))


def ttl_hours() -> float:
    """How long a job's status and file are kept (the member export's older setting still works)."""
    return float(getattr(settings, "EXPORT_TTL_HOURS", getattr(settings, "MEMBER_EXPORT_TTL_HOURS", 24)))


class ExportRefused(ValidationError):
    """The export cannot be made as asked (e.g. a search by ID number, unreadable filters): the
    user goes back to the list with this message."""


@dataclass
class ExportPlan:
    """One export, checked and ready to write.

    `write(target, progress)` writes the workbook to `target` (a binary file) and returns the
    number of rows written; it calls `progress(rows_so_far)` now and then when given one.
    `audit(rows, background)` writes the audit rows (None when `write` audits by itself).
    `rows` is the queryset whose size decides between now and the background (capped count);
    None writes at once whatever the size (for lists that stay small).
    `filters` describes the filters for the audit trail and the job (JSON-safe values)."""

    write: Callable
    audit: Callable | None = None
    rows: object = None
    filters: dict = field(default_factory=dict)
    note: str = ""  # shown on the status page, e.g. that full ID numbers are in the file


_KINDS: dict[str, "ExportKind"] = {}


@dataclass
class ExportKind:
    """A list's export. `plan(user, params)` returns an ExportPlan or raises PermissionDenied,
    Http404 (an org outside the user's scope, like a missing one) or ExportRefused.

    The kind registers itself under `key` when its module is imported; a background job records
    the module, so the worker can import it (no registry to keep in step)."""

    key: str
    label: object  # what the status page calls it, e.g. gettext_lazy("Member export")
    plan: Callable
    list_url: str  # URL name of the list page (the way back)
    filename_prefix: str
    background_rows: Callable | None = None  # a threshold of its own, else EXPORT_BACKGROUND_ROWS
    module: str = ""
    back: Callable | None = None  # back(params) -> URL, for a list that lives on a record's page

    def __post_init__(self):
        self.module = self.module or getattr(self.plan, "__module__", "")
        _KINDS[self.key] = self

    def filename(self, when=None) -> str:
        return f"{self.filename_prefix}-{timezone.localtime(when):%Y%m%d-%H%M}.xlsx"

    def list_link(self, params=None) -> str:
        try:
            if self.back is not None:
                return self.back(_query(params))
            url = reverse(self.list_url)
        except NoReverseMatch:
            return reverse("core:home")
        query = _query(params).urlencode() if params else ""
        return f"{url}?{query}" if query else url


def kind_of(key, module=""):
    """The registered kind `key`, importing `module` (a gonghui module) first when needed."""
    if key not in _KINDS and module.startswith("gonghui."):
        importlib.import_module(module)
    return _KINDS.get(key)


# --- parameters -------------------------------------------------------------------------------

def _query(params) -> QueryDict:
    """A QueryDict of the list's filters without the page position (from a QueryDict, a dict or
    the pairs a job stores)."""
    query = QueryDict(mutable=True)
    if isinstance(params, QueryDict):
        pairs = [(key, values) for key, values in params.lists()]
    elif isinstance(params, dict):
        pairs = [(key, value if isinstance(value, list) else [value]) for key, value in params.items()]
    else:
        pairs = [(key, list(values)) for key, values in params or ()]
    for key, values in pairs:
        if key not in PAGE_PARAMETERS:
            query.setlist(key, ["" if v is None else str(v) for v in values])
    return query


def _stored_params(query: QueryDict):
    return [[key, values] for key, values in query.lists()]


def count_up_to(queryset, limit) -> int:
    """Exact count when ≤ limit, else limit + 1: never counts a huge filtered table."""
    return len(queryset.order_by().values_list("pk", flat=True)[: limit + 1])


# --- starting an export ---------------------------------------------------------------------------

@dataclass
class ExportStart:
    file: object | None = None  # a rewound temporary file (written now)
    job_id: str | None = None  # a background job (large export)
    rows: int = 0
    filename: str = ""


def start_export(*, actor, kind: ExportKind, params) -> ExportStart:
    """Plan the export as `actor`; write it now when small (audited, returned as a rewound
    temporary file), else schedule a background job (after commit) and return its id."""
    query = _query(params)
    plan = kind.plan(actor, query)
    limit = background_rows(kind)
    counted = count_up_to(plan.rows, limit) if plan.rows is not None else 0
    if counted > limit:
        return ExportStart(job_id=_start_job(actor=actor, kind=kind, query=query, note=plan.note), rows=counted)
    handle = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 — handed to the response, which closes it
    try:
        rows = plan.write(handle, None)
        if plan.audit is not None:
            plan.audit(rows, False)
    except BaseException:
        handle.close()
        raise
    handle.seek(0)
    return ExportStart(file=handle, rows=rows, filename=kind.filename())


def export_response(request, kind: ExportKind, **extra):
    """The export view of a list: the file, or a redirect to the job's status page. A refused
    export goes back to the list (same filters) with the reason. `extra` adds parameters taken
    from the URL's path (e.g. the event whose check-ins are exported)."""
    params = _query(request.GET)
    for key, value in extra.items():
        params[key] = str(value)
    try:
        started = start_export(actor=request.user, kind=kind, params=params)
    except ExportRefused as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(kind.list_link(params))
    if started.job_id:
        return redirect("core:export_status", job_id=started.job_id)
    return xlsx_response(started.file, started.filename)


# --- background jobs --------------------------------------------------------------------------------
#
# A job is a row of `core.ExportJob`; the functions below hand it around as a dict (the keys are
# the model's fields, `user` being the owner's id), which the status template and the callers read.

JOB_ID = re.compile(r"[0-9a-f]{32}")  # uuid4().hex
JOB_FIELDS = ("kind", "module", "label", "params", "status", "rows", "done", "file", "message", "note", "language",
              "created_at", "updated_at", "finished_at")


def stale_minutes() -> float:
    """A claimed job whose state has not changed for this long has lost its worker (killed, out
    of memory, redeployed): its status page says so instead of waiting for ever."""
    return float(getattr(settings, "EXPORT_STALE_MINUTES", 60))


def _as_dict(row) -> dict:
    job = {name: getattr(row, name) for name in JOB_FIELDS}
    job.update(id=row.pk, user=row.user_id, claimed=row.claimed_at is not None)
    return job


def _load_job(job_id):
    """The job's state, or None when there is no such job or it is older than ttl_hours()
    (expired: its row and file wait for the daily purge)."""
    job_id = str(job_id)
    if not JOB_ID.fullmatch(job_id):
        return None  # not one of ours (and a NUL byte from the URL would make PostgreSQL raise)
    fresh_since = timezone.now() - datetime.timedelta(hours=ttl_hours())
    row = ExportJob.objects.filter(pk=job_id, created_at__gte=fresh_since).first()
    return _as_dict(row) if row is not None else None


def _save_job(job):
    """Write the job's state (everything but its owner and its claim) back to its row."""
    job["updated_at"] = timezone.now()
    ExportJob.objects.filter(pk=job["id"]).update(**{name: job[name] for name in JOB_FIELDS})


def _start_job(*, actor, kind, query, note="") -> str:
    from django.db import transaction

    from .tasks import run_export_task

    now = timezone.now()
    row = ExportJob.objects.create(
        id=uuid.uuid4().hex, user=actor, kind=kind.key, module=kind.module, label=str(kind.label)[:200],
        params=_stored_params(query), note=str(note or "")[:500],
        language=translation.get_language() or settings.LANGUAGE_CODE, created_at=now, updated_at=now)
    if transaction.get_connection().in_atomic_block:
        run_export_task.delay_on_commit(row.pk)  # the row commits with the request, then the task goes
    else:
        run_export_task.delay(row.pk)
    return row.pk


def export_job(user, job_id):
    """The job's state for the user who asked; None for anyone else or an unknown/expired job."""
    if not user or not user.is_authenticated:
        return None
    job = _load_job(job_id)
    if not job or job["user"] != user.pk:
        return None
    if _is_stale(job):
        # The claim keeps a redelivered task from running it again, so nothing will finish it.
        job.update(status="FAILED", message=_("The export stopped before it finished. Please export again."))
        _save_job(job)
    return job


def _is_stale(job) -> bool:
    """Claimed by a worker, not finished, and untouched for stale_minutes()."""
    if not job["claimed"] or job["status"] not in ("PENDING", "RUNNING"):
        return False  # still waiting in the queue, or finished
    return timezone.now() - job["updated_at"] > datetime.timedelta(minutes=stale_minutes())


def _claim(job_id) -> bool:
    """Take a waiting job for this worker: one UPDATE, so of two deliveries of the same task only
    one gets it, and a job claimed once is never taken again."""
    now = timezone.now()
    return ExportJob.objects.filter(pk=job_id, status="PENDING", claimed_at__isnull=True).update(
        status="RUNNING", claimed_at=now, updated_at=now) == 1


def run_export_job(job_id) -> None:
    """Write a job's file. Idempotent: only a PENDING job runs, and only one worker claims it
    (a redelivered task finds it claimed and leaves it). The user's rights and scope are checked
    again now: a user who lost them gets a failed job, not the file."""
    if not _claim(job_id):
        return
    job = _load_job(job_id)
    if job is None:  # expired while it waited in the queue
        return
    with translation.override(job.get("language") or settings.LANGUAGE_CODE):
        try:
            rows, name = _write_job(job)
        except (PermissionDenied, Http404, ExportRefused, LookupError):
            job.update(status="FAILED", message=_("You may no longer export these records."))
        except Exception:  # noqa: BLE001 — the status page must not spin forever
            logger.exception("export %s (%s) failed", job_id, job.get("kind"))
            job.update(status="FAILED", message=_("The export failed. Please try again later."))
        else:
            job.update(status="DONE", file=name, done=rows, rows=rows, finished_at=timezone.now())
    _save_job(job)


def _write_job(job):
    from gonghui.accounts.models import User

    kind = kind_of(job["kind"], job.get("module", ""))
    if kind is None:
        raise LookupError(job["kind"])
    user = User.objects.filter(pk=job["user"], is_active=True).first()
    if user is None:
        raise PermissionDenied
    plan = kind.plan(user, _query(job["params"]))
    if plan.rows is not None:
        job["rows"] = plan.rows.count()  # a background job counts once, for the progress bar
        _save_job(job)

    def progress(done):
        job["done"] = done
        _save_job(job)

    name = f"{STORAGE_FOLDER}/{user.pk}/{job['id']}.xlsx"
    with tempfile.TemporaryFile(suffix=".xlsx") as handle:
        rows = plan.write(handle, progress)
        handle.seek(0)
        name = default_storage.save(name, File(handle, name=name))
    if plan.audit is not None:
        plan.audit(rows, True)
    return rows, name


def open_export_file(user, job_id):
    """(file, download name) of a finished job of this user; Http404 otherwise."""
    job = export_job(user, job_id)
    if not job or job["status"] != "DONE" or not job["file"] or not default_storage.exists(job["file"]):
        raise Http404(_("Not found."))
    kind = kind_of(job["kind"], job.get("module", ""))
    if kind is None or not _may_still_export(user, kind, job):
        raise Http404(_("Not found."))
    filename = kind.filename(job["created_at"])
    return default_storage.open(job["file"], "rb"), filename


def _may_still_export(user, kind, job) -> bool:
    """The rights and scope again at download time: a file written for someone who has since lost
    the right (role removed, org moved out of reach) is not handed out. Planning only builds the
    querysets and checks the rights; nothing is written or audited."""
    try:
        kind.plan(user, _query(job["params"]))
    except (PermissionDenied, Http404, ExportRefused):
        return False
    return True


def purge_export_files(*, older_than_hours=None) -> int:
    """Delete the jobs older than the job lifetime with their files, then any other export file
    that old (a job whose owner was deleted, a file from before jobs had rows); returns how many
    files were deleted."""
    cutoff = timezone.now() - datetime.timedelta(hours=older_than_hours or ttl_hours())
    expired = ExportJob.objects.filter(created_at__lt=cutoff)
    removed = 0
    for path in expired.exclude(file="").values_list("file", flat=True).iterator():
        if default_storage.exists(path):
            default_storage.delete(path)
            removed += 1
    expired.delete()
    return removed + _purge_folder(cutoff)


def _purge_folder(cutoff) -> int:
    removed = 0
    try:
        folders, _files = default_storage.listdir(STORAGE_FOLDER)
    except (FileNotFoundError, NotImplementedError):
        return 0
    for folder in folders:
        _dirs, files = default_storage.listdir(f"{STORAGE_FOLDER}/{folder}")
        for name in files:
            path = f"{STORAGE_FOLDER}/{folder}/{name}"
            if default_storage.get_modified_time(path) < cutoff:
                default_storage.delete(path)
                removed += 1
    return removed


# --- writing and auditing helpers ---------------------------------------------------------------------

def write_sheet(target, *, title, headers, rows: Iterable, widths=None, text_columns=(), progress=None) -> int:
    """Write one sheet of `rows` (an iterable of lists, read lazily) and return how many."""
    n = 0
    with XlsxStream(target) as book:
        sheet = book.sheet(title, headers=headers, widths=widths, text_columns=text_columns)
        for row in rows:
            sheet.append(row)
            n += 1
            if progress is not None and n % PROGRESS_EVERY == 0:
                progress(n)
    return n


def auditor(*, actor, action, object_type, label, org=None, reach_action, filters):
    """The `audit` of an ExportPlan: one row per place the export is filed under
    (`audit.record_export`), with the filters, the rows written and whether it ran in the
    background."""
    def write_audit(rows, background):
        audit.record_export(actor=actor, action=action, object_type=object_type, org=org, reach_action=reach_action,
                            label=label, after={"filters": filters, "rows": rows, "background": background})
    return write_audit


def checked_org(user, params, name, model, action):
    """The record named by GET parameter `name`, when given, if the user may see it (`action`);
    404 like a missing one otherwise."""
    if not params.get(name):
        return None
    return get_visible_or_404(model.objects.all(), user, parse_after(params.get(name)), action)


def module_export(*, key, label, module, form, export, rows, action, view_action, list_url, filename_prefix,
                  scoped=()) -> ExportKind:
    """An ExportKind over a module's existing export service — the arguments of
    `core.responses.export_list` — so that list can move to the background path when large.

    `form(params, user=user)` is the list's filter form; `export(actor=, filters=)` the module's
    service returning (rewound file, rows), which checks the export right and audits by itself;
    `rows(user, filters)` the queryset that decides between now and the background; `module` is
    the module defining the kind (`__name__`), which a background worker imports to find it."""
    def plan(user, params):
        require(user, action)
        for name, model in scoped:
            checked_org(user, params, name, model, view_action)
        bound = form(params, user=user)
        if not bound.is_valid():
            raise ExportRefused(_("The filters could not be read; check them and export again."), code="filters")
        filters = bound.filters()

        def write(target, _progress):
            handle, n = export(actor=user, filters=filters)
            with handle:
                shutil.copyfileobj(handle, target)
            return n

        return ExportPlan(write=write, rows=rows(user, filters))

    return ExportKind(key=key, label=label, plan=plan, list_url=list_url, filename_prefix=filename_prefix,
                      module=module)


# --- audit labels ---------------------------------------------------------------------------------------

def register_audit_labels():
    """Words for the audit codes of the list exports added with the generic jobs (issue 11), by
    app group; called from CoreConfig.ready(). Each export's rows keep `filters`, `rows` and
    `background`."""
    from django.utils.translation import gettext_lazy, pgettext_lazy

    from .audit_labels import register_action_labels, register_field_labels, register_object_labels

    exports_by_group = {
        gettext_lazy("Collective wage negotiation"): {
            "bargaining.due_export": ("bargaining.DueExport", pgettext_lazy("audit action", "Due and overdue exported"),
                                      gettext_lazy("Due and overdue export")),
        },
        gettext_lazy("Members"): {
            "members.transfer_export": ("members.TransferExport", pgettext_lazy("audit action", "Transfers exported"),
                                        gettext_lazy("Transfer export")),
            "members.import_list_export": ("members.ImportListExport",
                                           pgettext_lazy("audit action", "Member import list exported"),
                                           gettext_lazy("Member import list export")),
        },
        gettext_lazy("Accounts"): {
            "accounts.role_export": ("accounts.RoleExport", pgettext_lazy("audit action", "Role list exported"),
                                     gettext_lazy("Role list export")),
        },
        gettext_lazy("System"): {
            "audit.export": ("core.AuditExport", pgettext_lazy("audit action", "Audit trail exported"),
                             gettext_lazy("Audit trail export")),
        },
        gettext_lazy("Honours"): {
            "honours.award_type_export": ("honours.AwardTypeExport",
                                          pgettext_lazy("audit action", "Award types and quotas exported"),
                                          gettext_lazy("Award types and quotas export")),
            "honours.reward_batch_export": ("honours.RewardBatchExport",
                                            pgettext_lazy("audit action", "Reward payment batches exported"),
                                            gettext_lazy("Reward payment batches export")),
        },
        gettext_lazy("Worker services"): {
            "services.checkin_export": ("services.CheckinExport",
                                        pgettext_lazy("audit action", "Event check-ins exported"),
                                        gettext_lazy("Event check-in export")),
            "services.redemption_stats_export": ("services.RedemptionStatsExport",
                                                 pgettext_lazy("audit action", "Redemptions per month exported"),
                                                 gettext_lazy("Redemptions per month export")),
        },
        gettext_lazy("Training"): {
            "training.target_export": ("training.TargetExport",
                                       pgettext_lazy("audit action", "Training targets exported"),
                                       gettext_lazy("Training targets export")),
        },
        gettext_lazy("Skills contests"): {
            "competitions.trade_export": ("competitions.TradeExport",
                                          pgettext_lazy("audit action", "Contest trades exported"),
                                          gettext_lazy("Contest trades export")),
        },
        gettext_lazy("Grassroots building"): {
            "grassroots.harmony_indicator_export": ("grassroots.HarmonyIndicatorExport",
                                                    pgettext_lazy("audit action", "Harmony indicators exported"),
                                                    gettext_lazy("Harmony indicators export")),
            "grassroots.home_standard_export": ("grassroots.HomeStandardExport",
                                                pgettext_lazy("audit action", "Workers' home standards exported"),
                                                gettext_lazy("Workers' home standards export")),
        },
        gettext_lazy("Rationalisation proposals and technical innovation"): {
            "innovation.project_export": ("innovation.ProjectExport",
                                          pgettext_lazy("audit action", "Technical projects exported"),
                                          gettext_lazy("Technical projects export")),
        },
    }
    fields = {"filters": gettext_lazy("filters"), "rows": gettext_lazy("rows exported"),
              "background": gettext_lazy("written in the background")}
    for group, codes in exports_by_group.items():
        register_action_labels({code: action for code, (_type, action, _label) in codes.items()}, group=group)
        register_object_labels({object_type: label for object_type, _action, label in codes.values()})
        for object_type, _action, _label in codes.values():
            register_field_labels(object_type, fields)
