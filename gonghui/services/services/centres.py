"""Every write of service centres, the catalogue, orders (订单式) and projects (项目式). Atomic,
checked (`require`), locked (`lock_one`), validated with a specific message per field
(`DomainError(code=, field=)`), audited (`services.centre_*`, `item_*`, `order_*`, `project_*`).

- Centres and catalogue items belong to a town or the district (`services.change` on it). An item
  without a centre is offered by every centre of its owner's subtree (a district item by all).
- Orders: a grassroots union (`services.submit`) orders an active item from an active centre of
  its town or of the district; numbered FW<year>-NNNN from the year's counter row, locked FOR
  UPDATE. Acceptance is due within `rules().accept_within_working_days` working days
  (`core.workdays`). SUBMITTED → ACCEPTED / DECLINED (the centre, `services.change` on the
  centre's org) → DELIVERED → RATED (the orderer); CANCELLED by the orderer before acceptance.
- Projects: a centre's project (PLANNED → RUNNING → DONE, or CANCELLED), delivery records while
  running, one satisfaction rating per union served once done.
"""

import datetime
import tempfile
import uuid
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from gonghui.core import audit, workdays
from gonghui.core.errors import DomainError
from gonghui.core.locking import lock_one
from gonghui.core.numbering import next_number
from gonghui.core.policies import require
from gonghui.orgs.models import Org, OrgLevel

from ..models.centres import (
    DeliveredBy,
    Delivery,
    OrderStatus,
    ProjectDelivery,
    ProjectRating,
    ProjectStatus,
    ServiceCategory,
    ServiceCentre,
    ServiceItem,
    ServiceOrder,
    ServiceOrderCounter,
    ServiceProject,
)
from ..policies.centres import CHANGE, EXPORT, SUBMIT
from ..rules.centres import rules

MIN_YEAR, MAX_YEAR = 2000, 2100
CENTRE_FIELDS = ["name", "address", "phone", "hours", "manager", "description", "is_active"]
ITEM_FIELDS = ["name", "category", "delivery", "centre", "description", "is_active"]
ORDER_FIELDS = ["status", "scheduled_on", "delivered_by", "partner", "decline_reason", "cancel_reason",
                "delivered_on", "people_served", "summary", "rating", "rating_comment"]
PROJECT_FIELDS = ["title", "item", "starts_on", "ends_on", "targets", "planned_beneficiaries", "budget", "status",
                  "summary", "cancel_reason"]
UNION_LEVELS = (OrgLevel.GRASSROOTS, OrgLevel.INDUSTRY)
CENTRE_LEVELS = (OrgLevel.DISTRICT, OrgLevel.TOWN, OrgLevel.PLATFORM)


def today():
    return timezone.localdate()


# --- checks shared with the facilities area ------------------------------------------------------

def text(value, field, label, *, required=True, limit=120):
    value = (value or "").strip() if isinstance(value, str) or value is None else str(value).strip()
    if required and not value:
        raise DomainError(_("%(label)s is required.") % {"label": label}, code="required", field=field)
    if len(value) > limit:
        raise DomainError(_("%(label)s is longer than %(n)s characters.") % {"label": label, "n": limit},
                          code="too_long", field=field)
    return value


def whole(value, field, label, *, low, high):
    if value in (None, ""):
        raise DomainError(_("%(label)s is required.") % {"label": label}, code="required", field=field)
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value)
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        raise DomainError(_("%(label)s must be a whole number between %(low)s and %(high)s.")
                          % {"label": label, "low": low, "high": high}, code="out_of_range", field=field)
    return value


def money(value, field, label, *, high):
    if value in (None, ""):
        raise DomainError(_("%(label)s is required.") % {"label": label}, code="required", field=field)
    try:
        d = Decimal(str(value))
    except (InvalidOperation, ValueError) as exc:
        raise DomainError(_("%(label)s must be a number.") % {"label": label}, code="invalid", field=field) from exc
    if not d.is_finite() or d < 0 or d > high:
        raise DomainError(_("%(label)s must be between %(low)s and %(high)s.")
                          % {"label": label, "low": 0, "high": high}, code="out_of_range", field=field)
    if d != d.quantize(Decimal("0.01")):
        raise DomainError(_("%(label)s has at most %(n)s decimal places.") % {"label": label, "n": 2},
                          code="invalid", field=field)
    return d.quantize(Decimal("0.01"))


