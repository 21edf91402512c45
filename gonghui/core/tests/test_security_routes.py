"""Every URL pattern and every API operation, enumerated from the URLconf and the OpenAPI schema
(so a route added later is covered without editing this file):

- anonymous: every page asks for a sign-in (302 to a login page) unless it is public by design
  (PUBLIC_PAGES says why); every API operation answers 401 except the token endpoint;
- CSRF: a signed-in POST without a CSRF token answers 403 on every route and changes nothing;
- API writes: no credentials → 401; the session cookie alone, without the CSRF header → 403.

Path arguments are filled with dummy ids (crawl.fill_route): the refusals come before any lookup.
"""

import functools
import json
import re

import pytest
from django.apps import apps
from django.test import Client

from gonghui.core.models import AuditEvent
from gonghui.core.testing.ci import in_ci_pass
from gonghui.core.testing.crawl import all_routes, fill_route

pytestmark = [pytest.mark.django_db, in_ci_pass("sqlite")]

# Routes written as regular expressions: a path for each, by hand (a new regex route fails
# test_every_route_can_be_requested until it is added here).
REGEX_ROUTES = {
    "reports/annual/download/(?P<fmt>xlsx|pdf|json)/$": "/reports/annual/download/json/",
    # The admin's app index lists the apps that have admin models; its regex grows with them.
    "admin/(?P<app_label>": "/admin/core/",
    "admin/(?P<url>.*)$": "/admin/no-such-page/",  # the admin's catch-all
}

# Pages anyone may open without signing in, and why. A pattern matches the route from the start.
PUBLIC_PAGES = {
    "healthz": "load balancer health check, says only whether the database answers",
    "readyz": "load balancer readiness check, says only whether the app can serve",
    "admin/orgs/org/jsi18n/": "the JavaScript translation catalogue of the org tree's admin widget",
    "training/verify/": "anyone checks a training certificate by its printed code (QR)",
    "services/card/verify/": "a merchant checks a member's benefits card by its code",
    "voice/appeal/": "a worker files an appeal without an account, and tracks it with a code "
                     "(its attachments need that code in the session: 404 otherwise)",
    "m/password/reset/": "member portal: forgotten password, by mobile number",
    "i18n/setlang/": "language switch (POST; redirects back)",
    "accounts/login/": "sign-in",
    "accounts/password-reset": "forgotten password: request and the e-mailed link (token in the URL)",
    "accounts/reset/": "the e-mailed password-reset link (token in the URL)",
    "m/login/": "member portal sign-in by mobile number",
    "m/signup/": "member portal: a worker signs up by mobile number",
    "m/sms": "member portal: the SMS code request of sign-in and sign-up",
    "admin/login/": "the admin's own sign-in page",
    "admin/logout/": "signing out needs no sign-in",
    "accounts/logout/": "signing out needs no sign-in",
    "api/v1/openapi.json": "the API's schema is public documentation",
    "api/v1/docs": "the API's documentation page",
}

# API operations callable without credentials, and why.
PUBLIC_OPERATIONS = {
    ("post", "/api/v1/auth/token"): "exchanges a username and password for a token (rate-limited per IP)",
    ("post", "/api/v1/portal/auth/code"): "member app: sends a sign-in code by SMS (rate-limited)",
    ("post", "/api/v1/portal/auth/token"): "member app: exchanges the SMS code for a token",
    ("post", "/api/v1/public/appeals"): "a worker's appeal without an account, as the public page takes it",
    ("get", "/api/v1/public/appeals/{number}"): "tracking that appeal needs its secret tracking code",
    ("get", "/api/v1/certificates/verify/{code}"): "anyone checks a training certificate by its printed code",
}

LOGIN_PAGES = ("/accounts/login/", "/m/login/", "/admin/login/")


def page_routes():
    return [r for r in all_routes() if not r.route.startswith("api/")]


def path_for(route):
    by_prefix = [path for regex, path in REGEX_ROUTES.items() if route.route.startswith(regex)]
    return (by_prefix or [None])[0] or fill_route(route.route)


def is_public(route):
    return route.route.startswith(tuple(PUBLIC_PAGES))


@functools.cache
def api_operations():
    schema = json.loads(Client().get("/api/v1/openapi.json").content)
    return tuple((method, path) for path, ops in schema["paths"].items() for method in ops
                 if method in ("get", "post", "put", "patch", "delete"))


