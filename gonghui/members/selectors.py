"""Every read of the member registry that takes a user. Scoped first, filtered second."""

import re
from dataclasses import dataclass

from django.db.models import Count, Q

from gonghui.core import pii
from gonghui.core.text import prefix_range
from gonghui.orgs.models import Enterprise, Org, OrgLevel

from .figures import MemberKpis, subtree_counts
from .models import LIVE_STATUSES, Membership, MembershipStatus, Person, Transfer, TransferStatus

ID_QUERY = re.compile(r"^[0-9]{17}[0-9Xx]$")
PHONE_QUERY = re.compile(r"^1[3-9][0-9]{9}$")
INITIALS_QUERY = re.compile(r"^[A-Za-z]{1,32}$")


def classify_query(q: str) -> str:
    """What a search term is: 'id', 'phone', 'initials', 'name' or '' (empty)."""
    q = (q or "").strip()
    if not q:
        return ""
    if ID_QUERY.match(q):
        return "id"
    if PHONE_QUERY.match(q):
        return "phone"
    if INITIALS_QUERY.match(q):
        return "initials"
    return "name"


def is_pii_query(q: str) -> bool:
    """ID and phone searches must travel in a POST body, never in a URL."""
    return classify_query(q) in ("id", "phone")


@dataclass
class MemberFilters:
    q: str = ""
    org: Org | None = None  # restrict to this subtree (must itself be visible)
    status: str = "live"  # live | ACTIVE | TRANSFER_PENDING | TRANSFERRED_OUT | LEFT | all
    migrant: bool | None = None
    enterprise: Enterprise | None = None


def _search_condition(q):
    kind = classify_query(q)
    q = (q or "").strip()
    if kind == "id":
        return Q(person__id_number_hash=pii.lookup_hash(q.upper()))
    if kind == "phone":
        return Q(person__phone_hash=pii.lookup_hash(q))
    # Names are matched on the membership's own copies (person_name, person_initials): with the
    # live partial indexes the filter, scope and count never touch the person table.
    if kind == "initials":
        return Q(**prefix_range("person_initials", q.lower()))
    if kind == "name":
        return Q(**prefix_range("person_name", q))
    return Q()


def search_memberships(user, filters: MemberFilters):
    """Memberships visible to `user` matching the filters, with person and union joined."""
    qs = Membership.objects.visible_to(user).select_related("person", "union", "enterprise")
    if filters.status == "live":
        qs = qs.filter(status__in=LIVE_STATUSES)
    elif filters.status in MembershipStatus.values:
        qs = qs.filter(status=filters.status)
    if filters.org is not None:
        qs = qs.filter(union__path__startswith=filters.org.path)
    if filters.enterprise is not None:
        qs = qs.filter(enterprise=filters.enterprise)
    if filters.migrant is not None:
        qs = qs.filter(person__is_migrant=filters.migrant)
    return qs.filter(_search_condition(filters.q))


def member_rows(columns):
    """Memberships by primary key with their person, union and enterprise, only `columns` loaded:
    a list page's rows once its keys are chosen (keyset_page's `load`; the keys were scoped)."""
    return Membership.objects.select_related("person", "union", "enterprise").only(*columns)


def visible_people(user):
    return Person.objects.visible_to(user)


def person_memberships(person):
    return person.memberships.select_related("union", "enterprise").order_by("-joined_on", "-id")


def transfers_for(user, *, direction="all", status=TransferStatus.PENDING):
    """Transfers the user can see; `direction` 'in' or 'out' relative to the user's scope.
    `status` is one status, a list/tuple of statuses, or None/"" for any."""
    qs = Transfer.objects.visible_to(user).select_related("person", "from_union", "to_union")
    if isinstance(status, list | tuple | set | frozenset):
        qs = qs.filter(status__in=list(status))
    elif status:
        qs = qs.filter(status=status)
    if direction in ("in", "out") and not user.is_superuser:
        paths = user.scope_paths("members.view")
        lookup = "to_union__path__startswith" if direction == "in" else "from_union__path__startswith"
        cond = Q()
        for path in paths:
            cond |= Q(**{lookup: path})
        qs = qs.filter(cond)
    return qs


def employers_of(union: Org):
    """Enterprises a member of `union` may work for: its own, and those in its town that have no
    union yet (services._check_enterprise is the same rule)."""
    town_path = union.path[: 2 * Org.steplen]
    return Enterprise.objects.filter(Q(union=union) | Q(union__isnull=True, town__path=town_path))


def member_kpis(org: Org, counts=None) -> MemberKpis:
    """Key figures of one subtree: unions, live members, migrants, enterprise headcount.
    Membership rate = live members / headcount of enterprises in the subtree. The counts come
    from `figures.subtree_counts` (cached for a few minutes at district scale)."""
    counts = counts or subtree_counts(org.path)
    unions = Org.objects.filter(path__startswith=org.path, level=OrgLevel.GRASSROOTS, is_active=True).count()
    return MemberKpis(unions=unions, members=counts.members(), migrants=counts.migrants(),
                      headcount=counts.headcount())


def live_member_counts_by_union(union_ids):
    rows = (Membership.objects.filter(union_id__in=union_ids, status__in=LIVE_STATUSES)
            .values("union_id").annotate(n=Count("id")))
    return {row["union_id"]: row["n"] for row in rows}


