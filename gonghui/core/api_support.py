"""What every ninja router shares: authentication, one error format, input types that never let
bad input reach the database, keyset pagination, rate limits and Idempotency-Key replay.

Error body (every 4xx the API produces has this shape, translated by Accept-Language):

    {"code": "already_member", "message": "…", "field": "id_number", "errors": []}

`errors` lists field problems ({"field", "code", "message"}) for validation failures:
422 when the request has the wrong shape (types, missing fields, unknown fields), 400 when its
content breaks a rule (ID check digit, a level not allowed under a parent…). Hidden and missing
records answer the same 404 body. Services' `DomainError` → 400, or 409 for conflicts
(`CONFLICT_CODES`, and uniqueness clashes found by full_clean), or 403 for `forbidden`.

Settings (read with defaults, so none is required): `API_RATE` (every call, per user; default
"1200/min"), `API_TOKEN_RATE` (POST /auth/token, per client IP; default "10/min"),
`API_TOKEN_TTL_DAYS` (lifetime of tokens from the API; default 30, 0 = no expiry). Rate
counters and Idempotency-Key answers live in Django's cache: Redis in production (REDIS_URL),
so every web process shares them; the LocMemCache of dev and tests is per process. While that
Redis is down, a write with an Idempotency-Key answers 503 rather than run without its guard.
"""

import hashlib
import inspect
import json
import math
import re
import threading
import time
from contextlib import contextmanager
from typing import Annotated

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Schema, Status
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.responses import NinjaJSONEncoder
from ninja.schema import DjangoGetter
from ninja.security import HttpBearer
from ninja.security.apikey import APIKeyCookie
from ninja.throttling import BaseThrottle
from ninja.utils import check_csrf
from pydantic import AfterValidator, BaseModel, StringConstraints, model_validator

from gonghui.core.context import client_ip
from gonghui.core.errors import DomainError
from gonghui.core.pagination import keyset_page

# --------------------------------------------------------------------------------------------
# Response models, built once per type
# --------------------------------------------------------------------------------------------


def share_response_models():
    """Make ninja build one response model per response type instead of one per status code of
    every operation.

    For each `response={status: type}` entry ninja creates a new pydantic model
    `NinjaResponseSchema` with the single field `response: type`, so our 241 operations, most
    with three to six error statuses of the same `ErrorOut`, built 1,456 such models for 77
    distinct types when the URLconf is first imported, i.e. on the first request of every process
    (2,206 pydantic models in all; measured: 3.1 s → 2.0 s CPU for that request). The model depends
    on nothing but the type, and ninja treats it as immutable (pagination replaces entries of an
    operation's own `response_models` dict, never the model), so sharing it answers and documents
    exactly the same: same bodies, byte-identical OpenAPI. A type that cannot be a dict key
    (unhashable annotation metadata) still gets a model of its own, as before."""
    from ninja.operation import Operation

    create = Operation._create_response_model
    if getattr(create, "shared_by_type", False):
        return
    models = {}

    def shared(self, response_param):
        try:
            return models[response_param]
        except KeyError:
            model = models[response_param] = create(self, response_param)
            return model
        except TypeError:  # unhashable
            return create(self, response_param)

    shared.shared_by_type = True
    Operation._create_response_model = shared


# Before any router declares an operation: gonghui/api.py and every app's API module import this.
share_response_models()

# --------------------------------------------------------------------------------------------
# Input types
# --------------------------------------------------------------------------------------------

# Largest primary key a database column holds (BigAutoField); larger ids are "not found".
MAX_ID = 2**63 - 1
MAX_PAGE_SIZE = 200

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _clean_text(value: str) -> str:
    """Refuse what a database cannot store (NUL, lone surrogates) and control characters."""
    if _CONTROL.search(value):
        raise ValueError(_("The text contains control characters."))
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ValueError(_("The text is not valid Unicode.")) from exc
    return value.strip()


def Text(max_length: int):  # noqa: N802 — a type factory, used like a type
    return Annotated[str, StringConstraints(max_length=max_length), AfterValidator(_clean_text)]


Id = Annotated[int, Field(ge=1, le=MAX_ID)]


