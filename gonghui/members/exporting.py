"""Member export to .xlsx: the member list's filters, the user's scope, masked numbers unless
the user may export full ones (`members.export_full`, district staff only), formula-safe cells,
audited.

Small exports (≤ MEMBER_EXPORT_BACKGROUND_ROWS, default 20,000) are written to a temporary
file and sent at once. Larger ones run as a background job writing a file the requesting user
downloads from the export status page; the job's state lives in the cache (Redis in
production) for MEMBER_EXPORT_TTL_HOURS, the file in private storage, and only the user who
asked can see or download it.

Writing uses XlsxWriter in constant-memory mode over a server-side cursor (`iterator()`), so
memory stays flat however many rows there are.
"""

import datetime
import logging
import tempfile
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.http import Http404
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from gonghui.core import audit, pii
from gonghui.core.excel import XlsxStream
from gonghui.core.policies import require
from gonghui.core.scoping import scope_q
from gonghui.orgs.models import Org

from .models import Education, Membership, MembershipStatus, SkillLevel
from .selectors import MemberFilters, is_pii_query, search_memberships

logger = logging.getLogger(__name__)

EXPORT = "members.export"
EXPORT_FULL = "members.export_full"

# Column headers are Chinese data labels (the import template uses the same ones).
EXPORT_HEADERS = ["姓名", "身份证号", "手机号", "性别", "出生日期", "所属工会", "所属工会编码", "工作单位",
                  "工作单位统一社会信用代码", "户籍省份", "是否外来务工", "文化程度", "技能等级", "入会日期",
                  "会籍状态", "离会日期"]
EXPORT_WIDTHS = [10, 21, 14, 6, 12, 28, 14, 28, 24, 12, 8, 18, 18, 12, 10, 12]
TEXT_COLUMNS = (1, 2, 6, 8)  # ID, phone, codes: text, so Excel keeps every digit


def background_threshold():
    return getattr(settings, "MEMBER_EXPORT_BACKGROUND_ROWS", 20_000)


def _ttl_seconds():
    return int(getattr(settings, "MEMBER_EXPORT_TTL_HOURS", 24) * 3600)


# --- filters ----------------------------------------------------------------------------------

class ExportRefused(ValidationError):
    pass


def filters_from_params(user, params) -> MemberFilters:
    """MemberFilters from the member list's GET parameters (q, org, status, migrant).

    An ID-card or mobile search is refused (such numbers never travel in a URL); an org outside
    the user's scope answers 404 like a missing one."""
    q = (params.get("q") or "").strip()[:64]
    if is_pii_query(q):
        raise ExportRefused(_("A search by ID card or mobile number cannot be exported. Export by name, "
                              "organisation or status instead."), code="pii_query")
    org = None
    if params.get("org"):
        try:
            org = Org.objects.visible_to(user, "members.view").get(pk=int(params["org"]))
        except (Org.DoesNotExist, ValueError, TypeError) as exc:
            raise Http404(_("Not found.")) from exc
    status = params.get("status") or "live"
    if status not in ("live", "all", *MembershipStatus.values):
        status = "live"
    migrant = {"yes": True, "1": True, "true": True, "no": False, "0": False, "false": False}.get(
        (params.get("migrant") or "").lower())
    return MemberFilters(q=q, org=org, status=status, migrant=migrant)


def describe_filters(filters: MemberFilters) -> dict:
    """The filters as JSON-safe values, for the audit trail and the background job."""
    return {"q": filters.q, "org": filters.org.pk if filters.org else None, "status": filters.status,
            "migrant": {True: "yes", False: "no"}.get(filters.migrant, "")}


def export_queryset(user, filters: MemberFilters):
    """The memberships the user may export: the list's search, narrowed to the user's
    members.export scope (a role could see without being allowed to export)."""
    qs = search_memberships(user, filters)
    if not user.is_superuser:
        condition = scope_q(Membership.scope_lookups, user.scope_paths(EXPORT))
        qs = qs.filter(condition) if condition is not None else qs.none()
    return qs


def full_pii_paths(user):
    """Where the user may export full numbers: None = everywhere, [] = nowhere."""
    if user.is_superuser:
        return None
    return user.scope_paths(EXPORT_FULL)


def check_export_allowed(user, filters, *, full):
    require(user, EXPORT, filters.org) if filters.org else require(user, EXPORT)
    if full:
        paths = full_pii_paths(user)
        if paths is not None and not paths:
            raise PermissionDenied(_("You may export masked ID card and mobile numbers only."))


# --- writing ------------------------------------------------------------------------------------

