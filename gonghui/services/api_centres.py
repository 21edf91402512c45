"""/service-centres, /service-items, /service-orders, /service-projects: the centres area.

- Reads are scoped (the org's subtree; a project also by the unions it served); out of scope is
  the same 404 as missing. Records named in a body the caller cannot use are 400
  `unknown_reference` on that field.
- Writes call one service each; a step the status does not allow is 409 `wrong_stage`, a rule
  that refuses it 400 with its code (`item_not_offered`, `centre_out_of_area`, `date_past`…).
- Lists: keyset pagination, newest first: `?after=<next_after>&limit=1..200`.
"""

import datetime
from decimal import Decimal

from ninja import Field, Query, Router
from pydantic import ConfigDict

from gonghui.core.api_support import (
    READ_ERRORS,
    WRITE_ERRORS,
    ApiSchema,
    Id,
    PageMeta,
    PageParams,
    Ref,
    Text,
    not_found,
    paginate,
    ref,
    resolve,
    workflow_actions,
)
from gonghui.core.policies import require
from gonghui.orgs.models import Enterprise, Org

from .models.centres import (
    DeliveredBy,
    Delivery,
    OrderStatus,
    ProjectStatus,
    ServiceCategory,
    ServiceCentre,
    ServiceItem,
)
from .policies import centres as policies
from .selectors import centres as selectors
from .services import centres as services

router = Router(tags=["services"])


class Closed(ApiSchema):
    model_config = ConfigDict(extra="forbid")


def _org_filter(user, org_id):
    if org_id is None:
        return None, False
    org = Org.objects.visible_to(user, policies.VIEW).filter(pk=org_id).first()
    return org, org is None


# --- centres -----------------------------------------------------------------------------------

class CentreOut(ApiSchema):
    id: int
    name: str
    org: Ref = Field(description="The town or the district running it.")
    address: str
    phone: str
    hours: str
    manager: str
    description: str
    is_active: bool


class CentrePage(PageMeta):
    items: list[CentreOut]


class CentreFiltersIn(PageParams):
    org: Id | None = None
    q: Text(60) | None = None
    active: bool | None = None


class CentreFieldsIn(Closed):
    name: Text(120) | None = None
    address: Text(200) | None = None
    phone: Text(40) | None = None
    hours: Text(120) | None = None
    manager: Text(60) | None = None
    description: Text(2000) | None = None
    is_active: bool | None = None


class CentreCreateIn(CentreFieldsIn):
    org: Id
    name: Text(120)
    address: Text(200)


def centre_out(c):
    return {"id": c.pk, "name": c.name, "org": ref(c.org), "address": c.address, "phone": c.phone, "hours": c.hours,
            "manager": c.manager, "description": c.description, "is_active": c.is_active}


def _centre(user, pk):
    c = selectors.centres(user).select_related("org").filter(pk=pk).first()
    if c is None:
        raise not_found()
    return c


def _active(value):
    return "" if value is None else ("yes" if value else "no")


@router.get("/service-centres", response={200: CentrePage, **READ_ERRORS}, summary="List service centres")
def list_centres(request, filters: Query[CentreFiltersIn]):
    org, hidden = _org_filter(request.auth, filters.org)
    qs = selectors.filtered_centres(request.auth, selectors.CentreFilters(q=filters.q or "", org=org,
                                                                          active=_active(filters.active)))
    return paginate(qs.none() if hidden else qs, filters, row=centre_out,
                    load=ServiceCentre.objects.select_related("org"))


@router.get("/service-centres/{centre_id}", response={200: CentreOut, **READ_ERRORS}, summary="Get a service centre")
def get_centre(request, centre_id: Id):
    return centre_out(_centre(request.auth, centre_id))


@router.post("/service-centres", response={201: CentreOut, **WRITE_ERRORS}, summary="Create a service centre")
def create_centre(request, payload: CentreCreateIn):
    user = request.auth
    org = resolve(Org.objects.visible_to(user, policies.VIEW), payload.org, field="org")
    data = payload.dict(exclude_unset=True)
    data.pop("org")
    data.pop("is_active", None)
    return 201, centre_out(services.create_centre(actor=user, org=org, **data))


@router.patch("/service-centres/{centre_id}", response={200: CentreOut, **WRITE_ERRORS},
              summary="Edit a service centre (is_active: false closes it)")