def day(value, field, label, *, required=True):
    if value in (None, ""):
        if required:
            raise DomainError(_("%(label)s is required.") % {"label": label}, code="required", field=field)
        return None
    if isinstance(value, str):
        try:
            value = datetime.date.fromisoformat(value)
        except ValueError as exc:
            raise DomainError(_("%(label)s is not a date (YYYY-MM-DD).") % {"label": label}, code="invalid",
                              field=field) from exc
    if isinstance(value, datetime.datetime) or not isinstance(value, datetime.date):
        raise DomainError(_("%(label)s is not a date (YYYY-MM-DD).") % {"label": label}, code="invalid", field=field)
    if not MIN_YEAR <= value.year <= MAX_YEAR:
        raise DomainError(_("%(label)s must be between %(low)s and %(high)s.")
                          % {"label": label, "low": MIN_YEAR, "high": MAX_YEAR}, code="out_of_range", field=field)
    return value


def rating_value(value):
    return whole(value, "rating", _("The satisfaction"), low=1, high=5)


def wrong_stage(obj):
    return DomainError(_("This cannot be done now: the record is “%(status)s”.")
                       % {"status": obj.get_status_display()}, code="wrong_stage")


def record(actor, action, obj, org, before, fields, **extra):
    b, a = audit.changed(before, audit.snapshot(obj, fields=fields))
    audit.record(actor=actor, action=action, obj=obj, org=org, before=b, after={**a, **extra})


def is_above_or_self(org, other) -> bool:
    """`org` is `other` or one of its ancestors."""
    return other.path.startswith(org.path)


def in_area(enterprise, org) -> bool:
    """An enterprise of `org`'s area: its union in the subtree, or its town (for a town/district)."""
    if enterprise.union_id and enterprise.union.path.startswith(org.path):
        return True
    return org.level in CENTRE_LEVELS and (org.level == OrgLevel.DISTRICT or enterprise.town_id == org.pk)


class ExportRef:
    def __init__(self, ref):
        self.pk = ref

    def __str__(self):
        return self.pk


def audit_export(actor, action, object_type, filters, rows):
    ref = uuid.uuid4().hex
    places = [filters.org] if getattr(filters, "org", None) else (
        list(Org.objects.filter(depth=1)) if actor.is_superuser
        else list(Org.objects.filter(path__in=actor.scope_paths(EXPORT))))
    for place in places or [None]:
        audit.record(actor=actor, action=action, obj=ExportRef(ref), object_type=object_type, org=place,
                     after={"filters": filters.as_dict(), "rows": rows})


def write_xlsx(title, headers, widths, rows):
    """(rewound temporary file, count) of `rows` (an iterable of lists)."""
    from gonghui.core.excel import XlsxStream

    handle = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 — the response closes it
    n = 0
    with XlsxStream(handle) as book:
        sheet = book.sheet(title, headers=headers, widths=widths, text_columns=(0,))
        for row in rows:
            sheet.append(row)
            n += 1
    return handle, n


# --- centres -----------------------------------------------------------------------------------

def _clean_centre(data):
    return {
        "name": text(data.get("name"), "name", _("The name")),
        "address": text(data.get("address"), "address", _("The address"), limit=200),
        "phone": text(data.get("phone"), "phone", _("The phone"), required=False, limit=40),
        "hours": text(data.get("hours"), "hours", _("The opening hours"), required=False),
        "manager": text(data.get("manager"), "manager", _("The manager"), required=False, limit=60),
        "description": text(data.get("description"), "description", _("The description"), required=False,
                            limit=2000),
    }


