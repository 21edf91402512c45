"""`make prod-check`: the production stack on this machine, a smoke test through it, then stopped.

Against the local PostgreSQL and Redis, with DJANGO_SETTINGS_MODULE=config.settings.prod and
secrets generated for the run:

1. a fresh database (`gonghui_prodcheck`) migrated and loaded with the small demo district
   (`seed_demo --scale small --force`, `demo_accounts`). Migrating from nothing and seeding take
   minutes on a busy machine, so the first run keeps the result as a template database named
   after a checksum of the migrations and the demo code; later runs copy it (a second) and run
   `migrate` on the copy, which must find nothing to do. The template remembers the PII keys its
   rows were encrypted with (a database comment: throwaway keys of fictional data);
2. Redis db PRODCHECK_REDIS_DB (default 14) emptied;
3. `collectstatic` (whitenoise's manifest storage), then gunicorn with deploy/gunicorn.conf.py,
   a Celery worker and Celery beat, each in its own process group;
4. the smoke test, through HTTP as nginx would send it (X-Forwarded-Proto: https, Secure
   cookies, CSRF with Origin and Referer): /healthz and /readyz; sign-in of the district
   administrator with the second factor (a TOTP device set up through the pages, codes computed
   with django_otp.oath.totp); every top-level navigation entry (200, no error text); a personal
   API token made on its page and an API call with it; a member export large enough to run in the
   background (EXPORT_BACKGROUND_ROWS=5) executed by the real worker, polled until it downloads;
   beat still running and started;
5. everything stopped (also on failure or Ctrl-C), and a summary; exit status 1 on any failure.

Environment: PRODCHECK_DATABASE_URL (a postgres:// URL of the server; the database name in it is
ignored; default: DATABASE_URL when it is postgres, else postgres://postgres@127.0.0.1:5432/),
PRODCHECK_REDIS_URL (default redis://127.0.0.1:6379/14), PRODCHECK_WORKDIR (static files, media,
logs; default <tmp>/gonghui-prodcheck), PRODCHECK_KEEP=1 keeps the database afterwards.
"""

import base64
import contextlib
import hashlib
import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin, urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
DATABASE = "gonghui_prodcheck"
TEMPLATE_PREFIX = "gonghui_prodcheck_tpl_"
PASSWORD = "demo-pass-2026"  # the demo accounts' password (README)
ERROR_TEXT = ("Server Error (500)", "Traceback (most recent call last)", "Internal Server Error")
# Files whose change makes the prepared template stale: a change of the demo code rebuilds it from
# nothing; a change of the migrations only migrates a copy of the previous template (seconds, not
# the minutes of a migrate from nothing, which CI would pay after every commit with a migration).
DEMO_INPUTS = ("gonghui/core/demo/**/*.py", "gonghui/core/management/commands/seed_demo.py",
               "gonghui/core/management/commands/demo_accounts.py")
MIGRATION_INPUTS = ("gonghui/*/migrations/*.py",)


# --- results ---------------------------------------------------------------------------------------
@dataclass
class Report:
    lines: list = field(default_factory=list)
    failed: list = field(default_factory=list)
    started: float = field(default_factory=time.monotonic)

    def step(self, name, function, *args):
        """Run one check; record ok / FAIL with its time; a failure does not stop the others
        unless the check raises StopCheck (nothing after it can work)."""
        began = time.monotonic()
        try:
            detail = function(*args) or ""
        except StopCheck as error:
            self._record(name, began, False, str(error))
            raise
        except Exception as error:  # noqa: BLE001 — every failure is reported, the run goes on
            self._record(name, began, False, f"{type(error).__name__}: {error}")
            return None
        self._record(name, began, True, detail)
        return detail

    def _record(self, name, began, ok, detail):
        line = f"{'ok  ' if ok else 'FAIL'}  {name:<42} {time.monotonic() - began:6.1f} s  {detail}"
        print(line, flush=True)
        self.lines.append(line)
        if not ok:
            self.failed.append(name)


class StopCheck(Exception):
    """A failure after which the rest of the check cannot run (no database, no server)."""


def check(condition, message):
    if not condition:
        raise AssertionError(message)


# --- configuration -----------------------------------------------------------------------------------
def server_url() -> str:
    """The PostgreSQL server to use, as a URL without a database name."""
    url = os.environ.get("PRODCHECK_DATABASE_URL") or ""
    if not url and os.environ.get("DATABASE_URL", "").startswith("postgres"):
        url = os.environ["DATABASE_URL"]
    url = url or "postgres://postgres@127.0.0.1:5432/"
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "/", "", ""))


