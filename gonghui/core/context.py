"""Per-request context (client IP) that services read when writing audit rows.

Services take `actor=` explicitly; the IP is transport detail, so middleware sets it here
instead of threading it through every call. Outside a request (jobs, commands) it is None.
"""

from contextvars import ContextVar

current_ip: ContextVar[str | None] = ContextVar("current_ip", default=None)


def client_ip(request):
    """The client address. Behind N trusted proxies (PROXY_COUNT) it is the Nth X-Forwarded-For
    entry from the right: each proxy appends the address it was reached from, while everything
    left of those was written by the client and can be anything. Also axes' client IP."""
    from django.conf import settings

    proxies = getattr(settings, "AXES_IPWARE_PROXY_COUNT", 0)
    if proxies:
        hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
        if len(hops) >= proxies:
            return hops[-proxies]
    return request.META.get("REMOTE_ADDR")
