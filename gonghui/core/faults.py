"""What a user sees when the infrastructure fails under a request, instead of a 500 page.

Two faults are answered here, once for every view and the API:

- The database connection is lost or refused (PostgreSQL restarted or down, the backend killed,
  the network cut): Django raises OperationalError / InterfaceError. The service's
  transaction.atomic has already rolled back (or the server dropped the transaction with the
  connection), so nothing was saved; the user is told so and to try again (503). Django closes
  the broken connection at the end of the request, so the next request connects afresh.
  A statement timeout, a deadlock or a serialization failure is an OperationalError too, but the
  server answered: those are not this fault and keep Django's usual handling (a 500).
- The disk is full while an upload is written (OSError ENOSPC / EDQUOT): the storage removed its
  partial file (gonghui.core.storage) and the transaction rolled back; the user is told that the
  storage is full (507).

The middleware sees only exceptions raised in a view. When the database is down before the view
runs (the first query is a middleware reading `request.user`), Django calls the URLconf's
handler500 instead: `server_error` below answers the same fault there and Django's plain 500 page
for everything else.

The page is standalone (no base template, no context processors): it must render while the
database is unreachable.
"""

import errno
import logging
import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views import defaults

logger = logging.getLogger(__name__)

DISK_FULL_ERRNOS = {errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)}

# SQLSTATEs outside class 08 (connection exception) that also mean the server went away or turns
# connections away: admin_shutdown (pg_terminate_backend, a fast shutdown), crash_shutdown,
# cannot_connect_now (starting up), too_many_connections. Any other SQLSTATE means the server
# answered, e.g. 57014 query_canceled (statement timeout), 40P01 deadlock_detected, 40001
# serialization_failure: the connection is fine and "could not be reached" would be wrong.
CONNECTION_LOST_SQLSTATES = {"57P01", "57P02", "57P03", "53300"}


def database_error_sqlstate(exc) -> str | None:
    """The SQLSTATE of a database error: Django's wrapper has none itself, the driver's error it
    was raised from (`__cause__`) has (psycopg 3 `sqlstate`, psycopg2 `pgcode`). None when the
    server sent no error (the connection failed or broke) and on SQLite."""
    for error in (exc, exc.__cause__):
        code = getattr(error, "sqlstate", None) or getattr(error, "pgcode", None)
        if code:
            return code
    return None


def is_database_unreachable(exc) -> bool:
    """A lost or refused database connection: InterfaceError (the connection is already closed),
    or an OperationalError without a SQLSTATE (no answer from the server; SQLite, where the tests
    stage the cut, sends none either), of class 08 or in CONNECTION_LOST_SQLSTATES. Not a query
    cancelled by a timeout, a deadlock or a serialization failure."""
    if isinstance(exc, InterfaceError):
        return True
    if not isinstance(exc, OperationalError):
        return False
    sqlstate = database_error_sqlstate(exc)
    return sqlstate is None or sqlstate.startswith("08") or sqlstate in CONNECTION_LOST_SQLSTATES


def is_disk_full(exc) -> bool:
    return isinstance(exc, OSError) and exc.errno in DISK_FULL_ERRNOS


def database_unreachable_message():
    return _("The database could not be reached, so what you just did was not saved. Wait a minute and try "
             "again; if it keeps happening, tell the administrator.")


def disk_full_message():
    return _("Storage space is insufficient: the server's disk is full, so the file was not saved and nothing "
             "else was changed. Tell the administrator to free some space, then upload the file again.")


def fault_response(request, *, code, message, status):
    if request.path.startswith("/api/"):
        from .api_support import error_body

        return JsonResponse(error_body(code, message), status=status)
    html = render_to_string("core/fault.html", {"message": message, "title": _("Not saved")})
    return HttpResponse(html, status=status)


def database_unreachable_response(request):
    return fault_response(request, code="database_unavailable", message=database_unreachable_message(), status=503)


def disk_full_response(request):
    return fault_response(request, code="storage_full", message=disk_full_message(), status=507)


def server_error(request):
    """handler500 (config/urls.py). Django calls it inside its `except` block, so sys.exc_info()
    is the exception that escaped a middleware or the view. Django logs it with the traceback
    after this returns ("Service Unavailable: /path"), so nothing is logged here."""
    exception = sys.exc_info()[1]
    if is_database_unreachable(exception):
        return database_unreachable_response(request)
    if is_disk_full(exception):
        return disk_full_response(request)
    return defaults.server_error(request)


class InfrastructureFaultMiddleware:
    """Turns a lost database connection or a full disk into a clear page (or API error body)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if is_database_unreachable(exception):
            logger.error("database unreachable during %s %s", request.method, request.path, exc_info=exception)
            return database_unreachable_response(request)
        if is_disk_full(exception):
            logger.error("disk full during %s %s", request.method, request.path, exc_info=exception)
            return disk_full_response(request)
        return None