FIELDS = ("pk", "person__name", "person__id_number_masked", "person__phone_masked", "person__gender",
          "person__birth_on", "union__name", "union__code", "union__path", "enterprise__name", "enterprise__uscc",
          "person__hometown_province", "person__is_migrant", "person__education", "person__skill_level",
          "joined_on", "status", "ended_on")
FULL_FIELDS = (*FIELDS, "person__id_number_enc", "person__phone_enc")


@dataclass
class ExportCounts:
    rows: int = 0
    full_rows: int = 0


def write_members(target, qs, *, full_paths=None, full=False, progress=None, chunk_size=2000) -> ExportCounts:
    """Write the memberships of `qs` to an .xlsx at `target` (path or binary file). With `full`,
    ID and mobile numbers are decrypted for rows in `full_paths` (None: all rows)."""
    labels = {
        "gender": {"M": _("Male"), "F": _("Female")},
        "education": dict(Education.choices),
        "skill": dict(SkillLevel.choices),
        "status": dict(MembershipStatus.choices),
    }
    labels = {k: {code: str(label) for code, label in v.items()} for k, v in labels.items()}
    yes, no = "是", "否"
    counts = ExportCounts()
    values = qs.order_by("pk").values_list(*(FULL_FIELDS if full else FIELDS))
    with XlsxStream(target) as book:
        sheet = book.sheet("会员", headers=EXPORT_HEADERS, widths=EXPORT_WIDTHS, text_columns=TEXT_COLUMNS)
        for row in values.iterator(chunk_size=chunk_size):
            (_pk, name, id_masked, phone_masked, gender, birth_on, union_name, union_code, union_path,
             enterprise_name, uscc, province, is_migrant, education, skill, joined_on, status, ended_on) = row[:18]
            id_number, phone = id_masked, phone_masked
            if full and (full_paths is None or any(union_path.startswith(p) for p in full_paths)):
                id_number, phone = pii.decrypt(row[18]), pii.decrypt(row[19])
                counts.full_rows += 1
            sheet.append([
                name, id_number, phone, labels["gender"].get(gender, gender), birth_on, union_name, union_code,
                enterprise_name or "", uscc or "", province, yes if is_migrant else no,
                labels["education"].get(education, education), labels["skill"].get(skill, skill), joined_on,
                labels["status"].get(status, status), ended_on,
            ])
            counts.rows += 1
            if progress and counts.rows % 5000 == 0:
                progress(counts.rows)
    return counts


class _ExportRef:
    """What an export audit row points at: the export itself (there is no model row)."""

    def __init__(self, ref):
        self.pk = ref

    def __str__(self):
        return _("Member export")


def _audit_export(*, actor, filters, counts, full, ref, background):
    """One audit row per top org the export covered: without an org filter that is the
    exporter's whole reach, and the row must be visible to the auditors there (an event with
    no org is seen by superusers only)."""
    action = "members.export_full" if full and counts.full_rows else "members.export"
    orgs = [filters.org] if filters.org is not None else _export_reach(actor)
    for org in orgs or [None]:
        audit.record(actor=actor, action=action, obj=_ExportRef(ref), object_type="members.Export",
                     org=org, after={"filters": describe_filters(filters), "rows": counts.rows,
                                     "full_pii_rows": counts.full_rows, "background": background})


def _export_reach(actor):
    if actor.is_superuser:
        return list(Org.objects.filter(depth=1).order_by("path"))
    paths = actor.scope_paths("members.export")
    return list(Org.objects.filter(path__in=paths).order_by("path"))


def export_filename(now=None):
    now = timezone.localtime(now)
    return f"members-{now:%Y%m%d-%H%M}.xlsx"


def count_up_to(qs, limit):
    """Exact count when ≤ limit, else limit + 1: never counts a huge filtered table."""
    return len(qs.order_by().values_list("pk", flat=True)[: limit + 1])


@dataclass
class ExportStart:
    file: object | None = None  # a rewound temporary file (small export)
    job_id: str | None = None  # a background job (large export)
    rows: int = 0


def export_members(*, actor, filters: MemberFilters, full=False) -> ExportStart:
    """Export the members matching `filters`. Small: written now, audited, returned as a
    temporary file. Large: a background job is scheduled (after commit) and its id returned."""
    check_export_allowed(actor, filters, full=full)
    qs = export_queryset(actor, filters)
    limit = background_threshold()
    n = count_up_to(qs, limit)
    if n > limit:
        return ExportStart(job_id=start_export_job(actor=actor, filters=filters, full=full), rows=n)
    handle = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 — handed to the response, which closes it
    try:
        counts = write_members(handle, qs, full=full, full_paths=full_pii_paths(actor))
        _audit_export(actor=actor, filters=filters, counts=counts, full=full, ref=uuid.uuid4().hex, background=False)
    except BaseException:
        handle.close()
        raise
    handle.seek(0)
    return ExportStart(file=handle, rows=counts.rows)


