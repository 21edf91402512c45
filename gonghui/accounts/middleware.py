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
EXEMPT_PREFIXES = ("/accounts/login/", "/accounts/logout/", "/m/logout/", "/accounts/otp/", "/static/", "/healthz",
                   "/readyz", "/i18n/")


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


def password_change_reason():
    """Why the user is on the password change page, or why the API refuses them."""
    return _("Your password was set by someone else (a new account or a reset). Choose your own password "
             "before you continue.")


class RequirePasswordChangeMiddleware:
    """A signed-in user whose password someone else chose (a new account, a reset) goes to the
    password change page until they have picked their own. The API answers 403
    `password_change_required` in its error format. Administrators pass the second factor first
    (the TOTP pages are exempt here, the password page is not exempt there)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or not getattr(user, "must_change_password", False):
            return self.get_response(request)
        change_url = reverse("accounts:password_change")
        if request.path.startswith((*EXEMPT_PREFIXES, change_url)):
            return self.get_response(request)
        if request.path.startswith("/api/"):
            from django.http import JsonResponse

            from gonghui.core.api_support import error_body

            return JsonResponse(error_body("password_change_required", password_change_reason()), status=403)
        target = change_url
        if request.method == "GET" and request.path != reverse("core:home"):
            target = f"{change_url}?{urlencode({'next': request.path})}"
        if request.headers.get("HX-Request"):
            from django.http import HttpResponse

            response = HttpResponse(status=204)
            response["HX-Redirect"] = target
            return response
        return redirect(target)
