"""Views of the `auth` area: the member portal's sign-in, sign-up and password reset by phone.

Plain form posts, no JavaScript needed. The SMS flows have two steps on one URL: first the
number and "send code"; then, with a hidden `step=2`, the code and the rest of the form plus a
"send again" button. Numbers are only ever POSTed, never put in a URL (access logs).
"""

from django.contrib import messages
from django.contrib.auth import login, logout
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from gonghui.core import pii
from gonghui.core.errors import DomainError
from gonghui.core.forms import add_service_error, run_service

from .. import sms
from ..forms.auth import CodeLoginForm, PasswordLoginForm, ResetForm, SignUpForm
from ..models.auth import CodePurpose
from ..rules.auth import rules
from ..services import auth as services

MODE_PASSWORD, MODE_CODE = "password", "code"
ACTION_SEND = "send"
# Sessions of accounts signed in by code or after sign-up/reset are ordinary password-backend
# sessions (the account has a password; the backend re-checks the session hash).
SESSION_BACKEND = "django.contrib.auth.backends.ModelBackend"
# Kept out of error reports (a 500's e-mail or log lists POST data): secrets, and the number (PII).
SENSITIVE = ("password", "password1", "password2", "new_password1", "new_password2", "code", "phone")


def portal_home_url() -> str:
    try:
        return reverse("portal:home")
    except NoReverseMatch:  # the home area not mounted (yet)
        return reverse("core:home")


def _next_url(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                  require_https=request.is_secure()):
        return target
    return portal_home_url()


def _sign_in(request, user):
    login(request, user, backend=SESSION_BACKEND)
    return redirect(_next_url(request))


def _context(request, form, **extra):
    return {"form": form, "next": request.POST.get("next") or request.GET.get("next") or "",
            "sms_available": sms.is_available(), "code_minutes": max(1, rules().code_ttl_seconds // 60),
            "resend_seconds": rules().resend_cooldown_seconds, **extra}


def _send_code(form, purpose, context):
    """The "send code" button: only the number matters. On success, or when a code went to this
    number less than a minute ago (it is probably on its way), the page moves to step 2; the
    bound form keeps what was typed."""
    if not form.is_valid() and "phone" in form.errors:
        return
    try:
        services.request_code(phone=form.cleaned_data.get("phone", ""), purpose=purpose)
    except services.CodeThrottled as exc:
        if exc.code != "code_cooldown":
            add_service_error(form, exc)
            return
        context.update(step=2, notice=exc.text)
        return
    except DomainError as exc:
        add_service_error(form, exc)
        return
    context.update(step=2, sent_to=pii.mask_phone(services.clean_phone(form.cleaned_data["phone"])))


def _two_step(request, *, form_class, purpose, template, submit, extra=None):
    """The SMS flows: step 1 sends a code, step 2 submits it with the rest of the form."""
    form = form_class(request.POST or None)
    context = {"step": 1, **(extra or {})}
    if request.method == "POST":
        context["step"] = 2 if request.POST.get("step") == "2" else 1
        if request.POST.get("action") == ACTION_SEND:
            _send_code(form, purpose, context)
        else:
            context["step"] = 2
            if form.is_valid():
                user = run_service(form, submit, data=form.cleaned_data)
                if user is not None:
                    return user
    return render(request, template, _context(request, form, **context))


def _redirect_if_signed_in(request):
    if request.user.is_authenticated:
        return redirect(_next_url(request))
    return None


@never_cache
@csrf_protect
@sensitive_post_parameters(*SENSITIVE)
def sign_in(request):
    """`/m/login/`: phone + password (default), or phone + SMS code (`?mode=code`)."""
    if (answer := _redirect_if_signed_in(request)) is not None:
        return answer
    mode = request.POST.get("mode") or request.GET.get("mode") or MODE_PASSWORD
    if mode == MODE_CODE and sms.is_available():
        return _code_sign_in(request)
    form = PasswordLoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = run_service(form, services.authenticate_phone_password, request=request,
                           phone=form.cleaned_data["phone"], password=form.cleaned_data["password"])
        if user is not None:
            return _sign_in(request, user)
    return render(request, "portal/auth/login.html", _context(request, form, mode=MODE_PASSWORD))


def _code_sign_in(request):
    def submit(*, data):
        return services.sign_in_with_code(phone=data["phone"], code=data["code"])

    answer = _two_step(request, form_class=CodeLoginForm, purpose=CodePurpose.LOGIN,
                       template="portal/auth/login.html", submit=submit, extra={"mode": MODE_CODE})
    if hasattr(answer, "status_code"):
        return answer
    return _sign_in(request, answer)


@never_cache
@csrf_protect
@sensitive_post_parameters(*SENSITIVE)
def sign_up(request):
    """`/m/signup/`: phone + code, then name and password → a new account, signed in."""
    if (answer := _redirect_if_signed_in(request)) is not None:
        return answer

    def submit(*, data):
        return services.sign_up(phone=data["phone"], code=data["code"], name=data["name"], password=data["password1"])

    answer = _two_step(request, form_class=SignUpForm, purpose=CodePurpose.SIGNUP,
                       template="portal/auth/signup.html", submit=submit)
    if hasattr(answer, "status_code"):
        return answer
    messages.success(request, _("Welcome! Your account is ready."))
    return _sign_in(request, answer)


@never_cache
@csrf_protect
@sensitive_post_parameters(*SENSITIVE)
def password_reset(request):
    """`/m/password/reset/`: phone + code + a new password → signed in with it. Open to a
    signed-in user too (a forgotten password of the phone in hand)."""
    def submit(*, data):
        return services.reset_password(phone=data["phone"], code=data["code"], new_password=data["new_password1"])

    answer = _two_step(request, form_class=ResetForm, purpose=CodePurpose.RESET,
                       template="portal/auth/password_reset.html", submit=submit)
    if hasattr(answer, "status_code"):
        return answer
    messages.success(request, _("Your password was changed. You are signed in."))
    if request.user.is_authenticated:
        logout(request)
    return _sign_in(request, answer)


@require_POST
def sign_out(request):
    logout(request)
    return redirect("portal:login")
