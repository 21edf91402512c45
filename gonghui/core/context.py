"""Per-request context (client IP) that services read when writing audit rows.

Services take `actor=` explicitly; the IP is transport detail, so middleware sets it here
instead of threading it through every call. Outside a request (jobs, commands) it is None.
"""

from contextvars import ContextVar

current_ip: ContextVar[str | None] = ContextVar("current_ip", default=None)


def client_ip(request):
    """The client address: the first X-Forwarded-For hop when behind a trusted proxy."""
    from django.conf import settings

    if getattr(settings, "AXES_IPWARE_PROXY_COUNT", 0):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[0].strip()
    return request.META.get("REMOTE_ADDR")