class ApiSchema(Schema):
    """ninja's Schema, validating a plain dict as pydantic does. ninja wraps every input of every
    nested Schema in a DjangoGetter (to read model attributes, managers and files), and for a
    dict that wrapper is only a slower key lookup: a page of 50 rows built as dicts (`paginate`)
    took ~1.4 ms of pure-Python attribute calls to validate against ~0.2 ms. Anything else (a
    model instance) still goes through the DjangoGetter. None of our schemas has a resolver
    (`resolve_<field>`), which only the DjangoGetter would call (test_api_response_models says so)."""

    @model_validator(mode="wrap")
    @classmethod
    def _run_root_validator(cls, values, handler, info):
        if type(values) is dict:
            return handler(values)
        # ninja's own wrapper (ninja.schema.Schema._run_root_validator), for everything else.
        if cls.model_config.get("extra") == "forbid" or cls.model_config.get("validate_assignment", False):
            handler(values)
        return handler(DjangoGetter(values, cls, info.context))


class ErrorItem(ApiSchema):
    field: str | None = None
    code: str
    message: str


class ErrorOut(ApiSchema):
    code: str
    message: str
    field: str | None = None
    errors: list[ErrorItem] = []


def error_responses(*statuses):
    """`response=` entries documenting the error body for the given statuses."""
    return dict.fromkeys(statuses, ErrorOut)


READ_ERRORS = error_responses(401, 404, 422)
WRITE_ERRORS = error_responses(400, 401, 403, 404, 409, 422)


def workflow_actions(router, *, path, id_param, load, render, response, operation_prefix):
    """A decorator factory for a resource's workflow actions, `POST <path>/{<id_param>}/<action>`.

    Each endpoint loads the record in the caller's scope (`load(user, id)`, 404 otherwise), runs
    the decorated step — `step(user, record, payload)`, which calls one service — and answers
    the record as `render(user, record)` shows it. Used as:

        action = workflow_actions(router, path="/proposals", id_param="proposal_id", ...)

        @action("submit", "Submit a draft", SubmitIn)
        def submit(user, proposal, p): ...
    """

    def action(action_path, summary, payload_type):
        def register(step):
            def endpoint(request, **values):
                user = request.auth
                record = load(user, values[id_param])
                step(user, record, values["payload"])
                return render(user, record)

            # ninja reads the path parameter and the body from the signature.
            endpoint.__signature__ = inspect.Signature([
                inspect.Parameter("request", inspect.Parameter.POSITIONAL_OR_KEYWORD),
                inspect.Parameter(id_param, inspect.Parameter.KEYWORD_ONLY, annotation=Id),
                inspect.Parameter("payload", inspect.Parameter.KEYWORD_ONLY, annotation=payload_type),
            ])
            endpoint.__name__ = f"{operation_prefix}_{step.__name__}"
            endpoint.__doc__ = step.__doc__
            router.post(f"{path}/{{{id_param}}}/{action_path}", response={200: response, **WRITE_ERRORS},
                        summary=summary, operation_id=f"{operation_prefix}_{step.__name__}")(endpoint)
            return step

        return register

    return action


class Ref(ApiSchema):
    """A related record: its id and name."""

    id: int
    name: str


def ref(obj):
    return {"id": obj.pk, "name": obj.name} if obj is not None else None


# --------------------------------------------------------------------------------------------
# Errors
# --------------------------------------------------------------------------------------------

# DomainError codes that mean "the request conflicts with the current state of a record".
# A step the record's stage does not allow now, or a second open negotiation, is a conflict too.
CONFLICT_CODES = {"already_member", "transfer_decided", "code_taken", "uscc_taken", "wrong_stage", "already_open",
                  "double_booking"}


class ApiError(Exception):
    """Raised by endpoints and helpers; rendered as the error body with `status`."""

    def __init__(self, status, code, message, *, field=None, errors=None, headers=None):
        super().__init__(message)
        self.status, self.code, self.message = status, code, str(message)
        self.field, self.errors, self.headers = field, errors or [], headers or {}


def error_body(code, message, field=None, errors=None):
    return {"code": code, "message": str(message), "field": field, "errors": errors or []}


def not_found():
    """The one 404: hidden and missing records are indistinguishable."""
    return ApiError(404, "not_found", _("Not found."))


