"""Exports at district scale: memory and rows/s of the real export code, each in a child process.

- `member export`: every live membership (~600,000) as the `district` user, through
  `core.exports.start_export` with the member list's export (`members.exporting.MEMBERS`) — the
  page's own path: above EXPORT_BACKGROUND_ROWS a background job (Celery is eager in bench
  settings, so the job runs in the child) that writes the .xlsx to private storage. Measured:
  rows/s (wall time of the whole job, counting and auditing included) and the child's peak RSS
  (VmHWM; see `_peak_mb` for why not ru_maxrss).
- `plain XlsxWriter` (the reference, same run): a child without Django writing the same number of
  rows of the same width and cell types (16 columns: names, masked numbers, dates) in XlsxWriter's
  constant-memory mode. What any streaming export must at least cost.
- for scale, the other lists on the background path: the decided member transfers (~54,000) and
  the audit trail, both as the `district` user.

A Django process of this project holds ~150 MB before it exports anything (pypinyin's phrase
dictionary alone ~100 MB, loaded by the member search at start-up), so the memory target is
checked on what the export adds to the child's own peak: `peak − RSS after django.setup()`,
both reported. Targets (DESIGN.md): ≤ 100 MB for 600,000 rows; rows/s ≥ 0.5× the reference.

Run as a child: `python -m bench.exports --child members|transfers|audit|reference [--rows N] [--org ID]`
prints one JSON line.
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time

from .common import BENCH_DIR, skipped, throughput_result

ROOT = BENCH_DIR.parent
GROUP = "exports"
TARGET_MB = 100
TARGET_RATIO = 0.5
COLUMNS = 16


def _peak_mb():
    """This process's peak resident set size so far, in MB: VmHWM of /proc/self/status, the
    high-water mark of the process's own memory since it started its program.

    Not ru_maxrss: on Linux a child's ru_maxrss (getrusage RUSAGE_CHILDREN, wait4) keeps the
    high-water mark of the memory it was forked from — the ~160 MB Django worker that starts it —
    across the exec, so every child would read as at least as big as its parent."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)  # KiB on Linux


# --- the children ---------------------------------------------------------------------------------

def child_export(kind, org_id=None):
    import django

    django.setup()
    from django.core.files.storage import default_storage

    from gonghui.accounts.models import User
    from gonghui.core import exports
    from gonghui.core.views_exports import AUDIT
    from gonghui.members import exporting

    user = User.objects.get(username="district")
    params = {"org": str(org_id)} if org_id else {}
    kinds = {"members": (exporting.MEMBERS, params), "transfers": (exporting.TRANSFERS, {"tab": "decided"}),
             "audit": (AUDIT, {})}
    kind, params = kinds[kind]
    baseline = _peak_mb()
    started_at = time.perf_counter()
    started = exports.start_export(actor=user, kind=kind, params=params)
    seconds = time.perf_counter() - started_at
    if started.job_id:
        job = exports.export_job(user, started.job_id)
        if job["status"] != "DONE":
            raise SystemExit(f"export job {job['status']}: {job.get('message')}")
        rows, size = job["rows"], default_storage.size(job["file"])
        default_storage.delete(job["file"])
    else:
        rows = started.rows
        started.file.seek(0, 2)
        size = started.file.tell()
        started.file.close()
    return {"rows": rows, "seconds": round(seconds, 2), "background": bool(started.job_id),
            "baseline_mb": baseline, "peak_mb": _peak_mb(), "file_mb": round(size / 2**20, 1)}


def reference_rows(n):
    """Rows shaped like the member export's: 16 cells of the same types and lengths."""
    import datetime

    birth, joined = datetime.date(1985, 6, 1), datetime.date(2015, 3, 1)
    for i in range(n):
        yield [f"张{i % 97}明", f"3301{i % 100:02d}********{i % 10000:04d}", f"138****{i % 10000:04d}", "男",
               birth + datetime.timedelta(days=i % 9000), f"杭州某某制造有限公司{i % 4000}工会", f"U{i % 4000:08d}",
               f"杭州某某制造有限公司{i % 8000}", f"91330100MA2{i % 10000000:07d}", "浙江省", "否", "高中（中专）",
               "中级工（四级）", joined + datetime.timedelta(days=i % 3000), "在会", None]


def child_reference(n):
    import xlsxwriter

    baseline = _peak_mb()
    started_at = time.perf_counter()
    with tempfile.TemporaryFile(suffix=".xlsx") as handle:
        book = xlsxwriter.Workbook(handle, {"constant_memory": True, "strings_to_formulas": False,
                                            "strings_to_urls": False, "strings_to_numbers": False,
                                            "default_date_format": "yyyy-mm-dd"})
        sheet = book.add_worksheet("会员")
        sheet.write_row(0, 0, [f"列{c}" for c in range(COLUMNS)])
        for r, row in enumerate(reference_rows(n), start=1):
            sheet.write_row(r, 0, row)
        book.close()
        size = handle.tell()
    seconds = time.perf_counter() - started_at
    return {"rows": n, "seconds": round(seconds, 2), "baseline_mb": baseline, "peak_mb": _peak_mb(),
            "file_mb": round(size / 2**20, 1)}


