"""Second factor for administrators: when REQUIRE_ADMIN_OTP is on, a district-level account or
superuser that signed in with a password alone is sent to the TOTP page before anything else."""

from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

# Only what an administrator needs to reach the second factor: signing in and out and the
# TOTP pages. Everything else under /accounts/ (password, API tokens, role management) is
# protected too — an unverified session must not mint an API token or hand out roles.
EXEMPT_PREFIXES = ("/accounts/login/", "/accounts/logout/", "/accounts/otp/", "/static/", "/healthz", "/i18n/")


class RequireOTPForAdministratorsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if self._needs_second_factor(request):
            if request.path.startswith("/api/"):
                from django.http import JsonResponse

                from gonghui.core.api_support import error_body

                # the API's error format (code, message, field, errors), like every other API error
                return JsonResponse(error_body("otp_required", _("Two-step verification is required.")),
                                    status=403)
            return redirect(f"{reverse('accounts:otp_verify')}?{urlencode({'next': request.path})}")
        return self.get_response(request)

    @staticmethod
    def _needs_second_factor(request):
        if not settings.REQUIRE_ADMIN_OTP:
            return False
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or request.path.startswith(EXEMPT_PREFIXES):
            return False
        return user.is_administrator and not user.is_verified()
