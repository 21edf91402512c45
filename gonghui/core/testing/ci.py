"""Suites that CI runs in one of its two passes only.

`.ci/run` runs the whole suite on SQLite, then again on PostgreSQL, within 30 minutes on two
cores. The crawl-based security suites (every route, every record page, every free-text field,
every export, every API operation) cost one to two minutes each and test what does not depend on
the database engine: templates, the URLconf, permissions and scope, input validation. CI runs each
of them once, in the pass where it finds the most (docs/decisions.md), and so do the catalogue
checks and the tests that load the production settings in a subprocess; a local `make test`, on
either engine, runs them all. Anything engine-specific (the audit trigger, raw PII columns, cut
connections, races, backups) is in other files and runs in both passes.
"""

import os

import pytest
from django.conf import settings


def current_engine() -> str:
    return "postgresql" if "postgresql" in settings.DATABASES["default"]["ENGINE"] else "sqlite"


def in_ci_pass(engine: str):
    """Mark: run this module in CI's `engine` pass only ("sqlite" or "postgresql")."""
    return pytest.mark.skipif(
        os.environ.get("CI") == "true" and current_engine() != engine,
        reason=f"engine-independent; CI runs it in its {engine} pass (gonghui/core/testing/ci.py)",
    )
