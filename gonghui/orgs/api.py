"""/orgs and /enterprises: the org tree and the enterprise register.

Lists use keyset pagination ordered by id ascending: `?after=<next_after of the previous
page>&limit=1..200`, with a count capped at LIST_COUNT_CAP (`count_capped` tells when).
Every read goes through `visible_to(user)`: a record outside the caller's subtree answers the
same 404 as a missing one; a visible record the caller may not change answers 403.
"""

import datetime

from ninja import Field, Query, Router, Status
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
    api_field_names,
    get_visible,
    paginate,
    ref,
    resolve,
)

from . import selectors, services
from .models import Enterprise, Industry, Org, OrgLevel, UnionKind

router = Router()



# --- orgs ------------------------------------------------------------------------------------

class OrgOut(ApiSchema):
    id: int
    name: str
    short_name: str
    level: OrgLevel
    union_kind: UnionKind | None
    code: str
    parent: int | None = Field(description="Id of the parent org (null for the district).")
    depth: int
    children_count: int
    founded_on: datetime.date | None
    chair_name: str
    legal_cert_no: str
    address: str
    is_active: bool


class OrgPage(PageMeta):
    items: list[OrgOut]


class OrgFilters(PageParams):
    level: OrgLevel | None = None
    parent: Id | None = Field(None, description="Only the direct children of this org.")
    q: Text(100) | None = Field(None, description="Part of the name.")


class OrgCreateIn(ApiSchema):
    model_config = ConfigDict(extra="forbid")

    parent: Id
    name: Text(120)
    level: OrgLevel
    code: Text(32)
    union_kind: UnionKind | None = None
    short_name: Text(40) = ""
    founded_on: datetime.date | None = None
    chair_name: Text(64) = ""
    legal_cert_no: Text(64) = ""
    address: Text(200) = ""


class OrgUpdateIn(ApiSchema):
    """Only the fields sent change. `null` is accepted where it means “none” (union_kind, founded_on)."""

    model_config = ConfigDict(extra="forbid")

    name: Text(120) = None
    short_name: Text(40) = None
    level: OrgLevel = None
    union_kind: UnionKind | None = None
    code: Text(32) = None
    founded_on: datetime.date | None = None
    chair_name: Text(64) = None
    legal_cert_no: Text(64) = None
    address: Text(200) = None
    is_active: bool = None


class OrgMoveIn(ApiSchema):
    model_config = ConfigDict(extra="forbid")

    parent: Id = Field(description="The new parent org.")


def _parent_path(org):
    return org.path[: -Org.steplen] if org.depth > 1 else None


def _org_dict(org, parent_id):
    return {
        "id": org.pk, "name": org.name, "short_name": org.short_name, "level": org.level,
        "union_kind": org.union_kind or None, "code": org.code, "parent": parent_id, "depth": org.depth,
        "children_count": org.numchild, "founded_on": org.founded_on, "chair_name": org.chair_name,
        "legal_cert_no": org.legal_cert_no, "address": org.address, "is_active": org.is_active,
    }


def org_rows(orgs):
    """Output dicts for a page of orgs; the parents' ids in one query."""
    paths = {p for p in (_parent_path(o) for o in orgs) if p}
    ids = dict(Org.objects.filter(path__in=paths).values_list("path", "pk")) if paths else {}
    return [_org_dict(o, ids.get(_parent_path(o))) for o in orgs]


def org_out(org):
    return org_rows([org])[0]


@router.get("/orgs", response={200: OrgPage, **READ_ERRORS}, tags=["orgs"], summary="List orgs")
def list_orgs(request, filters: Query[OrgFilters]):
    """Orgs in the caller's subtree, ordered by id."""
    user = request.auth
    qs = selectors.visible_orgs(user)
    if filters.level:
        qs = qs.filter(level=filters.level)
    if filters.parent is not None:
        parent = selectors.visible_orgs(user).filter(pk=filters.parent).first()
        qs = qs.filter(path__startswith=parent.path, depth=parent.depth + 1) if parent else qs.none()
    if filters.q:
        qs = qs.filter(name__contains=filters.q)
    return paginate(qs, filters, rows=org_rows, descending=False)


@router.get("/orgs/{org_id}", response={200: OrgOut, **READ_ERRORS}, tags=["orgs"], summary="Get an org")
def get_org(request, org_id: Id):
    return org_out(get_visible(Org.objects, request.auth, org_id))


@router.post("/orgs", response={201: OrgOut, **WRITE_ERRORS}, tags=["orgs"], summary="Create an org")
def create_org(request, payload: OrgCreateIn):
    """Create a child of `parent` (which must be in the caller's subtree)."""
    user = request.auth
    parent = resolve(selectors.visible_orgs(user), payload.parent, field="parent")
    fields = payload.model_dump(exclude={"parent", "name", "level", "code", "union_kind"})
    org = services.create_org(actor=user, parent=parent, name=payload.name, level=payload.level,
                              code=payload.code, union_kind=payload.union_kind or "", **fields)
    return Status(201, org_out(org))


@router.patch("/orgs/{org_id}", response={200: OrgOut, **WRITE_ERRORS}, tags=["orgs"], summary="Update an org")
def update_org(request, org_id: Id, payload: OrgUpdateIn):
    """Change the fields sent; the others stay. Send `union_kind: null` to clear it."""
    user = request.auth
    org = get_visible(Org.objects, user, org_id)
    fields = payload.model_dump(exclude_unset=True)
    if "union_kind" in fields:
        fields["union_kind"] = fields["union_kind"] or ""
    org = services.update_org(actor=user, org=org, **fields)
    return org_out(org)


