"""Reads of the org tree and enterprise register that take a user."""

import os
from dataclasses import dataclass

from django.db.models import Q

from gonghui.core.scoping import user_scope
from gonghui.core.text import prefix_range

from .models import ALLOWED_CHILDREN, Enterprise, Org, OrgLevel


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


def search_enterprises(user, *, q="", town=None, industry="", above_scale=None, has_union=None, match="",
                       top100=None):
    """Enterprises in scope. `q` is an exact USCC (18 letters/digits) or part of the name:
    `match="prefix"` uses the name index (a range query), `"contains"` scans, "" accepts either."""
    qs = Enterprise.objects.visible_to(user).select_related("town", "union")
    q = (q or "").strip()
    if q:
        if len(q) == 18 and q.isalnum():
            qs = qs.filter(uscc=q.upper())
        elif match == "prefix":
            qs = qs.filter(**prefix_range("name", q))
        elif match == "contains":
            qs = qs.filter(name__contains=q)
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
    if top100 is not None:
        qs = qs.filter(top100=top100)
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


# --- tree browser ----------------------------------------------------------------------------

CHILDREN_PAGE_SIZE = 100
SEARCH_LIMIT = 50


@dataclass
class TreeNode:
    """One org as the tree shows it: the node, the active grassroots unions below it and the live
    members in its subtree."""

    org: Org
    unions: int = 0
    members: int = 0

    @property
    def has_children(self):
        return self.org.numchild > 0

    @property
    def is_union(self):
        return self.org.level == OrgLevel.GRASSROOTS

    @property
    def shows_unions(self):
        return self.org.level not in (OrgLevel.GRASSROOTS, OrgLevel.GROUP)

    @property
    def shows_members(self):
        return self.org.level != OrgLevel.GROUP  # members belong to unions, not to union groups


def _common_prefix(paths):
    prefix = os.path.commonprefix(list(paths))
    return prefix[: len(prefix) - len(prefix) % Org.steplen]


def subtree_figures(orgs):
    """{org pk: (unions, live members)} for each org's subtree, from the subtree's nodes and the
    grouped counts of `members.figures.subtree_counts`, whatever the number of orgs (never one
    query per node)."""
    from gonghui.members.figures import subtree_counts

    orgs = list(orgs)
    if not orgs:
        return {}
    by_path = {o.path: o.pk for o in orgs}
    lengths = sorted({len(p) for p in by_path})
    common = _common_prefix(by_path)
    figures = {o.pk: [0, 0] for o in orgs}

    def owners(path):
        for length in lengths:
            if length > len(path):
                break
            pk = by_path.get(path[:length])
            if pk is not None:
                yield length, pk

    # 1) every node of the common subtree (a district has a few thousand): unions are counted
    #    from it, and it maps membership rows to paths without joining the membership table.
    nodes = Org.objects.filter(path__startswith=common).order_by().values_list("id", "path", "level", "is_active")
    path_of = {}
    for pk_, path, level, active in nodes:
        path_of[pk_] = path
        if level == OrgLevel.GRASSROOTS and active:
            for length, pk in owners(path):
                if length < len(path):  # strictly below: a union does not count itself
                    figures[pk][0] += 1
    # 2) live members grouped by union id (members.figures, cached for a few minutes).
    for union_id, (n, _migrants) in subtree_counts(common).members_by_union.items():
        for _length, pk in owners(path_of.get(union_id, "")):
            figures[pk][1] += n
    return {pk: tuple(v) for pk, v in figures.items()}


def _tree_nodes(orgs):
    figures = subtree_figures(orgs)
    return [TreeNode(org=o, unions=figures[o.pk][0], members=figures[o.pk][1]) for o in orgs]


def root_nodes(user):
    """The user's top orgs as tree nodes (with figures)."""
    return _tree_nodes(root_orgs_for(user))


