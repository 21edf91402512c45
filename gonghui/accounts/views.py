"""Sign-in, password, profile, personal API tokens, second factor, role and account management
pages.

Views are thin: they check the action, fetch through the scope rules and call one service."""

import base64
import io
from urllib.parse import urlencode

import django_otp
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_variables
from django.views.decorators.http import require_GET, require_POST

from gonghui.core import exports
from gonghui.core.errors import DomainError
from gonghui.core.forms import run_service
from gonghui.core.pagination import keyset_page, parse_after
from gonghui.core.policies import get_visible_or_404, require
from gonghui.orgs.models import Org

from . import selectors, services
from .forms import (
    AccountCreateForm,
    ChangePasswordForm,
    LoginForm,
    OTPCodeForm,
    RoleAssignForm,
    RoleFilterForm,
    TokenCreateForm,
)
from .middleware import password_change_reason
from .policies import MANAGE, assignable_roles, may_manage_account


def _safe_next(request, default="core:home"):
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                  require_https=request.is_secure()):
        return target
    return reverse(default)


# --- sign in / out, password, profile -------------------------------------------------------
class SignInView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


sign_in = SignInView.as_view()
sign_out = auth_views.LogoutView.as_view()


@never_cache
@login_required
def password_change(request):
    """Also where RequirePasswordChangeMiddleware sends someone whose password was set by a
    manager; once they have chosen their own they go on to where they were heading."""
    forced = request.user.must_change_password
    form = ChangePasswordForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = run_service(form, services.change_password, actor=request.user,
                           new_password=form.cleaned_data["new_password1"])
        if user is not None:
            update_session_auth_hash(request, user)
            messages.success(request, _("Your password was changed."))
            return redirect(_safe_next(request, "core:home") if forced else "accounts:profile")
    return render(request, "accounts/password_change.html", {
        "form": form, "forced_reason": password_change_reason() if forced else None,
        "next": request.POST.get("next") or request.GET.get("next") or "",
    })


@login_required
def profile(request):
    user = request.user
    return render(request, "accounts/profile.html", {
        "assignments": selectors.my_role_assignments(user),
        "has_second_factor": selectors.confirmed_totp_device(user) is not None,
        "can_manage": user.can(MANAGE),
    })


# --- personal API tokens -------------------------------------------------------------------
TOKEN_LIST_LIMIT = 100


def _token_page(request, form, status=200):
    now = timezone.now()
    tokens = list(selectors.tokens_for(request.user)[:TOKEN_LIST_LIMIT])
    for token in tokens:
        token.status = ("revoked" if token.revoked_at else
                        "expired" if token.expires_at and token.expires_at <= now else "active")
    return render(request, "accounts/token_list.html", {"tokens": tokens, "form": form}, status=status)


@login_required
def token_list(request):
    return _token_page(request, TokenCreateForm())


@never_cache
@login_required
@require_POST
def token_create(request):
    form = TokenCreateForm(request.POST)
    if form.is_valid():
        result = run_service(form, services.create_api_token, actor=request.user,
                             name=form.cleaned_data["name"], expires_at=form.expires_at())
        if result is not None:
            token, raw = result
            # Shown in this response only; never stored, never put in a URL or the session.
            return render(request, "accounts/token_created.html", {"token": token, "raw": raw})
    return _token_page(request, form)


@login_required
@require_POST
def token_revoke(request, pk):
    token = get_visible_or_404(selectors.own_tokens(), request.user, pk)
    try:
        services.revoke_api_token(actor=request.user, token=token)
    except DomainError as exc:
        messages.error(request, exc.text)
    else:
        messages.success(request, _("The token “%(name)s” was revoked; programs using it are refused from now on.")
                         % {"name": token.name})
    return redirect("accounts:token_list")


# --- second factor -------------------------------------------------------------------------------
@never_cache
@login_required
def otp_verify(request):
    next_url = _safe_next(request)
    user = request.user
    if user.is_verified():
        return redirect(next_url)
    device = selectors.confirmed_totp_device(user)
    form = OTPCodeForm(request.POST or None)
    if request.method == "POST" and device is not None and form.is_valid():
        accepted = run_service(form, services.verify_second_factor, actor=user, token=form.cleaned_data["code"])
        if accepted is not None:
            django_otp.login(request, accepted)
            return redirect(next_url)
    return render(request, "accounts/otp_verify.html", {
        "form": form, "device": device, "next": next_url, "can_setup": user.is_administrator,
    })


def _qr_data_uri(text):
    """A QR code as an SVG data URI when a QR library happens to be installed, else None."""
    try:
        from django_otp.qr import write_qrcode_image

        out = io.BytesIO()
        write_qrcode_image(text, out)
    except (ImportError, ModuleNotFoundError):
        return None
    return "data:image/svg+xml;base64," + base64.b64encode(out.getvalue()).decode()


