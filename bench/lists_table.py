"""The `lists` benchmark as the Markdown tables of docs/performance.md:

    python -m bench.lists_table [bench/results/lists-postgresql.json]

prints a summary (rows within / over their target per kind, medians) and one table row per page or
endpoint with the district and the town user's p50 / p95 side by side, so the documented figures
are generated from a run, never typed.
"""

import json
import re
import statistics
import sys
from pathlib import Path

from .common import RESULTS_DIR

USERS = ("district user", "town user")


def _split(name):
    """("page /x/ (app:name)", "district user") from "page /x/ (app:name), district user"."""
    label, _, user = name.rpartition(", ")
    return label, user


def _url(label):
    match = re.match(r"(?:page|API GET) (\S+)", label)
    return match.group(1) if match else label


def _cell(row):
    if row is None:
        return "–"
    mark = "" if row["passes"] else " ✗"
    return f"{row['p50']:,.0f} / {row['p95']:,.0f} ms{mark}"


def measured(results):
    return [r for r in results if "p95" in r and "target" in r]


def summary(rows):
    lines = []
    for kind in ("list", "dashboard", "annual report"):
        for prefix, what in (("page", "pages"), ("API", "endpoints")):
            group = [r for r in rows if r["kind"] == kind and r["name"].startswith(prefix)]
            if not group:
                continue
            over = sum(not r["passes"] for r in group)
            lines.append(f"- {kind} {what}: {len(group) - over} of {len(group)} rows within "
                         f"{group[0]['target_text']}, {over} over; median p50 "
                         f"{statistics.median(r['p50'] for r in group):.0f} ms, median p95 "
                         f"{statistics.median(r['p95'] for r in group):.0f} ms")
    return lines


def table(rows):
    by_label = {}
    for row in rows:
        label, user = _split(row["name"])
        by_label.setdefault(label, {})[user] = row
    lines = ["| page / endpoint | p50 / p95 district | p50 / p95 town | queries | target |",
             "| --- | --- | --- | --- | --- |"]
    for label, users in by_label.items():
        district, town = (users.get(user) for user in USERS)
        queries = " / ".join(str(u["queries"]) if u else "–" for u in (district, town))
        target = (district or town)["target_text"]
        lines.append(f"| `{_url(label)}` | {_cell(district)} | {_cell(town)} | {queries} | {target} |")
    return lines


def main(argv):
    path = Path(argv[0]) if argv else RESULTS_DIR / "lists-postgresql.json"
    payload = json.loads(path.read_text())
    rows = measured(payload["results"])
    print("\n".join(summary(rows)))
    print()
    print("\n".join(table(rows)))


if __name__ == "__main__":
    main(sys.argv[1:])