def database_url(name: str) -> str:
    return server_url().rstrip("/") + "/" + name


def workdir() -> Path:
    path = Path(os.environ.get("PRODCHECK_WORKDIR") or Path(tempfile.gettempdir()) / "gonghui-prodcheck")
    (path / "logs").mkdir(parents=True, exist_ok=True)
    return path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def production_env(keys: dict, port: int, work: Path) -> dict:
    """The environment of every process: production settings, secrets made for this run."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "CELERY_", "GUNICORN_"))}
    env.pop("DEBUG", None)
    env.update({
        "DJANGO_SETTINGS_MODULE": "config.settings.prod",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "PII_ENCRYPTION_KEYS": keys["PII_ENCRYPTION_KEYS"],
        "PII_HASH_KEY": keys["PII_HASH_KEY"],
        "DATABASE_URL": database_url(DATABASE),
        "REDIS_URL": os.environ.get("PRODCHECK_REDIS_URL", "redis://127.0.0.1:6379/14"),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "PROXY_COUNT": "1",
        "STATIC_ROOT": str(work / "static"),
        "MEDIA_ROOT": str(work / "media"),
        "EXPORT_BACKGROUND_ROWS": "5",
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_WORKERS": "2",
        "LOG_LEVEL": "INFO",
        "PYTHONUNBUFFERED": "1",
    })
    return env


# --- database --------------------------------------------------------------------------------------
def admin_sql(sql: str, *params):
    """One statement on the server's maintenance database (autocommit: CREATE/DROP DATABASE)."""
    import psycopg

    with psycopg.connect(database_url("postgres"), autocommit=True, connect_timeout=5) as conn:
        cursor = conn.execute(sql, params or None)
        return cursor.fetchall() if cursor.description else None


def checksum(patterns) -> str:
    digest = hashlib.sha256()
    for pattern in patterns:
        for path in sorted(ROOT.glob(pattern)):
            digest.update(str(path.relative_to(ROOT)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:8]


def template_name() -> str:
    """gonghui_prodcheck_tpl_<demo code>_<migrations>."""
    return f"{TEMPLATE_PREFIX}{checksum(DEMO_INPUTS)}_{checksum(MIGRATION_INPUTS)}"


def templates() -> list[str]:
    return [row[0] for row in admin_sql("SELECT datname FROM pg_database WHERE datname LIKE %s ORDER BY datname",
                                        TEMPLATE_PREFIX + "%")]


def manage(env: dict, *args, timeout=900):
    result = subprocess.run([str(BIN / "python"), "manage.py", *args], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=timeout)
    if result.returncode != 0:
        raise AssertionError(f"manage.py {' '.join(args)} failed:\n{result.stdout[-2000:]}\n{result.stderr[-4000:]}")
    return result.stdout


def build_template(name: str) -> tuple[dict, str]:
    """A new template database: a migrated copy of the previous one when only the migrations
    changed, else migrated and seeded from nothing (minutes). Older templates are dropped."""
    demo_prefix = name.rsplit("_", 1)[0] + "_"
    previous = [old for old in templates() if old.startswith(demo_prefix) and not old.endswith("_building")]
    keys = template_keys(previous[-1]) if previous else None
    copied = bool(keys)  # a previous template without its stored keys cannot be reused
    building = name + "_building"
    admin_sql(f'DROP DATABASE IF EXISTS "{building}"')
    if copied:
        admin_sql(f'CREATE DATABASE "{building}" TEMPLATE "{previous[-1]}"')
    else:
        keys = new_keys()
        admin_sql(f'CREATE DATABASE "{building}"')
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.dev", "DATABASE_URL": database_url(building),
           "PII_ENCRYPTION_KEYS": keys["PII_ENCRYPTION_KEYS"], "PII_HASH_KEY": keys["PII_HASH_KEY"],
           "CELERY_TASK_ALWAYS_EAGER": "true", "REDIS_URL": ""}
    manage(env, "migrate", "--noinput")
    if copied:
        how = f"migrated from {previous[-1]}"
    else:
        manage(env, "seed_demo", "--scale", "small", "--force")
        manage(env, "demo_accounts")
        how = "migrated and seeded from nothing"
    for old in templates():
        if old != building:
            admin_sql(f'DROP DATABASE IF EXISTS "{old}"')
    admin_sql(f'ALTER DATABASE "{building}" RENAME TO "{name}"')
    admin_sql(f"COMMENT ON DATABASE \"{name}\" IS '{json.dumps(keys)}'")
    return keys, how


