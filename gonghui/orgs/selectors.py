"""Reads of the org tree and enterprise register that take a user."""

from django.db.models import Q

from gonghui.core.text import prefix_range

from .models import Enterprise, Org, OrgLevel


def visible_orgs(user, action="orgs.view"):
    return Org.objects.visible_to(user, action)


def root_orgs_for(user):
    """The top nodes of the user's reach (the district for district staff, a town for a cadre)."""
    if user.is_superuser:
        return list(Org.objects.filter(depth=1))
    paths = user.scope_paths("orgs.view")
    return list(Org.objects.filter(path__in=paths).order_by("path"))


def children_of(parent):
    return list(Org.objects.filter(path__startswith=parent.path, depth=parent.depth + 1).order_by("path"))


def search_enterprises(user, *, q="", town=None, industry="", above_scale=None, has_union=None):
    qs = Enterprise.objects.visible_to(user).select_related("town", "union")
    q = (q or "").strip()
    if q:
        if len(q) == 18 and q.isalnum():
            qs = qs.filter(uscc=q.upper())
        else:
            qs = qs.filter(Q(**prefix_range("name", q)) | Q(name__contains=q))
    if town is not None:
        qs = qs.filter(town__path__startswith=town.path)
    if industry:
        qs = qs.filter(industry=industry)
    if above_scale is not None:
        qs = qs.filter(above_scale=above_scale)
    if has_union is not None:
        qs = qs.filter(union__isnull=not has_union)
    return qs


def grassroots_unions(user, q=""):
    qs = Org.objects.visible_to(user).filter(level=OrgLevel.GRASSROOTS, is_active=True)
    if q:
        qs = qs.filter(name__contains=q)
    return qs


def transfer_target_unions(q=""):
    """Any active grassroots union in the district may receive a transfer: names of unions are
    not personal data, and the releasing union must be able to find the receiving one."""
    qs = Org.objects.filter(level=OrgLevel.GRASSROOTS, is_active=True)
    if q:
        qs = qs.filter(name__contains=q.strip())
    return qs.order_by("name")[:20]
