"""Scope that fails closed: every org-owned model is read through `visible_to(user, action)`.

A model declares `scope_lookups`, the FK paths (to `orgs.Org`) that place a row in the tree.
A user's reach for an action is the set of org paths where they hold a role granting it;
a row is visible when any of its scope orgs lies in that subtree (materialised-path prefix).
No role, no rows: an empty queryset, never "everything".
"""

from functools import cache, reduce
from operator import or_

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models import Q

from .text import prefix_range


def collapse_paths(paths):
    """Drop paths nested under another path in the set: '0001' covers '00010002'."""
    kept = []
    for path in sorted(set(paths)):
        if not any(path.startswith(k) for k in kept):
            kept.append(path)
    return kept


def scope_q(lookups, paths, model=None):
    """Q matching rows whose org (through any lookup) lies under any of the paths.

    One lookup filters through a join on the org's path, which PostgreSQL plans well. Several
    lookups are ORed, and an OR above joins is planned badly: every row is joined before it can
    be tested (a town's transfers, `from_union` or `to_union` in the town: 37 ms of 54,000 rows at
    district scale), or the join itself becomes a filter of a nested loop (a town's event
    registrations, `event__org` or `union`: 1.8 million pairs, 250 ms). So with several lookups
    each term tests the row's own foreign key against a set of ids: `union IN (orgs under the
    paths)`, and through a chain of foreign keys of `model`, `event IN (events whose org IN (…))`
    (4 ms and 3 ms). A lookup through a to-many relation keeps its join (and the DISTINCT)."""
    if not paths:
        return None
    return _scope_q(lookups, paths, model, covers_whole_tree(paths))


def _scope_q(lookups, paths, model, whole_tree):
    if whole_tree:
        return _anywhere_in_tree(lookups, model)
    under = reduce(or_, [Q(path__startswith=path) for path in paths])
    if len(lookups) > 1:
        from gonghui.orgs.models import Org

        orgs = Org.objects.filter(under).values("pk")
        return reduce(or_, [_in_orgs(model, lookup, orgs) for lookup in lookups])
    [lookup] = lookups
    return reduce(or_, [Q(**{f"{lookup}__path__startswith": path}) for path in paths])


class ScopePaths(list):
    """A user's collapsed paths for one action (`User.scope_paths`), carrying the user's memo of
    whether they cover the whole tree: kept on the user object like its roles, so for one request
    (or one job), and forgotten with them (`User.forget_roles`)."""

    def __init__(self, paths=(), memo=None):
        super().__init__(paths)
        self.cover_memo = memo

    def __reduce__(self):  # copied or pickled (a cache key, a job's arguments): plain paths
        return list, (list(self),)


def covers_whole_tree(paths) -> bool:
    """True when the (collapsed) paths hold every root of the tree: a district cadre's reach in a
    one-district deployment. Then "under one of the paths" is "anywhere", and testing each row's
    org against 13,000 paths (a hash of the whole org table, 2-5 ms, several times a page) tests
    nothing. Only a root path (one step long) can cover a root, so others ask nothing; otherwise
    one indexed query: is any org outside the paths? (ranges between them, each a B-tree scan).
    Paths from `User.scope_paths` keep the answer for as long as the user object keeps its roles
    (one request, one job); other paths are asked every time."""
    from gonghui.orgs.models import Org

    if not any(len(path) == Org.steplen for path in paths):
        return False
    key = tuple(sorted(paths))
    memo = getattr(paths, "cover_memo", None)
    if memo is not None and key in memo:
        return memo[key]
    outside, start = [], None
    for path in key:
        outside.append(Q(path__lt=path) if start is None else Q(path__gte=start, path__lt=path))
        start = prefix_range("path", path)["path__lt"]
    outside.append(Q(path__gte=start))
    covered = not Org.objects.filter(reduce(or_, outside)).exists()
    if memo is not None:
        memo[key] = covered
    return covered


@cache
def always_placed(model, lookup) -> bool:
    """True when every row of `model` has an org through `lookup`: each foreign key on the way is
    required (no NULL, no to-many relation)."""
    opts = model._meta
    for part in lookup.split("__"):
        try:
            field = opts.get_field(part)
        except FieldDoesNotExist:  # "self": the org itself
            return False
        if not (field.many_to_one or (field.one_to_one and field.concrete)) or field.null:
            return False
        opts = field.related_model._meta
    return True


def _anywhere_in_tree(lookups, model):
    """Q for "the row has an org through any lookup", the whole tree being in reach. Not an empty
    Q: combined with `|` by a caller, an empty Q would vanish instead of meaning "every row"."""
    if model is not None and any(always_placed(model, lookup) for lookup in lookups):
        return Q(pk__isnull=False)
    return reduce(or_, [Q(**{f"{lookup}__isnull": False}) for lookup in lookups])


def _in_orgs(model, lookup, orgs):
    """Q: the org at the end of `lookup` is one of `orgs`, as nested `IN` subqueries while the
    lookup follows foreign keys of `model` (no join), else through the join Django makes."""
    first, _, rest = lookup.partition("__")
    if model is None or not rest:
        return Q(**{f"{lookup}__in": orgs})
    field = model._meta.get_field(first)
    if not (field.many_to_one or (field.one_to_one and field.concrete)):
        return Q(**{f"{lookup}__in": orgs})
    related = field.related_model
    # The base manager: a join applies no manager filter, neither may its subquery.
    return Q(**{f"{first}__in": related._base_manager.filter(_in_orgs(related, rest, orgs)).values("pk")})


@cache
def needs_distinct(model, lookups):
    """True when the scope join can repeat a row: a lookup that crosses a to-many relation (a
    Person is scoped through *all* its memberships, so two in-scope periods would return the
    person twice and `.get()` would fail). Lookups through foreign keys only (`from_union`,
    `to_union`) cannot repeat a row, however many are ORed: no DISTINCT (a DISTINCT over a page
    of ids is a sort or hash of every matching row)."""
    for lookup in lookups:
        opts = model._meta
        for part in lookup.split("__"):
            field = opts.get_field(part)
            if field.one_to_many or field.many_to_many:
                return True
            if not field.is_relation:
                break
            opts = field.related_model._meta
    return False


def user_scope(user, action):
    """(all_rows, paths) for a user and an action code such as 'members.view'."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False, []
    if user.is_superuser:
        return True, []
    return False, user.scope_paths(action)


class ScopedQuerySet(models.QuerySet):
    def visible_to(self, user, action=None):
        action = action or self.model.default_view_action()
        everything, paths = user_scope(user, action)
        if everything:
            return self
        if not paths:
            return self.none()
        lookups = self.model.scope_lookups
        whole_tree = covers_whole_tree(paths)
        if whole_tree and any(always_placed(self.model, lookup) for lookup in lookups):
            return self  # a district cadre: every row, and no DISTINCT to pay for
        qs = self.filter(_scope_q(lookups, paths, self.model, whole_tree))
        return qs.distinct() if needs_distinct(self.model, tuple(self.model.scope_lookups)) else qs


class ScopedModel(models.Model):
    """Base for models that belong to an org node. Subclasses set `scope_lookups`."""

    scope_lookups: tuple[str, ...] = ("org",)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        abstract = True

    @classmethod
    def default_view_action(cls):
        return f"{cls._meta.app_label}.view"

    def scope_orgs(self):
        """The org nodes this row belongs to (for permission checks on one row)."""
        orgs = []
        for lookup in self.scope_lookups:
            obj = self
            for part in lookup.split("__"):
                obj = getattr(obj, part, None) if obj is not None else None
            if obj is not None:
                orgs.append(obj)
        return orgs