def _json(api, request, status, body, headers=None):
    response = api.create_response(request, body, status=status)
    for key, value in (headers or {}).items():
        response[key] = value
    return response


def _validation_message(err) -> str:
    kind, ctx = err.get("type", ""), err.get("ctx") or {}
    if kind == "missing":
        return _("This field is required.")
    if kind == "extra_forbidden":
        return _("This field is not accepted here.")
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        return _("Send a JSON object.")
    if kind.startswith("int_") or kind == "int_from_float":
        return _("Enter a whole number.")
    if kind.startswith("float_") or kind.startswith("decimal_"):
        return _("Enter a number.")
    if kind.startswith("bool_"):
        return _("Enter true or false.")
    if kind.startswith("date_") or kind.startswith("datetime_"):
        return _("Enter a date as YYYY-MM-DD (e.g. 2026-03-01).")
    if kind in ("string_type", "string_unicode"):
        return _("Enter text.")
    if kind == "string_too_long":
        return _("Enter at most %(n)s characters.") % {"n": ctx.get("max_length")}
    if kind == "string_too_short":
        return _("Enter at least %(n)s characters.") % {"n": ctx.get("min_length")}
    if kind in ("greater_than_equal", "greater_than"):
        return _("Enter a number of at least %(n)s.") % {"n": ctx.get("ge", ctx.get("gt"))}
    if kind in ("less_than_equal", "less_than"):
        return _("Enter a number of at most %(n)s.") % {"n": ctx.get("le", ctx.get("lt"))}
    if kind in ("enum", "literal_error"):
        return _("Choose one of: %(choices)s.") % {"choices": ctx.get("expected", "")}
    if kind == "list_type":
        return _("Send a list.")
    if kind == "value_error":
        return str(ctx.get("error") or err.get("msg", ""))
    return str(err.get("msg", _("This value is not valid.")))


def _field_name(loc) -> str | None:
    parts = [str(p) for p in loc]
    if parts and parts[0] in ("body", "query", "path", "header", "cookie", "form"):
        parts = parts[1:]
    if parts and parts[0] == "payload":  # every body parameter is called `payload`
        parts = parts[1:]
    return ".".join(parts) or None


def install_error_handlers(api):
    """Map every exception an endpoint may raise to the one error body."""

    @api.exception_handler(ApiError)
    def _api_error(request, exc):
        return _json(api, request, exc.status, error_body(exc.code, exc.message, exc.field, exc.errors),
                     exc.headers)

    @api.exception_handler(Http404)
    def _not_found(request, exc):
        return _json(api, request, 404, error_body("not_found", _("Not found.")))

    @api.exception_handler(PermissionDenied)
    def _forbidden(request, exc):
        message = str(exc) or _("You are not allowed to do this here.")
        return _json(api, request, 403, error_body("forbidden", message))

    @api.exception_handler(AuthenticationError)
    def _unauthenticated(request, exc):
        return _json(api, request, 401, error_body(
            "unauthenticated", _("Sign in first: send Authorization: Bearer <token> (POST /api/v1/auth/token).")),
            {"WWW-Authenticate": 'Bearer realm="api"'})

    @api.exception_handler(HttpError)
    def _http_error(request, exc):
        if exc.status_code == 400:  # ninja raises this only when the body is not JSON
            return _json(api, request, 400, error_body("malformed_body", _("The request body is not valid JSON.")))
        if exc.status_code == 429:
            return _json(api, request, 429, error_body("rate_limited", _("Too many requests; wait and retry.")))
        if exc.status_code == 403:
            return _json(api, request, 403, error_body("csrf_failed", _(
                "The CSRF check failed: send the X-CSRFToken header with a session cookie, or use a bearer token.")))
        return _json(api, request, exc.status_code, error_body("error", str(exc)))

    @api.exception_handler(NinjaValidationError)
    def _invalid(request, exc):
        errors = [{"field": _field_name(e.get("loc", ())), "code": e.get("type", "invalid"),
                   "message": _validation_message(e)} for e in exc.errors]
        # A malformed id in the URL is a record that does not exist: the same 404.
        if exc.errors and all((e.get("loc") or ("",))[0] == "path" for e in exc.errors):
            return _json(api, request, 404, error_body("not_found", _("Not found.")))
        first = errors[0] if errors else {"field": None, "message": ""}
        message = _("Some fields are not valid: %(detail)s") % {
            "detail": "; ".join(f"{e['field'] or '—'}: {e['message']}" for e in errors)}
        return _json(api, request, 422, error_body("invalid", message, first["field"], errors))

    @api.exception_handler(DomainError)
    def _domain(request, exc):
        code = exc.code or "invalid"
        status = 409 if code in CONFLICT_CODES else 403 if code == "forbidden" else 400
        field = getattr(exc, "field", None)
        errors = [{"field": field, "code": code, "message": exc.text}] if field else []
        return _json(api, request, status, error_body(code, exc.text, field, errors))

    @api.exception_handler(DjangoValidationError)
    def _django_invalid(request, exc):
        # full_clean() in a service: one item per field; a uniqueness clash is a conflict (409).
        if hasattr(exc, "error_dict"):
            errors = [{"field": None if name == "__all__" else name, "code": e.code or "invalid",
                       "message": " ".join(e.messages)}
                      for name, items in exc.error_dict.items() for e in items]
        else:
            errors = [{"field": None, "code": e.code or "invalid", "message": " ".join(e.messages)}
                      for e in exc.error_list]
        conflict = bool(errors) and all(e["code"] in ("unique", "unique_together") for e in errors)
        message = "; ".join(e["message"] for e in errors)
        return _json(api, request, 409 if conflict else 400, error_body(
            "unique" if conflict else "invalid", message, errors[0]["field"] if errors else None, errors))