@router.post("/orgs/{org_id}/move", response={200: OrgOut, **WRITE_ERRORS}, tags=["orgs"],
             summary="Move an org under another parent")
def move_org(request, org_id: Id, payload: OrgMoveIn):
    """Re-parent an org with everything below it. Both the org and the new parent must be in the
    caller's `orgs.move` reach (district staff, town cadres)."""
    user = request.auth
    org = get_visible(Org.objects, user, org_id)
    new_parent = resolve(selectors.visible_orgs(user), payload.parent, field="parent")
    with api_field_names(new_parent="parent"):
        org = services.move_org(actor=user, org=org, new_parent=new_parent)
    return org_out(org)


# --- enterprises -------------------------------------------------------------------------------

class EnterpriseOut(ApiSchema):
    id: int
    name: str
    uscc: str
    industry: Industry
    headcount: int
    above_scale: bool
    top100: bool = Field(description="On the district's top-100 list (liaison points).")
    address: str
    town: Ref
    union: Ref | None


class EnterprisePage(PageMeta):
    items: list[EnterpriseOut]


class EnterpriseFilters(PageParams):
    town: Id | None = None
    industry: Industry | None = None
    above_scale: bool | None = None
    has_union: bool | None = None
    top100: bool | None = Field(None, description="On (true) or off (false) the district's top-100 list.")
    q: Text(100) | None = Field(None, description="Part of the name, or an exact unified social credit code.")


MAX_HEADCOUNT = 2_147_483_647


class EnterpriseCreateIn(ApiSchema):
    model_config = ConfigDict(extra="forbid")

    name: Text(200)
    uscc: Text(40) = Field(description="统一社会信用代码, 18 characters with a check digit.")
    industry: Industry
    town: Id
    union: Id | None = None
    headcount: int = Field(0, ge=0, le=MAX_HEADCOUNT)
    above_scale: bool = False
    top100: bool = Field(False, description="Only the district federation's staff may set it.")
    address: Text(200) = ""


class EnterpriseUpdateIn(ApiSchema):
    """Only the fields sent change; `union: null` unlinks the enterprise from its union."""

    model_config = ConfigDict(extra="forbid")

    name: Text(200) = None
    uscc: Text(40) = None
    industry: Industry = None
    town: Id = None
    union: Id | None = None
    headcount: int = Field(None, ge=0, le=MAX_HEADCOUNT)
    above_scale: bool = None
    top100: bool = Field(None, description="Only the district federation's staff may change it.")
    address: Text(200) = None


def enterprise_out(e):
    return {"id": e.pk, "name": e.name, "uscc": e.uscc, "industry": e.industry, "headcount": e.headcount,
            "above_scale": e.above_scale, "top100": e.top100, "address": e.address, "town": ref(e.town),
            "union": ref(e.union)}


def _enterprise_towns(user):
    # A union chair registers the enterprises of their union, which sit in the town above it.
    return selectors.enterprise_towns(user, "orgs.view")


@router.get("/enterprises", response={200: EnterprisePage, **READ_ERRORS}, tags=["enterprises"],
            summary="List enterprises")
def list_enterprises(request, filters: Query[EnterpriseFilters]):
    """Enterprises in the caller's subtree, ordered by id."""
    qs = selectors.search_enterprises(request.auth, q=filters.q or "", industry=filters.industry or "",
                                      above_scale=filters.above_scale, has_union=filters.has_union,
                                      top100=filters.top100)
    if filters.town is not None:
        qs = qs.filter(town_id=filters.town)
    return paginate(qs, filters, row=enterprise_out, descending=False)


@router.get("/enterprises/{enterprise_id}", response={200: EnterpriseOut, **READ_ERRORS}, tags=["enterprises"],
            summary="Get an enterprise")
def get_enterprise(request, enterprise_id: Id):
    return enterprise_out(get_visible(Enterprise.objects.select_related("town", "union"), request.auth,
                                      enterprise_id))


@router.post("/enterprises", response={201: EnterpriseOut, **WRITE_ERRORS}, tags=["enterprises"],
             summary="Register an enterprise")
def create_enterprise(request, payload: EnterpriseCreateIn):
    user = request.auth
    town = resolve(_enterprise_towns(user), payload.town, field="town")
    union = resolve(selectors.visible_orgs(user), payload.union, field="union")
    enterprise = services.create_enterprise(
        actor=user, town=town, union=union, name=payload.name, uscc=payload.uscc, industry=payload.industry,
        headcount=payload.headcount, above_scale=payload.above_scale, address=payload.address,
        top100=payload.top100)
    return Status(201, enterprise_out(enterprise))


@router.patch("/enterprises/{enterprise_id}", response={200: EnterpriseOut, **WRITE_ERRORS},
              tags=["enterprises"], summary="Update an enterprise")
def update_enterprise(request, enterprise_id: Id, payload: EnterpriseUpdateIn):
    user = request.auth
    enterprise = get_visible(Enterprise.objects, user, enterprise_id)
    fields = payload.model_dump(exclude_unset=True)
    if "town" in fields:
        fields["town"] = resolve(_enterprise_towns(user), fields["town"], field="town")
    if "union" in fields:
        fields["union"] = resolve(selectors.visible_orgs(user), fields["union"], field="union")
    enterprise = services.update_enterprise(actor=user, enterprise=enterprise, **fields)
    return enterprise_out(Enterprise.objects.select_related("town", "union").get(pk=enterprise.pk))
