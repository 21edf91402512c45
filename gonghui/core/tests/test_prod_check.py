"""`make prod-check` (deploy/prod_check.py) passes: the production stack starts against the local
PostgreSQL and Redis, the smoke test goes through it, everything stops.

Runs once per CI run, in its PostgreSQL pass (DATABASE_URL=postgres…), and only when PostgreSQL
and Redis answer. About 2 minutes on a busy machine when the template database and the collected
static files of an earlier run are there; the first run on a machine builds both (docs/deploy.md).
"""

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]


def _answers(port):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


@pytest.mark.postgres
@pytest.mark.skipif(not os.environ.get("DATABASE_URL", "").startswith("postgres"),
                    reason="runs in the PostgreSQL pass only (DATABASE_URL=postgres://…)")
@pytest.mark.skipif(not (_answers(5432) and _answers(6379)), reason="needs PostgreSQL and Redis on 127.0.0.1")
def test_prod_check_passes():
    result = subprocess.run([sys.executable, "deploy/prod_check.py"], cwd=ROOT, capture_output=True, text=True,
                            timeout=1500, env={k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")})
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-3000:]
    assert "prod-check passed" in result.stdout
