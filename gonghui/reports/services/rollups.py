"""Services of the `rollups` area: compute a year's figures of every org and replace them.

`refresh_rollups` asks every metric provider (`gonghui.reports.metrics`) for the year's values
of each holding org, then sums each value into every ancestor-or-self of the holding org (the
org's materialised path names them), once for all industries ("") and once for the industry of
the holding org (or of the record, when the provider names one), and writes:

- part "" — the subtree total of every org;
- part "OWN" — what is held at the org itself (本级; all industries only);
- part <level> — at orgs above the grassroots (district, towns, platforms, industry unions), the
  part of the subtree held by orgs of each level (a union's split is its own + its groups', which
  the selectors derive from "" and "OWN").

The year's rows are replaced in one transaction (only the difference is written: stale rows
deleted, changed values updated, new ones inserted — see `replace_rows`) while the year's
`RollupYear` row is locked, so two refreshes of a year run one after the other and readers see
either the old figures or the new ones, never a mix. Only non-zero values are stored.
"""

import datetime
import logging
import time
from collections import defaultdict
from decimal import Decimal

from django.db import DatabaseError, connection, transaction
from django.db.models import Count, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core import audit
from gonghui.core.errors import DomainError
from gonghui.core.policies import require
from gonghui.orgs.models import Enterprise, Org, OrgLevel

from .. import metrics
from ..models.rollups import Rollup, RollupPart, RollupRun, RollupStatus, RollupTrigger, RollupYear
from ..policies.rollups import REFRESH
from ..rules.rollups import rules

logger = logging.getLogger(__name__)

REFRESH_REQUESTED = "reports.rollups_refresh"

# Orgs whose rows carry the split of their subtree by the level of the holding org.
SPLIT_LEVELS = (OrgLevel.DISTRICT, OrgLevel.TOWN, OrgLevel.PLATFORM, OrgLevel.INDUSTRY)


def today() -> datetime.date:
    return timezone.localdate()


def as_of_for(year: int) -> datetime.date:
    """State figures of a year are taken on 31 December, or today while the year runs."""
    return min(datetime.date(year, 12, 31), today())


def check_year(year) -> int:
    """The year as an int, or a DomainError naming the years that can be computed."""
    first, last = rules().first_year, today().year
    try:
        year = int(year)
    except (TypeError, ValueError):
        year = None
    if year is None or not first <= year <= last:
        raise DomainError(_("The year must be between %(first)s and %(last)s.") % {"first": first, "last": last},
                          code="bad_year", field="year")
    return year


# --- the tree -----------------------------------------------------------------------------------


class Tree:
    """Every org's path, level and industry, read once per refresh (two queries)."""

    def __init__(self):
        rows = list(Org.objects.order_by().values_list("id", "path", "level"))
        self.level = {pk: level for pk, _path, level in rows}
        self.path = {pk: path for pk, path, _level in rows}
        self.id_of_path = {path: pk for pk, path, _level in rows}
        self.industry = self._industries(rows)
        self._ancestors = {}

    @staticmethod
    def _union_industries() -> dict[int, str]:
        """A union's industry: that of its enterprises with the most workers (then the most
        enterprises, then the code), so a joint union of many small firms gets its main one."""
        weights = defaultdict(dict)
        for union_id, industry, headcount, firms in (
                Enterprise.objects.filter(union__isnull=False).order_by().values_list("union_id", "industry")
                .annotate(headcount=Sum("headcount"), firms=Count("id"))):
            weights[union_id][industry] = (headcount or 0, firms)
        return {union_id: max(by_industry, key=lambda code: (*by_industry[code], code))
                for union_id, by_industry in weights.items()}

    def _industries(self, rows) -> dict[int, str]:
        """The industry of the nearest grassroots union at or above each org ("" when none)."""
        of_union = self._union_industries()
        union_of_path = {path: pk for pk, path, level in rows if level == OrgLevel.GRASSROOTS}
        industry = {}
        for pk, path, _level in rows:
            union = next((union_of_path[path[:i]] for i in range(len(path), 0, -Org.steplen)
                          if path[:i] in union_of_path), None)
            industry[pk] = of_union.get(union, "") if union else ""
        return industry

    def ancestors(self, pk) -> list[int]:
        """Ids of the org and every ancestor (root first)."""
        found = self._ancestors.get(pk)
        if found is None:
            path = self.path[pk]
            found = [self.id_of_path[path[:i]] for i in range(Org.steplen, len(path) + 1, Org.steplen)
                     if path[:i] in self.id_of_path]
            self._ancestors[pk] = found
        return found