def _name_free(model, org, name, exclude=None):
    qs = model.objects.filter(org=org, name=name)
    if exclude is not None:
        qs = qs.exclude(pk=exclude.pk)
    if qs.exists():
        raise DomainError(_("%(org)s already has “%(name)s”.") % {"org": org.name, "name": name},
                          code="name_taken", field="name")


@transaction.atomic
def create_centre(*, actor, org, **data) -> ServiceCentre:
    """A service centre run by a town (or platform) or the district."""
    require(actor, CHANGE, org)
    if org is None or not org.is_active or org.level not in CENTRE_LEVELS:
        raise DomainError(_("A service centre is run by a town or the district."), code="invalid_org", field="org")
    values = _clean_centre(data)
    _name_free(ServiceCentre, org, values["name"])
    centre = ServiceCentre.objects.create(org=org, **values)
    audit.record(actor=actor, action="services.centre_create", obj=centre, org=org,
                 after=audit.snapshot(centre, fields=CENTRE_FIELDS))
    return centre


@transaction.atomic
def update_centre(*, actor, centre, **data) -> ServiceCentre:
    require(actor, CHANGE, centre.org)
    centre = lock_one(ServiceCentre, centre.pk)
    before = audit.snapshot(centre, fields=CENTRE_FIELDS)
    values = _clean_centre({**{k: getattr(centre, k) for k in CENTRE_FIELDS}, **data})
    _name_free(ServiceCentre, centre.org, values["name"], exclude=centre)
    if "is_active" in data:
        values["is_active"] = bool(data["is_active"])
    for k, v in values.items():
        setattr(centre, k, v)
    centre.save()
    record(actor, "services.centre_update", centre, centre.org, before, CENTRE_FIELDS)
    return centre


# --- catalogue ---------------------------------------------------------------------------------

def _clean_item(org, data):
    values = {
        "name": text(data.get("name"), "name", _("The name")),
        "description": text(data.get("description"), "description", _("The description"), required=False,
                            limit=2000),
    }
    if data.get("category") not in ServiceCategory.values:
        raise DomainError(_("Choose the category of the service."), code="invalid_category", field="category")
    if data.get("delivery") not in Delivery.values:
        raise DomainError(_("Choose how the service is delivered."), code="invalid_delivery", field="delivery")
    centre = data.get("centre")
    if centre is not None and not centre.org.path.startswith(org.path):
        raise DomainError(_("%(centre)s is not run in %(org)s's area: choose one of its centres or none.")
                          % {"centre": centre.name, "org": org.name}, code="centre_out_of_area", field="centre")
    values.update(category=data["category"], delivery=data["delivery"], centre=centre)
    return values


@transaction.atomic
def create_item(*, actor, org, **data) -> ServiceItem:
    """A service of the catalogue of a town or the district (optionally one centre's only)."""
    require(actor, CHANGE, org)
    if org is None or not org.is_active or org.level not in CENTRE_LEVELS:
        raise DomainError(_("The catalogue belongs to a town or the district."), code="invalid_org", field="org")
    item = ServiceItem.objects.create(org=org, **_clean_item(org, data))
    audit.record(actor=actor, action="services.item_create", obj=item, org=org,
                 after=audit.snapshot(item, fields=ITEM_FIELDS))
    return item


@transaction.atomic
def update_item(*, actor, item, **data) -> ServiceItem:
    require(actor, CHANGE, item.org)
    item = lock_one(ServiceItem, item.pk)
    before = audit.snapshot(item, fields=ITEM_FIELDS)
    current = {"name": item.name, "category": item.category, "delivery": item.delivery, "centre": item.centre,
               "description": item.description}
    values = _clean_item(item.org, {**current, **data})
    if "is_active" in data:
        values["is_active"] = bool(data["is_active"])
    for k, v in values.items():
        setattr(item, k, v)
    item.save()
    record(actor, "services.item_update", item, item.org, before, ITEM_FIELDS)
    return item


