"""The home dashboard and the audit trail pages (the health checks are in views_health)."""

import json

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from gonghui.accounts.roles import Role
from gonghui.accounts.selectors import role_codes
from gonghui.orgs.models import Org

from .audit_display import describe_events, label_event
from .context_processors import is_portal_user
from .dashboard import calendar_warning, dashboard_due, dashboard_for
from .db_router import reads_from_replica
from .forms import AuditFilterForm
from .member_pages import member_pages
from .models import AuditEvent
from .pagination import keyset_page, parse_after
from .policies import get_visible_or_404, require
from .selectors import AuditFilters, reach_orgs, search_audit_events

AUDIT_VIEW = "audit.view"


# --- dashboard ---------------------------------------------------------------------------------
def _org_url(pk):
    """The org detail page when the orgs app provides one; None keeps the name plain text."""
    try:
        return reverse("orgs:detail", kwargs={"pk": pk})
    except NoReverseMatch:
        return None


def _chart_size(n):
    return "chart" if n <= 8 else "chart chart-md" if n <= 16 else "chart chart-lg"


def _members_chart(children):
    """ECharts option (fed to static/js/charts.js through json_script) for members per child;
    `links` makes a bar click open that org."""
    return {
        "aria": {"enabled": True},
        "tooltip": {"trigger": "axis", "axisPointer": {"type": "shadow"}},
        "grid": {"left": 8, "right": 48, "top": 8, "bottom": 8, "containLabel": True},
        "xAxis": {"type": "value", "minInterval": 1},
        "yAxis": {"type": "category", "inverse": True,
                  "data": [c.org.short_name or c.org.name for c in children],
                  "axisLabel": {"width": 140, "overflow": "truncate"}},
        "series": [{"type": "bar", "name": _("Live members"), "data": [c.kpis.members for c in children],
                    "itemStyle": {"color": "#b8232f"}, "barMaxWidth": 28,
                    "label": {"show": True, "position": "right"},
                    "cursor": "pointer"}],
        "links": [c.url for c in children],
    }


def _portal_home_for(user) -> str:
    """The member portal's home for a member or a signed-up worker who lands here (the cadres'
    sign-in sends everyone to this page): their pages live in the phone frame, not behind the
    cadres' navbar. "" for anyone else (an account with a role but no scope, staff)."""
    if not is_portal_user(user):
        return ""
    try:
        return reverse("portal:home")
    except NoReverseMatch:
        return ""


@require_safe
@login_required
@reads_from_replica
def home(request):
    sections = dashboard_for(request.user)
    if not sections and (portal := _portal_home_for(request.user)):
        return redirect(portal)
    if not sections:
        return render(request, "core/home_no_scope.html", {
            "is_member": Role.MEMBER in role_codes(request.user),
            "member_pages": member_pages(request.user),
            "calendar_warning": calendar_warning(request.user),
        })
    for index, section in enumerate(sections):
        section.url = _org_url(section.org.pk)
        for child in section.children:
            child.url = _org_url(child.org.pk)
        section.chart_id = f"members-chart-{index}"
        section.chart_class = _chart_size(len(section.children))
        section.chart = _members_chart(section.children) if section.children else None
    due = dashboard_due(request.user)
    return render(request, "core/home.html", {"sections": sections, "due": due.items, "due_counted_at": due.counted_at,
                                              "calendar_warning": calendar_warning(request.user)})


# --- audit trail -------------------------------------------------------------------------------
@require_safe
@login_required
def audit_list(request):
    user = request.user
    require(user, AUDIT_VIEW)
    org = None
    if request.GET.get("org"):
        org = get_visible_or_404(Org.objects.all(), user, parse_after(request.GET.get("org")), AUDIT_VIEW)
    orgs = reach_orgs(user, AUDIT_VIEW)
    if org is not None and org not in orgs:
        orgs.append(org)
    form = AuditFilterForm(request.GET or None, orgs=orgs)
    page = None
    if not form.is_bound or form.is_valid():
        data = form.cleaned_data if form.is_bound else {}
        filters = AuditFilters(action=data.get("action", ""), actor=data.get("actor", ""),
                               object_type=data.get("object_type", ""), date_from=data.get("date_from"),
                               date_to=data.get("date_to"), org=org)
        page = keyset_page(search_audit_events(user, filters), after=parse_after(request.GET.get("after")))
        for event in page.items:
            label_event(event)  # words for the action and record type; no queries
    query = request.GET.copy()
    query.pop("after", None)
    return render(request, "core/audit_list.html", {"form": form, "page": page, "query": query.urlencode()})


def _pretty(value):
    return json.dumps(value, ensure_ascii=False, indent=2, sort_keys=True, default=str)


@require_safe
@login_required
def audit_detail(request, pk):
    user = request.user
    require(user, AUDIT_VIEW)
    event = get_visible_or_404(AuditEvent.objects.select_related("org"), user, pk, AUDIT_VIEW)
    describe_events([event])
    return render(request, "core/audit_detail.html", {
        "event": event,
        "changes": event.changes,
        "before_json": _pretty(event.before) if event.before is not None else "",
        "after_json": _pretty(event.after) if event.after is not None else "",
    })
