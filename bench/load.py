"""A load test through the deployed stack: gunicorn with deploy/gunicorn.conf.py and the bench
settings on the PostgreSQL bench dataset, driven by locust (bench/locustfile.py, headless).

1. The plan: which pages each demo account opens (the discovered list pages of bench/lists.py
   that answer it 200 HTML, checked here with the test Client), a few filtered lists, search
   terms, the member's portal pages; written to bench/results/load-plan.json for locust.
2. gunicorn on a free local port, sharing a Redis cache (database LOAD_REDIS_DB) as in
   production; the dashboard figures are refreshed before and every 240 s during the run, as the
   scheduled job does.
3. an unrecorded warm-up of LOAD_WARMUP_SECONDS (default 30, `--quick` 10), then locust for
   LOAD_SECONDS (default 300, `--quick` 30) with LOAD_USERS users (default 24: 3
   cadres for each member, 0.5–2 s between requests); then, with the same users and the same
   configuration, every request on /bench/bare (a plain HttpResponse, no database) for
   LOAD_BARE_SECONDS (default 60, `--quick` 15): the reference.
4. Results per request type (p50, p95, requests/s, failures), the whole mix without the
   sign-ins against the bare endpoint, and the error rate (must be 0). The appeals the
   simulated members submitted are deleted afterwards, so the cached dataset does not grow.
"""

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
import uuid

from .common import BENCH_DIR, DATA_DIR, RESULTS_DIR, latency_result, percentile, skipped
from .lists import ANNUAL_NAMES, discover_routes, skip_reason
from .pages import _client

GROUP = "load"
ROOT = BENCH_DIR.parent
VENV_BIN = os.path.dirname(sys.executable)
REDIS_URL = os.environ.get("LOAD_REDIS_URL", "redis://127.0.0.1:6379/6")
CADRES = ("district", "town1", "union1")
MEMBER = "member1"
# Cadres' browsing: the member list and the public pages are not "list pages to browse" here;
# the member list is hit by the searches, the portal by the members.
NOT_BROWSED = ("m/", "accounts/", "voice/appeal/", "voice/my/", "training/my/", "services/my/", "welfare/my/",
               "publicity/studies/my/", "training/verify/", "services/card/", "bench/")
# The filters the group benchmarks use (bench/voice.py, congress.py, innovation.py, grassroots.py).
FILTERS = [
    "/members/?migrant=yes", "/voice/appeals/?overdue=1", "/congress/proposals/?due=overdue",
    "/congress/proposals/?q=%E5%A4%9C%E7%8F%AD", "/innovation/?status=ADOPTED",
    "/innovation/?q=%E8%8A%82%E8%83%BD", "/grassroots/committees/?expiry=EXPIRED", "/bargaining/?due=overdue",
]
SEARCH_TERMS = ["王", "李", "张", "刘", "陈", "杨", "wang", "zh", "li"]
MEMBER_PAGES = ["/m/", "/m/membership/", "/m/messages/", "/m/services/", "/m/offers/", "/m/me/",
                "/voice/my/appeals/", "/voice/my/surveys/", "/training/my/", "/services/my/card/",
                "/services/my/events/", "/welfare/my/mutual-aid/", "/welfare/my/applications/",
                "/publicity/studies/my/"]
APPEAL_FORM = "/voice/my/appeals/new/"
FIGURES_REFRESH_SECONDS = 240  # the beat schedule's refresh-figures interval


# --- the plan -------------------------------------------------------------------------------

def _answers_html(client, url):
    response = client.get(url)
    return response.status_code == 200 and response.get("Content-Type", "").startswith("text/html")


def browsed_pages():
    """The discovered list pages a cadre browses (no exports, forms, annual report, portal)."""
    return ["/" + route for route, name in discover_routes()
            if not skip_reason(route) and name not in ANNUAL_NAMES and not route.startswith(NOT_BROWSED)]


def build_plan(title):
    from gonghui.accounts.models import User
    from gonghui.core.demo.accounts import DEMO_PASSWORD, DEMO_PHONES
    from gonghui.members.selectors import person_of_account
    from gonghui.voice.services.intake import member_enterprise

    candidates = browsed_pages()
    plan = {"password": DEMO_PASSWORD, "cadres": list(CADRES), "pages": {}, "filters": {},
            "member_list": "/members/", "search_terms": SEARCH_TERMS, "appeal_title": title,
            "member_phone": DEMO_PHONES[MEMBER], "appeal_form": APPEAL_FORM, "my_appeals": "/voice/my/appeals/"}
    for username in CADRES:
        client = _client(User.objects.get(username=username))
        plan["pages"][username] = [url for url in candidates if _answers_html(client, url)]
        plan["filters"][username] = [url for url in FILTERS if _answers_html(client, url)]
    member = User.objects.get(username=MEMBER)
    client = _client(member)
    plan["member_pages"] = [url for url in MEMBER_PAGES if _answers_html(client, url)]
    enterprise = member_enterprise(person_of_account(member))
    plan["member_enterprise"] = enterprise.name if enterprise else ""
    plan["skipped_pages"] = {u: sorted(set(candidates) - set(plan["pages"][u])) for u in CADRES}
    return plan