def template_keys(name: str) -> dict | None:
    rows = admin_sql("SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s", name)
    return json.loads(rows[0][0]) if rows and rows[0][0] else None


def new_keys() -> dict:
    from cryptography.fernet import Fernet

    return {"PII_ENCRYPTION_KEYS": Fernet.generate_key().decode(), "PII_HASH_KEY": secrets.token_urlsafe(32)}


class Prepared(str):
    """What prepare_database reports (printed) with the template's keys (never printed)."""

    keys: dict


def prepare_database() -> Prepared:
    """A fresh copy of the template (built first when missing), with the template's keys."""
    name = template_name()
    keys, how = template_keys(name), ""
    if keys is None:
        keys, how = build_template(name)
    admin_sql(f'DROP DATABASE IF EXISTS "{DATABASE}"')
    admin_sql(f'CREATE DATABASE "{DATABASE}" TEMPLATE "{name}"')
    prepared = Prepared(f"{DATABASE} from {name}" + (f" (template {how} now)" if how else ""))
    prepared.keys = keys
    return prepared


def migrate(env, work):
    output = manage(env, "migrate", "--noinput")
    applied = re.findall(r"Applying (\S+)", output)
    return f"applied {', '.join(applied)}" if applied else "nothing to apply"


def static_checksum() -> str:
    """The static sources (ours and the installed packages', through the lock file) and the
    storage settings: collectstatic with compression takes minutes on a busy machine, so it runs
    only when one of these changed since the last run in the same work directory."""
    digest = hashlib.sha256()
    for path in sorted([*ROOT.glob("static/**/*"), ROOT / "requirements.lock.txt", ROOT / "config/settings/prod.py",
                        ROOT / "gonghui/core/static_storage.py", *ROOT.glob("gonghui/*/static/**/*")]):
        if path.is_file():
            stat = path.stat()
            digest.update(f"{path.relative_to(ROOT)}:{stat.st_size}:{stat.st_mtime_ns}".encode())
    return digest.hexdigest()


def collect_static(env, work):
    stamp, checksum = work / "static.checksum", static_checksum()
    if stamp.exists() and stamp.read_text() == checksum and (work / "static" / "staticfiles.json").exists():
        return "unchanged since the last run (kept)"
    output = manage(env, "collectstatic", "--noinput")
    stamp.write_text(checksum)
    return output.strip().splitlines()[-1] if output.strip() else ""


def drop_database():
    admin_sql(f'DROP DATABASE IF EXISTS "{DATABASE}"')


def flush_redis(url: str):
    import redis

    redis.Redis.from_url(url, socket_connect_timeout=2).flushdb()


# --- processes ---------------------------------------------------------------------------------------
class Stack:
    """gunicorn, the Celery worker and beat, each in its own process group, logs in files."""

    def __init__(self, env: dict, work: Path):
        self.env, self.work, self.processes = env, work, {}

    def start(self, name: str, *command: str):
        log = open(self.work / "logs" / f"{name}.log", "w")  # noqa: SIM115 — closed in stop()
        process = subprocess.Popen([str(BIN / command[0]), *command[1:]], cwd=ROOT, env=self.env,
                                   stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        self.processes[name] = (process, log)

    def log(self, name: str) -> str:
        return (self.work / "logs" / f"{name}.log").read_text(errors="replace")

    def alive(self, name: str) -> bool:
        return self.processes[name][0].poll() is None

    def wait_for_log(self, name: str, text: str, seconds: float):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if text in self.log(name):
                return
            if not self.alive(name):
                raise StopCheck(f"{name} exited with {self.processes[name][0].returncode}: {self.log(name)[-1500:]}")
            time.sleep(0.3)
        raise StopCheck(f"{name} did not log {text!r} within {seconds:.0f} s: {self.log(name)[-1500:]}")

    def stop(self):
        """SIGTERM to every group (graceful), SIGKILL to what is left after 15 s."""
        for process, _log in self.processes.values():
            _signal_group(process, signal.SIGTERM)
        deadline = time.monotonic() + 15
        for process, log in self.processes.values():
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                _signal_group(process, signal.SIGKILL)
                process.wait(timeout=5)
            log.close()


def _signal_group(process, sig):
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, sig)


