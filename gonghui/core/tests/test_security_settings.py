"""Transport and cookie protection under the production settings, and the dependency audit.

The production settings are loaded in a subprocess (they refuse to import without production
secrets, PostgreSQL and Redis URLs); their security values are then applied to this test process
so real responses can be inspected. `check --deploy` itself is test_deploy.py.
"""

import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from gonghui.core.testing.production import production_env

ROOT = Path(__file__).resolve().parents[3]
PASSWORD = "test-pass-2026"
SECURITY_SETTINGS = (
    "DEBUG", "SESSION_COOKIE_SECURE", "SESSION_COOKIE_HTTPONLY", "SESSION_COOKIE_SAMESITE", "CSRF_COOKIE_SECURE",
    "CSRF_COOKIE_SAMESITE", "SECURE_SSL_REDIRECT", "SECURE_PROXY_SSL_HEADER", "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_HSTS_PRELOAD", "SECURE_CONTENT_TYPE_NOSNIFF", "SECURE_REFERRER_POLICY",
    "X_FRAME_OPTIONS", "CONTENT_SECURITY_POLICY", "REQUIRE_ADMIN_OTP",
)
DUMP = f"""
import json, django
from django.conf import settings
django.setup()
print(json.dumps({{name: getattr(settings, name) for name in {SECURITY_SETTINGS!r}}}))
"""


@pytest.fixture(scope="module")
def production():
    """The security settings as config.settings.prod computes them from a production environment."""
    env = production_env()
    result = subprocess.run([sys.executable, "-c", DUMP], cwd=ROOT, env=env, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout.strip().splitlines()[-1])
    values["SECURE_PROXY_SSL_HEADER"] = tuple(values["SECURE_PROXY_SSL_HEADER"])
    return values


@pytest.fixture
def as_production(production):
    with override_settings(**{k: v for k, v in production.items() if k != "DEBUG"}):
        yield production


def test_production_turns_every_protection_on(production):
    assert production["DEBUG"] is False
    assert production["SESSION_COOKIE_SECURE"] and production["SESSION_COOKIE_HTTPONLY"]
    assert production["CSRF_COOKIE_SECURE"]
    assert production["SESSION_COOKIE_SAMESITE"] in ("Lax", "Strict")
    assert production["CSRF_COOKIE_SAMESITE"] in ("Lax", "Strict")
    assert production["SECURE_SSL_REDIRECT"] is True
    assert production["SECURE_HSTS_SECONDS"] >= 31536000
    assert production["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert production["X_FRAME_OPTIONS"] == "DENY"
    assert production["SECURE_CONTENT_TYPE_NOSNIFF"] is True
    assert production["SECURE_REFERRER_POLICY"] in ("same-origin", "strict-origin-when-cross-origin", "no-referrer")
    assert production["REQUIRE_ADMIN_OTP"] is True


def test_pages_answer_with_the_security_headers(tree, as_production):
    page = Client().get(reverse("accounts:login"), secure=True)
    assert page.status_code == 200
    hsts = page["Strict-Transport-Security"]
    assert "max-age=31536000" in hsts and "includeSubDomains" in hsts
    assert page["X-Content-Type-Options"] == "nosniff"
    assert page["X-Frame-Options"] == "DENY"
    assert page["Referrer-Policy"] == as_production["SECURE_REFERRER_POLICY"]
    assert "frame-ancestors 'none'" in page["Content-Security-Policy"]


def test_cookies_are_secure_httponly_and_same_site(tree, as_production):
    client = Client()
    page = client.get(reverse("accounts:login"), secure=True)
    csrf = page.cookies["csrftoken"]
    assert csrf["secure"] and csrf["samesite"] == as_production["CSRF_COOKIE_SAMESITE"]
    signed_in = client.post(reverse("accounts:login"), {"username": "town1", "password": PASSWORD}, secure=True)
    assert signed_in.status_code == 302
    session = signed_in.cookies["sessionid"]
    assert session["secure"] and session["httponly"]
    assert session["samesite"] == as_production["SESSION_COOKIE_SAMESITE"]


def test_plain_http_is_redirected_to_https_unless_the_proxy_says_https(tree, as_production):
    plain = Client().get(reverse("accounts:login"))
    assert plain.status_code == 301 and plain["Location"].startswith("https://")
    # Behind the reverse proxy TLS ends there; it says so in X-Forwarded-Proto.
    proxied = Client().get(reverse("accounts:login"), headers={"X-Forwarded-Proto": "https"})
    assert proxied.status_code == 200


def test_api_answers_carry_the_same_headers(tree, as_production):
    response = Client().get("/api/v1/orgs", secure=True)
    assert response.status_code == 401
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "max-age=31536000" in response["Strict-Transport-Security"]


# --- dependency audit (deploy/audit_deps.py) ---------------------------------------------------


@pytest.fixture
def audit_deps():
    sys.path.insert(0, str(ROOT / "deploy"))
    try:
        import audit_deps

        yield audit_deps
    finally:
        sys.path.remove(str(ROOT / "deploy"))


def test_audit_without_a_database_says_it_was_not_performed(audit_deps, monkeypatch, capsys):
    monkeypatch.setattr(audit_deps, "database_answers", lambda name: (False, "offline"))
    monkeypatch.setattr(audit_deps, "run_pip_audit", lambda name: pytest.fail("must not run without a database"))
    monkeypatch.delenv("AUDIT_DEPS_REQUIRED", raising=False)
    assert audit_deps.main() == 0
    assert "dependency audit NOT performed" in capsys.readouterr().out
    monkeypatch.setenv("AUDIT_DEPS_REQUIRED", "1")
    assert audit_deps.main() == 1


def test_audit_fails_and_lists_a_known_vulnerability(audit_deps, monkeypatch, capsys):
    report = {"dependencies": [
        {"name": "django", "version": "5.2.1", "vulns": [{"id": "PYSEC-2025-1", "fix_versions": ["5.2.2"]}]},
        {"name": "celery", "version": "5.5.0", "vulns": []},
    ]}
    monkeypatch.setattr(audit_deps, "database_answers", lambda name: (True, ""))
    monkeypatch.setattr(audit_deps, "run_pip_audit", lambda name: report)
    assert audit_deps.main() == 1
    out = capsys.readouterr().out
    assert "django==5.2.1  PYSEC-2025-1  (fixed in: 5.2.2)" in out


def test_audit_clean_report_passes(audit_deps, monkeypatch, capsys):
    report = {"dependencies": [{"name": "celery", "version": "5.5.0", "vulns": []}]}
    monkeypatch.setattr(audit_deps, "database_answers", lambda name: (True, ""))
    monkeypatch.setattr(audit_deps, "run_pip_audit", lambda name: report)
    assert audit_deps.main() == 0
    assert "1 pinned packages checked, no known vulnerabilities" in capsys.readouterr().out


def test_a_database_without_the_canary_advisories_does_not_count(audit_deps, monkeypatch):
    """A package mirror answering PyPI's JSON API with an empty vulnerability list is no audit."""

    class Mirror:
        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

        def read(self, *args):
            return b'{"info": {}, "vulnerabilities": []}'

    monkeypatch.setattr(audit_deps.urllib.request, "urlopen", lambda request, timeout: Mirror())
    answers, why = audit_deps.database_answers("pypi")
    assert not answers and "without the advisories" in why