# --- the server -----------------------------------------------------------------------------

def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _server_env(port):
    env = dict(os.environ)
    env.update(DJANGO_SETTINGS_MODULE="bench.settings", BENCH_REDIS_URL=REDIS_URL, PYTHONPATH=str(ROOT),
               GUNICORN_BIND=f"127.0.0.1:{port}")
    return env


def start_gunicorn(port):
    cmd = [os.path.join(VENV_BIN, "gunicorn"), "-c", str(ROOT / "deploy" / "gunicorn.conf.py"),
           "config.wsgi:application"]
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    log = open(DATA_DIR / "load-gunicorn.log", "w")  # noqa: SIM115 — gitignored; closed with the process
    proc = subprocess.Popen(cmd, cwd=ROOT, env=_server_env(port), stdout=log, stderr=subprocess.STDOUT,
                            start_new_session=True)
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {proc.returncode}: see {log.name}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as response:
                if response.status == 200:
                    return proc
        except OSError:
            time.sleep(1)
    stop(proc)
    raise RuntimeError(f"gunicorn did not answer /healthz within 90 s: see {log.name}")


def stop(proc):
    """Stop a process group this module started (gunicorn's master and its workers)."""
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def refresh_figures(port):
    """What the scheduled job does: count the dashboards' figures into the shared cache."""
    code = "from gonghui.members.figures import refresh_upper_levels; refresh_upper_levels()"
    subprocess.run([sys.executable, str(ROOT / "manage.py"), "shell", "-c", code], cwd=ROOT,
                   env=_server_env(port), check=True)


class FiguresJob(threading.Thread):
    """Refreshes the figures every FIGURES_REFRESH_SECONDS while the load runs."""

    def __init__(self, port):
        super().__init__(daemon=True)
        self.port, self.done = port, threading.Event()

    def run(self):
        while not self.done.wait(FIGURES_REFRESH_SECONDS):
            refresh_figures(self.port)


# --- locust ---------------------------------------------------------------------------------