# --- the HTTP smoke test --------------------------------------------------------------------------
class Browser:
    """requests.Session that talks to gunicorn as nginx would: X-Forwarded-Proto https, Origin and
    Referer for CSRF, and Secure cookies sent back although the hop is plain HTTP."""

    def __init__(self, port: int):
        import requests

        self.base = f"http://127.0.0.1:{port}"
        self.origin = f"https://127.0.0.1:{port}"
        self.session = requests.Session()
        self.session.headers.update({"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.9",
                                     "User-Agent": "gonghui-prod-check"})

    def get(self, path, allow_redirects=True):
        return self._send("GET", self.base + path, {}, {}, allow_redirects)

    def post(self, path, data, referer_path=None, allow_redirects=True):
        data = {"csrfmiddlewaretoken": self.session.cookies.get("csrftoken", ""), **data}
        headers = {"Origin": self.origin, "Referer": self.origin + (referer_path or path)}
        return self._send("POST", self.base + path, data, headers, allow_redirects)

    def _send(self, method, url, data, headers, allow_redirects):
        """One request, then its redirects followed by hand: requests would not send the Secure
        cookies set on the way over this plain-HTTP hop (TLS is nginx's)."""
        for _hop in range(10):
            response = self.session.request(method, url, data=data or None, headers=headers, timeout=30,
                                            allow_redirects=False)
            for cookie in self.session.cookies:
                cookie.secure = False
            if not (allow_redirects and response.is_redirect):
                return response
            method, data, headers = "GET", {}, {"Referer": self.origin + urlsplit(url).path}
            url = urljoin(url, response.headers["Location"])
        raise AssertionError(f"more than 10 redirects from {url}")


def page_ok(response, what):
    check(response.status_code == 200, f"{what}: HTTP {response.status_code}")
    text = response.text
    for marker in ERROR_TEXT:
        check(marker not in text, f"{what}: the page contains {marker!r}")
    check("/accounts/login/" not in response.url, f"{what}: sent to the sign-in page")


def check_health(browser):
    health = browser.get("/healthz")
    check(health.status_code == 200 and health.json()["status"] == "ok",
          f"/healthz: {health.status_code} {health.text}")
    ready = browser.get("/readyz")
    body = ready.json()
    check(ready.status_code == 200, f"/readyz: {ready.status_code} {ready.text}")
    # A cache or broker that fails answers 200 too ("degraded"): every check must say ok here.
    check(body == {"status": "ok", "database": "ok", "cache": "ok", "broker": "ok"}, f"/readyz: {body}")
    check("no-cache" in ready.headers.get("Cache-Control", ""), "/readyz may be cached")
    return "healthz ok; readyz " + json.dumps(body)


def sign_in_with_second_factor(browser):
    """The district administrator: password, then a TOTP device set up through the pages."""
    from django_otp.oath import totp

    browser.get("/accounts/login/")
    response = browser.post("/accounts/login/", {"username": "district", "password": PASSWORD, "next": "/"})
    check("/accounts/otp/" in response.url, f"the administrator was not asked for a second factor: {response.url}")
    browser.post("/accounts/otp/setup/", {}, referer_path="/accounts/otp/verify/")
    setup = browser.get("/accounts/otp/setup/")
    found = re.search(r"secret=([A-Z2-7]+)", setup.text)
    check(found is not None, "the setup page shows no TOTP secret")
    secret = found.group(1)
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    code = f"{totp(key):06d}"
    response = browser.post("/accounts/otp/setup/confirm/", {"code": code, "next": "/"},
                            referer_path="/accounts/otp/setup/")
    check("/accounts/otp/" not in response.url, f"the TOTP code was refused: {response.url}")
    home = browser.get("/")
    page_ok(home, "dashboard after the second factor")
    return "district signed in with password + TOTP"


def check_navigation(browser):
    home = browser.get("/")
    links = list(dict.fromkeys(re.findall(r'<a class="nav-link[^"]*" href="(/[^"]*)"', home.text)))
    check(len(links) >= 15, f"only {len(links)} navigation entries on the dashboard")
    failures = []
    for link in links:
        try:
            page_ok(browser.get(link), link)
        except AssertionError as error:
            failures.append(str(error))
    check(not failures, "; ".join(failures))
    return f"{len(links)} pages: " + " ".join(links)


def check_api(browser, port):
    import requests

    browser.get("/accounts/tokens/")
    made = browser.post("/accounts/tokens/new/", {"name": "prod-check"}, referer_path="/accounts/tokens/")
    found = re.search(r'id="raw-token"[^>]*value="([^"]+)"', made.text)
    check(found is not None, f"no token on the token page (HTTP {made.status_code})")
    response = requests.get(f"http://127.0.0.1:{port}/api/v1/orgs", timeout=30,
                            headers={"Authorization": f"Bearer {found.group(1)}", "X-Forwarded-Proto": "https"})
    check(response.status_code == 200, f"GET /api/v1/orgs: {response.status_code} {response.text[:300]}")
    check(response.headers.get("Content-Type", "").startswith("application/json"), "the API did not answer JSON")
    return f"GET /api/v1/orgs with a Bearer token: 200, {len(response.content)} bytes"