def _otp_setup_page(request, form):
    user = request.user
    pending = selectors.pending_totp_device(user)
    context = {"form": form, "confirmed": selectors.confirmed_totp_device(user), "pending": pending,
               "next": _safe_next(request, "accounts:profile")}
    if pending is not None:
        secret = base64.b32encode(pending.bin_key).decode().rstrip("=")
        context.update({
            "config_url": pending.config_url,
            "secret_groups": [secret[i:i + 4] for i in range(0, len(secret), 4)],
            "qr": _qr_data_uri(pending.config_url),
        })
    return render(request, "accounts/otp_setup.html", context)


def _require_administrator(user):
    if not user.is_administrator:
        raise PermissionDenied(_("Only administrators (district staff) need a second factor."))


@never_cache
@login_required
def otp_setup(request):
    _require_administrator(request.user)
    if request.method == "POST":
        try:
            services.start_totp_setup(actor=request.user)
        except DomainError as exc:
            messages.error(request, exc.text)
        query = urlencode({"next": _safe_next(request, "accounts:profile")})
        return redirect(f"{reverse('accounts:otp_setup')}?{query}")
    return _otp_setup_page(request, OTPCodeForm())


@never_cache
@login_required
@require_POST
def otp_setup_confirm(request):
    _require_administrator(request.user)
    form = OTPCodeForm(request.POST)
    if form.is_valid():
        device = run_service(form, services.confirm_totp_device, actor=request.user, token=form.cleaned_data["code"])
        if device is not None:
            django_otp.login(request, device)
            messages.success(request, _("Two-step verification is on. You will be asked for a code after "
                                        "signing in."))
            return redirect(_safe_next(request, "accounts:profile"))
    return _otp_setup_page(request, form)


# --- role management -----------------------------------------------------------------------------
@login_required
def role_list(request):
    user = request.user
    require(user, MANAGE)
    org = None
    org_pk = parse_after(request.GET.get("org"))
    if request.GET.get("org"):
        org = get_visible_or_404(selectors.manageable_orgs(), user, org_pk, MANAGE)
    menu = selectors.manage_menu_orgs(user)
    if org is not None and org not in menu:
        menu.append(org)
    form = RoleFilterForm(request.GET or None, orgs=menu)
    filters = selectors.RoleFilters(org=org)
    if form.is_valid():
        filters.q = form.cleaned_data["q"]
        filters.role = form.cleaned_data["role"]
    page = keyset_page(selectors.managed_assignments(user, filters), after=parse_after(request.GET.get("after")))
    _mark_account_actions(user, page.items)
    query = request.GET.copy()
    query.pop("after", None)
    return render(request, "accounts/role_list.html", {
        "form": form, "page": page, "org": org, "menu": menu, "query": query.urlencode(),
        "find": request.GET.get("find", ""), "found": selectors.find_manageable_orgs(user, request.GET.get("find")),
    })


def _mark_account_actions(actor, assignments):
    """Set `may_manage_account` on each row (one query for the whole list, not one per row)."""
    holdings = selectors.role_holdings(a.user_id for a in assignments)
    for a in assignments:
        a.may_manage_account = may_manage_account(actor, a.user, holdings.get(a.user_id, []))
    return assignments


def _org_roles_page(request, org, *, form=None, account_form=None):
    user = request.user
    roles = assignable_roles(user, org)
    parent = org.get_parent() if org.depth > 1 else None
    if parent is not None and not user.can(MANAGE, parent):
        parent = None
    return render(request, "accounts/org_roles.html", {
        "org": org, "parent": parent, "roles": roles,
        "form": form or RoleAssignForm(roles=roles),
        "account_form": account_form or AccountCreateForm(roles=roles),
        "assignments": _mark_account_actions(user, list(selectors.assignments_on(org))),
    })


@login_required
def org_roles(request, pk):
    user = request.user
    require(user, MANAGE)
    org = get_visible_or_404(selectors.manageable_orgs(), user, pk, MANAGE)
    form = RoleAssignForm(request.POST or None, roles=assignable_roles(user, org))
    if request.method == "POST" and form.is_valid():
        assignment = run_service(form, services.assign_role, actor=user, user=form.user, org=org,
                                 role=form.cleaned_data["role"])
        if assignment is not None:
            messages.success(request, _("%(username)s now has the role “%(role)s” at %(org)s.")
                             % {"username": assignment.user.username, "role": assignment.get_role_display(),
                                "org": org.name})
            return redirect("accounts:org_roles", pk=org.pk)
    return _org_roles_page(request, org, form=form)


