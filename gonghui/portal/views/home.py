"""Pages of the `home` area: the member portal's home (首页), the list of everything a member can
do (办事), messages (消息), the member's own page (我的), my membership and my benefits and offers.

Thin: who the worker is (the login), one selector, render. Every page works without JavaScript
(plain links and form posts) and answers only about the signed-in worker; nothing here takes
an id, so there is nothing of anyone else to probe.
"""

from functools import wraps

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from gonghui.accounts import services as account_services
from gonghui.accounts.forms import ChangePasswordForm
from gonghui.core.forms import run_service
from gonghui.core.notifications import mark_all_read
from gonghui.core.pagination import keyset_page, parse_after
from gonghui.core.responses import no_store

from ..rules.home import rules
from ..selectors import home as selectors
from ..templatetags.portal_frame import login_url


def portal_login_required(view):
    """Like `login_required`, but a worker who is not signed in is sent to the phone sign-in page."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), login_url())
        return view(request, *args, **kwargs)

    return wrapper


@require_safe
@never_cache
@portal_login_required
def home(request):
    return no_store(render(request, "portal/home/home.html", {"h": selectors.member_home(request.user)}))


@require_safe
@portal_login_required
def services(request):
    """办事: the membership steps open to this worker (join, transfer) and every member page."""
    membership = selectors.my_membership(request.user)
    join_request = None if membership.is_member else selectors.latest_join_request(request.user)
    return render(request, "portal/home/services.html", {
        "membership": membership,
        "actions": selectors.membership_actions(membership, join_request),
        "pages": selectors.portal_pages(request.user),
    })


@require_safe
@never_cache
@portal_login_required
def messages_list(request):
    page = keyset_page(selectors.my_messages(request.user), after=parse_after(request.GET.get("after")),
                       size=rules().messages_page_size)
    return no_store(render(request, "portal/home/messages.html", {"page": page, "query": ""}))


@require_POST
@portal_login_required
def messages_read_all(request):
    mark_all_read(user=request.user)
    return redirect("portal:messages")


@require_safe
@portal_login_required
def me(request):
    membership = selectors.my_membership(request.user)
    return no_store(render(request, "portal/home/me.html", {
        "membership": membership, "logout_url": selectors.url_or_none("portal:logout"),
        "my_join_url": selectors.url_or_none("portal:my_join") if selectors.latest_join_request(request.user) else None,
        "password_url": reverse("portal:password_change"),
    }))


@require_safe
@never_cache
@portal_login_required
def my_membership(request):
    membership = selectors.my_membership(request.user)
    join_request = None if membership.is_member else selectors.latest_join_request(request.user)
    return no_store(render(request, "portal/home/membership.html", {
        "m": membership,
        "join_url": selectors.url_or_none("portal:join_new") if selectors.can_request_join(membership, join_request)
        else None,
        "my_join_url": selectors.url_or_none("portal:my_join"),
        "transfer_url": selectors.url_or_none("portal:my_transfer_new"),
    }))


@require_safe
@portal_login_required
def my_offers(request):
    offers = selectors.my_offers(request.user)
    join_request = None if offers.membership.is_member else selectors.latest_join_request(request.user)
    # No second call to join while a request waits for the union: show where it stands instead.
    can_join = selectors.can_request_join(offers.membership, join_request)
    return no_store(render(request, "portal/home/offers.html", {
        "o": offers, "join_url": selectors.url_or_none("portal:join_new") if can_join else None,
        "my_join_url": selectors.url_or_none("portal:my_join") if join_request is not None and not can_join else None,
    }))


@require_http_methods(["GET", "HEAD", "POST"])
@sensitive_post_parameters("old_password", "new_password1", "new_password2")
@never_cache
@portal_login_required
def password_change(request):
    """我的 → change password, in the portal frame (the cadres' page would show their navbar and
    send the member on to the cadres' account page). The same form and service as the cadres' page:
    old password, Django's validators, audited."""
    form = ChangePasswordForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = run_service(form, account_services.change_password, actor=request.user,
                           new_password=form.cleaned_data["new_password1"])
        if user is not None:
            update_session_auth_hash(request, user)
            messages.success(request, _("Your password was changed."))
            return redirect("portal:me")
    return no_store(render(request, "portal/home/password.html", {"form": form}))
