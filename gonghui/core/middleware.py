from .context import client_ip, current_ip


class RequestContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = current_ip.set(client_ip(request))
        try:
            return self.get_response(request)
        finally:
            current_ip.reset(token)


class ApiMethodNotAllowedMiddleware:
    """django-ninja answers a method a route does not take with a bare text 405, outside its
    exception handlers; API clients get the API's error format instead (Allow header kept)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (response.status_code == 405 and request.path.startswith("/api/")
                and not response.get("Content-Type", "").startswith("application/json")):
            from django.http import JsonResponse
            from django.utils.translation import gettext as _

            from .api_support import error_body

            message = _("This address does not accept %(method)s requests.") % {"method": request.method}
            replacement = JsonResponse(error_body("method_not_allowed", message), status=405)
            if response.has_header("Allow"):
                replacement["Allow"] = response["Allow"]
            return replacement
        return response