def edit_centre(request, centre_id: Id, payload: CentreFieldsIn):
    user = request.auth
    c = _centre(user, centre_id)
    data = {k: v for k, v in payload.dict(exclude_unset=True).items() if v is not None}
    return centre_out(services.update_centre(actor=user, centre=c, **data))


# --- items -------------------------------------------------------------------------------------

class ItemOut(ApiSchema):
    id: int
    name: str
    category: ServiceCategory
    delivery: Delivery
    org: Ref = Field(description="The owner: a town or the district.")
    centre: Ref | None = Field(description="Empty: offered by every centre of the owner's subtree.")
    description: str
    is_active: bool


class ItemPage(PageMeta):
    items: list[ItemOut]


class ItemFiltersIn(PageParams):
    org: Id | None = None
    q: Text(60) | None = None
    category: ServiceCategory | None = None
    delivery: Delivery | None = None
    active: bool | None = None


class ItemFieldsIn(Closed):
    name: Text(120) | None = None
    category: ServiceCategory | None = None
    delivery: Delivery | None = None
    centre: Id | None = None
    description: Text(2000) | None = None
    is_active: bool | None = None


class ItemCreateIn(ItemFieldsIn):
    org: Id
    name: Text(120)
    category: ServiceCategory
    delivery: Delivery = Delivery.BOTH


def item_out(i):
    return {"id": i.pk, "name": i.name, "category": i.category, "delivery": i.delivery, "org": ref(i.org),
            "centre": ref(i.centre), "description": i.description, "is_active": i.is_active}


def _item(user, pk):
    i = selectors.items(user).select_related("org", "centre").filter(pk=pk).first()
    if i is None:
        raise not_found()
    return i


def _item_data(user, payload):
    data = payload.dict(exclude_unset=True)
    data.pop("org", None)
    if data.get("centre") is not None:
        data["centre"] = resolve(ServiceCentre.objects.visible_to(user, policies.VIEW), data["centre"], field="centre")
    return {k: v for k, v in data.items() if v is not None or k == "centre"}


@router.get("/service-items", response={200: ItemPage, **READ_ERRORS}, summary="List the service catalogue")
def list_items(request, filters: Query[ItemFiltersIn]):
    org, hidden = _org_filter(request.auth, filters.org)
    qs = selectors.filtered_items(request.auth, selectors.ItemFilters(
        q=filters.q or "", org=org, category=filters.category or "", delivery=filters.delivery or "",
        active=_active(filters.active)))
    return paginate(qs.none() if hidden else qs, filters, row=item_out,
                    load=ServiceItem.objects.select_related("org", "centre"))


@router.get("/service-items/{item_id}", response={200: ItemOut, **READ_ERRORS}, summary="Get a catalogue service")
def get_item(request, item_id: Id):
    return item_out(_item(request.auth, item_id))


@router.post("/service-items", response={201: ItemOut, **WRITE_ERRORS}, summary="Add a service to the catalogue")
def create_item(request, payload: ItemCreateIn):
    user = request.auth
    org = resolve(Org.objects.visible_to(user, policies.VIEW), payload.org, field="org")
    data = _item_data(user, payload)
    data.pop("is_active", None)
    return 201, item_out(services.create_item(actor=user, org=org, **data))


@router.patch("/service-items/{item_id}", response={200: ItemOut, **WRITE_ERRORS}, summary="Edit a catalogue service")
def edit_item(request, item_id: Id, payload: ItemFieldsIn):
    user = request.auth
    return item_out(services.update_item(actor=user, item=_item(user, item_id), **_item_data(user, payload)))


# --- orders ------------------------------------------------------------------------------------

class OrderRow(ApiSchema):
    id: int
    number: str = Field(description="FW<year>-<nnnn>, given at submission.")
    org: Ref = Field(description="The ordering union.")
    centre: Ref
    item: Ref
    enterprise: Ref | None
    place: str
    wanted_on: datetime.date
    headcount: int
    status: OrderStatus
    submitted_on: datetime.date
    accept_due_on: datetime.date
    overdue: bool


class OrderActionsOut(ApiSchema):
    accept: bool
    decline: bool
    deliver: bool
    rate: bool
    cancel: bool