def run_locust(port, plan_path, *, mode, seconds, users):
    out = RESULTS_DIR / f"load-locust-{mode}.json"
    env = dict(os.environ, LOAD_PLAN=str(plan_path), LOAD_MODE=mode)
    cmd = [os.path.join(VENV_BIN, "locust"), "-f", str(BENCH_DIR / "locustfile.py"), "--headless",
           "--users", str(users), "--spawn-rate", str(max(1, users // 4)), "--run-time", f"{seconds}s",
           "--host", f"http://127.0.0.1:{port}", "--only-summary", "--json-file", str(out.with_suffix("")),
           "--stop-timeout", "10", "--loglevel", "WARNING"]
    started = time.monotonic()
    subprocess.run(cmd, cwd=ROOT, env=env, check=False)
    return json.loads(out.read_text()), time.monotonic() - started


def _histogram_percentiles(entries):
    """p50 and p95 (ms) of the combined response-time histograms of locust entries."""
    times = []
    for entry in entries:
        for ms, count in entry["response_times"].items():
            times.extend([float(ms)] * count)
    return {"n": len(times), "p50": round(percentile(times, 0.5), 1), "p95": round(percentile(times, 0.95), 1),
            "mean": round(sum(times) / len(times), 1) if times else 0.0, "max": max(times) if times else 0.0}


def _duration(entries):
    starts = [e["start_time"] for e in entries if e["num_requests"]]
    ends = [e["last_request_timestamp"] for e in entries if e["num_requests"]]
    return max(ends) - min(starts) if starts else 0.0


def summarise(entries):
    """(per request type, the mix without sign-ins) from locust's JSON stats."""
    traffic = [e for e in entries if not e["name"].startswith("sign-in")]
    seconds = _duration(traffic) or 1.0
    rows = {}
    for entry in entries:
        stats = _histogram_percentiles([entry])
        rows[entry["name"]] = {**stats, "requests": entry["num_requests"], "failures": entry["num_failures"],
                               "rps": round(entry["num_requests"] / seconds, 2)}
    total = sum(e["num_requests"] for e in traffic)
    mix = {**_histogram_percentiles(traffic), "requests": total, "failures": sum(e["num_failures"] for e in traffic),
           "rps": round(total / seconds, 2), "seconds": round(seconds, 1)}
    return rows, mix


# --- the group ------------------------------------------------------------------------------

def _flush_cache():
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()  # LOAD_REDIS_DB is this benchmark's own database


def _delete_load_appeals(title):
    from gonghui.voice.models import Appeal

    appeals = Appeal.objects.filter(title=title)
    created = appeals.count()
    try:
        appeals.delete()
    except Exception as exc:  # noqa: BLE001 — report it; the run's figures stand either way
        return created, f"could not delete them: {exc}"
    return created, "deleted after the run"


def _result(name, engine, stats, reference, note):
    return latency_result(name, GROUP, engine, stats, reference, note=note)


def run(engine, *, quick=False):
    if engine != "postgresql":
        return [skipped("load test", GROUP, engine, "PostgreSQL only (several gunicorn processes write)")]
    seconds = int(os.environ.get("LOAD_SECONDS", 30 if quick else 300))
    bare_seconds = int(os.environ.get("LOAD_BARE_SECONDS", 15 if quick else 60))
    users = int(os.environ.get("LOAD_USERS", 24))
    warmup_seconds = int(os.environ.get("LOAD_WARMUP_SECONDS", 10 if quick else 30))
    title = f"压测诉求 {uuid.uuid4().hex[:8]}"
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    plan = build_plan(title)
    plan_path = RESULTS_DIR / "load-plan.json"
    plan_path.write_text(json.dumps(plan, ensure_ascii=False, indent=2))

    _flush_cache()
    port = _free_port()
    server = start_gunicorn(port)
    job = FiguresJob(port)
    try:
        refresh_figures(port)
        job.start()
        # Fresh gunicorn workers load URLconfs, templates and catalogues on their first requests,
        # and PostgreSQL's cache is cold: a short unrecorded run first, as a deployed server is warm.
        run_locust(port, plan_path, mode="mix", seconds=warmup_seconds, users=users)
        main_stats, main_wall = run_locust(port, plan_path, mode="mix", seconds=seconds, users=users)
        job.done.set()
        bare_stats, _bare_wall = run_locust(port, plan_path, mode="bare", seconds=bare_seconds, users=users)
    finally:
        job.done.set()
        stop(server)
    created, cleanup = _delete_load_appeals(title)
    return results_of(engine, main_stats, bare_stats, users=users, seconds=seconds, plan=plan,
                      appeals=(created, cleanup), wall=main_wall)


def results_of(engine, main_stats, bare_stats, *, users, seconds, plan, appeals, wall):
    rows, mix = summarise(main_stats)
    _bare_rows, bare = summarise(bare_stats)
    bare_result = _result(f"bare endpoint /bench/bare ({users} users)", engine, bare, None,
                          f"{bare['rps']} req/s, {bare['requests']:,} requests, {bare['failures']} failed")
    reference = {k: bare_result[k] for k in ("name", "unit", "value", "p50", "p95", "n")}
    pages = sum(len(v) for v in plan["pages"].values())
    results = [bare_result, _result(
        f"whole mix without sign-ins ({users} users, {seconds} s)", engine, mix, reference,
        f"{mix['rps']} req/s ({round(mix['rps'] / bare['rps'], 2) if bare['rps'] else '-'}× bare), "
        f"{mix['requests']:,} requests, {mix['failures']} failed; {pages} (account, page) pairs browsed")]
    for name, row in sorted(rows.items()):
        results.append(_result(f"{name}", engine, row, reference,
                               f"{row['rps']} req/s, {row['requests']:,} requests, {row['failures']} failed"))
    failures = mix["failures"] + sum(r["failures"] for n, r in rows.items() if n.startswith("sign-in"))
    requests = mix["requests"] + sum(r["requests"] for n, r in rows.items() if n.startswith("sign-in"))
    rate = round(100 * failures / requests, 3) if requests else 0.0
    results.append({"name": "error rate (every request, sign-ins included)", "group": GROUP, "engine": engine,
                    "unit": "%", "value": rate, "reference": None, "ratio": None, "target": 0,
                    "target_text": "0 %", "passes": failures == 0,
                    "note": f"{failures} of {requests:,}; {appeals[0]} appeals submitted, {appeals[1]}",
                    "throughput_rps": mix["rps"], "bare_rps": bare["rps"], "wall_seconds": round(wall, 1)})
    return results