# --- computing ----------------------------------------------------------------------------------


def collect(year: int, as_of: datetime.date, tree: Tree) -> dict:
    """(holding org id, industry, metric) → value, from every provider. A provider yields
    (org id, metric, value) and may add the record's own industry as a fourth item."""
    held = defaultdict(Decimal)
    for provider in metrics.providers():
        for item in provider(year, as_of):
            org_id, code, value = item[0], item[1], item[2]
            if not value or org_id not in tree.path:
                continue
            industry = item[3] if len(item) > 3 and item[3] is not None else tree.industry[org_id]
            held[(org_id, industry or "", code)] += Decimal(value)
    return held


def sum_up(held: dict, tree: Tree) -> dict:
    """(org id, industry, part, metric) → value: each held value added to every ancestor-or-self
    (whole subtree, per industry, per holding level at the upper orgs) and to the holder's own."""
    out = defaultdict(Decimal)
    for (holder, industry, code), value in held.items():
        holder_level = tree.level[holder]
        out[(holder, "", RollupPart.OWN, code)] += value
        for org_id in tree.ancestors(holder):
            split = tree.level[org_id] in SPLIT_LEVELS
            out[(org_id, "", RollupPart.TOTAL, code)] += value
            if split:
                out[(org_id, "", holder_level, code)] += value
            if industry:
                out[(org_id, industry, RollupPart.TOTAL, code)] += value
                if split:
                    out[(org_id, industry, holder_level, code)] += value
    return out


ROW_COLUMNS = ("year", "org_id", "industry", "part", "metric", "value")


def compute_rows(year: int, as_of: datetime.date | None = None) -> list[tuple]:
    """The year's rows as tuples of ROW_COLUMNS, not saved (sorted: a refresh writes them in a
    stable order)."""
    tree = Tree()
    summed = sum_up(collect(year, as_of or as_of_for(year), tree), tree)
    cent = Decimal("0.01")
    return [(year, org_id, industry, part, code, value.quantize(cent))
            for (org_id, industry, part, code), value in sorted(summed.items()) if value]


def write_rows(rows: list[tuple]) -> None:
    """Insert the rows the fastest way the database offers: COPY on PostgreSQL, batched INSERTs
    through the driver on SQLite (Django's bulk_create spends most of a refresh preparing values
    one field at a time: ~1.6 s of 2.9 s for 8,800 rows)."""
    from gonghui.core.demo.bulk import RowWriter

    RowWriter(connection, batch_size=rules().insert_batch).write(Rollup, ROW_COLUMNS, rows)


def replace_rows(year: int, rows: list[tuple]) -> dict[str, int]:
    """Make the year's stored rows equal `rows` by writing only the difference: rows no longer
    computed are deleted, changed values updated, new figures inserted. Within the caller's
    transaction, so readers still see the old figures or the new ones, never a mix.

    Why not delete the year and insert it again: an hourly refresh changes few figures, and
    re-inserting ~500k rows into the unique index over as many just-deleted entries cost 2–5×
    an insert into an empty year on PostgreSQL; when more than a quarter of the rows would be
    deleted or updated, rewriting the year is cheaper and is done instead (docs/reports-rollups.md,
    "Measured")."""
    wanted = {row[1:5]: row[5] for row in rows}
    stale, changed = [], []
    stored = (Rollup.objects.filter(year=year).order_by()
              .values_list("id", "org_id", "industry", "part", "metric", "value"))
    for pk, org_id, industry, part, code, value in stored.iterator(chunk_size=20_000):
        want = wanted.pop((org_id, industry, part, code), None)
        if want is None:
            stale.append(pk)
        elif want != value:
            changed.append((pk, want))
    if (len(stale) + len(changed)) * 4 > len(rows):  # most figures moved: rewriting the year is cheaper
        Rollup.objects.filter(year=year).delete()
        write_rows(rows)
        return {"deleted": len(stale) + len(rows) - len(wanted), "updated": 0, "inserted": len(rows)}
    batch = rules().insert_batch
    for start in range(0, len(stale), batch):
        Rollup.objects.filter(pk__in=stale[start:start + batch]).delete()
    _update_values(changed)
    write_rows([(year, *key, value) for key, value in wanted.items()])  # what is left is new
    return {"deleted": len(stale), "updated": len(changed), "inserted": len(wanted)}


