"""Logging: the filter that masks ID-card and mobile numbers, so PII never lands in log files, and
the structured (JSON) log lines of production with the request id."""

import logging
import re
import threading
import uuid
from contextvars import ContextVar

from pythonjsonlogger.json import JsonFormatter as _JsonFormatter

ID_PATTERN = re.compile(r"(?<![0-9])([1-9][0-9]{5})[0-9]{8}([0-9]{3}[0-9Xx])(?![0-9])")
PHONE_PATTERN = re.compile(r"(?<![0-9])(1[3-9][0-9])[0-9]{4}([0-9]{4})(?![0-9])")


def mask_text(text: str) -> str:
    text = ID_PATTERN.sub(r"\1********\2", text)
    return PHONE_PATTERN.sub(r"\1****\2", text)


class MaskPIIFilter(logging.Filter):
    def filter(self, record):
        message = record.getMessage()
        masked = mask_text(message)
        if masked != message:
            record.msg, record.args = masked, ()
        return True


# --- failures logged once --------------------------------------------------------------------

class LoggedOnce:
    """Whether something failed at its last try, shared by the threads of one process, so that
    only a change is logged: one WARNING when it starts failing, one INFO when it answers again.
    A busy site calling a dead Redis, or a load balancer probing every few seconds, would
    otherwise flood the log with the same line (core.cache.RedisOutage, core.views_health)."""

    def __init__(self, logger: logging.Logger):
        self.logger = logger
        self._failing = False
        self._lock = threading.Lock()

    def failed(self, message: str, *args) -> None:
        """Log `message` (a %-format and its arguments) if it did not fail until now."""
        with self._lock:
            first, self._failing = not self._failing, True
        if first:
            self.logger.warning(message, *args)

    def passed(self, message: str, *args) -> None:
        """Log `message` if it was failing until now."""
        if not self._failing:  # the common case, without taking the lock
            return
        with self._lock:
            was_failing, self._failing = self._failing, False
        if was_failing:
            self.logger.info(message, *args)


# --- structured logs (production) ------------------------------------------------------------
# One JSON object per line, with the request id that ties a page's log lines to nginx's and
# gunicorn's access lines. The request id lives in a context variable set by RequestIdMiddleware
# (each request in its own thread or task sees its own); outside a request it is "-".

current_request_id: ContextVar[str] = ContextVar("current_request_id", default="-")
REQUEST_ID_HEADER = "X-Request-ID"
# nginx's $request_id is 32 hex digits; accept what a proxy could sanely send, nothing else
# (the id is copied into every log line, so it must not carry text a client made up).
_VALID_REQUEST_ID = re.compile(r"^[A-Za-z0-9-]{8,64}$")


class RequestIdFilter(logging.Filter):
    """Adds `request_id` to every record (for the JSON formatter and any %(request_id)s format)."""

    def filter(self, record):
        if not hasattr(record, "request_id"):
            record.request_id = current_request_id.get()
        return True


class RequestIdMiddleware:
    """Takes the proxy's X-Request-ID when it looks like one, else makes one; logs of the request
    carry it and the response returns it (gunicorn's access log reads it from there)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.META.get("HTTP_X_REQUEST_ID", "")
        request_id = incoming if _VALID_REQUEST_ID.match(incoming) else uuid.uuid4().hex
        request.request_id = request_id
        token = current_request_id.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            current_request_id.reset(token)
        response[REQUEST_ID_HEADER] = request_id
        return response


class JsonFormatter(_JsonFormatter):
    """python-json-logger with the fields operators search by, and ID / mobile numbers masked in
    the whole line: MaskPIIFilter masks the message, this also covers exception text and extras
    (an IntegrityError can quote the row it refused). A request passed as an extra is replaced by
    its path (below): no query string in the log."""

    DEFAULT_FIELDS = "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s"

    def __init__(self, *args, **kwargs):
        if not args and "fmt" not in kwargs:
            kwargs["fmt"] = self.DEFAULT_FIELDS
        kwargs.setdefault("rename_fields", {"asctime": "time", "levelname": "level", "name": "logger"})
        kwargs.setdefault("json_ensure_ascii", False)  # Chinese stays readable in the log
        kwargs.setdefault("datefmt", "%Y-%m-%dT%H:%M:%S%z")  # ISO 8601 with the offset: no guessing the zone
        super().__init__(*args, **kwargs)

    def add_fields(self, log_record, record, message_dict):
        if not hasattr(record, "request_id"):
            record.request_id = current_request_id.get()
        super().add_fields(log_record, record, message_dict)
        _replace_the_request_by_its_path(log_record)

    def format(self, record):
        return mask_text(super().format(record))


def _replace_the_request_by_its_path(log_record):
    """django.request and django.security.* log every 4xx/5xx with `extra={"request": request}`
    (django.utils.log.log_response), and python-json-logger writes an unknown object as str(),
    "<WSGIRequest: GET '/members/?q=%E5%BC%A0%E4%B8%89'>": the query string, where a search by
    name lands percent-encoded (mask_text masks digit runs only). Keep the path alone."""
    request = log_record.pop("request", None)
    if request is not None:
        log_record["path"] = getattr(request, "path", "-")


class AccessJsonFormatter(JsonFormatter):
    """gunicorn's access log as JSON (deploy/gunicorn.conf.py). gunicorn logs each request with
    its "atoms" as the record's arguments; the line keeps the path WITHOUT the query string and
    the referrer without its query (a search by name, ID or phone number puts them there), and
    the request id Django returned, so an access line joins the application's lines. The
    access_log_format string is not used: the message is just "access"."""

    def format(self, record):
        if isinstance(record.args, dict):
            record.access_atoms, record.msg, record.args = record.args, "access", ()
        return super().format(record)

    def add_fields(self, log_record, record, message_dict):
        super().add_fields(log_record, record, message_dict)
        atoms = getattr(record, "access_atoms", None)
        if not atoms:
            return
        log_record.update({
            "method": atoms.get("m"),
            "path": atoms.get("U"),
            "status": _as_int(atoms.get("s")),
            "bytes": _as_int(atoms.get("B")),
            "duration_ms": _as_int(atoms.get("M")),
            "request_id": atoms.get("{x-request-id}o", "-"),
            "client": atoms.get("{x-forwarded-for}i", atoms.get("h")),
            "referrer": str(atoms.get("f") or "-").split("?", 1)[0],
            "user_agent": atoms.get("a"),
        })
        log_record.pop("access_atoms", None)


def _as_int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
