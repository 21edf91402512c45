"""Known vulnerabilities in the pinned requirements: pip-audit on requirements.lock.txt
(`make audit-deps`; CI runs it after the tests, SECURITY.md).

Exit status:
  0  every pinned package was checked and none has a known vulnerability, or the vulnerability
     database cannot be reached (said plainly: the audit was NOT performed) and
     AUDIT_DEPS_REQUIRED is not set;
  1  a vulnerability is known (listed), or the audit could not be performed while
     AUDIT_DEPS_REQUIRED=1 demands it.

The database is asked first whether it knows a canary release with published advisories
(Django 3.2.0): a package mirror that answers PyPI's JSON API without vulnerability data, or a
network that reaches nothing, would otherwise make every package look clean.

Environment: AUDIT_DEPS_SERVICE (pypi, the default, or osv), AUDIT_DEPS_REQUIRED (1 = an audit
that cannot be performed fails), AUDIT_DEPS_TIMEOUT (seconds for the whole pip-audit run, 600).
Every network call has a timeout, so the command cannot hang.
"""

import json
import os
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LOCK_FILE = ROOT / "requirements.lock.txt"
CANARY = ("django", "3.2")  # CVE-2021-31542 and many more: a real database lists advisories
PROBE_TIMEOUT = 10  # seconds per probe request
SOCKET_TIMEOUT = 15  # seconds per request pip-audit makes
NOT_PERFORMED = "vulnerability database unreachable: dependency audit NOT performed"


def service():
    name = os.environ.get("AUDIT_DEPS_SERVICE", "pypi").lower()
    if name not in ("pypi", "osv"):
        sys.exit(f"AUDIT_DEPS_SERVICE must be pypi or osv, not {name!r}")
    return name


def canary_request(name):
    package, version = CANARY
    if name == "osv":
        body = json.dumps({"package": {"name": package, "ecosystem": "PyPI"}, "version": version}).encode()
        return urllib.request.Request("https://api.osv.dev/v1/query", data=body,
                                      headers={"Content-Type": "application/json"})
    return urllib.request.Request(f"https://pypi.org/pypi/{package}/{version}/json")


def advisories_in(name, payload):
    return payload.get("vulns" if name == "osv" else "vulnerabilities") or []


def database_answers(name):
    """(True, "") when the service lists the canary's advisories, else (False, why not)."""
    try:
        with urllib.request.urlopen(canary_request(name), timeout=PROBE_TIMEOUT) as response:
            payload = json.load(response)
    except (urllib.error.URLError, OSError, ValueError) as exc:
        return False, f"{name}: {exc}"
    if not advisories_in(name, payload):
        canary = "==".join(CANARY)
        return False, f"{name} answered without the advisories of {canary} (a mirror without vulnerability data?)"
    return True, ""


def run_pip_audit(name):
    """pip-audit's JSON report; the lock file pins every package, so no resolution is needed."""
    command = [sys.executable, "-m", "pip_audit", "--requirement", str(LOCK_FILE), "--no-deps", "--disable-pip",
               "--vulnerability-service", name, "--format", "json", "--progress-spinner", "off",
               "--timeout", str(SOCKET_TIMEOUT)]
    timeout = int(os.environ.get("AUDIT_DEPS_TIMEOUT", "600"))
    result = subprocess.run(command, capture_output=True, text=True, timeout=timeout, cwd=ROOT)
    try:
        return json.loads(result.stdout)
    except ValueError as exc:
        raise RuntimeError(f"pip-audit exited {result.returncode}: {result.stderr.strip()[-2000:]}") from exc


def vulnerable(report):
    return [(dep["name"], dep["version"], vuln) for dep in report.get("dependencies", [])
            for vuln in dep.get("vulns", [])]


def skipped(report):
    return [(dep["name"], dep.get("skip_reason", "")) for dep in report.get("dependencies", [])
            if dep.get("skip_reason")]


def not_performed(why):
    print(f"{NOT_PERFORMED} ({why})")
    if os.environ.get("AUDIT_DEPS_REQUIRED") == "1":
        print("AUDIT_DEPS_REQUIRED=1: failing because the audit could not be performed")
        return 1
    return 0


def report_findings(report):
    found, unchecked = vulnerable(report), skipped(report)
    checked = len(report.get("dependencies", [])) - len(unchecked)
    for package, reason in unchecked:
        print(f"not audited: {package}: {reason}")
    if found:
        print(f"{len(found)} known vulnerabilities in {LOCK_FILE.name}:")
        for package, version, vuln in found:
            fixes = ", ".join(vuln.get("fix_versions", [])) or "no fixed release yet"
            print(f"  {package}=={version}  {vuln['id']}  (fixed in: {fixes})")
        return 1
    if unchecked and os.environ.get("AUDIT_DEPS_REQUIRED") == "1":
        print("AUDIT_DEPS_REQUIRED=1: failing because some packages could not be audited")
        return 1
    print(f"dependency audit: {checked} pinned packages checked, no known vulnerabilities")
    return 0


def main():
    name = service()
    answers, why = database_answers(name)
    if not answers:
        return not_performed(why)
    try:
        report = run_pip_audit(name)
    except subprocess.TimeoutExpired:
        return not_performed("pip-audit did not finish in time")
    except RuntimeError as exc:
        return not_performed(str(exc))
    return report_findings(report)


if __name__ == "__main__":
    sys.exit(main())