class OrderDetail(OrderRow):
    note: str
    scheduled_on: datetime.date | None
    delivered_by: str
    partner: str
    decline_reason: str
    cancel_reason: str
    delivered_on: datetime.date | None
    people_served: int | None
    summary: str
    rating: int | None
    rating_comment: str
    actions: OrderActionsOut


class OrderPage(PageMeta):
    items: list[OrderRow]


class OrderFiltersIn(PageParams):
    org: Id | None = Field(None, description="Orders of unions in this org's subtree.")
    q: Text(60) | None = Field(None, description="Start of the number, or part of the union, service or place.")
    status: OrderStatus | None = None
    centre: Id | None = None
    category: ServiceCategory | None = None
    year: int | None = Field(None, ge=2000, le=2100)
    overdue: bool = False


class OrderCreateIn(Closed):
    org: Id = Field(description="The ordering grassroots union.")
    centre: Id
    item: Id
    wanted_on: datetime.date
    headcount: int
    enterprise: Id | None = None
    place: Text(200) = ""
    note: Text(2000) = ""


class AcceptIn(Closed):
    scheduled_on: datetime.date
    delivered_by: DeliveredBy = DeliveredBy.STAFF
    partner: Text(120) = ""


class ReasonIn(Closed):
    reason: Text(400)


class DeliverIn(Closed):
    delivered_on: datetime.date
    people_served: int
    summary: Text(2000) = ""


class RateIn(Closed):
    rating: int = Field(description="1 (very dissatisfied) to 5 (very satisfied).")
    comment: Text(400) = ""


def order_row(o):
    return {"id": o.pk, "number": o.number, "org": ref(o.org), "centre": ref(o.centre), "item": ref(o.item),
            "enterprise": ref(o.enterprise), "place": o.place, "wanted_on": o.wanted_on, "headcount": o.headcount,
            "status": o.status, "submitted_on": o.submitted_on, "accept_due_on": o.accept_due_on,
            "overdue": o.status == OrderStatus.SUBMITTED and o.accept_due_on < services.today()}


def order_out(user, o):
    o = selectors.order_rows().get(pk=o.pk)
    return {**order_row(o), **{k: getattr(o, k) for k in (
        "note", "scheduled_on", "delivered_by", "partner", "decline_reason", "cancel_reason", "delivered_on",
        "people_served", "summary", "rating", "rating_comment")},
        "actions": vars(policies.order_actions(user, o))}


def _order(user, pk):
    o = selectors.orders(user).select_related("org", "centre__org").filter(pk=pk).first()
    if o is None:
        raise not_found()
    return o


@router.get("/service-orders", response={200: OrderPage, **READ_ERRORS}, summary="List service orders")
def list_orders(request, filters: Query[OrderFiltersIn]):
    org, hidden = _org_filter(request.auth, filters.org)
    qs = selectors.filtered_orders(request.auth, selectors.OrderFilters(
        q=filters.q or "", org=org, status=filters.status or "", centre=filters.centre,
        category=filters.category or "", year=filters.year, overdue=filters.overdue))
    return paginate(qs.none() if hidden else qs, filters, row=order_row, load=selectors.order_rows())


@router.get("/service-orders/{order_id}", response={200: OrderDetail, **READ_ERRORS}, summary="Get a service order")
def get_order(request, order_id: Id):
    return order_out(request.auth, _order(request.auth, order_id))


@router.post("/service-orders", response={201: OrderDetail, **WRITE_ERRORS},
             summary="Order a service (a grassroots union, services.submit)")
def create_order(request, payload: OrderCreateIn):
    user = request.auth
    org = resolve(Org.objects.visible_to(user, policies.VIEW), payload.org, field="org")
    require(user, policies.SUBMIT, org)
    centre = resolve(services.centres_for_union(org), payload.centre, field="centre")
    item = resolve(ServiceItem.objects.filter(is_active=True), payload.item, field="item")
    enterprise = resolve(Enterprise.objects.visible_to(user), payload.enterprise, field="enterprise")
    o = services.create_order(actor=user, org=org, centre=centre, item=item, wanted_on=payload.wanted_on,
                              headcount=payload.headcount, enterprise=enterprise, place=payload.place,
                              note=payload.note)
    return 201, order_out(user, o)