@contextmanager
def api_field_names(**mapping):
    """Services name fields as their forms do; rename them to the API's names in errors.
    `with api_field_names(new_parent="parent"): services.move_org(...)`."""
    try:
        yield
    except DomainError as exc:
        exc.field = mapping.get(exc.field, exc.field)
        raise


def invalid_fields(errors: dict[str, str], message=None):
    """An ApiError (400) from {field: message}, e.g. MemberInputError.errors."""
    items = [{"field": f, "code": "invalid", "message": str(m)} for f, m in errors.items()]
    message = message or "; ".join(f"{i['field']}: {i['message']}" for i in items)
    return ApiError(400, "invalid", message, field=items[0]["field"] if items else None, errors=items)


# --------------------------------------------------------------------------------------------
# Lookups
# --------------------------------------------------------------------------------------------

def get_visible(queryset, user, pk, action=None):
    """A record by id through `visible_to(user)`, or the one 404."""
    try:
        return queryset.visible_to(user, action).get(pk=pk)
    except (queryset.model.DoesNotExist, ValueError, TypeError, OverflowError) as exc:
        raise not_found() from exc


def resolve(queryset, pk, *, field):
    """A record named in the request body. Unknown (or hidden: pass a scoped queryset) → 400
    on that field, like NetBox: the request is wrong, the URL is not."""
    if pk is None:
        return None
    obj = queryset.filter(pk=pk).first()
    if obj is None:
        raise ApiError(400, "unknown_reference",
                       _("No record with id %(id)s that you can use here.") % {"id": pk}, field=field,
                       errors=[{"field": field, "code": "unknown_reference",
                                "message": _("No record with id %(id)s that you can use here.") % {"id": pk}}])
    return obj


# --------------------------------------------------------------------------------------------
# Authentication
# --------------------------------------------------------------------------------------------

def user_for_token(raw: str):
    """The active user of a live token, or None (accounts.services checks the SHA-256 against
    live tokens and records the time of use)."""
    from gonghui.accounts.services import authenticate_token

    return authenticate_token(raw)


class BearerTokenAuth(HttpBearer):
    """`Authorization: Bearer <token>`: a live personal ApiToken of an active user."""

    def authenticate(self, request, token):
        user = user_for_token(token)
        if user is None:
            return None
        if getattr(user, "must_change_password", False):
            # like a session (accounts.middleware): a one-time password must be replaced first
            raise ApiError(403, "password_change_required",
                           _("Change your one-time password in the web pages before using the API."))
        request.user = user
        return user


