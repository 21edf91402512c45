"""Every write to the org tree and the enterprise register. Keyword-only, `actor=` first."""

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from gonghui.core import audit
from gonghui.core.errors import DomainError
from gonghui.core.locking import lock, lock_one
from gonghui.core.policies import require
from gonghui.core.validators import normalise_uscc

from .models import ALLOWED_CHILDREN, Enterprise, Org, OrgLevel
from .policies import SET_TOP100

ORG_FIELDS = ("name", "short_name", "level", "union_kind", "code", "founded_on", "chair_name",
              "legal_cert_no", "address", "is_active")
ENTERPRISE_FIELDS = ("name", "uscc", "industry", "headcount", "above_scale", "top100", "address", "town", "union")


def _check_child_level(parent, level):
    if level not in ALLOWED_CHILDREN.get(parent.level, set()):
        raise DomainError(
            _("A %(child)s cannot be placed under a %(parent)s.")
            % {"child": OrgLevel(level).label, "parent": OrgLevel(parent.level).label},
            code="level_not_allowed", field="level",
        )


def _check_union_kind(level, union_kind):
    if level == OrgLevel.GRASSROOTS and not union_kind:
        raise DomainError(_("Choose the kind of grassroots union."), code="union_kind_required",
                          field="union_kind")
    if level != OrgLevel.GRASSROOTS and union_kind:
        raise DomainError(_("Only a grassroots union has a union kind."), code="union_kind_not_allowed",
                          field="union_kind")


def _check_level_keeps_children(org, level):
    """A level change must still allow the node's children, and a union with members stays one."""
    child_levels = set(Org.objects.filter(path__startswith=org.path, depth=org.depth + 1)
                       .values_list("level", flat=True).distinct())
    refused = child_levels - ALLOWED_CHILDREN.get(level, set())
    if refused:
        raise DomainError(
            _("A %(level)s cannot hold its current sub-units (%(children)s); move them first.")
            % {"level": OrgLevel(level).label,
               "children": ", ".join(str(OrgLevel(c).label) for c in sorted(refused))},
            code="level_orphans_children", field="level",
        )
    if org.level == OrgLevel.GRASSROOTS:
        from gonghui.members.models import LIVE_STATUSES, Membership

        if Membership.objects.filter(union=org, status__in=LIVE_STATUSES).exists():
            raise DomainError(_("This union has members, so it must stay a grassroots union."),
                              code="level_union_has_members", field="level")


@transaction.atomic
def create_org(*, actor, parent, name, level, code, union_kind="", **extra):
    require(actor, "orgs.change", parent)
    parent = lock_one(Org, parent.pk)
    _check_child_level(parent, level)
    _check_union_kind(level, union_kind)
    if Org.objects.filter(code=code).exists():
        raise DomainError(_("Code %(code)s is already used by another organisation.") % {"code": code},
                          code="code_taken", field="code")
    node = Org(name=name, level=level, code=code, union_kind=union_kind,
               **{k: v for k, v in extra.items() if k in ORG_FIELDS})
    node.full_clean(exclude=["path", "depth", "numchild"])
    node = Org.objects.add_child(parent, instance=node)
    audit.record(actor=actor, action="orgs.org.create", obj=node, org=node, after=audit.snapshot(node))
    _forget_cached_figures()
    return node


@transaction.atomic
def update_org(*, actor, org, **fields):
    require(actor, "orgs.change", org)
    org = lock_one(Org, org.pk)
    before = audit.snapshot(org)
    level = fields.get("level", org.level)
    if level != org.level:
        parent = org.get_parent()
        if parent is not None:
            _check_child_level(parent, level)
        _check_level_keeps_children(org, level)
    _check_union_kind(level, fields.get("union_kind", org.union_kind))
    for key, value in fields.items():
        if key not in ORG_FIELDS:
            raise TypeError(f"update_org does not accept {key}")
        setattr(org, key, value)
    org.full_clean(exclude=["path", "depth", "numchild"])
    org.save()
    old, new = audit.changed(before, audit.snapshot(org))
    if new:
        audit.record(actor=actor, action="orgs.org.update", obj=org, org=org, before=old, after=new)
    return org


