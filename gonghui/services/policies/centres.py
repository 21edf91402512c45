"""Who may do what with service centres, the catalogue, orders and projects.

- `services.view`: read centres, items, orders and projects in the user's subtree (an order is
  read by the ordering union's subtree and by the centre's org's subtree);
- `services.change` on the centre's (or item's) org: run centres and the catalogue (a town for its
  own, the district for all), accept / decline / deliver orders, run projects;
- `services.submit` on the union: place an order, cancel it before acceptance, rate it once
  delivered; rate a project that served the union;
- `services.export`: the Excel exports.

These helpers decide which buttons a page shows; the services check again (`require`).
"""

from dataclasses import dataclass

from ..models.centres import OrderStatus, ProjectStatus

VIEW = "services.view"
CHANGE = "services.change"
SUBMIT = "services.submit"
EXPORT = "services.export"


def can(user, action, org=None) -> bool:
    return bool(user and user.is_authenticated and user.can(action, org))


@dataclass(frozen=True)
class Actions:
    """Flags of the steps a page may show; `any` is true when one is set."""

    @property
    def any(self):
        return any(vars(self).values())


@dataclass(frozen=True)
class OrderActions(Actions):
    accept: bool = False
    decline: bool = False
    deliver: bool = False
    rate: bool = False
    cancel: bool = False


def order_actions(user, order) -> OrderActions:
    s = order.status
    centre = can(user, CHANGE, order.centre.org)
    orderer = can(user, SUBMIT, order.org)
    return OrderActions(
        accept=centre and s == OrderStatus.SUBMITTED, decline=centre and s == OrderStatus.SUBMITTED,
        deliver=centre and s == OrderStatus.ACCEPTED, rate=orderer and s == OrderStatus.DELIVERED,
        cancel=orderer and s == OrderStatus.SUBMITTED,
    )


@dataclass(frozen=True)
class ProjectActions(Actions):
    edit: bool = False
    start: bool = False
    deliver: bool = False
    finish: bool = False
    cancel: bool = False


def project_actions(user, project) -> ProjectActions:
    if not can(user, CHANGE, project.org):
        return ProjectActions()
    s = project.status
    return ProjectActions(edit=s in (ProjectStatus.PLANNED, ProjectStatus.RUNNING), start=s == ProjectStatus.PLANNED,
                          deliver=s == ProjectStatus.RUNNING, finish=s == ProjectStatus.RUNNING,
                          cancel=s in (ProjectStatus.PLANNED, ProjectStatus.RUNNING))


def rating_unions(user, project, served_union_ids):
    """Unions served by a DONE project that the user may rate for (services.submit)."""
    if project.status != ProjectStatus.DONE:
        return []
    from gonghui.orgs.models import Org

    return [o for o in Org.objects.filter(pk__in=served_union_ids).order_by("name") if can(user, SUBMIT, o)]