def items_of_centre(centre, *, delivery=None):
    """Active items a centre offers: its own, and those without a centre owned by its org or an
    org above it (a district item is offered by every centre)."""
    from django.db.models import Q

    prefixes = [centre.org.path[:i] for i in range(Org.steplen, len(centre.org.path) + 1, Org.steplen)]
    qs = ServiceItem.objects.filter(Q(centre=centre) | Q(centre__isnull=True, org__path__in=prefixes), is_active=True)
    if delivery:
        qs = qs.filter(delivery__in=(delivery, Delivery.BOTH))
    return qs


def centres_for_union(union):
    """Active centres a union may order from: run by its town (or an org above it: the district)."""
    prefixes = [union.path[:i] for i in range(Org.steplen, len(union.path), Org.steplen)]
    return ServiceCentre.objects.filter(org__path__in=prefixes, is_active=True)


# --- orders ------------------------------------------------------------------------------------

@transaction.atomic
def create_order(*, actor, org, centre, item, wanted_on, headcount, place="", enterprise=None,
                 note="") -> ServiceOrder:
    """A grassroots union orders a service from its town's (or the district's) centre."""
    require(actor, SUBMIT, org)
    if org is None or not org.is_active or org.level not in UNION_LEVELS:
        raise DomainError(_("Orders are placed by a grassroots union."), code="invalid_org", field="org")
    if centre is None:
        raise DomainError(_("Choose the service centre."), code="required", field="centre")
    if not centre.is_active or not is_above_or_self(centre.org, org):
        raise DomainError(_("%(centre)s does not serve %(org)s: choose a centre of your town or the district.")
                          % {"centre": centre.name, "org": org.name}, code="centre_out_of_area", field="centre")
    if item is None:
        raise DomainError(_("Choose the service."), code="required", field="item")
    if not items_of_centre(centre, delivery=Delivery.ORDER).filter(pk=item.pk).exists():
        raise DomainError(_("%(centre)s does not offer “%(item)s” by order.") % {"centre": centre.name,
                                                                                "item": item.name},
                          code="item_not_offered", field="item")
    wanted_on = day(wanted_on, "wanted_on", _("The wanted date"))
    now = today()
    if wanted_on < now:
        raise DomainError(_("The wanted date is in the past."), code="date_past", field="wanted_on")
    if wanted_on > now + datetime.timedelta(days=rules().max_wanted_days_ahead):
        raise DomainError(_("The wanted date is more than %(n)s days ahead.") % {"n": rules().max_wanted_days_ahead},
                          code="date_too_far", field="wanted_on")
    headcount = whole(headcount, "headcount", _("The headcount"), low=1, high=rules().max_headcount)
    if enterprise is not None and not in_area(enterprise, org):
        raise DomainError(_("%(name)s is not an enterprise of %(org)s.") % {"name": enterprise.name, "org": org.name},
                          code="enterprise_out_of_area", field="enterprise")
    place = text(place or (enterprise.name if enterprise else ""), "place", _("The place"), limit=200)
    note = text(note, "note", _("The note"), required=False, limit=2000)
    order = ServiceOrder(org=org, centre=centre, item=item, enterprise=enterprise, place=place, wanted_on=wanted_on,
                         headcount=headcount, note=note, submitted_on=now,
                         accept_due_on=workdays.add_working_days(now, rules().accept_within_working_days),
                         created_by=actor if getattr(actor, "pk", None) else None)
    order.number = next_number(ServiceOrderCounter, ServiceOrder, rules().order_prefix, now.year)
    order.save()
    audit.record(actor=actor, action="services.order_submit", obj=order, org=org,
                 after={**audit.snapshot(order, fields=["number", "centre", "item", "enterprise", "place",
                                                        "wanted_on", "headcount", "note", "accept_due_on"])})
    return order


def _order_step(actor, order, action, org, allowed):
    require(actor, action, org)
    order = lock_one(ServiceOrder, order.pk)
    if order.status not in allowed:
        raise wrong_stage(order)
    return order, audit.snapshot(order, fields=ORDER_FIELDS)