def child_nodes(parent, *, after="", limit=CHILDREN_PAGE_SIZE):
    """(nodes, next_after): one page of a node's children in tree order, with figures.
    `after` is the path of the last child already shown (keyset on the path)."""
    qs = Org.objects.filter(path__startswith=parent.path, depth=parent.depth + 1).order_by("path")
    if after:
        qs = qs.filter(path__gt=after)
    rows = list(qs[: limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    return _tree_nodes(rows), (rows[-1].path if more else "")


@dataclass
class OrgSearchResult:
    items: list  # of (org, parent or None)
    truncated: bool


def search_orgs(user, q, *, limit=SEARCH_LIMIT):
    """Orgs in the user's scope whose name or short name contains `q`, or whose code is `q`."""
    q = (q or "").strip()
    if not q:
        return OrgSearchResult(items=[], truncated=False)
    qs = (visible_orgs(user).filter(Q(name__contains=q) | Q(short_name__contains=q) | Q(code=q))
          .order_by("path"))
    rows = list(qs[: limit + 1])
    truncated = len(rows) > limit
    rows = rows[:limit]
    parent_paths = {o.path[: -Org.steplen] for o in rows if o.depth > 1}
    parents = {p.path: p for p in Org.objects.filter(path__in=parent_paths)} if parent_paths else {}
    return OrgSearchResult(items=[(o, parents.get(o.path[: -Org.steplen])) for o in rows], truncated=truncated)


# --- org detail ------------------------------------------------------------------------------

ENTERPRISES_ON_DETAIL = 20


@dataclass
class Crumb:
    org: Org
    linked: bool


def breadcrumbs(user, org):
    """The org's ancestors, top first; only those inside the user's scope are links."""
    prefixes = [org.path[:i] for i in range(Org.steplen, len(org.path), Org.steplen)]
    ancestors = Org.objects.filter(path__in=prefixes).order_by("path") if prefixes else []
    return [Crumb(org=a, linked=user.can("orgs.view", a)) for a in ancestors]


@dataclass
class OrgOverview:
    org: Org
    crumbs: list
    children: list
    children_next: str
    kpis: object
    enterprises: list
    enterprise_count: int
    enterprise_count_capped: bool


def org_overview(user, org):
    """Everything the detail page shows about one (visible) org."""
    from gonghui.core.pagination import capped_count
    from gonghui.members.selectors import member_kpis

    children, children_next = child_nodes(org)
    enterprises = (Enterprise.objects.visible_to(user).filter(Q(union=org) | Q(town=org))
                   .select_related("town", "union").order_by("name", "id"))
    count, capped = capped_count(enterprises)
    return OrgOverview(org=org, crumbs=breadcrumbs(user, org), children=children, children_next=children_next,
                       kpis=member_kpis(org), enterprises=list(enterprises[:ENTERPRISES_ON_DETAIL]),
                       enterprise_count=count, enterprise_count_capped=capped)


# --- moving ----------------------------------------------------------------------------------

def move_targets(user, org):
    """Where the user may move `org`: active nodes in their `orgs.move` scope whose level may hold
    it, outside its own subtree, other than its current parent."""
    levels = [parent for parent, children in ALLOWED_CHILDREN.items() if org.level in children]
    parent_path = org.path[: -Org.steplen]
    return (Org.objects.visible_to(user, "orgs.move").filter(level__in=levels, is_active=True)
            .exclude(path__startswith=org.path).exclude(path=parent_path).order_by("path"))


@dataclass
class MoveImpact:
    nodes: int
    unions: int
    members: int
    enterprises: int
    rehomed: int = 0  # enterprises whose town changes to follow their union
    new_town: Org | None = None


def move_impact(org, new_parent=None):
    """What moves with an org: its nodes, grassroots unions, live members and enterprises (and,
    given the new parent, how many enterprises change town with their union)."""
    from gonghui.members.selectors import member_kpis

    kpis = member_kpis(org)
    nodes = Org.objects.filter(path__startswith=org.path).count()
    linked = Enterprise.objects.filter(union__path__startswith=org.path)
    impact = MoveImpact(nodes=nodes, unions=kpis.unions, members=kpis.members, enterprises=linked.count())
    if new_parent is not None and org.level not in TOWN_LEVELS:
        impact.new_town = new_parent.town()
        if impact.new_town is not None:
            impact.rehomed = linked.exclude(town=impact.new_town).count()
    return impact


# --- enterprise forms ------------------------------------------------------------------------

TOWN_LEVELS = (OrgLevel.TOWN, OrgLevel.PLATFORM)


def enterprise_towns(user, action="orgs.change"):
    """Towns and platforms an enterprise may be placed in by this user: those in their scope for
    `action`, plus the town above each of their scope roots (a union chair registers the
    enterprises of their own union, which sit in the town above it)."""
    everything, paths = user_scope(user, action)
    qs = Org.objects.filter(level__in=TOWN_LEVELS).order_by("path")
    if everything:
        return qs
    if not paths:
        return qs.none()
    above = {p[:i] for p in paths for i in range(Org.steplen, len(p), Org.steplen)}
    cond = Q(path__in=above)
    for path in paths:
        cond |= Q(path__startswith=path)
    return qs.filter(cond)


def enterprise_unions(user, action="orgs.change"):
    """Grassroots unions the user may link an enterprise to."""
    return Org.objects.visible_to(user, action).filter(level=OrgLevel.GRASSROOTS).order_by("path")


UNION_OPTIONS_LIMIT = 500


def enterprise_union_options(user, town_id=None, *, current=None):
    """The unions offered in the enterprise form's select: those in the chosen town (or all the
    user may use when no town is chosen), capped, plus the current value so it stays selected."""
    qs = enterprise_unions(user).filter(is_active=True)
    town_path = None
    if town_id:
        town_path = Org.objects.filter(pk=town_id).values_list("path", flat=True).first()
    if town_path:
        qs = qs.filter(path__startswith=town_path)
    options = list(qs[:UNION_OPTIONS_LIMIT])
    if current is not None and current not in options:
        options.insert(0, current)
    return options


# --- enterprise list and export --------------------------------------------------------------

def enterprise_export_rows(queryset):
    """Rows for the spreadsheet export, streamed from the database in chunks."""
    for e in queryset.order_by("pk").iterator(chunk_size=2000):
        yield [
            e.name, e.uscc, str(e.get_industry_display()), e.headcount, e.above_scale,
            e.town.name if e.town_id else "", e.union.name if e.union_id else "", e.address, e.top100,
        ]