_order_action = workflow_actions(router, path="/service-orders", id_param="order_id", load=_order, render=order_out,
                                 response=OrderDetail, operation_prefix="service_order")


@_order_action("accept", "Accept the order (the centre): scheduled date, staff or a partner", AcceptIn)
def accept(user, o, p):
    services.accept_order(actor=user, order=o, scheduled_on=p.scheduled_on, delivered_by=p.delivered_by,
                          partner=p.partner)


@_order_action("decline", "Decline the order (the centre) with a reason", ReasonIn)
def decline(user, o, p):
    services.decline_order(actor=user, order=o, reason=p.reason)


@_order_action("deliver", "Record the delivery (the centre)", DeliverIn)
def deliver(user, o, p):
    services.deliver_order(actor=user, order=o, delivered_on=p.delivered_on, people_served=p.people_served,
                           summary=p.summary)


@_order_action("rate", "Rate the delivered service (the ordering union)", RateIn)
def rate(user, o, p):
    services.rate_order(actor=user, order=o, rating=p.rating, comment=p.comment)


@_order_action("cancel", "Cancel the order before it is accepted (the ordering union)", ReasonIn)
def cancel(user, o, p):
    services.cancel_order(actor=user, order=o, reason=p.reason)


# --- projects ----------------------------------------------------------------------------------

class ProjectRow(ApiSchema):
    id: int
    title: str
    org: Ref
    centre: Ref
    item: Ref
    starts_on: datetime.date
    ends_on: datetime.date
    planned_beneficiaries: int
    people_served: int
    budget: Decimal
    average_rating: float | None
    status: ProjectStatus


class DeliveryOut(ApiSchema):
    id: int
    delivered_on: datetime.date
    union: Ref | None
    enterprise: Ref | None
    place: str
    people_served: int


class RatingOut(ApiSchema):
    union: Ref
    rating: int
    comment: str


class ProjectDetail(ProjectRow):
    targets: str
    summary: str
    cancel_reason: str
    deliveries: list[DeliveryOut]
    ratings: list[RatingOut]


class ProjectPage(PageMeta):
    items: list[ProjectRow]


class ProjectFiltersIn(PageParams):
    org: Id | None = None
    q: Text(60) | None = None
    status: ProjectStatus | None = None
    centre: Id | None = None
    year: int | None = Field(None, ge=2000, le=2100)


class ProjectFieldsIn(Closed):
    title: Text(120) | None = None
    item: Id | None = None
    starts_on: datetime.date | None = None
    ends_on: datetime.date | None = None
    targets: Text(400) | None = None
    planned_beneficiaries: int | None = None
    budget: Decimal | None = None


class ProjectCreateIn(ProjectFieldsIn):
    centre: Id
    title: Text(120)
    item: Id
    starts_on: datetime.date
    ends_on: datetime.date
    planned_beneficiaries: int


class DeliveryIn(Closed):
    delivered_on: datetime.date
    people_served: int
    union: Id | None = None
    enterprise: Id | None = None
    place: Text(200) = ""
    note: Text(400) = ""


class ProjectRateIn(RateIn):
    union: Id


class FinishIn(Closed):
    summary: Text(2000) = ""


def project_row(p):
    return {"id": p.pk, "title": p.title, "org": ref(p.org), "centre": ref(p.centre), "item": ref(p.item),
            "starts_on": p.starts_on, "ends_on": p.ends_on, "planned_beneficiaries": p.planned_beneficiaries,
            "people_served": p.served, "budget": p.budget,
            "average_rating": float(p.avg_rating) if p.avg_rating is not None else None, "status": p.status}


def project_out(user, p):
    p = selectors.project_detail(p)
    return {**project_row(p), "targets": p.targets, "summary": p.summary, "cancel_reason": p.cancel_reason,
            "deliveries": [{"id": d.pk, "delivered_on": d.delivered_on, "union": ref(d.union),
                            "enterprise": ref(d.enterprise), "place": d.place, "people_served": d.people_served}
                           for d in selectors.project_deliveries(p)],
            "ratings": [{"union": ref(r.union), "rating": r.rating, "comment": r.comment}
                        for r in selectors.project_ratings(p)]}