@transaction.atomic
def accept_order(*, actor, order, scheduled_on, delivered_by=DeliveredBy.STAFF, partner="") -> ServiceOrder:
    order, before = _order_step(actor, order, CHANGE, order.centre.org, (OrderStatus.SUBMITTED,))
    scheduled_on = day(scheduled_on, "scheduled_on", _("The scheduled date"))
    if scheduled_on < today():
        raise DomainError(_("The scheduled date is in the past."), code="date_past", field="scheduled_on")
    if scheduled_on > today() + datetime.timedelta(days=rules().max_wanted_days_ahead):
        raise DomainError(_("The scheduled date is more than %(n)s days ahead.")
                          % {"n": rules().max_wanted_days_ahead}, code="date_too_far", field="scheduled_on")
    if delivered_by not in DeliveredBy.values:
        raise DomainError(_("Choose who delivers the service."), code="invalid_delivered_by", field="delivered_by")
    partner = text(partner, "partner", _("The partner"), required=delivered_by == DeliveredBy.PARTNER)
    order.status, order.scheduled_on = OrderStatus.ACCEPTED, scheduled_on
    order.delivered_by, order.partner = delivered_by, partner if delivered_by == DeliveredBy.PARTNER else ""
    order.save()
    record(actor, "services.order_accept", order, order.org, before, ORDER_FIELDS)
    return order


@transaction.atomic
def decline_order(*, actor, order, reason) -> ServiceOrder:
    order, before = _order_step(actor, order, CHANGE, order.centre.org, (OrderStatus.SUBMITTED,))
    order.decline_reason = text(reason, "reason", _("The reason"), limit=400)
    order.status = OrderStatus.DECLINED
    order.save()
    record(actor, "services.order_decline", order, order.org, before, ORDER_FIELDS)
    return order


@transaction.atomic
def deliver_order(*, actor, order, delivered_on, people_served, summary="") -> ServiceOrder:
    order, before = _order_step(actor, order, CHANGE, order.centre.org, (OrderStatus.ACCEPTED,))
    delivered_on = day(delivered_on, "delivered_on", _("The delivery date"))
    if delivered_on > today():
        raise DomainError(_("The delivery date is in the future: record it once delivered."), code="date_future",
                          field="delivered_on")
    if delivered_on < order.submitted_on:
        raise DomainError(_("The delivery date is before the order was placed (%(day)s).")
                          % {"day": order.submitted_on.isoformat()}, code="date_order", field="delivered_on")
    order.people_served = whole(people_served, "people_served", _("The people served"), low=1,
                                high=rules().max_headcount)
    order.summary = text(summary, "summary", _("The summary"), required=False, limit=2000)
    order.delivered_on, order.status = delivered_on, OrderStatus.DELIVERED
    order.save()
    record(actor, "services.order_deliver", order, order.org, before, ORDER_FIELDS)
    return order


@transaction.atomic
def rate_order(*, actor, order, rating, comment="") -> ServiceOrder:
    order, before = _order_step(actor, order, SUBMIT, order.org, (OrderStatus.DELIVERED,))
    order.rating = rating_value(rating)
    order.rating_comment = text(comment, "comment", _("The comment"), required=False, limit=400)
    order.status = OrderStatus.RATED
    order.save()
    record(actor, "services.order_rate", order, order.org, before, ORDER_FIELDS)
    return order


@transaction.atomic
def cancel_order(*, actor, order, reason) -> ServiceOrder:
    order, before = _order_step(actor, order, SUBMIT, order.org, (OrderStatus.SUBMITTED,))
    order.cancel_reason = text(reason, "reason", _("The reason"), limit=400)
    order.status = OrderStatus.CANCELLED
    order.save()
    record(actor, "services.order_cancel", order, order.org, before, ORDER_FIELDS)
    return order


# --- projects ----------------------------------------------------------------------------------