def check_background_export(browser):
    """A member export above EXPORT_BACKGROUND_ROWS goes to the worker; poll until it downloads."""
    started = browser.get("/members/export/", allow_redirects=False)
    check(started.status_code == 302 and "/exports/" in started.headers.get("Location", ""),
          f"the export did not become a background job: HTTP {started.status_code} {started.headers.get('Location')}")
    status_path = urlsplit(started.headers["Location"]).path
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        status = browser.get(status_path)
        check(status.status_code == 200, f"{status_path}: HTTP {status.status_code}")
        if "/download/" in status.text:
            break
        check("alert-danger" not in status.text, f"the export job failed: {status.text[-500:]}")
        time.sleep(0.5)
    else:
        raise AssertionError("the worker did not finish the export within 60 s")
    download = browser.get(status_path.rstrip("/") + "/download/")
    check(download.status_code == 200 and download.content[:2] == b"PK",
          f"download: HTTP {download.status_code}, {download.headers.get('Content-Type')}")
    return f"{status_path} done by the worker, {len(download.content)} bytes of .xlsx"


def check_beat(stack):
    check(stack.alive("beat"), f"beat exited: {stack.log('beat')[-800:]}")
    check("beat: Starting" in stack.log("beat"), "beat did not log its start")
    check(stack.alive("worker"), f"the worker exited: {stack.log('worker')[-800:]}")
    return "beat and worker running"


def wait_for_http(browser, stack, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not stack.alive("gunicorn"):
            raise StopCheck(f"gunicorn exited: {stack.log('gunicorn')[-1500:]}")
        try:
            if browser.get("/healthz").status_code == 200:
                return "gunicorn answers"
        except OSError:
            pass
        time.sleep(0.3)
    raise StopCheck(f"gunicorn did not answer /healthz within {seconds} s: {stack.log('gunicorn')[-1500:]}")


# --- the run ---------------------------------------------------------------------------------------
def run(report: Report) -> None:
    work, port = workdir(), free_port()
    prepared = report.step("database (fresh copy, migrated, demo data)", prepare_database)
    if prepared is None:
        raise StopCheck("no database")
    env = production_env(prepared.keys, port, work)
    report.step("redis db emptied", flush_redis, env["REDIS_URL"])
    for name, function in (("migrate (the copy is up to date)", migrate),
                           ("collectstatic (manifest, when static changed)", collect_static)):
        if report.step(name, function, env, work) is None:
            raise StopCheck(name)
    stack = Stack(env, work)
    try:
        report.step("start gunicorn, worker, beat", _start, stack, env)
        browser = Browser(port)
        report.step("gunicorn up", wait_for_http, browser, stack)
        report.step("worker ready", stack.wait_for_log, "worker", "ready", 60)
        report.step("/healthz and /readyz", check_health, browser)
        if report.step("sign-in with CSRF + TOTP second factor", sign_in_with_second_factor, browser) is not None:
            report.step("a page per module (navigation)", check_navigation, browser)
            report.step("API call with a Bearer token", check_api, browser, port)
            report.step("background export by the worker", check_background_export, browser)
        report.step("beat alive", check_beat, stack)
    finally:
        stack.stop()
        print(f"logs: {work / 'logs'}", flush=True)


def _start(stack, env):
    stack.start("gunicorn", "gunicorn", "-c", "deploy/gunicorn.conf.py", "config.wsgi")
    stack.start("worker", "celery", "-A", "config", "worker", "--concurrency", "1", "--loglevel", "INFO",
                "--without-gossip", "--without-mingle")
    stack.start("beat", "celery", "-A", "config", "beat", "--loglevel", "INFO",
                "--schedule", str(stack.work / "celerybeat-schedule"))
    return f"port {env['GUNICORN_BIND']}"


def main() -> int:
    report = Report()
    try:
        run(report)
    except StopCheck:
        pass
    except KeyboardInterrupt:
        report.failed.append("interrupted")
    finally:
        if not report.failed and os.environ.get("PRODCHECK_KEEP") != "1":
            try:
                drop_database()
            except Exception as error:  # noqa: BLE001 — cleanup must not hide the result
                print(f"could not drop {DATABASE}: {error}")
    took = time.monotonic() - report.started
    if report.failed:
        print(f"\nprod-check FAILED in {took:.0f} s: {', '.join(report.failed)}", flush=True)
        return 1
    print(f"\nprod-check passed in {took:.0f} s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
