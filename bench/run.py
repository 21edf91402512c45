"""Run the benchmarks: `python -m bench.run [--engine sqlite|postgresql|all] [--only GROUP,…]`.

For each engine the parent process
1. makes sure a district-scale dataset exists (SQLite: bench/data/district.sqlite3; PostgreSQL:
   the database `gonghui_bench` at 127.0.0.1:5432 when a server answers), generating it with
   `manage.py seed_demo --scale district` when missing or stale (cached between runs; the
   generation time is recorded in bench/data/<engine>-dataset.json and reported separately);
2. runs the benchmark groups in a child process (`--worker`) with DATABASE_URL pointing there
   and DJANGO_SETTINGS_MODULE=bench.settings;
3. writes bench/results/<group>-<engine>.json and prints one table with each reference beside it.
"""

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

from .common import BENCH_DIR, DATA_DIR, RESULTS_DIR, format_table, machine, write_results

ROOT = BENCH_DIR.parent
GROUPS = ("search", "pages", "import", "bargaining", "congress", "innovation", "grassroots", "competitions",
          "honours", "training", "services", "welfare", "voice", "publicity", "exports", "reports", "lists",
          "load")
SQLITE_PATH = DATA_DIR / "district.sqlite3"
PG_HOST, PG_PORT = os.environ.get("BENCH_PG_HOST", "127.0.0.1"), int(os.environ.get("BENCH_PG_PORT", "5432"))
PG_DB = os.environ.get("BENCH_PG_DB", "gonghui_bench")
PG_ADMIN_URL = f"postgres://postgres@{PG_HOST}:{PG_PORT}/postgres"
PG_URL = f"postgres://postgres@{PG_HOST}:{PG_PORT}/{PG_DB}"


def _env(database_url):
    env = dict(os.environ)
    env.update(DATABASE_URL=database_url, DJANGO_SETTINGS_MODULE="bench.settings", PYTHONPATH=str(ROOT))
    env.pop("REDIS_URL", None)
    return env


def _manage(args, database_url, *, check=True):
    cmd = [sys.executable, str(ROOT / "manage.py"), *args]
    return subprocess.run(cmd, cwd=ROOT, env=_env(database_url), check=check)


def postgres_answers():
    with socket.socket() as s:
        s.settimeout(2)
        return s.connect_ex((PG_HOST, PG_PORT)) == 0


def _pg_admin(sql):
    import psycopg

    with psycopg.connect(PG_ADMIN_URL.replace("postgres://", "postgresql://"), autocommit=True) as conn:
        return conn.execute(sql).fetchall() if sql.lstrip().upper().startswith("SELECT") else conn.execute(sql)


def _dataset_version():
    sys.path.insert(0, str(ROOT))
    from gonghui.core.demo.version import DATASET_VERSION

    return DATASET_VERSION


def _meta_path(engine):
    return DATA_DIR / f"{engine}-dataset.json"


def _read_meta(engine):
    try:
        return json.loads(_meta_path(engine).read_text())
    except (OSError, ValueError):
        return None


def ensure_dataset(engine, *, regenerate=False):
    """Return (database_url, dataset metadata), generating the dataset when needed."""
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    version = _dataset_version()
    meta = _read_meta(engine)
    if engine == "sqlite":
        url = f"sqlite:///{SQLITE_PATH}"
        fresh = SQLITE_PATH.exists() and meta and meta.get("version") == version and not regenerate
        if fresh:
            _manage(["migrate", "--noinput", "-v0"], url)  # the code may have new migrations since
            return url, meta
        partial = SQLITE_PATH.with_suffix(".partial.sqlite3")
        for path in (partial, Path(f"{partial}-wal"), Path(f"{partial}-shm")):
            path.unlink(missing_ok=True)
        partial_url = f"sqlite:///{partial}"
        meta = _generate(engine, partial_url, version)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{SQLITE_PATH}{suffix}").unlink(missing_ok=True)
        shutil.move(partial, SQLITE_PATH)
        for suffix in ("-wal", "-shm"):
            Path(f"{partial}{suffix}").unlink(missing_ok=True)
        _meta_path(engine).write_text(json.dumps(meta, indent=2))
        return url, meta
    url = PG_URL
    exists = bool(_pg_admin(f"SELECT 1 FROM pg_database WHERE datname = '{PG_DB}'"))
    if exists and meta and meta.get("version") == version and not regenerate:
        _manage(["migrate", "--noinput", "-v0"], url)
        return url, meta
    _pg_admin(f'DROP DATABASE IF EXISTS "{PG_DB}"')
    _pg_admin(f'CREATE DATABASE "{PG_DB}"')
    meta = _generate(engine, url, version)
    _meta_path(engine).write_text(json.dumps(meta, indent=2))
    return url, meta


