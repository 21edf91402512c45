"""API of the `auth` area: the member portal's sign-in by mobile number for apps.

    POST /api/v1/portal/auth/code   {"phone", "purpose": "LOGIN"}        → 202 {"expires_in", "resend_in"}
    POST /api/v1/portal/auth/token  {"phone", "password"} or {"phone", "code"} → {"token", "expires_at"}

The token is the same personal API token as `POST /api/v1/auth/token` gives (named "api",
`API_TOKEN_TTL_DAYS`), with the same guards: django-axes lockout for passwords, the per-address
rate `API_TOKEN_RATE`, 403 `password_change_required` for an account whose password someone
else set, the administrators' second factor in "otp" when REQUIRE_ADMIN_OTP is on. Codes follow
the rules of gonghui/portal/rules/auth.py; a refusal for too many codes is 429 with Retry-After.
"""

import datetime
import secrets
from typing import Annotated, Literal

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Router, Status
from pydantic import ConfigDict, StringConstraints

from gonghui.accounts import services as account_services
from gonghui.accounts.api import TokenOut
from gonghui.accounts.middleware import password_change_reason
from gonghui.core.api_support import ApiError, ApiSchema, Text, enforce_rate, error_responses
from gonghui.core.errors import DomainError

from .models.auth import CodePurpose
from .services import auth as services

router = Router(tags=["portal-auth"])

TOKEN_NAME = "api"
# Refusals of a code or a password: the caller is not signed in (401), whatever the reason.
UNAUTHORISED_CODES = {"invalid_credentials", "code_required", "code_expired", "code_wrong", "code_attempts",
                      "code_used", "no_account", "account_disabled"}


class CodeIn(ApiSchema):
    model_config = ConfigDict(extra="forbid")

    phone: Text(20) = Field(description="The 11-digit mobile number (spaces and +86 are accepted).")
    purpose: Literal["LOGIN", "SIGNUP", "RESET"] = Field(
        CodePurpose.LOGIN.value, description="What the code will be used for; a code works only for its purpose.")


class CodeOut(ApiSchema):
    expires_in: int = Field(description="Seconds the code stays valid.")
    resend_in: int = Field(description="Seconds until another code may be asked for this number.")


class PhoneTokenIn(ApiSchema):
    model_config = ConfigDict(extra="forbid")

    phone: Text(20)
    # Not stripped: a password may start or end with a space.
    password: Annotated[str, StringConstraints(max_length=1024)] | None = Field(
        None, description="Either the password…")
    code: Text(12) | None = Field(None, description="…or a sign-in code (purpose LOGIN) from POST /portal/auth/code.")
    otp: Text(16) | None = Field(None, description="The 6-digit authenticator code, for administrators when "
                                                   "two-step verification is required.")


def _as_api_error(exc: DomainError):
    if isinstance(exc, services.CodeThrottled):
        return ApiError(429, exc.code, exc.text, field=exc.field, headers={"Retry-After": str(exc.retry_after)})
    if exc.code == "sms_unavailable":
        return ApiError(503, exc.code, exc.text, field=exc.field)
    if exc.code == "locked_out":
        return ApiError(429, exc.code, exc.text)
    if exc.code in UNAUTHORISED_CODES:
        return ApiError(401, exc.code, exc.text, field=exc.field)
    return ApiError(400, exc.code, exc.text, field=exc.field)


@router.post("/portal/auth/code", auth=None, response={202: CodeOut, **error_responses(400, 422, 429, 503)},
             summary="Send an SMS code")
def send_code(request, payload: CodeIn):
    """Send a one-time code to the number. The answer is the same whether or not the number has
    an account."""
    try:
        sent = services.request_code(phone=payload.phone, purpose=payload.purpose)
    except DomainError as exc:
        raise _as_api_error(exc) from exc
    return Status(202, {"expires_in": sent.expires_in, "resend_in": sent.resend_in})


def _signed_in_user(request, payload):
    if bool(payload.password) == bool(payload.code):
        raise ApiError(400, "credentials_required", _("Send the password or an SMS code (one of the two)."),
                       field="password")
    try:
        if payload.password:
            return services.authenticate_phone_password(request=request, phone=payload.phone,
                                                        password=payload.password)
        return services.sign_in_with_code(phone=payload.phone, code=payload.code)
    except DomainError as exc:
        raise _as_api_error(exc) from exc


def _check_second_factor(user, code):
    if not (settings.REQUIRE_ADMIN_OTP and user.is_administrator):
        return
    if not code:
        raise ApiError(401, "otp_required", _("Administrators must also send the code of their authenticator "
                                              "app in the “otp” field."), field="otp")
    try:
        account_services.verify_second_factor(actor=user, token=code)
    except DomainError as exc:
        raise ApiError(401, exc.code, exc.text, field="otp") from exc


def _issue_token(user):
    days = getattr(settings, "API_TOKEN_TTL_DAYS", 30)
    expires_at = timezone.now() + datetime.timedelta(days=days) if days else None
    try:
        return account_services.create_api_token(actor=user, name=TOKEN_NAME, expires_at=expires_at)
    except DomainError as exc:
        if exc.code != "token_name_taken":
            raise
    name = f"{TOKEN_NAME} {timezone.localtime():%Y-%m-%d %H:%M:%S} {secrets.token_hex(2)}"
    return account_services.create_api_token(actor=user, name=name, expires_at=expires_at)


@router.post("/portal/auth/token", auth=None, response={200: TokenOut, **error_responses(400, 401, 403, 422, 429)},
             summary="Get an API token by mobile number")
def obtain_token(request, payload: PhoneTokenIn):
    """Exchange a mobile number and its password, or a sign-in code, for a personal API token."""
    enforce_rate(request, "portal-auth-token", getattr(settings, "API_TOKEN_RATE", "10/min"))
    user = _signed_in_user(request, payload)
    if user.must_change_password:
        raise ApiError(403, "password_change_required", password_change_reason())
    _check_second_factor(user, payload.otp)
    token, raw = _issue_token(user)
    return {"token": raw, "expires_at": token.expires_at}
