"""Exports of the member registry's lists to .xlsx, on the generic export jobs of
`gonghui.core.exports`.

- Members (`MEMBERS`): the member list's filters, the user's scope, masked numbers unless the
  user may export full ones (`members.export_full`, district staff only), formula-safe cells,
  audited. Above MEMBER_EXPORT_BACKGROUND_ROWS (else EXPORT_BACKGROUND_ROWS, default 20,000)
  rows it runs as a background job with a status page (`core:export_status`) and a download
  for the requesting user only.
- Transfers (`TRANSFERS`): one tab of the transfer list (incoming, outgoing, decided), ID
  numbers masked; the decided tab reaches ~54,000 rows at district scale, so it takes the
  background path like the members.
- Member imports (`IMPORTS`): the uploaded files and their counts.

Writing uses XlsxWriter in constant-memory mode over a server-side cursor (`iterator()`), so
memory stays flat however many rows there are (bench/exports.py: 600,000 members).
"""

from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gonghui.core import audit, exports, pii
from gonghui.core.excel import XlsxStream
from gonghui.core.policies import require
from gonghui.core.scoping import scope_q
from gonghui.orgs.models import Org

from .models import (
    Education,
    ImportStatus,
    MemberImport,
    Membership,
    MembershipStatus,
    SkillLevel,
    Transfer,
    TransferStatus,
)
from .selectors import TRANSFER_TABS, MemberFilters, is_pii_query, search_memberships, transfers_for

EXPORT = "members.export"
EXPORT_FULL = "members.export_full"
IMPORT = "members.import"

# Column headers are Chinese data labels (the import template uses the same ones).
EXPORT_HEADERS = ["姓名", "身份证号", "手机号", "性别", "出生日期", "所属工会", "所属工会编码", "工作单位",
                  "工作单位统一社会信用代码", "户籍省份", "是否外来务工", "文化程度", "技能等级", "入会日期",
                  "会籍状态", "离会日期"]
EXPORT_WIDTHS = [10, 21, 14, 6, 12, 28, 14, 28, 24, 12, 8, 18, 18, 12, 10, 12]
TEXT_COLUMNS = (1, 2, 6, 8)  # ID, phone, codes: text, so Excel keeps every digit


def background_threshold():
    """The member export's own threshold when set (older setting), else EXPORT_BACKGROUND_ROWS."""
    own = getattr(settings, "MEMBER_EXPORT_BACKGROUND_ROWS", None)
    return own if own is not None else getattr(settings, "EXPORT_BACKGROUND_ROWS", 20_000)


# --- filters ----------------------------------------------------------------------------------

ExportRefused = exports.ExportRefused


def filters_from_params(user, params) -> MemberFilters:
    """MemberFilters from the member list's GET parameters (q, org, status, migrant).

    An ID-card or mobile search is refused (such numbers never travel in a URL); an org outside
    the user's scope answers 404 like a missing one."""
    q = (params.get("q") or "").strip()[:64]
    if "\x00" in q:  # the list's form refuses it too; PostgreSQL cannot even compare it
        raise ExportRefused(_("The filters could not be read; check them and export again."), code="filters")
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


def _audit_export(*, actor, filters, counts, full, background):
    """One audit row per top org the export covered: without an org filter that is the
    exporter's whole reach, and the row must be visible to the auditors there (an event with
    no org is seen by superusers only)."""
    action = "members.export_full" if full and counts.full_rows else "members.export"
    audit.record_export(actor=actor, action=action, object_type="members.Export", org=filters.org,
                        reach_action=EXPORT, label=_("Member export"),
                        after={"filters": describe_filters(filters), "rows": counts.rows,
                               "full_pii_rows": counts.full_rows, "background": background})


def export_filename(now=None):
    return MEMBERS.filename(now)


def _plan_members(user, params):
    filters = filters_from_params(user, params)
    full = params.get("pii") == "full"
    check_export_allowed(user, filters, full=full)
    qs = export_queryset(user, filters)
    counts = ExportCounts()

    def write(target, progress):
        counts.rows, counts.full_rows = 0, 0
        written = write_members(target, qs, full=full, full_paths=full_pii_paths(user), progress=progress)
        counts.rows, counts.full_rows = written.rows, written.full_rows
        return written.rows

    def write_audit(_rows, background):
        _audit_export(actor=user, filters=filters, counts=counts, full=full, background=background)

    note = (_("Full ID card and mobile numbers (this export is recorded in the audit trail).") if full
            else _("ID card and mobile numbers masked."))
    return exports.ExportPlan(write=write, audit=write_audit, rows=qs, filters=describe_filters(filters), note=note)


MEMBERS = exports.ExportKind(key="members.members", label=gettext_lazy("Member export"), plan=_plan_members,
                             list_url="members:list", filename_prefix="members",
                             background_rows=background_threshold)


def member_params(filters: MemberFilters, *, full=False) -> dict:
    """The member list's GET parameters that select `filters` (what a background job replays)."""
    params = {key: value for key, value in describe_filters(filters).items() if value not in (None, "")}
    if full:
        params["pii"] = "full"
    return params


