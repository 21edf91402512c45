"""Member search through `gonghui.members.selectors` as a district user and a town user.

Each search is what the list page does for one request: the user's roles loaded afresh, then
`member_list_page` (scope + filters + a capped count + one keyset page of 50, ciphertext
columns deferred), rows touched as a template would. Reference: a primary-key SELECT of one
membership, measured in the same process.
"""

import random

from django.db import connection

from .common import QueryCounter, latency_result, measure, ref

TARGET_MS = 30  # DESIGN.md: member search p95 ≤ 30 ms at 600,000 members on PostgreSQL
SAMPLE = 40


def _users():
    from gonghui.accounts.models import User

    district = User.objects.get(username="district")
    town = User.objects.get(username="town1")
    return district, town, town.role_assignments.select_related("org").get().org


def _sample_memberships(rng, queryset, n):
    """n random live memberships of a queryset, without scanning it in Python."""
    from gonghui.members.models import Membership

    bounds = queryset.order_by("pk").values_list("pk", flat=True)
    lo, hi = bounds.first(), queryset.order_by("-pk").values_list("pk", flat=True).first()
    picked, tries = [], 0
    while len(picked) < n and tries < n * 50:
        tries += 1
        m = queryset.filter(pk__gte=rng.randint(lo, hi)).order_by("pk").select_related("person").first()
        if m is not None and m.pk not in {p.pk for p in picked}:
            picked.append(m)
    return picked or list(Membership.objects.select_related("person")[:n])


def terms_for(memberships):
    """Search terms of each kind, taken from real rows (so searches find something)."""
    terms = {"name (surname)": [], "name (full)": [], "initials": [], "ID number": [], "phone": []}
    for m in memberships:
        person = m.person
        terms["name (surname)"].append(person.name[:1])
        terms["name (full)"].append(person.name)
        terms["initials"].append(person.name_initials[:3])
        terms["ID number"].append(person.id_number())
        phone = person.phone()
        if phone:
            terms["phone"].append(phone)
    return terms


def run(engine, *, quick=False):
    from gonghui.members import selectors
    from gonghui.members.models import LIVE_STATUSES, Membership

    rng = random.Random(42)
    district, town_user, town = _users()
    live = Membership.objects.filter(status__in=LIVE_STATUSES)
    district_rows = _sample_memberships(rng, live, SAMPLE)
    town_rows = _sample_memberships(rng, live.filter(union__path__startswith=town.path), SAMPLE)
    iterations, seconds = (30, 4.0) if quick else (200, 10.0)

    pks = [m.pk for m in district_rows]
    reference = measure(lambda pk: Membership.objects.get(pk=pk), pks, max_iterations=iterations * 2,
                        max_seconds=seconds)
    reference_result = latency_result("membership by primary key", "search", engine, reference, None)
    results = [reference_result]
    reference = {**ref(reference_result)}

    page_fn = getattr(selectors, "member_list_page", None)

    def search(user, q):
        user.forget_roles()  # a request loads the user's roles once
        filters = selectors.MemberFilters(q=q)
        if page_fn is not None:
            page = page_fn(user, filters)
            items = page.items
        else:
            items = list(selectors.search_memberships(user, filters).order_by("-pk")[:50])
        return [(m.person.name, m.union.name) for m in items]

    for label, user, rows in (("district", district, district_rows), ("town", town_user, town_rows)):
        for kind, terms in terms_for(rows).items():
            if not terms:
                continue
            with QueryCounter(connection) as ctx:
                found = search(user, terms[0])
            stats = measure(lambda q, user=user: search(user, q), terms, max_iterations=iterations,
                            max_seconds=seconds)
            results.append(latency_result(
                f"search {kind} as {label} user", "search", engine, stats, reference,
                target_ms=TARGET_MS if engine == "postgresql" else None, queries=ctx.count,
                note=f"{ctx.count} queries, first term found {len(found)}",
            ))
    return results