# --- background jobs ------------------------------------------------------------------------------

def _job_key(job_id):
    return f"members:export:{job_id}"


def _save_job(job):
    cache.set(_job_key(job["id"]), job, timeout=_ttl_seconds())


def start_export_job(*, actor, filters, full) -> str:
    from django.db import transaction

    from .tasks import run_member_export_task

    job_id = uuid.uuid4().hex
    _save_job({"id": job_id, "user": actor.pk, "status": "PENDING", "filters": describe_filters(filters),
               "full": bool(full), "rows": 0, "done": 0, "file": "", "message": "",
               "language": translation.get_language() or settings.LANGUAGE_CODE,
               "created_at": timezone.now().isoformat()})
    if transaction.get_connection().in_atomic_block:
        run_member_export_task.delay_on_commit(job_id)
    else:
        run_member_export_task.delay(job_id)
    return job_id


def export_job(user, job_id):
    """The job's state for its owner; None for anyone else or an unknown / expired job."""
    job = cache.get(_job_key(str(job_id)))
    if not job or not user.is_authenticated or job.get("user") != user.pk:
        return None
    return job


def run_export_job(job_id) -> None:
    """Job: write the export file. Idempotent: only a PENDING job runs; a finished one is left
    alone. The user's scope and rights are checked again now."""
    from gonghui.accounts.models import User

    job = cache.get(_job_key(job_id))
    if not job or job["status"] != "PENDING":
        return
    job["status"] = "RUNNING"
    _save_job(job)
    try:
        with translation.override(job.get("language") or settings.LANGUAGE_CODE):
            user = User.objects.get(pk=job["user"], is_active=True)
            filters = filters_from_params(user, {**job["filters"], "org": job["filters"]["org"] or ""})
            check_export_allowed(user, filters, full=job["full"])
            qs = export_queryset(user, filters)
            job["rows"] = qs.count()  # a background job may count once, for the progress bar
            _save_job(job)

            def progress(done):
                job["done"] = done
                _save_job(job)

            name = f"private/exports/{user.pk}/{job_id}.xlsx"
            with tempfile.TemporaryFile(suffix=".xlsx") as handle:
                counts = write_members(handle, qs, full=job["full"], full_paths=full_pii_paths(user),
                                       progress=progress)
                handle.seek(0)
                from django.core.files import File

                name = default_storage.save(name, File(handle, name=name))
            _audit_export(actor=user, filters=filters, counts=counts, full=job["full"], ref=job_id, background=True)
    except (PermissionDenied, Http404, ExportRefused, User.DoesNotExist):
        job.update(status="FAILED", message=_("You may no longer export these members."))
        _save_job(job)
        return
    except Exception:  # noqa: BLE001 — the status page must not spin forever
        logger.exception("member export %s failed", job_id)
        job.update(status="FAILED", message=_("The export failed. Please try again later."))
        _save_job(job)
        return
    job.update(status="DONE", file=name, done=counts.rows, rows=counts.rows,
               finished_at=timezone.now().isoformat())
    _save_job(job)


def open_export_file(user, job_id):
    """(file, filename) of a finished job of this user; Http404 otherwise."""
    job = export_job(user, job_id)
    if not job or job["status"] != "DONE" or not job["file"] or not default_storage.exists(job["file"]):
        raise Http404(_("Not found."))
    created = datetime.datetime.fromisoformat(job["created_at"])
    return default_storage.open(job["file"], "rb"), export_filename(created)


def purge_export_files(*, older_than_hours=None) -> int:
    """Delete export files older than the job lifetime (their status has expired anyway)."""
    hours = older_than_hours or getattr(settings, "MEMBER_EXPORT_TTL_HOURS", 24)
    cutoff = timezone.now() - datetime.timedelta(hours=hours)
    removed = 0
    try:
        users, _files = default_storage.listdir("private/exports")
    except (FileNotFoundError, NotImplementedError):
        return 0
    for folder in users:
        _dirs, files = default_storage.listdir(f"private/exports/{folder}")
        for name in files:
            path = f"private/exports/{folder}/{name}"
            if default_storage.get_modified_time(path) < cutoff:
                default_storage.delete(path)
                removed += 1
    return removed


