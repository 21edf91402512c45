"""The signed-in user's own notifications: the list, open one (marks it read and follows its
link), mark one or all read. Someone else's notification answers 404, like a missing one."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from . import notifications
from .models import Notification
from .pagination import keyset_page, parse_after


def _own_or_404(user, pk):
    try:
        return notifications.own_notifications(user).get(pk=pk)
    except (Notification.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404(_("Not found.")) from exc


def _safe_target(request, url):
    """The notification's link when it is a path on this site, else the list."""
    if url and notifications.is_local_path(url) and url_has_allowed_host_and_scheme(
            url, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return url
    return reverse("core:notification_list")


@require_safe
@login_required
def notification_list(request):
    page = keyset_page(notifications.own_notifications(request.user).select_related("org"),
                       after=parse_after(request.GET.get("after")))
    return render(request, "core/notification_list.html", {"page": page, "query": ""})


@require_safe
@login_required
def notification_open(request, pk):
    notification = _own_or_404(request.user, pk)
    notifications.mark_read(user=request.user, notification=notification)
    return redirect(_safe_target(request, notification.url))


@require_POST
@login_required
def notification_read(request, pk):
    notification = _own_or_404(request.user, pk)
    notifications.mark_read(user=request.user, notification=notification)
    if request.POST.get("follow"):
        return redirect(_safe_target(request, notification.url))
    return redirect(_back(request))


@require_POST
@login_required
def notification_read_all(request):
    notifications.mark_all_read(user=request.user)
    return redirect(_back(request))


def _back(request):
    """Back to the page of the list the user was on (a local `next`), else the list."""
    target = request.POST.get("next", "")
    if target and notifications.is_local_path(target) and target.startswith(reverse("core:notification_list")):
        return target
    return reverse("core:notification_list")