def _clean_project(centre, data):
    item = data.get("item")
    if item is None:
        raise DomainError(_("Choose the service."), code="required", field="item")
    if not items_of_centre(centre, delivery=Delivery.PROJECT).filter(pk=item.pk).exists():
        raise DomainError(_("%(centre)s does not offer “%(item)s” as a project.") % {"centre": centre.name,
                                                                                    "item": item.name},
                          code="item_not_offered", field="item")
    starts = day(data.get("starts_on"), "starts_on", _("The start date"))
    ends = day(data.get("ends_on"), "ends_on", _("The end date"))
    if ends < starts:
        raise DomainError(_("A project cannot end before it starts."), code="date_order", field="ends_on")
    if (ends - starts).days > 3 * 366:
        raise DomainError(_("A project lasts at most three years."), code="too_long", field="ends_on")
    return {
        "item": item, "starts_on": starts, "ends_on": ends,
        "title": text(data.get("title"), "title", _("The title")),
        "targets": text(data.get("targets"), "targets", _("The targets"), required=False, limit=400),
        "planned_beneficiaries": whole(data.get("planned_beneficiaries"), "planned_beneficiaries",
                                       _("The planned beneficiaries"), low=1, high=1_000_000),
        "budget": money(data.get("budget") if data.get("budget") not in (None, "") else 0, "budget",
                        _("The budget"), high=rules().max_budget),
    }


@transaction.atomic
def create_project(*, actor, centre, **data) -> ServiceProject:
    require(actor, CHANGE, centre.org)
    if not centre.is_active:
        raise DomainError(_("%(centre)s is closed.") % {"centre": centre.name}, code="centre_closed", field="centre")
    project = ServiceProject.objects.create(org=centre.org, centre=centre, **_clean_project(centre, data),
                                            created_by=actor if getattr(actor, "pk", None) else None)
    audit.record(actor=actor, action="services.project_create", obj=project, org=project.org,
                 after=audit.snapshot(project, fields=PROJECT_FIELDS))
    return project


def _project_step(actor, project, allowed):
    require(actor, CHANGE, project.org)
    project = lock_one(ServiceProject, project.pk)
    if project.status not in allowed:
        raise wrong_stage(project)
    return project, audit.snapshot(project, fields=PROJECT_FIELDS)


@transaction.atomic
def update_project(*, actor, project, **data) -> ServiceProject:
    project, before = _project_step(actor, project, (ProjectStatus.PLANNED, ProjectStatus.RUNNING))
    current = {k: getattr(project, k) for k in ("item", "starts_on", "ends_on", "title", "targets",
                                                 "planned_beneficiaries", "budget")}
    values = _clean_project(project.centre, {**current, **data})
    first = project.deliveries.order_by("delivered_on").values_list("delivered_on", flat=True).first()
    if first and first < values["starts_on"]:
        raise DomainError(_("A delivery was recorded on %(day)s: the project cannot start later.")
                          % {"day": first.isoformat()}, code="date_order", field="starts_on")
    for k, v in values.items():
        setattr(project, k, v)
    project.save()
    record(actor, "services.project_update", project, project.org, before, PROJECT_FIELDS)
    return project


@transaction.atomic
def start_project(*, actor, project) -> ServiceProject:
    project, before = _project_step(actor, project, (ProjectStatus.PLANNED,))
    project.status = ProjectStatus.RUNNING
    project.save()
    record(actor, "services.project_start", project, project.org, before, PROJECT_FIELDS)
    return project