def child_main(argv):
    parser = argparse.ArgumentParser()
    parser.add_argument("--child", required=True, choices=["members", "transfers", "audit", "reference"])
    parser.add_argument("--rows", type=int, default=0)
    parser.add_argument("--org", type=int, default=0)
    args = parser.parse_args(argv)
    out = child_reference(args.rows) if args.child == "reference" else child_export(args.child, args.org or None)
    print("RESULT " + json.dumps(out), flush=True)


# --- the parent (inside bench.run's worker) ----------------------------------------------------------

def run_child(args):
    """Run one child process and return its JSON result (with its own peak RSS, see _peak_mb)."""
    proc = subprocess.run([sys.executable, "-m", "bench.exports", *args], cwd=ROOT, env=dict(os.environ),
                          stdout=subprocess.PIPE, text=True, check=False)
    if proc.returncode != 0:
        raise RuntimeError(f"bench.exports child {args} failed ({proc.returncode})")
    line = next(x for x in proc.stdout.splitlines() if x.startswith("RESULT "))
    return json.loads(line[len("RESULT "):])


def _memory_result(name, engine, export, reference):
    added = round(export["peak_mb"] - export["baseline_mb"], 1)
    return {"name": name, "group": GROUP, "engine": engine, "unit": "MB", "value": added, "reference": None,
            "ratio": None, "target": TARGET_MB, "target_text": f"≤ {TARGET_MB} MB added", "passes": added <= TARGET_MB,
            "peak_mb": export["peak_mb"], "baseline_mb": export["baseline_mb"],
            "note": (f"peak RSS {export['peak_mb']:,.0f} MB, of which {export['baseline_mb']:,.0f} MB before the "
                     f"export (Django + pypinyin); plain XlsxWriter child: peak {reference['peak_mb']:,.0f} MB")}


def run(engine, *, quick=False):
    from gonghui.accounts.models import User
    from gonghui.members.models import LIVE_STATUSES, Membership
    from gonghui.orgs.models import Org, OrgLevel

    if not User.objects.filter(username="district").exists():
        return [skipped("member export", GROUP, engine, "no `district` demo account in the dataset")]
    org_id = None
    if quick:  # one town: a smoke run of the same code
        org_id = Org.objects.filter(level=OrgLevel.TOWN).order_by("path").values_list("pk", flat=True).first()
    live = Membership.objects.filter(status__in=LIVE_STATUSES)
    if org_id:
        live = live.filter(union__path__startswith=Org.objects.get(pk=org_id).path)
    print(f"[bench] {engine}: exports: {live.count():,} live memberships to export …", flush=True)
    export = run_child(["--child", "members", *(["--org", str(org_id)] if org_id else [])])
    reference = run_child(["--child", "reference", "--rows", str(export["rows"])])
    ref_result = throughput_result(f"plain XlsxWriter constant_memory ({reference['rows']:,} rows × {COLUMNS} columns)",
                                   GROUP, engine, reference["rows"], reference["seconds"],
                                   note=f"peak RSS {reference['peak_mb']:,.0f} MB, file {reference['file_mb']} MB",
                                   extra={"peak_mb": reference["peak_mb"], "file_mb": reference["file_mb"]})
    compact_ref = {k: ref_result[k] for k in ("name", "unit", "value", "rows", "seconds")}
    results = [ref_result, throughput_result(
        f"member export, {export['rows']:,} rows ({'background job' if export['background'] else 'at once'})",
        GROUP, engine, export["rows"], export["seconds"], compact_ref, target_ratio=TARGET_RATIO,
        note=f"file {export['file_mb']} MB; peak RSS {export['peak_mb']:,.0f} MB",
        extra={"peak_mb": export["peak_mb"], "baseline_mb": export["baseline_mb"], "file_mb": export["file_mb"]}),
        _memory_result(f"member export, {export['rows']:,} rows: memory added", engine, export, reference)]
    if not quick:
        for kind, label in (("transfers", "decided member transfers"), ("audit", "audit trail")):
            other = run_child(["--child", kind])
            results.append(throughput_result(
                f"{label} export, {other['rows']:,} rows ({'background job' if other['background'] else 'at once'})",
                GROUP, engine, other["rows"], other["seconds"], compact_ref,
                note=f"peak RSS {other['peak_mb']:,.0f} MB ({other['baseline_mb']:,.0f} before); "
                     f"file {other['file_mb']} MB",
                extra={"peak_mb": other["peak_mb"], "baseline_mb": other["baseline_mb"]}))
    return results


if __name__ == "__main__":
    child_main(sys.argv[1:])