# --- accounts: create, reset password, disable / enable ---------------------------------------------
@never_cache
@login_required
@require_POST
@sensitive_variables("result", "password")
def account_create(request, pk):
    user = request.user
    require(user, MANAGE)
    org = get_visible_or_404(selectors.manageable_orgs(), user, pk, MANAGE)
    form = AccountCreateForm(request.POST, roles=assignable_roles(user, org))
    if form.is_valid():
        data = form.cleaned_data
        result = run_service(form, services.create_account, actor=user, org=org, role=data["role"],
                             username=data["username"], display_name=data["display_name"], email=data["email"])
        if result is not None:
            account, password = result
            # Shown in this response only (never_cache: no-store); never stored, logged or put in a URL.
            return render(request, "accounts/account_password.html", {
                "account": account, "password": password, "created": True, "org": org,
                "back": reverse("accounts:org_roles", args=[org.pk]),
            })
    return _org_roles_page(request, org, account_form=form)


def _managed_user(request, pk):
    require(request.user, MANAGE)
    return get_visible_or_404(selectors.managed_users(), request.user, pk, MANAGE)


@never_cache
@login_required
@require_POST
@sensitive_variables("password")
def account_reset_password(request, pk):
    target = _managed_user(request, pk)
    back = _safe_next(request, "accounts:role_list")
    try:
        password = services.reset_password(actor=request.user, user=target)
    except DomainError as exc:
        messages.error(request, exc.text)
        return redirect(back)
    return render(request, "accounts/account_password.html", {
        "account": target, "password": password, "created": False, "back": back,
    })


@sensitive_variables("password")
def _set_active(request, pk, active):
    target = _managed_user(request, pk)
    back = _safe_next(request, "accounts:role_list")
    try:
        password = services.set_account_active(actor=request.user, user=target, active=active)
    except DomainError as exc:
        messages.error(request, exc.text)
        return redirect(back)
    if active:  # a new one-time password, shown once like a reset
        return render(request, "accounts/account_password.html", {
            "account": target, "password": password, "created": False, "enabled": True, "back": back,
        })
    messages.success(request, _("The account %(username)s is disabled: it can no longer sign in or use "
                                "the API. Its roles are kept.") % {"username": target.username})
    return redirect(back)


@login_required
@require_POST
def account_disable(request, pk):
    return _set_active(request, pk, active=False)


@never_cache
@login_required
@require_POST
def account_enable(request, pk):
    return _set_active(request, pk, active=True)


@login_required
@require_POST
def role_remove(request, pk):
    user = request.user
    require(user, MANAGE)
    assignment = get_visible_or_404(selectors.role_assignments(), user, pk, MANAGE)
    try:
        services.remove_role(actor=user, assignment=assignment)
    except DomainError as exc:
        messages.error(request, exc.text)
    else:
        messages.success(request, _("%(username)s no longer has the role “%(role)s” at %(org)s.")
                         % {"username": assignment.user.username, "role": assignment.get_role_display(),
                            "org": assignment.org.name})
    return redirect(_safe_next(request, "accounts:role_list"))



# --- export of the role list (core.exports) ------------------------------------------------------------

def _plan_roles(user, params):
    """The role list's filters (username, role, org) over the roles the user manages: who holds
    which role where, whether the account is active and when it last signed in."""
    require(user, MANAGE)
    org = exports.checked_org(user, params, "org", Org, MANAGE)
    menu = selectors.manage_menu_orgs(user)
    if org is not None and org not in menu:
        menu.append(org)
    form = RoleFilterForm(params or None, orgs=menu)
    if form.is_bound and not form.is_valid():
        raise exports.ExportRefused(_("The filters could not be read; check them and export again."), code="filters")
    filters = selectors.RoleFilters(org=org)
    if form.is_bound:
        filters.q, filters.role = form.cleaned_data["q"], form.cleaned_data["role"]
    rows = selectors.managed_assignments(user, filters).order_by("org__path", "role", "user__username", "pk")

    def values():
        for a in rows.iterator(chunk_size=1000):
            yield [a.user.username, a.user.display_name, str(a.get_role_display()), a.org.name,
                   timezone.localtime(a.created_at).replace(tzinfo=None),
                   _("Yes") if a.user.is_active else _("No"),
                   timezone.localtime(a.user.last_login).replace(tzinfo=None) if a.user.last_login else None]

    def write(target, progress):
        return exports.write_sheet(target, title=_("Users and roles"), rows=values(), progress=progress,
                                   headers=[_("User"), _("Display name"), _("Role"), _("Organisation"), _("Since"),
                                            pgettext("user account", "Active"), _("Last sign-in")],
                                   widths=[16, 14, 18, 30, 17, 6, 17])

    described = {"q": filters.q, "role": filters.role, "org": org.pk if org else None}
    return exports.ExportPlan(write=write, rows=rows, filters=described, audit=exports.auditor(
        actor=user, action="accounts.role_export", object_type="accounts.RoleExport", label=_("Role list export"),
        org=org, reach_action=MANAGE, filters=described))


ROLE_EXPORT = exports.ExportKind(key="accounts.roles", label=gettext_lazy("Role list export"), plan=_plan_roles,
                                 list_url="accounts:role_list", filename_prefix="roles")


@login_required
@require_GET
def role_export(request):
    return exports.export_response(request, ROLE_EXPORT)