@transaction.atomic
def add_delivery(*, actor, project, delivered_on, people_served, union=None, enterprise=None, place="",
                 note="") -> ProjectDelivery:
    project, _before = _project_step(actor, project, (ProjectStatus.RUNNING,))
    delivered_on = day(delivered_on, "delivered_on", _("The delivery date"))
    if delivered_on > today():
        raise DomainError(_("The delivery date is in the future: record it once delivered."), code="date_future",
                          field="delivered_on")
    if not project.starts_on <= delivered_on <= project.ends_on:
        raise DomainError(_("The delivery date must be within the project's period (%(start)s – %(end)s).")
                          % {"start": project.starts_on.isoformat(), "end": project.ends_on.isoformat()},
                          code="date_out_of_period", field="delivered_on")
    if union is not None and (not union.path.startswith(project.org.path) or union.level not in UNION_LEVELS):
        raise DomainError(_("%(union)s is not a union of %(org)s's area.") % {"union": union.name,
                                                                            "org": project.org.name},
                          code="union_out_of_area", field="union")
    if enterprise is not None and not in_area(enterprise, project.org):
        raise DomainError(_("%(name)s is not an enterprise of %(org)s.") % {"name": enterprise.name,
                                                                          "org": project.org.name},
                          code="enterprise_out_of_area", field="enterprise")
    if union is None and enterprise is not None and enterprise.union_id:
        union = enterprise.union
    delivery = ProjectDelivery.objects.create(
        project=project, delivered_on=delivered_on, union=union, enterprise=enterprise,
        place=text(place, "place", _("The place"), required=False, limit=200),
        people_served=whole(people_served, "people_served", _("The people served"), low=1, high=100_000),
        note=text(note, "note", _("The note"), required=False, limit=400))
    audit.record(actor=actor, action="services.project_delivery", obj=project, org=project.org,
                 after={"delivered_on": delivered_on.isoformat(), "union": union.name if union else None,
                        "enterprise": enterprise.name if enterprise else None,
                        "people_served": delivery.people_served})
    return delivery


@transaction.atomic
def finish_project(*, actor, project, summary="") -> ServiceProject:
    project, before = _project_step(actor, project, (ProjectStatus.RUNNING,))
    if not project.deliveries.exists():
        raise DomainError(_("Record at least one delivery before finishing the project."), code="no_deliveries")
    project.summary = text(summary, "summary", _("The summary"), required=False, limit=2000)
    project.status = ProjectStatus.DONE
    project.save()
    record(actor, "services.project_finish", project, project.org, before, PROJECT_FIELDS)
    return project


@transaction.atomic
def cancel_project(*, actor, project, reason) -> ServiceProject:
    project, before = _project_step(actor, project, (ProjectStatus.PLANNED, ProjectStatus.RUNNING))
    project.cancel_reason = text(reason, "reason", _("The reason"), limit=400)
    project.status = ProjectStatus.CANCELLED
    project.save()
    record(actor, "services.project_cancel", project, project.org, before, PROJECT_FIELDS)
    return project


@transaction.atomic
def rate_project(*, actor, project, union, rating, comment="") -> ProjectRating:
    """A union the project served rates it once it is done (once per union)."""
    require(actor, SUBMIT, union)
    project = lock_one(ServiceProject, project.pk)
    if project.status != ProjectStatus.DONE:
        raise wrong_stage(project)
    if not project.deliveries.filter(union=union).exists():
        raise DomainError(_("The project did not serve %(union)s.") % {"union": union.name}, code="not_served",
                          field="union")
    if ProjectRating.objects.filter(project=project, union=union).exists():
        raise DomainError(_("%(union)s has already rated this project.") % {"union": union.name},
                          code="already_rated", field="union")
    r = ProjectRating.objects.create(project=project, union=union, rating=rating_value(rating),
                                     comment=text(comment, "comment", _("The comment"), required=False, limit=400))
    audit.record(actor=actor, action="services.project_rate", obj=project, org=project.org,
                 after={"union": union.name, "rating": r.rating, "comment": r.comment})
    return r


# --- exports -----------------------------------------------------------------------------------

def export_orders(*, actor, filters):
    from ..selectors.centres import filtered_orders

    require(actor, EXPORT, filters.org) if filters.org else require(actor, EXPORT)
    qs = (filtered_orders(actor, filters).filter(pk__in=ServiceOrder.objects.visible_to(actor, EXPORT).values("pk"))
          .select_related("org", "centre", "item", "enterprise").order_by("-id"))
    statuses = dict(OrderStatus.choices)
    rows = ([o.number, o.org.name, o.centre.name, o.item.name, o.place, o.wanted_on, o.headcount,
             o.submitted_on, o.accept_due_on, o.scheduled_on or "", o.delivered_on or "", o.people_served or "",
             o.rating or "", str(statuses.get(o.status, o.status))] for o in qs.iterator(chunk_size=1000))
    handle, n = write_xlsx(_("Service orders"), [
        _("Order number"), _("Ordering union"), _("Service centre"), _("Service"), _("Place"), _("Wanted on"),
        _("Headcount"), _("Submitted on"), _("Acceptance due on"), _("Scheduled on"), _("Delivered on"),
        _("People served"), pgettext("service centres", "Satisfaction"), _("Status")],
        [14, 26, 20, 20, 24, 12, 8, 12, 12, 12, 12, 8, 8, 10], rows)
    audit_export(actor, "services.order_export", "services.ServiceOrderExport", filters, n)
    return handle, n