def _update_values(changed: list[tuple[int, Decimal]]) -> None:
    """Set new values by id: through a temporary table filled by COPY on PostgreSQL (one UPDATE
    whatever the count), by batched parameterised UPDATEs elsewhere."""
    if not changed:
        return
    table = connection.ops.quote_name(Rollup._meta.db_table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("CREATE TEMPORARY TABLE rollup_changed (id bigint PRIMARY KEY, value numeric(16, 2)) "
                           "ON COMMIT DROP")
            with cursor.connection.cursor() as raw, raw.copy("COPY rollup_changed (id, value) FROM STDIN") as copy:
                for row in changed:
                    copy.write_row(row)
            cursor.execute(f"UPDATE {table} AS r SET value = c.value FROM rollup_changed AS c WHERE r.id = c.id")
            cursor.execute("DROP TABLE rollup_changed")
        else:
            cursor.executemany(f"UPDATE {table} SET value = %s WHERE id = %s",
                               [(str(value), pk) for pk, value in changed])


# --- refreshing ---------------------------------------------------------------------------------


def _lock_year(year: int) -> RollupYear:
    """Create the year's lock row if missing (a concurrent creator wins the unique index; the
    loser reads its row) and lock it until the transaction ends."""
    RollupYear.objects.get_or_create(year=year)
    return RollupYear.objects.select_for_update().get(year=year)


def _lock_year_unless_refreshing(year: int) -> bool:
    """Lock the year's row for de-duplicating queued runs, but never wait for it: a refresh of
    the year holds it for its whole run (seconds at district scale), and a request must not hang
    behind it. Held → False, and the caller queues without the lock (the job itself skips a
    duplicate run)."""
    RollupYear.objects.get_or_create(year=year)
    try:
        with transaction.atomic():  # a savepoint: a refused NOWAIT lock aborts only this part
            RollupYear.objects.select_for_update(nowait=True).get(year=year)
    except DatabaseError:
        return False
    return True


def _start(run: RollupRun | None, *, year, actor, trigger) -> RollupRun:
    now = timezone.now()
    if run is None:
        return RollupRun.objects.create(year=year, trigger=trigger, status=RollupStatus.RUNNING,
                                        requested_by=actor if getattr(actor, "pk", None) else None, started_at=now)
    run.status, run.started_at = RollupStatus.RUNNING, now
    run.save(update_fields=["status", "started_at"])
    return run


def refresh_rollups(*, year, actor=None, trigger=RollupTrigger.SCHEDULED, run: RollupRun | None = None) -> RollupRun:
    """Recompute the year's figures and replace its rows; the run records when, how many rows,
    how long and any error (a failed run leaves the previous figures in place and re-raises)."""
    year = check_year(year)
    run = _start(run, year=year, actor=actor, trigger=trigger)
    started = time.perf_counter()
    try:
        with transaction.atomic():
            lock = _lock_year(year)
            rows = compute_rows(year)
            replace_rows(year, rows)
            lock.run = run
            lock.save(update_fields=["run"])
            _finish(run, started, status=RollupStatus.DONE, rows=len(rows))
    except Exception as exc:
        logger.exception("roll-up refresh of %s failed", year)
        _finish(run, started, status=RollupStatus.FAILED, error=f"{type(exc).__name__}: {exc}"[:2000])
        raise
    return run


def _finish(run, started, *, status, rows=0, error=""):
    run.status, run.rows, run.error = status, rows, error
    run.finished_at = timezone.now()
    run.seconds = Decimal(str(round(time.perf_counter() - started, 2)))
    run.save(update_fields=["status", "rows", "error", "finished_at", "seconds"])


def run_queued(run_id: int) -> RollupRun | None:
    """Run a queued on-demand refresh (the task's body); a run already taken is left alone."""
    with transaction.atomic():
        run = RollupRun.objects.select_for_update().filter(pk=run_id, status=RollupStatus.QUEUED).first()
        if run is None:
            return None
        run.status = RollupStatus.RUNNING
        run.save(update_fields=["status"])
    return refresh_rollups(year=run.year, actor=run.requested_by, trigger=run.trigger, run=run)


def request_refresh(*, actor, year) -> RollupRun:
    """Queue a refresh of the year now (district staff): the run is created queued, audited, and
    the job starts once the transaction commits. A refresh of the year already queued is reused
    (pressing the button twice runs once)."""
    require(actor, REFRESH)
    year = check_year(year)
    from ..tasks.rollups import refresh_rollups_task

    with transaction.atomic():
        _lock_year_unless_refreshing(year)
        queued = RollupRun.objects.filter(year=year, status=RollupStatus.QUEUED).order_by("id").first()
        if queued is not None:
            return queued
        run = RollupRun.objects.create(year=year, trigger=RollupTrigger.ON_DEMAND, status=RollupStatus.QUEUED,
                                       requested_by=actor)
        audit.record(actor=actor, action=REFRESH_REQUESTED, obj=run, org=Org.objects.filter(depth=1).first(),
                     after={"year": year, "trigger": run.trigger})
        refresh_rollups_task.delay_on_commit(year=year, run_id=run.pk)
    return run


def purge_old_runs(now=None) -> int:
    """Delete finished scheduled runs older than the rule, except the runs whose figures are in
    use. Returns how many were deleted."""
    cutoff = (now or timezone.now()) - datetime.timedelta(days=rules().keep_scheduled_runs_days)
    in_use = RollupYear.objects.filter(run__isnull=False).values("run_id")
    old = RollupRun.objects.filter(trigger=RollupTrigger.SCHEDULED, status=RollupStatus.DONE,
                                   requested_at__lt=cutoff).exclude(pk__in=in_use)
    deleted, _by_model = old.delete()
    return deleted


def scheduled_years(now: datetime.date | None = None) -> list[int]:
    """The current year, and the previous one during the first months (late records)."""
    now = now or today()
    years = [now.year]
    if now.month <= rules().previous_year_until_month and now.year - 1 >= rules().first_year:
        years.append(now.year - 1)
    return years


# --- export -------------------------------------------------------------------------------------

EXPORT_RUNS = "reports.rollups_export"
EXPORT_LIMIT = 20_000  # runs are few (hourly runs are purged after 90 days)


def export_runs(*, actor, filters):
    """The filtered list of runs as .xlsx in a rewound temporary file; audited. (file, rows)."""
    import tempfile

    from ..policies.rollups import EXPORT, VIEW
    from ..selectors.rollups import runs

    require(actor, EXPORT)
    handle = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 — the response closes it
    try:
        n = _write_runs(handle, runs(actor, filters)[:EXPORT_LIMIT])
        audit.record_export(actor=actor, action=EXPORT_RUNS, object_type="reports.RollupRunExport", org=None,
                            reach_action=VIEW, after={**{k: v for k, v in filters.items() if v}, "rows": n},
                            label=_("Statistics refresh list export"))
    except BaseException:
        handle.close()
        raise
    handle.seek(0)
    return handle, n


def _when(value):
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M:%S") if value else ""


def _write_runs(target, queryset) -> int:
    from gonghui.core.excel import XlsxStream

    triggers, statuses = dict(RollupTrigger.choices), dict(RollupStatus.choices)
    headers = [_("Run"), _("Year"), _("Trigger"), _("Status"), _("Requested by"), _("Requested at"), _("Started at"),
               _("Finished at"), _("Rows"), _("Seconds"), _("Error")]
    n = 0
    with XlsxStream(target) as book:
        sheet = book.sheet(_("Statistics refreshes"), headers=[str(h) for h in headers],
                           widths=[8, 6, 10, 8, 14, 19, 19, 19, 10, 8, 60])
        for run in queryset.iterator(chunk_size=2000):
            sheet.append([run.pk, run.year, str(triggers.get(run.trigger, run.trigger)),
                          str(statuses.get(run.status, run.status)),
                          run.requested_by.get_username() if run.requested_by else _("System"),
                          _when(run.requested_at), _when(run.started_at), _when(run.finished_at), run.rows,
                          float(run.seconds), run.error])
            n += 1
    return n
