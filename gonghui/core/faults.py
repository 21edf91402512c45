"""What a user sees when the infrastructure fails under a request, instead of a 500 page.

Two faults are answered here, once for every view and the API:

- The database connection is lost (PostgreSQL restarted, the backend killed, the network cut):
  Django raises OperationalError / InterfaceError. The service's transaction.atomic has already
  rolled back (or the server dropped the transaction with the connection), so nothing was saved;
  the user is told so and to try again (503). Django closes the broken connection at the end of
  the request, so the next request connects afresh.
- The disk is full while an upload is written (OSError ENOSPC / EDQUOT): the storage removed its
  partial file (gonghui.core.storage) and the transaction rolled back; the user is told that the
  storage is full (507).

The page is standalone (no base template, no context processors): it must render while the
database is unreachable.
"""

import errno
import logging

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

DISK_FULL_ERRNOS = {errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)}


def is_database_unreachable(exc) -> bool:
    """A lost or refused database connection (not a constraint or a data error)."""
    return isinstance(exc, OperationalError | InterfaceError)


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


class InfrastructureFaultMiddleware:
    """Turns a lost database connection or a full disk into a clear page (or API error body)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if is_database_unreachable(exception):
            logger.error("database unreachable during %s %s", request.method, request.path, exc_info=exception)
            return fault_response(request, code="database_unavailable", message=database_unreachable_message(),
                                  status=503)
        if is_disk_full(exception):
            logger.error("disk full during %s %s", request.method, request.path, exc_info=exception)
            return fault_response(request, code="storage_full", message=disk_full_message(), status=507)
        return None