def export_projects(*, actor, filters):
    from ..selectors.centres import annotate_projects, filtered_projects

    require(actor, EXPORT, filters.org) if filters.org else require(actor, EXPORT)
    qs = annotate_projects(filtered_projects(actor, filters).filter(
        pk__in=ServiceProject.objects.visible_to(actor, EXPORT).values("pk"))).select_related(
        "org", "centre", "item").order_by("-starts_on", "-id")
    statuses = dict(ProjectStatus.choices)
    rows = ([p.title, p.centre.name, p.item.name, p.starts_on, p.ends_on, p.planned_beneficiaries, p.served or 0,
             p.budget, p.avg_rating or "", str(statuses.get(p.status, p.status))] for p in qs.iterator(chunk_size=1000))
    handle, n = write_xlsx(_("Service projects"), [
        _("Project name"), _("Service centre"), _("Service"), _("Starts on"), pgettext("service centres", "Ends on"),
        _("Planned beneficiaries"),
        _("People served"), _("Budget (yuan)"), pgettext("service centres", "Satisfaction"), _("Status")],
        [30, 20, 20, 12, 12, 10, 10, 12, 8, 10], rows)
    audit_export(actor, "services.project_export", "services.ServiceProjectExport", filters, n)
    return handle, n


def export_centres(*, actor, filters):
    from ..selectors.centres import annotate_centres, filtered_centres

    require(actor, EXPORT, filters.org) if filters.org else require(actor, EXPORT)
    qs = annotate_centres(filtered_centres(actor, filters).filter(
        pk__in=ServiceCentre.objects.visible_to(actor, EXPORT).values("pk"))).select_related("org")
    rows = ([c.name, c.org.name, c.address, c.phone, c.hours, c.manager, c.item_count, c.open_orders,
             _("Yes") if c.is_active else _("No")] for c in qs.iterator(chunk_size=1000))
    handle, n = write_xlsx(_("Service centres"), [
        pgettext("service centres", "Name"), _("Run by"), _("Address"), _("Phone"), _("Opening hours"), _("Manager"),
        _("Own services"),
        _("Open orders"), pgettext("service centres", "Active")], [26, 20, 30, 14, 20, 10, 8, 8, 6], rows)
    audit_export(actor, "services.centre_export", "services.ServiceCentreExport", filters, n)
    return handle, n


def export_items(*, actor, filters):
    from ..selectors.centres import filtered_items

    require(actor, EXPORT, filters.org) if filters.org else require(actor, EXPORT)
    qs = filtered_items(actor, filters).filter(
        pk__in=ServiceItem.objects.visible_to(actor, EXPORT).values("pk")).select_related("org", "centre")
    categories, deliveries = dict(ServiceCategory.choices), dict(Delivery.choices)
    rows = ([i.name, str(categories.get(i.category, i.category)), str(deliveries.get(i.delivery, i.delivery)),
             i.org.name, i.centre.name if i.centre else _("All centres of the owner"),
             _("Yes") if i.is_active else _("No")] for i in qs.iterator(chunk_size=1000))
    handle, n = write_xlsx(_("Service catalogue"), [
        pgettext("service centres", "Name"), _("Category"), _("Delivery"), pgettext("service centres", "Owner"),
        _("Service centre"), pgettext("service centres", "Active")], [26, 12, 14, 20, 20, 6], rows)
    audit_export(actor, "services.item_export", "services.ServiceItemExport", filters, n)
    return handle, n