def _generate(engine, url, version):
    print(f"[bench] {engine}: generating the district dataset (seed_demo --scale district) …", flush=True)
    started = time.monotonic()
    _manage(["migrate", "--noinput", "-v0"], url)
    migrated = time.monotonic()
    _manage(["seed_demo", "--scale", "district", "--force"], url)
    done = time.monotonic()
    meta = {"version": version, "engine": engine, "migrate_seconds": round(migrated - started, 1),
            "seed_seconds": round(done - migrated, 1), "generated_at": time.strftime("%Y-%m-%d %H:%M:%S"),
            "machine": machine()}
    print(f"[bench] {engine}: dataset generated in {meta['seed_seconds']} s (+{meta['migrate_seconds']} s migrate)",
          flush=True)
    return meta


# --- the worker (inside Django) -------------------------------------------------------------

def worker(engine, groups, quick):
    import django

    django.setup()
    from django.db import connection

    from gonghui.core.models import AuditEvent

    seeded = AuditEvent.objects.filter(action="core.seed_demo").order_by("-at").first()
    vendor = connection.vendor
    all_results = []
    for group in groups:
        module = __import__(f"bench.{'importing' if group == 'import' else group}", fromlist=["run"])
        print(f"[bench] {vendor}: {group} …", flush=True)
        started = time.monotonic()
        results = module.run(vendor, quick=quick)
        seconds = round(time.monotonic() - started, 1)
        payload = {"group": group, "engine": vendor, "seconds": seconds, "quick": quick, "machine": machine(),
                   "dataset": seeded.after if seeded else None, "results": results}
        write_results(f"{group}-{vendor}", payload)
        print(format_table(results), flush=True)
        print(f"[bench] {vendor}: {group} took {seconds} s", flush=True)
        all_results.extend(results)
    return all_results


# --- main -----------------------------------------------------------------------------------

def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--engine", choices=["sqlite", "postgresql", "all"], default="all")
    parser.add_argument("--only", default=",".join(GROUPS), help="comma-separated groups: " + ", ".join(GROUPS))
    parser.add_argument("--regenerate", action="store_true", help="rebuild the cached datasets")
    parser.add_argument("--quick", action="store_true", help="fewer iterations and rows (a smoke run)")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    groups = [g.strip() for g in args.only.split(",") if g.strip()]
    unknown = set(groups) - set(GROUPS)
    if unknown:
        parser.error(f"unknown groups: {', '.join(sorted(unknown))}")

    if args.worker:
        worker(args.engine, groups, args.quick)
        return 0

    engines = ["sqlite", "postgresql"] if args.engine == "all" else [args.engine]
    summary = {"machine": machine(), "engines": {}}
    started = time.monotonic()
    for engine in engines:
        if engine == "postgresql" and not postgres_answers():
            print(f"[bench] PostgreSQL does not answer at {PG_HOST}:{PG_PORT}: PostgreSQL benchmarks skipped")
            summary["engines"][engine] = {"skipped": "PostgreSQL not answering"}
            continue
        t0 = time.monotonic()
        url, meta = ensure_dataset(engine, regenerate=args.regenerate)
        prepare = round(time.monotonic() - t0, 1)
        t1 = time.monotonic()
        cmd = [sys.executable, "-m", "bench.run", "--worker", "--engine", engine, "--only", ",".join(groups)]
        if args.quick:
            cmd.append("--quick")
        proc = subprocess.run(cmd, cwd=ROOT, env=_env(url))
        summary["engines"][engine] = {"dataset": meta, "prepare_seconds": prepare,
                                      "bench_seconds": round(time.monotonic() - t1, 1), "exit": proc.returncode}

    results = []
    for engine in engines:
        vendor = engine
        for group in groups:
            path = RESULTS_DIR / f"{group}-{vendor}.json"
            if path.exists() and summary["engines"].get(engine, {}).get("exit") == 0:
                results.extend(json.loads(path.read_text())["results"])
    summary["seconds"] = round(time.monotonic() - started, 1)
    summary["results"] = results
    write_results("summary", summary)
    print("\n=== Benchmarks (district scale) — each with its reference measured in the same run ===")
    for engine, info in summary["engines"].items():
        meta = info.get("dataset") or {}
        if meta:
            print(f"{engine}: dataset generated in {meta.get('seed_seconds')} s on {meta.get('generated_at')} "
                  f"(cached); benchmarks took {info.get('bench_seconds')} s")
    print(format_table(results))
    print(f"\nResults: {RESULTS_DIR}/*.json   total {summary['seconds']} s")
    failed = [e for e, info in summary["engines"].items() if info.get("exit") not in (0, None)]
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
