"""Schemathesis against /api/v1/openapi.json: every operation, fuzzed in-process through the WSGI
application as the district user (Bearer token) on the small demo district, answers no 5xx and
(for the statuses it documents) a body matching its schema.

CI runs a few derandomized examples per operation (`FUZZ_EXAMPLES`, default 2), so a run is
reproducible and takes seconds; `FUZZ_EXAMPLES=100` is the deeper run (SECURITY.md has its figures).
"""

import io
import os
from collections import Counter
from contextlib import contextmanager

import pytest
import schemathesis
from django.core import signals
from django.core.cache import cache
from django.core.management import call_command
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections, transaction
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import response_schema_conformance

from gonghui.core.testing.api import token_for
from gonghui.core.testing.ci import in_ci_pass

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "2"))
SCHEMA_PATH = "/api/v1/openapi.json"
# The operation that ends the caller's own session: fuzzing it would revoke the token every other
# operation is called with (covered in test_api_auth.py).
# Answers by status class, printed after the run (`pytest -s`; the figures in SECURITY.md).
STATUS_CLASSES = Counter()
SKIPPED = {("DELETE", "/api/v1/auth/token")}
# Where a 401 is an answer about the request's own credentials, not about the caller's token.
SIGN_IN = ("/api/v1/auth/token", "/api/v1/portal/auth/token")


pytestmark = in_ci_pass("postgresql")


@contextmanager
def requests_inside_the_test_transaction():
    """Django's WSGI handler closes the connection when a request ends, which would abort the
    test's transaction; its test client switches that off the same way."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


def seed_district():
    """The district user of a seeded district: the test tree with a few members (CI), or the small
    demo district with records in every module (`FUZZ_SEED=demo`; seeding it takes ~40 s)."""
    from gonghui.accounts.models import User
    from gonghui.core.testing.factories import Tree

    if os.environ.get("FUZZ_SEED") == "demo":
        call_command("seed_demo", "--scale", "small", "--force", stdout=io.StringIO(), stderr=io.StringIO())
    else:
        tree = Tree()
        for union in (tree.union1, tree.union1b, tree.union2):
            tree.member(union=union)
    return User.objects.get(username="district")


@pytest.fixture(scope="module")
def demo_district(django_db_setup, django_db_blocker):
    """Seeded once for the module and rolled back after it."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield seed_district()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture(scope="module")
def api_schema(demo_district, django_db_blocker):
    app = get_wsgi_application()
    with django_db_blocker.unblock(), requests_inside_the_test_transaction():
        yield schemathesis.openapi.from_wsgi(SCHEMA_PATH, app)


def schema_classes():
    from ninja import Schema

    pending = [Schema]
    while pending:
        for cls in pending.pop().__subclasses__():
            pending.append(cls)
            if cls.__module__.startswith("gonghui."):
                yield cls


def documented_fields(json_schema):
    """What a client relies on most: the field names (a component and its class are generated in
    different modes and refer to nested classes by different names, so not the whole schema)."""
    return frozenset(json_schema.get("properties", {}))


def operations(schema):
    for result in schema.get_all_operations():
        operation = result.ok()
        if (operation.method.upper(), operation.path) not in SKIPPED:
            yield operation


def fuzz(operation, headers):
    """Problems found by `EXAMPLES` derandomized cases of one operation (empty when none)."""
    problems = []

    @settings(max_examples=EXAMPLES, derandomize=True, database=None, deadline=None,
              phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
    @given(case=operation.as_strategy())
    def run(case):
        response = case.call(headers=headers)
        STATUS_CLASSES[f"{response.status_code // 100}xx"] += 1
        label = f"{case.method} {case.formatted_path}"
        if response.status_code >= 500:
            problems.append(f"{label} → {response.status_code}: {case.query} {case.body!r}"[:600])
            return
        if response.status_code == 401 and case.path not in SIGN_IN:
            # The token was lost (an operation revoked or disabled it): the rest would be fuzzed signed out.
            problems.append(f"{label} → 401 with the district user's token")
            return
        try:
            case.validate_response(response, checks=[response_schema_conformance], headers=headers)
        except FailureGroup as exc:  # collected, reported together below
            problems.append(f"{label} → {response.status_code} does not match its schema: {exc}"[:600])

    run()
    return problems


def test_every_operation_answers_without_5xx_and_as_documented(api_schema, demo_district, db):
    cache.clear()  # rate-limit counters
    headers = {"Authorization": f"Bearer {token_for(demo_district)}"}
    problems, count = [], 0
    with requests_inside_the_test_transaction(), settings_override(API_RATE="100000/min"):
        for operation in operations(api_schema):
            count += 1
            problems += fuzz(operation, headers)
    print(f"\nfuzzed {count} operations, {EXAMPLES} examples each: {dict(sorted(STATUS_CLASSES.items()))}")
    assert count > 200  # every router is in the schema
    assert not problems, "\n".join(problems)


@contextmanager
def settings_override(**values):
    from django.test import override_settings

    with override_settings(**values):
        yield


def test_the_fuzzer_reports_a_server_error(api_schema, demo_district, db, monkeypatch):
    """The harness itself: an operation that crashes is reported, not swallowed."""
    from gonghui.orgs import selectors

    def crash(user):
        raise RuntimeError("boom")

    monkeypatch.setattr(selectors, "visible_orgs", crash)
    cache.clear()
    headers = {"Authorization": f"Bearer {token_for(demo_district)}"}
    operation = next(op for op in operations(api_schema) if (op.method.upper(), op.path) == ("GET", "/api/v1/orgs"))
    with requests_inside_the_test_transaction():
        problems = fuzz(operation, headers)
    assert problems and all("→ 500" in problem for problem in problems)


def test_every_schema_class_is_documented_under_a_name_of_its_own(api_schema):
    """django-ninja files each class under its bare name, so EnterpriseOut of orgs, portal and voice
    shared one component; gonghui/api.py qualifies a shared name with its app ("VoiceEnterpriseOut")."""
    from gonghui.api import schema_component_name

    components = api_schema.raw_schema["components"]["schemas"]
    classes_by_component = {}
    for cls in schema_classes():
        if ".tests." not in cls.__module__:
            classes_by_component.setdefault(schema_component_name(cls), set()).add(cls)
    wrong, qualified = [], 0
    for name, component in components.items():
        classes = classes_by_component.get(name, set())
        shapes = {documented_fields(cls.model_json_schema()) for cls in classes}
        if shapes and shapes != {documented_fields(component)}:
            wrong.append(f"{name}: {sorted(documented_fields(component))} documents {sorted(map(str, classes))}")
        qualified += any(cls.__name__ != name for cls in classes)
    assert not wrong, "\n".join(wrong)
    assert qualified > 50  # the shared names are in the document under their qualified names
    assert "EnterpriseOut" not in components and {"OrgsEnterpriseOut", "VoiceEnterpriseOut"} <= set(components)


@pytest.mark.parametrize("params", [{"date_from": "0001-01-01"}, {"date_to": "9999-12-31"}])
def test_found_by_the_deeper_run_redemption_log_days_out_of_range_are_422(demo_district, db, params):
    """FUZZ_EXAMPLES=20 found GET /redemptions?date_from=0001-01-01 answering 500 (the day's start
    overflowed converting to a timestamp)."""
    from gonghui.core.testing.api import ApiClient

    cache.clear()
    response = ApiClient(token_for(demo_district)).get("/redemptions", params)
    assert response.status_code == 422, response.content