@transaction.atomic
def move_org(*, actor, org, new_parent):
    """Re-parent a node. Everything below moves with it (paths rewritten in one statement), so
    every record scoped to the subtree follows: the old ancestors stop seeing it."""
    require(actor, "orgs.move", org)
    require(actor, "orgs.move", new_parent)
    org = lock_one(Org, org.pk)
    new_parent = lock_one(Org, new_parent.pk)
    if org.is_root():
        raise DomainError(_("The district federation cannot be moved."), code="cannot_move_root")
    if new_parent.path.startswith(org.path):
        raise DomainError(_("An organisation cannot be moved under itself or its own sub-units."),
                          code="move_into_self", field="new_parent")
    old_parent = org.get_parent()
    if old_parent.pk == new_parent.pk:
        raise DomainError(_("The organisation is already under %(parent)s.") % {"parent": new_parent},
                          code="move_same_parent", field="new_parent")
    _check_child_level(new_parent, org.level)
    before = {"parent": old_parent.pk, "parent_name": old_parent.name, "path": org.path}
    Org.objects.move(org, new_parent, pos="last-child")
    org = Org.objects.get(pk=org.pk)
    # Re-check scope after the move, inside the transaction: the actor must still reach it.
    require(actor, "orgs.view", org)
    audit.record(actor=actor, action="orgs.org.move", obj=org, org=org, before=before,
                 after={"parent": new_parent.pk, "parent_name": new_parent.name, "path": org.path})
    _rehome_enterprises(actor, org)
    _forget_cached_figures()
    return org


def _forget_cached_figures():
    """Cached subtree figures are keyed by path, and paths change (and are reused) when the
    tree changes: drop them all once the change is committed."""
    from gonghui.members.figures import tree_changed

    transaction.on_commit(tree_changed)


def _rehome_enterprises(actor, org):
    """After a move, an enterprise whose union now sits in another town follows it to that town
    (an enterprise's union must lie in its town). Audited per enterprise."""
    town = org.town()
    if town is None:
        return
    stale = [e.pk for e in Enterprise.objects.filter(union__path__startswith=org.path).select_related("town", "union")
             if not e.union.path.startswith(e.town.path)]
    for enterprise in lock(Enterprise.objects.filter(pk__in=stale)):
        before = {"town": enterprise.town_id}
        enterprise.town = town
        enterprise.save(update_fields=["town", "updated_at"])
        audit.record(actor=actor, action="orgs.enterprise.rehome", obj=enterprise, org=enterprise.union,
                     before=before, after={"town": town.pk})


def _validate_enterprise_placement(town, union):
    if town.level not in (OrgLevel.TOWN, OrgLevel.PLATFORM):
        raise DomainError(_("Choose a town, sub-district or platform."), code="town_level", field="town")
    if union is not None:
        if union.level != OrgLevel.GRASSROOTS:
            raise DomainError(_("Choose a grassroots union."), code="union_level", field="union")
        if not union.path.startswith(town.path):
            raise DomainError(_("The union %(union)s is not in %(town)s.") % {"union": union, "town": town},
                              code="union_outside_town", field="union")


def _save_enterprise(enterprise):
    try:
        with transaction.atomic():
            enterprise.full_clean()
            enterprise.save()
    except IntegrityError as exc:
        raise DomainError(_("This unified social credit code is already registered."),
                          code="uscc_taken", field="uscc") from exc


@transaction.atomic
def create_enterprise(*, actor, town, name, uscc, industry, headcount=0, above_scale=False,
                      address="", union=None, top100=False):
    require(actor, "orgs.change", union or town)
    if top100:
        require(actor, SET_TOP100, town)
    _validate_enterprise_placement(town, union)
    enterprise = Enterprise(name=name, uscc=normalise_uscc(uscc), industry=industry, headcount=headcount,
                            above_scale=above_scale, top100=bool(top100), address=address, town=town, union=union)
    _save_enterprise(enterprise)
    audit.record(actor=actor, action="orgs.enterprise.create", obj=enterprise, org=union or town,
                 after=audit.snapshot(enterprise))
    return enterprise


@transaction.atomic
def update_enterprise(*, actor, enterprise, **fields):
    require(actor, "orgs.change", *enterprise.scope_orgs())
    enterprise = lock_one(Enterprise, enterprise.pk)
    before = audit.snapshot(enterprise)
    for key, value in fields.items():
        if key not in ENTERPRISE_FIELDS:
            raise TypeError(f"update_enterprise does not accept {key}")
        if key == "top100" and bool(value) != enterprise.top100:
            require(actor, SET_TOP100, enterprise.town)
        setattr(enterprise, key, normalise_uscc(value) if key == "uscc" else value)
    _validate_enterprise_placement(enterprise.town, enterprise.union)
    # Moving an enterprise to another town or union needs rights there too.
    require(actor, "orgs.change", enterprise.union or enterprise.town)
    _save_enterprise(enterprise)
    old, new = audit.changed(before, audit.snapshot(enterprise))
    if new:
        audit.record(actor=actor, action="orgs.enterprise.update", obj=enterprise,
                     org=enterprise.union or enterprise.town, before=old, after=new)
    return enterprise
