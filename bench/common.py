"""Timing helpers shared by the benchmark modules, and the results format.

Every measurement is bounded by a number of iterations AND a number of seconds, whichever comes
first, after a few warm-up calls. A result is a dict:

    {"name", "group", "engine", "unit": "ms" | "rows/s", "value", "p50", "p95", "n",
     "reference": {"name", "value", ...} | None, "ratio", "target", "target_text", "passes", "note"}
"""

import json
import math
import os
import platform
import statistics
import time
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
DATA_DIR = BENCH_DIR / "data"
RESULTS_DIR = BENCH_DIR / "results"


def percentile(values, q):
    if not values:
        return math.nan
    ordered = sorted(values)
    k = (len(ordered) - 1) * q
    lo, hi = math.floor(k), math.ceil(k)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def measure(fn, args, *, max_iterations=200, max_seconds=15.0, warmup=3):
    """Call fn(arg) cycling through `args`; return latency stats in milliseconds."""
    args = list(args) or [None]
    for i in range(min(warmup, max_iterations)):
        fn(args[i % len(args)])
    times = []
    deadline = time.perf_counter() + max_seconds
    i = 0
    while i < max_iterations and time.perf_counter() < deadline:
        arg = args[i % len(args)]
        start = time.perf_counter()
        fn(arg)
        times.append((time.perf_counter() - start) * 1000)
        i += 1
    return {"n": len(times), "p50": round(percentile(times, 0.5), 3), "p95": round(percentile(times, 0.95), 3),
            "mean": round(statistics.fmean(times), 3), "max": round(max(times), 3)}


class QueryCounter:
    """Counts SQL statements run on a connection (robust to the connection being closed and
    reopened between requests, which CaptureQueriesContext is not)."""

    def __init__(self, connection):
        self.connection = connection
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)

    def __enter__(self):
        self._cm = self.connection.execute_wrapper(self)
        self._cm.__enter__()
        return self

    def __exit__(self, *exc):
        return self._cm.__exit__(*exc)


def latency_result(name, group, engine, stats, reference, *, target_ms=None, note="", queries=None):
    """A latency result: value = p95 ms; ratio = p95 / reference p95."""
    ratio = round(stats["p95"] / reference["p95"], 1) if reference and reference.get("p95") else None
    result = {"name": name, "group": group, "engine": engine, "unit": "ms", "value": stats["p95"], **stats,
              "reference": reference, "ratio": ratio, "note": note}
    if queries is not None:
        result["queries"] = queries
    if target_ms is not None:
        result["target"] = target_ms
        result["target_text"] = f"p95 ≤ {target_ms} ms"
        result["passes"] = stats["p95"] <= target_ms
    return result


def throughput_result(name, group, engine, rows, seconds, reference=None, *, target_ratio=None,
                      target_text="", note="", extra=None):
    """A throughput result: value = rows/s; ratio = value / reference value."""
    value = round(rows / seconds, 1) if seconds else 0.0
    ratio = round(value / reference["value"], 2) if reference and reference.get("value") else None
    result = {"name": name, "group": group, "engine": engine, "unit": "rows/s", "value": value, "rows": rows,
              "seconds": round(seconds, 2), "reference": reference, "ratio": ratio, "note": note}
    if target_ratio is not None and ratio is not None:
        result["target"] = target_ratio
        result["target_text"] = target_text or f"≥ {target_ratio}× reference"
        result["passes"] = ratio >= target_ratio
    if extra:
        result.update(extra)
    return result


def skipped(name, group, engine, why):
    return {"name": name, "group": group, "engine": engine, "skipped": why}


def ref(result):
    """The compact form of a result used as another's reference."""
    keep = ("name", "unit", "value", "p50", "p95", "n", "rows", "seconds")
    return {k: result[k] for k in keep if k in result}


def machine():
    try:
        load = os.getloadavg()
    except OSError:
        load = None
    return {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform(),
            "load_average": [round(x, 2) for x in load] if load else None}


def write_results(name, payload):
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    path = RESULTS_DIR / f"{name}.json"
    path.write_text(json.dumps(payload, ensure_ascii=False, indent=2, default=str))
    return path


def format_table(results):
    """Plain-text table: each benchmark with its reference beside it."""
    header = ("engine", "benchmark", "value", "reference", "ratio", "target", "")
    lines = [header]
    for r in results:
        if "skipped" in r:
            lines.append((r["engine"], r["name"], "skipped", "", "", "", r["skipped"]))
            continue
        unit = r["unit"]
        value = f"{r['value']:,.1f} {unit}" if unit == "ms" else f"{r['value']:,.0f} {unit}"
        if unit == "ms":
            value = f"p95 {value}"
        reference = r.get("reference")
        if reference:
            rv = reference.get("p95") if unit == "ms" else reference.get("value")
            ref_unit = reference.get("unit") or unit
            ref_text = f"{reference['name']}: " + (f"p95 {rv:,.2f} ms" if unit == "ms" else f"{rv:,.0f} {ref_unit}")
        else:
            ref_text = "-"
        ratio = "-" if r.get("ratio") is None else (f"{r['ratio']}×")
        target = r.get("target_text", "")
        verdict = {True: "PASS", False: "MISS"}.get(r.get("passes"), "")
        lines.append((r["engine"], r["name"], value, ref_text, ratio, f"{target} {verdict}".strip(), r.get("note", "")))
    widths = [max(_width(str(line[i])) for line in lines) for i in range(len(header))]
    out = []
    for n, line in enumerate(lines):
        out.append("  ".join(_pad(str(v), w) for v, w in zip(line, widths, strict=True)).rstrip())
        if n == 0:
            out.append("  ".join("-" * w for w in widths))
    return "\n".join(out)


def _width(text):
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def _pad(text, width):
    return text + " " * (width - _width(text))