class SessionCsrfAuth(APIKeyCookie):
    """The browser's session cookie. Unsafe methods need the CSRF token, but only once there
    is a signed-in session — without one the answer is 401, not a CSRF error."""

    param_name = settings.SESSION_COOKIE_NAME

    def _get_key(self, request):
        return request.COOKIES.get(self.param_name)

    def authenticate(self, request, key):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        if self.csrf and check_csrf(request):
            raise HttpError(403, "CSRF check failed")
        return user


def api_auth():
    return [BearerTokenAuth(), SessionCsrfAuth()]


# --------------------------------------------------------------------------------------------
# Rate limits (fixed window in Django's cache; Redis in production, so limits hold across
# processes — the in-process LocMemCache of dev and tests limits per process only)
# --------------------------------------------------------------------------------------------

_PERIODS = {"s": 1, "sec": 1, "second": 1, "m": 60, "min": 60, "minute": 60, "h": 3600, "hour": 3600,
            "d": 86400, "day": 86400}


def parse_rate(rate):
    """'10/min' → (10, 60); None or '' → None (no limit)."""
    if not rate:
        return None
    count, _slash, period = str(rate).partition("/")
    return int(count), _PERIODS[period.strip() or "s"]


def hit(scope: str, ident: str, rate) -> float | None:
    """Count one request; None when allowed, else seconds until the window resets."""
    parsed = parse_rate(rate)
    if parsed is None:
        return None
    limit, period = parsed
    now = time.time()
    window = int(now // period)
    key = "rl:" + hashlib.sha256(f"{scope}:{ident}:{window}".encode()).hexdigest()
    cache.add(key, 0, timeout=period + 1)
    try:
        count = cache.incr(key)
    except ValueError:  # evicted between add and incr
        cache.set(key, 1, timeout=period + 1)
        count = 1
    if count > limit:
        return period - (now % period)
    return None


def enforce_rate(request, scope: str, rate):
    """Raise 429 (with Retry-After) when this client IP exceeded `rate` for `scope`."""
    wait = hit(scope, client_ip(request) or "-", rate)
    if wait is not None:
        raise ApiError(429, "rate_limited", _("Too many requests; wait %(n)s seconds and retry.")
                       % {"n": math.ceil(wait)}, headers={"Retry-After": str(math.ceil(wait))})


class ApiRateThrottle(BaseThrottle):
    """Every API call: `API_RATE` (default 1200/min) per signed-in user, or per IP before sign-in."""

    def __init__(self):
        self._local = threading.local()  # one instance serves every request thread

    def allow_request(self, request):
        user = getattr(request, "auth", None)
        ident = f"u{user.pk}" if getattr(user, "pk", None) else f"ip{client_ip(request)}"
        self._local.wait = hit("api", ident, getattr(settings, "API_RATE", "1200/min"))
        return self._local.wait is None

    def wait(self):
        return getattr(self._local, "wait", None)


# --------------------------------------------------------------------------------------------
# Pagination
# --------------------------------------------------------------------------------------------

class PageParams(ApiSchema):
    after: Id | None = Field(None, description="Keyset cursor: the `next_after` of the previous page.")
    limit: int = Field(50, ge=1, le=MAX_PAGE_SIZE, description=f"Rows per page, 1–{MAX_PAGE_SIZE}.")


class PageMeta(ApiSchema):
    count: int = Field(description="Matching rows, counted up to a cap (see count_capped).")
    count_capped: bool = Field(description="True when there are more than `count` rows (shown as “1,000+”).")
    next_after: int | None = Field(description="Pass as `after` for the next page; null on the last page.")
    limit: int


def paginate(queryset, params: PageParams, *, row=None, rows=None, descending=True, load=None):
    """Keyset page of `queryset` by id plus a capped count: a fixed number of queries whatever
    the table or page size. `row(obj)` gives one output dict, or `rows(objs)` a page of them
    (to batch a lookup for the whole page); `load`: see `keyset_page`."""
    page = keyset_page(queryset, after=params.after, size=params.limit, descending=descending, load=load)
    items = rows(page.items) if rows else [row(obj) for obj in page.items]
    return {"items": items, "count": page.count, "count_capped": page.count_capped,
            "next_after": page.next_after, "limit": params.limit}


# --------------------------------------------------------------------------------------------
# Idempotency-Key
# --------------------------------------------------------------------------------------------

IDEMPOTENCY_TTL = 24 * 3600
IDEMPOTENCY_KEY = re.compile(r"^[\x21-\x7e]{1,255}$")
IDEMPOTENCY_HEADER_DOC = ("Optional. Send a unique value (e.g. a UUID) to make this POST safe to retry: "
                          "a replay within 24 hours returns the first response and creates nothing.")


def _jsonable(value):
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    return value


def _rendered(schema, data):
    """The body exactly as ninja's renderer writes it (its encoder rounds times to milliseconds),
    so a replay is byte-for-byte the first answer."""
    return json.loads(json.dumps(schema.model_validate(data).model_dump(), cls=NinjaJSONEncoder))


def cache_is_down() -> bool:
    """True while the cache is a ResilientRedisCache (production) in an outage: its reads answer a
    miss and its writes are dropped, so it can neither find nor keep an Idempotency-Key answer."""
    outage = getattr(cache, "outage", None)
    return bool(outage is not None and outage.is_down)


def _refuse_while_cache_is_down():
    """Fail closed: without the cache a retried POST would run (and create) again, which is what the
    client's Idempotency-Key asks us never to do. Checked after a cache call, so an outage that
    starts with this very request is seen, and a Redis that is back is asked again first."""
    if cache_is_down():
        raise ApiError(503, "idempotency_unavailable",
                       _("Requests with an Idempotency-Key cannot be accepted right now (the store that "
                         "remembers them is unavailable). Nothing was done; retry later with the same key."),
                       field="Idempotency-Key", headers={"Retry-After": "30"})


def idempotent(request, key, payload, run, *, schema, owner=None):
    """Run `run() -> (status, data)` once per (user, endpoint, Idempotency-Key).

    `owner` replaces the user in that triple for endpoints without a login (e.g. "ip:<client
    IP>" for the public appeal form's API); by default it is the signed-in user's id.

    The first 2xx response is kept in the cache for 24 hours (Django's cache: Redis in
    production, so every web process sees it). A replay with the same body returns it with
    `Idempotent-Replayed: true`; the same key with a different body is refused (422); a replay
    while the first request still runs gets 409. Errors are not kept: nothing was created,
    so a retry simply runs again. While the cache is down (a Redis outage in production) a request
    with a key answers 503 `idempotency_unavailable` and runs nothing (fail closed)."""
    if key is None:
        status, data = run()
        return Status(status, data)
    if not IDEMPOTENCY_KEY.match(key):
        raise ApiError(400, "idempotency_key_invalid",
                       _("Idempotency-Key must be 1–255 visible ASCII characters."), field="Idempotency-Key")
    if owner is None:
        owner = request.auth.pk
    scope = f"{owner}:{request.method}:{request.path}:{key}"
    cache_key = "idem:" + hashlib.sha256(scope.encode()).hexdigest()
    fingerprint = hashlib.sha256(
        json.dumps(_jsonable(payload), sort_keys=True, default=str).encode()).hexdigest()
    stored = cache.get(cache_key)
    _refuse_while_cache_is_down()
    if stored is None:
        if not cache.add(cache_key + ":lock", 1, timeout=60):
            raise ApiError(409, "idempotency_in_progress",
                           _("A request with this Idempotency-Key is still being processed; retry shortly."))
        try:
            stored = cache.get(cache_key)  # finished between our first look and the lock
            _refuse_while_cache_is_down()  # the lock or that read found Redis gone
            if stored is None:
                status, data = run()
                body = _rendered(schema, data)
                if 200 <= status < 300:
                    cache.set(cache_key, {"fingerprint": fingerprint, "status": status, "body": body,
                                          "at": timezone.now().isoformat()}, timeout=IDEMPOTENCY_TTL)
                return Status(status, body)
        finally:
            cache.delete(cache_key + ":lock")
    if stored["fingerprint"] != fingerprint:
        raise ApiError(422, "idempotency_key_reused",
                       _("This Idempotency-Key was already used with a different request body."),
                       field="Idempotency-Key")
    response = HttpResponse(json.dumps(stored["body"], cls=NinjaJSONEncoder), status=stored["status"],
                            content_type="application/json; charset=utf-8")
    response["Idempotent-Replayed"] = "true"
    return response