def export_members(*, actor, filters: MemberFilters, full=False) -> exports.ExportStart:
    """Export the members matching `filters`. Small: written now, audited, returned as a
    temporary file. Large: a background job is scheduled (after commit) and its id returned."""
    return exports.start_export(actor=actor, kind=MEMBERS, params=member_params(filters, full=full))


# The background jobs are core's; these names stay for the member pages and tasks.
count_up_to = exports.count_up_to
export_job = exports.export_job
run_export_job = exports.run_export_job
open_export_file = exports.open_export_file
purge_export_files = exports.purge_export_files


# --- transfers ---------------------------------------------------------------------------------------

TRANSFER_HEADERS = [gettext_lazy("Member"), gettext_lazy("ID card number"), gettext_lazy("From union"),
                    gettext_lazy("To union"), gettext_lazy("New employer"), gettext_lazy("Effective on"),
                    gettext_lazy("Requested at"), gettext_lazy("Requested by"), gettext_lazy("Reason"),
                    gettext_lazy("Status"), gettext_lazy("Decided at"), gettext_lazy("Decided by"),
                    gettext_lazy("Decision note")]


def transfer_tab(params):
    tab = params.get("tab") or "incoming"
    return tab if tab in TRANSFER_TABS else "incoming"


def transfer_export_rows(user, tab):
    """The transfers of one tab of the transfer list that the user may export (either side of
    the transfer in their members.export scope)."""
    exportable = Transfer.objects.visible_to(user, EXPORT).values("pk")
    return transfers_for(user, **TRANSFER_TABS[tab]).filter(pk__in=exportable)


def _plan_transfers(user, params):
    require(user, EXPORT)
    tab = transfer_tab(params)
    qs = transfer_export_rows(user, tab)
    statuses = {code: str(label) for code, label in TransferStatus.choices}

    def rows():
        values = qs.order_by("-pk").values_list(
            "person__name", "person__id_number_masked", "from_union__name", "to_union__name", "to_enterprise__name",
            "effective_on", "requested_at", "requested_by__username", "reason", "status", "decided_at",
            "decided_by__username", "decision_note")
        for row in values.iterator(chunk_size=2000):
            row = list(row)
            row[6] = _local(row[6])
            row[9] = statuses.get(row[9], row[9])
            row[10] = _local(row[10])
            yield row

    def write(target, progress):
        return exports.write_sheet(target, title=_("Transfers"), headers=[str(h) for h in TRANSFER_HEADERS],
                                   rows=rows(), widths=[10, 21, 28, 28, 28, 12, 17, 14, 24, 14, 17, 14, 24],
                                   text_columns=(1,), progress=progress)

    return exports.ExportPlan(write=write, rows=qs, filters={"tab": tab}, audit=exports.auditor(
        actor=user, action="members.transfer_export", object_type="members.TransferExport",
        label=_("Transfer export"), reach_action=EXPORT, filters={"tab": tab}))


def _local(moment):
    return timezone.localtime(moment).replace(tzinfo=None) if moment else None


TRANSFERS = exports.ExportKind(key="members.transfers", label=gettext_lazy("Transfer export"), plan=_plan_transfers,
                               list_url="members:transfer_list", filename_prefix="transfers")


# --- member imports ------------------------------------------------------------------------------------

def _plan_imports(user, params):
    require(user, IMPORT)
    require(user, EXPORT)
    qs = (MemberImport.objects.visible_to(user, IMPORT)
          .filter(pk__in=MemberImport.objects.visible_to(user, EXPORT).values("pk")))
    statuses = {code: str(label) for code, label in ImportStatus.choices}

    def rows():
        values = qs.order_by("-pk").values_list(
            "created_at", "original_name", "org__name", "created_by__username", "status", "total_rows", "valid_rows",
            "invalid_rows", "imported_rows", "confirmed_by__username", "finished_at", "message")
        for row in values.iterator(chunk_size=1000):
            row = list(row)
            row[0], row[10] = _local(row[0]), _local(row[10])
            row[4] = statuses.get(row[4], row[4])
            yield row

    headers = [_("Uploaded at"), _("File name"), _("Import into"), _("Uploaded by"), _("Status"), _("Rows"),
               _("Valid rows"), _("Rows with errors"), _("Imported rows"), _("Confirmed by"), _("Finished at"),
               _("Message")]

    def write(target, progress):
        return exports.write_sheet(target, title=_("Member imports"), headers=headers, rows=rows(),
                                   widths=[17, 30, 28, 14, 12, 8, 8, 8, 8, 14, 17, 40], progress=progress)

    return exports.ExportPlan(write=write, audit=exports.auditor(
        actor=user, action="members.import_list_export", object_type="members.ImportListExport",
        label=_("Member import list export"), reach_action=EXPORT, filters={}))


IMPORTS = exports.ExportKind(key="members.imports", label=gettext_lazy("Member import list export"),
                             plan=_plan_imports, list_url="members:import_list", filename_prefix="member-imports")