def _project(user, pk):
    p = selectors.projects(user).select_related("org", "centre").filter(pk=pk).first()
    if p is None:
        raise not_found()
    return p


def _readable_project(user, pk):
    p = selectors.readable_projects(user).select_related("org", "centre").filter(pk=pk).first()
    if p is None:
        raise not_found()
    return p


def _project_data(user, centre, payload):
    data = {k: v for k, v in payload.dict(exclude_unset=True).items() if v is not None}
    data.pop("centre", None)
    if "item" in data:
        data["item"] = resolve(services.items_of_centre(centre, delivery=Delivery.PROJECT), data["item"], field="item")
    return data


@router.get("/service-projects", response={200: ProjectPage, **READ_ERRORS}, summary="List service projects")
def list_projects(request, filters: Query[ProjectFiltersIn]):
    org, hidden = _org_filter(request.auth, filters.org)
    qs = selectors.filtered_projects(request.auth, selectors.ProjectFilters(
        q=filters.q or "", org=org, status=filters.status or "", centre=filters.centre, year=filters.year))
    return paginate(qs.none() if hidden else qs, filters, row=project_row, load=selectors.project_rows())


@router.get("/service-projects/{project_id}", response={200: ProjectDetail, **READ_ERRORS},
            summary="Get a service project (also read by the unions it served)")
def get_project(request, project_id: Id):
    return project_out(request.auth, _readable_project(request.auth, project_id))


@router.post("/service-projects", response={201: ProjectDetail, **WRITE_ERRORS}, summary="Create a centre's project")
def create_project(request, payload: ProjectCreateIn):
    user = request.auth
    centre = resolve(ServiceCentre.objects.visible_to(user, policies.VIEW), payload.centre, field="centre")
    require(user, policies.CHANGE, centre.org)
    p = services.create_project(actor=user, centre=centre, **_project_data(user, centre, payload))
    return 201, project_out(user, p)


@router.patch("/service-projects/{project_id}", response={200: ProjectDetail, **WRITE_ERRORS},
              summary="Edit a planned or running project")
def edit_project(request, project_id: Id, payload: ProjectFieldsIn):
    user = request.auth
    p = _project(user, project_id)
    services.update_project(actor=user, project=p, **_project_data(user, p.centre, payload))
    return project_out(user, p)


_project_action = workflow_actions(router, path="/service-projects", id_param="project_id", load=_project,
                                   render=project_out, response=ProjectDetail, operation_prefix="service_project")


@_project_action("start", "Start the project (PLANNED → RUNNING)", Closed)
def start(user, p, payload):
    services.start_project(actor=user, project=p)


@_project_action("finish", "Finish the project (needs a delivery)", FinishIn)
def finish(user, p, payload):
    services.finish_project(actor=user, project=p, summary=payload.summary)


@_project_action("cancel", "Cancel the project with a reason", ReasonIn)
def cancel_project(user, p, payload):
    services.cancel_project(actor=user, project=p, reason=payload.reason)


@router.post("/service-projects/{project_id}/deliveries", response={201: ProjectDetail, **WRITE_ERRORS},
             summary="Record a delivery of a running project")
def add_delivery(request, project_id: Id, payload: DeliveryIn):
    user = request.auth
    p = _project(user, project_id)
    # Out-of-reach ids read as unknown, never as "X is not an enterprise of …" with X's name.
    union = resolve(Org.objects.visible_to(user, policies.VIEW), payload.union, field="union")
    enterprise = resolve(Enterprise.objects.visible_to(user), payload.enterprise, field="enterprise")
    services.add_delivery(actor=user, project=p, delivered_on=payload.delivered_on,
                          people_served=payload.people_served, union=union, enterprise=enterprise,
                          place=payload.place, note=payload.note)
    return 201, project_out(user, p)


@router.post("/service-projects/{project_id}/ratings", response={201: ProjectDetail, **WRITE_ERRORS},
             summary="Rate a finished project (a union it served)")
def rate_project(request, project_id: Id, payload: ProjectRateIn):
    user = request.auth
    p = _readable_project(user, project_id)
    union = resolve(Org.objects.visible_to(user, policies.VIEW), payload.union, field="union")
    services.rate_project(actor=user, project=p, union=union, rating=payload.rating, comment=payload.comment)
    return 201, project_out(user, p)