# --- pages ------------------------------------------------------------------------------------
# Reads behind the member pages. Each takes the user first and is scoped before it filters.

PICKER_LIMIT = 50


def member_list_page(user, filters: MemberFilters, *, after=None):
    """One keyset page of the member list with a capped count: a constant number of queries,
    and the ciphertext columns are never loaded for a list."""
    from gonghui.core.pagination import keyset_page

    qs = search_memberships(user, filters).defer("person__id_number_enc", "person__phone_enc")
    return keyset_page(qs, after=after)


def member_filter_orgs(user, selected=None):
    """Orgs offered in the list's subtree filter: the top of the user's reach and the level below
    (a short list, never the whole tree), plus the selected org so it stays selected."""
    orgs = _reach_orgs(user, "members.view")
    if selected is not None and all(o.pk != selected.pk for o in orgs):
        orgs.append(selected)
        orgs.sort(key=lambda o: o.path)
    return orgs


def _reach_orgs(user, action):
    """The top orgs of the user's reach for `action` and their active children, in tree order."""
    if user.is_superuser:
        roots = list(Org.objects.filter(depth=1).order_by("path"))
    else:
        paths = user.scope_paths(action)
        roots = list(Org.objects.filter(path__in=paths).order_by("path")) if paths else []
    if not roots:
        return []
    children = Q()
    for root in roots:
        children |= Q(path__startswith=root.path, depth=root.depth + 1)
    return sorted(roots + list(Org.objects.filter(children, is_active=True)), key=lambda org: org.path)


def filter_org_queryset(user):
    """Orgs a user may filter the member list by (anything in their members.view subtree)."""
    return Org.objects.visible_to(user, "members.view")


def registrable_unions(user):
    """Grassroots unions the user may enrol members in (their members.change scope)."""
    return Org.objects.visible_to(user, "members.change").filter(level=OrgLevel.GRASSROOTS, is_active=True)


def union_options(queryset, q="", *, selected=None, limit=PICKER_LIMIT):
    """The options of a union picker: matches by name (capped), plus the selected union."""
    q = (q or "").strip()
    if q:
        queryset = queryset.filter(name__contains=q)
    options = list(queryset.order_by("name", "pk")[:limit])
    if selected is not None and all(o.pk != selected.pk for o in options):
        options.insert(0, selected)
    return options


def transfer_target_queryset():
    """Every active grassroots union may receive a transfer (see orgs.selectors)."""
    return Org.objects.filter(level=OrgLevel.GRASSROOTS, is_active=True)


def union_enterprises(user, unions, *, limit=200):
    """Employers offered for a membership: enterprises of the given unions the user may see."""
    ids = [u.pk for u in unions]
    if not ids:
        return []
    return list(Enterprise.objects.visible_to(user).filter(union_id__in=ids).select_related("union")
                .order_by("name", "pk")[:limit])


def enterprise_queryset(user):
    return Enterprise.objects.visible_to(user)


def person_periods(user, person):
    """The membership periods of a person that the user may see, newest first. After a transfer
    out of their scope, a cadre still sees the closed period but not the new one."""
    return list(Membership.objects.visible_to(user).filter(person=person)
                .select_related("union", "enterprise").order_by("-joined_on", "-id"))


def person_transfers(user, person):
    return list(Transfer.objects.visible_to(user).filter(person=person)
                .select_related("from_union", "to_union", "requested_by", "decided_by")
                .order_by("-requested_at", "-id"))


def live_period(periods):
    return next((m for m in periods if m.is_live), None)


def current_membership(person):
    """The person's live membership anywhere, else their latest period (not scoped: it decides
    which union's people may change the person, as services.update_person does)."""
    return (Membership.objects.select_related("union").filter(person=person, status__in=LIVE_STATUSES).first()
            or Membership.objects.select_related("union").filter(person=person).order_by("-joined_on", "-id").first())


def person_is_visible(user, person_id):
    return Person.objects.visible_to(user).filter(pk=person_id).exists()


DECIDED_TRANSFER_STATUSES = (TransferStatus.ACCEPTED, TransferStatus.REJECTED, TransferStatus.CANCELLED)
TRANSFER_TABS = {
    "incoming": {"direction": "in", "status": TransferStatus.PENDING},
    "outgoing": {"direction": "out", "status": TransferStatus.PENDING},
    "decided": {"direction": "all", "status": DECIDED_TRANSFER_STATUSES},
}


def transfer_list_page(user, tab, *, after=None):
    """One keyset page of a transfers tab ('incoming', 'outgoing' or 'decided')."""
    from gonghui.core.pagination import keyset_page

    options = TRANSFER_TABS.get(tab, TRANSFER_TABS["incoming"])
    qs = transfers_for(user, **options).select_related("decided_by").defer(
        "person__id_number_enc", "person__phone_enc")
    return keyset_page(qs, after=after)


def person_of_account(user):
    """The registry person whose member-portal login `user` is, or None (staff accounts, no link).
    Used by the member pages (a member acts on their own records, never on an org's subtree)."""
    if user is None or not user.is_authenticated:
        return None
    return Person.objects.filter(account=user).first()
