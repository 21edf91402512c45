"""API tokens: sign in with a password once, then send `Authorization: Bearer <token>`.

POST /auth/token goes through django-axes (same lockout as the sign-in page: username + IP),
a per-IP rate limit (`API_TOKEN_RATE`, default 10/min) and, when REQUIRE_ADMIN_OTP is on, the
administrator's TOTP code. An account whose password was set by someone else (new, or reset)
gets no token until its owner has chosen a password on the web (403 password_change_required).
"""

import datetime
import secrets
from typing import Annotated

from django.conf import settings
from django.contrib.auth import authenticate
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Router, Status
from pydantic import ConfigDict, StringConstraints

from gonghui.core.api_support import ApiError, ApiSchema, Text, enforce_rate, error_responses
from gonghui.core.errors import DomainError

from . import services
from .middleware import password_change_reason
from .models import ApiToken, hash_token

router = Router(tags=["auth"])

TOKEN_NAME = "api"


class TokenIn(ApiSchema):
    model_config = ConfigDict(extra="forbid")

    username: Text(150)
    # Not stripped: a password may start or end with a space.
    password: Annotated[str, StringConstraints(max_length=1024)]
    otp: Text(16) | None = Field(None, description="The 6-digit authenticator code, for administrators "
                                                   "when two-step verification is required.")


class TokenOut(ApiSchema):
    token: str = Field(description="Send as `Authorization: Bearer <token>`. Shown once; only its hash is kept.")
    expires_at: datetime.datetime | None


def _locked_out(request):
    if getattr(request, "axes_locked_out", False):
        # Answer the lockout here, as JSON; otherwise AxesMiddleware would swap in its HTML page.
        request.axes_locked_out = False
        return True
    return False


def _check_second_factor(user, code):
    if not (settings.REQUIRE_ADMIN_OTP and user.is_administrator):
        return
    if not code:
        raise ApiError(401, "otp_required", _("Administrators must also send the code of their authenticator "
                                              "app in the “otp” field."), field="otp")
    try:
        services.verify_second_factor(actor=user, token=code)
    except DomainError as exc:
        raise ApiError(401, exc.code, exc.text, field="otp") from exc


def _expiry():
    days = getattr(settings, "API_TOKEN_TTL_DAYS", 30)
    return timezone.now() + datetime.timedelta(days=days) if days else None


@router.post("/token", auth=None, response={200: TokenOut, **error_responses(400, 401, 403, 422, 429)},
             summary="Get an API token")
def obtain_token(request, payload: TokenIn):
    """Exchange a username and password for a personal API token (named “api”)."""
    enforce_rate(request, "auth-token", getattr(settings, "API_TOKEN_RATE", "10/min"))
    user = authenticate(request=request, username=payload.username, password=payload.password)
    if _locked_out(request):
        raise ApiError(429, "locked_out", _("Too many failed sign-ins: this account is locked for a while. "
                                            "Try again later or ask an administrator to unlock it."))
    if user is None:
        raise ApiError(401, "invalid_credentials", _("Wrong username or password."))
    if user.must_change_password:
        raise ApiError(403, "password_change_required", password_change_reason())
    _check_second_factor(user, payload.otp)
    expires_at = _expiry()
    try:
        token, raw = services.create_api_token(actor=user, name=TOKEN_NAME, expires_at=expires_at)
    except DomainError as exc:
        if exc.code != "token_name_taken":
            raise
        name = f"{TOKEN_NAME} {timezone.localtime():%Y-%m-%d %H:%M:%S} {secrets.token_hex(2)}"
        token, raw = services.create_api_token(actor=user, name=name, expires_at=expires_at)
    return {"token": raw, "expires_at": token.expires_at}


@router.delete("/token", response={204: None, **error_responses(401, 404)}, summary="Revoke this token")
def revoke_token(request):
    """Revoke the bearer token this request was sent with (sign out a program)."""
    header = request.headers.get("Authorization", "")
    raw = header.split(" ", 1)[1].strip() if header.lower().startswith("bearer ") else ""
    token = ApiToken.objects.live().filter(user=request.auth, key_hash=hash_token(raw)).first() if raw else None
    if token is None:
        raise ApiError(404, "not_found", _("This request was not sent with an API token."))
    services.revoke_api_token(actor=request.auth, token=token)
    return Status(204, None)