def api_path(path):
    """An OpenAPI path with its {parameters} filled with a dummy id."""
    return re.sub(r"\{[^}]+\}", "999999", path)


def call(client, method, path):
    """One API operation with dummy ids and an empty JSON body (GET: no body)."""
    if method == "get":
        return client.get(api_path(path))
    return getattr(client, method)(api_path(path), "{}", content_type="application/json")


def row_counts():
    """How many rows every table holds: the snapshot that proves a refused request changed nothing."""
    return {model._meta.label: model._default_manager.count() for model in apps.get_models()
            if not model._meta.proxy and model._meta.managed}


def test_every_route_can_be_requested():
    """Each page route gets a concrete path that resolves back to it; each API route is an
    operation of the schema (so the API checks below reach it)."""
    from gonghui.core.testing.crawl import route_of

    unfilled = [r.route for r in page_routes() if path_for(r) is None]
    assert not unfilled, f"routes without a path to request (add them to REGEX_ROUTES): {unfilled}"
    misrouted = [(r.route, path_for(r)) for r in page_routes() if route_of(path_for(r)) != r.route]
    assert not misrouted, f"filled paths resolve to another route: {misrouted}"
    documented = {re.sub(r"\{([^}]+)\}", r"<\1>", p) for _m, p in api_operations()}
    api_routes = {"/" + r.route for r in all_routes() if r.route.startswith("api/v1/")}
    # The schema, its documentation page and ninja's root (which only answers 404) are not operations.
    undocumented = api_routes - documented - {"/api/v1/openapi.json", "/api/v1/docs", "/api/v1/"}
    assert not undocumented, f"API routes outside the OpenAPI schema: {sorted(undocumented)}"


def test_anonymous_is_sent_to_sign_in_on_every_page():
    anonymous = Client()
    wrong = []
    for route in page_routes():
        if is_public(route):
            continue
        path = path_for(route)
        response = anonymous.get(path)
        if response.status_code == 405:  # POST-only (sign out, mark as read): ask with its method
            response = anonymous.post(path)
        location = response.get("Location", "")
        if not (response.status_code == 302 and location.startswith(LOGIN_PAGES)):
            wrong.append((route.route, path, response.status_code, location))
    assert not wrong, f"pages that do not ask an anonymous visitor to sign in: {wrong}"


def test_anonymous_gets_401_from_every_api_operation():
    anonymous = Client()
    wrong = []
    for method, path in api_operations():
        if (method, path) in PUBLIC_OPERATIONS:
            continue
        response = call(anonymous, method, path)
        if response.status_code != 401 or response.json().get("code") != "unauthenticated":
            wrong.append((method, path, response.status_code))
    assert not wrong, f"API operations that answer without credentials: {wrong}"


@pytest.fixture
def signed_in_without_csrf(tree):
    """A superuser's browser that never sends a CSRF token: only the CSRF check can refuse it."""
    from gonghui.accounts.models import User

    root = User.objects.create_superuser("csrf-root", password="x")
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(root)
    return browser


def test_post_without_csrf_token_is_refused_on_every_route(signed_in_without_csrf):
    before, audit_before = row_counts(), AuditEvent.objects.count()
    accepted = []
    for route in page_routes():
        path = path_for(route)
        response = signed_in_without_csrf.post(path, {"name": "x", "confirm": "1"})
        if response.status_code != 403:
            accepted.append((route.route, path, response.status_code))
    assert not accepted, f"POST without a CSRF token not refused with 403: {accepted}"
    assert AuditEvent.objects.count() == audit_before
    assert row_counts() == before


def test_api_writes_need_a_token_or_the_csrf_header(signed_in_without_csrf):
    before = row_counts()
    writes = [(m, p) for m, p in api_operations() if m != "get" and (m, p) not in PUBLIC_OPERATIONS]
    assert writes, "the schema lists no write operations: the enumeration is broken"
    wrong = []
    for method, path in writes:
        response = call(signed_in_without_csrf, method, path)
        if response.status_code != 403 or response.json().get("code") != "csrf_failed":
            wrong.append((method, path, response.status_code))
    assert not wrong, f"API writes that a session cookie alone (no X-CSRFToken) reaches: {wrong}"
    assert row_counts() == before
