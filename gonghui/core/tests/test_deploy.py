"""`check --deploy` on the production settings is clean when the required variables are set."""

import os
import subprocess
import sys

from gonghui.core.testing.ci import in_ci_pass
from gonghui.core.testing.production import ROOT, production_env

# Engine-independent (a subprocess or the catalogues): CI runs it in its PostgreSQL pass only.
pytestmark = in_ci_pass("postgresql")


def test_production_settings_pass_the_deploy_check():
    env = production_env()
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_settings_refuse_to_start_without_secrets():
    env = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "PII_ENCRYPTION_KEYS", "PII_HASH_KEY")}
    env["DJANGO_SETTINGS_MODULE"] = "config.settings.prod"
    result = subprocess.run([sys.executable, "manage.py", "check"], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr
