"""/hardship-files: 困难职工 files, their household, incomes, costs, workflow and help records.

- Sensitive data (cause, household, incomes, costs and the figures computed from them) is never in
  the list or the record: those fields are null and `masked` is true. `POST
  /hardship-files/{id}/reveal` returns them to a caller with `welfare.reveal_hardship` in the
  file's union's subtree (403 otherwise) and is audited each time.
- Reads go through the selectors (scope: the file's union's subtree); a file outside the
  caller's scope answers 404 like a missing one; a union or person named in a body the caller
  cannot use is 400 `unknown_reference` on that field.
- Workflow actions (`POST /hardship-files/{id}/<action>`: household, incomes, costs, submit,
  review, yearly-review, exit, help-records) each call one service. A rule that refuses the step
  answers 400 with its code and field; a step the status does not allow 400 `wrong_stage`.
- Lists: keyset pagination, newest first: `?after=<next_after>&limit=1..200`.
"""

import datetime
from decimal import Decimal

from ninja import Field, Header, Query, Router
from pydantic import ConfigDict

from gonghui.core.api_support import (
    IDEMPOTENCY_HEADER_DOC,
    READ_ERRORS,
    WRITE_ERRORS,
    ApiSchema,
    Id,
    PageMeta,
    PageParams,
    Ref,
    Text,
    idempotent,
    not_found,
    paginate,
    ref,
    resolve,
    workflow_actions,
)
from gonghui.core.policies import require
from gonghui.orgs.models import Org

from .models.hardship import CostKind, ExitReason, HardshipCategory, HardshipStatus, HelpKind, IncomeKind, Relation
from .policies import hardship as policies
from .selectors import hardship as selectors
from .services import hardship as services

router = Router(tags=["hardship-files"])


class PersonRef(ApiSchema):
    id: int
    name: str
    id_number_masked: str


class FileRow(ApiSchema):
    id: int
    number: str
    org: Ref = Field(description="The union keeping the file.")
    person: PersonRef
    status: HardshipStatus
    category: str = Field(description="HardshipCategory (DEEP / RELATIVE / ACCIDENT) once on file; empty before.")
    accepted_on: datetime.date | None
    review_due_on: datetime.date | None
    exited_on: datetime.date | None
    exit_kind: str


class FilePage(PageMeta):
    items: list[FileRow]


class HelpOut(ApiSchema):
    id: int
    kind: HelpKind
    source_label: str
    org: Ref
    amount: Decimal
    goods: str
    given_on: datetime.date


class ActionsOut(ApiSchema):
    edit: bool
    submit: bool
    review: bool
    yearly: bool
    exit: bool
    help: bool
    reveal: bool


class MaskedLineOut(ApiSchema):
    part: str = Field(description="household / income / cost")
    id: int
    kind: str = Field(description="The relation (household) or the IncomeKind / CostKind code; no name, amount "
                                  "or note.")


class FileDetail(FileRow):
    masked: bool = Field(description="Always true here: see POST /hardship-files/{id}/reveal.")
    lines: list[MaskedLineOut] = Field(default_factory=list, description=(
        "For a user who may edit the file: its lines without names, amounts or notes (union staff, who add "
        "lines without the reveal right, see what they entered)."))
    computed_category: str = Field(description="What the calculator says on the current lines (empty: not in "
                                               "hardship).")
    help_records: list[HelpOut]
    actions: ActionsOut


class MemberOut(ApiSchema):
    id: int
    name: str
    relation: Relation
    birth_year: int
    health: str
    work: str


class LineOut(ApiSchema):
    id: int
    kind: str
    annual_amount: Decimal
    note: str


class RevealedOut(ApiSchema):
    reason: str
    household_size: int
    annual_income: Decimal
    annual_rigid_costs: Decimal
    annual_unexpected_costs: Decimal
    per_capita_monthly: Decimal | None
    household: list[MemberOut]
    incomes: list[LineOut]
    costs: list[LineOut]


class FiltersIn(PageParams):
    org: Id | None = Field(None, description="Only this town's or union's subtree.")
    status: HardshipStatus | None = None
    category: HardshipCategory | None = None
    year: int | None = Field(None, ge=2000, le=2100, description="Accepted on file in this year.")
    due: str | None = Field(None, pattern="^(overdue|soon)$", description="Yearly review overdue / due soon.")
    q: Text(60) | None = Field(None, description="Start of the worker's name or file number, or part of the union "
                                                 "name.")


class CreateIn(ApiSchema):
    model_config = ConfigDict(extra="forbid")

    org: Id = Field(description="The grassroots union; the worker is one of its live members.")
    person: Id
    reason: Text(2000)
    health: Text(100) = ""
    work: Text(100) = ""


class MemberIn(ApiSchema):
    model_config = ConfigDict(extra="forbid")

    name: Text(40)
    relation: Relation
    birth_year: int = Field(ge=1900, le=2100)
    health: Text(100) = ""
    work: Text(100) = ""


class IncomeIn(ApiSchema):
    model_config = ConfigDict(extra="forbid")

    kind: IncomeKind
    annual_amount: Decimal = Field(gt=0, max_digits=10, decimal_places=2)
    note: Text(200) = ""


class CostIn(ApiSchema):
    model_config = ConfigDict(extra="forbid")

    kind: CostKind
    annual_amount: Decimal = Field(gt=0, max_digits=10, decimal_places=2)
    note: Text(200) = ""


class EmptyIn(ApiSchema):
    model_config = ConfigDict(extra="forbid")


class ReviewIn(ApiSchema):
    model_config = ConfigDict(extra="forbid")

    decision: str = Field(pattern="^(ACCEPTED|REJECTED|RETURNED)$")
    note: Text(400) = Field("", description="Required to reject or return.")
    reviewed_on: datetime.date | None = Field(None, description="Default: today.")


class YearlyIn(ApiSchema):
    model_config = ConfigDict(extra="forbid")

    note: Text(400) = ""
    reviewed_on: datetime.date | None = Field(None, description="Default: today.")


class ExitIn(ApiSchema):
    model_config = ConfigDict(extra="forbid")

    kind: ExitReason
    note: Text(400) = ""
    exited_on: datetime.date | None = Field(None, description="Default: today.")


class HelpIn(ApiSchema):
    model_config = ConfigDict(extra="forbid")

    kind: str = Field(pattern="^(VISIT|OTHER)$")
    given_on: datetime.date
    amount: Decimal = Field(Decimal("0"), ge=0, max_digits=10, decimal_places=2)
    goods: Text(200) = ""
    note: Text(80)


def row(f):
    return {"id": f.pk, "number": f.number, "org": ref(f.org),
            "person": {"id": f.person.pk, "name": f.person.name, "id_number_masked": f.person.id_number_masked},
            "status": f.status, "category": f.category, "accepted_on": f.accepted_on,
            "review_due_on": f.review_due_on, "exited_on": f.exited_on, "exit_kind": f.exit_kind}


def help_row(h):
    return {"id": h.pk, "kind": h.kind, "source_label": h.source_label, "org": ref(h.org), "amount": h.amount,
            "goods": h.goods, "given_on": h.given_on}


def detail(user, f):
    f = selectors.file_rows().get(pk=f.pk)
    actions = policies.file_actions(user, f)
    return {**row(f), "masked": True, "computed_category": f.computed_category,
            "help_records": [help_row(h) for h in selectors.help_records_of(f.person)[:200]],
            "actions": vars(actions), "lines": _masked_lines(f) if actions.edit else []}


def _masked_lines(f):
    parts = (("household", f.household, "relation"), ("income", f.incomes, "kind"), ("cost", f.costs, "kind"))
    return [{"part": part, "id": pk, "kind": k} for part, lines, column in parts
            for pk, k in lines.order_by("pk").values_list("pk", column)]


def _load(user, file_id):
    f = selectors.files(user).select_related("org", "person").filter(pk=file_id).first()
    if f is None:
        raise not_found()
    return f


@router.get("/hardship-files", response={200: FilePage, **READ_ERRORS}, summary="List hardship files (masked)")
def list_files(request, filters: Query[FiltersIn]):
    user = request.auth
    require(user, policies.VIEW)
    org = None
    if filters.org is not None:
        org = Org.objects.visible_to(user, policies.VIEW).filter(pk=filters.org).first()
    qs = selectors.filtered_files(user, selectors.FileFilters(
        q=filters.q or "", org=org, status=filters.status or "", category=filters.category or "",
        year=filters.year, due=filters.due or ""))
    if filters.org is not None and org is None:
        qs = qs.none()
    return paginate(qs, filters, row=row, load=selectors.file_rows())


@router.get("/hardship-files/{file_id}", response={200: FileDetail, **READ_ERRORS},
            summary="Get a hardship file (masked) with its help records")
def get_file(request, file_id: Id):
    user = request.auth
    return detail(user, _load(user, file_id))


@router.post("/hardship-files/{file_id}/reveal", response={200: RevealedOut, **WRITE_ERRORS},
             summary="Reveal a hardship file's household, incomes, costs and cause (audited)")
def reveal_file(request, file_id: Id):
    """Needs `welfare.reveal_hardship` (town cadres, union chairs, district); every call is audited."""
    user = request.auth
    f = _load(user, file_id)
    v = services.reveal_file(actor=user, file=f)
    return {**{k: v[k] for k in ("reason", "household_size", "annual_income", "annual_rigid_costs",
                                 "annual_unexpected_costs", "per_capita_monthly")},
            "household": [{"id": m.pk, "name": m.name, "relation": m.relation, "birth_year": m.birth_year,
                           "health": m.health, "work": m.work} for m in v["household"]],
            "incomes": [{"id": x.pk, "kind": x.kind, "annual_amount": x.annual_amount, "note": x.note}
                        for x in v["incomes"]],
            "costs": [{"id": x.pk, "kind": x.kind, "annual_amount": x.annual_amount, "note": x.note}
                      for x in v["costs"]]}


@router.get("/hardship-files/{file_id}/help-records", response={200: list[HelpOut], **READ_ERRORS},
            summary="The help records of a file's worker")
def list_help(request, file_id: Id):
    f = _load(request.auth, file_id)
    return [help_row(h) for h in selectors.help_records_of(f.person)[:500]]


@router.post("/hardship-files", response={201: FileDetail, **WRITE_ERRORS}, summary="Open a hardship file (draft)")
def create_file(request, payload: CreateIn,
                idempotency_key: str | None = Header(None, alias="Idempotency-Key",
                                                     description=IDEMPOTENCY_HEADER_DOC)):
    user = request.auth

    def run():
        from gonghui.members.models import Person

        org = resolve(Org.objects.visible_to(user, policies.VIEW), payload.org, field="org")
        require(user, policies.CHANGE, org)
        person = resolve(Person.objects.visible_to(user), payload.person, field="person")
        f = services.create_file(actor=user, org=org, person=person, reason=payload.reason, health=payload.health,
                                 work=payload.work)
        return 201, detail(user, f)

    return idempotent(request, idempotency_key, payload, run, schema=FileDetail)


_action = workflow_actions(router, path="/hardship-files", id_param="file_id", load=_load, render=detail,
                           response=FileDetail, operation_prefix="hardship_file")


@_action("household", "Add a household member", MemberIn)
def household(user, f, p):
    services.add_household_member(actor=user, file=f, name=p.name, relation=p.relation, birth_year=p.birth_year,
                                  health=p.health, work=p.work)


@_action("incomes", "Add an income line", IncomeIn)
def incomes(user, f, p):
    services.add_income(actor=user, file=f, kind=p.kind, annual_amount=p.annual_amount, note=p.note)


@_action("costs", "Add a cost line (rigid or unexpected)", CostIn)
def costs(user, f, p):
    services.add_cost(actor=user, file=f, kind=p.kind, annual_amount=p.annual_amount, note=p.note)


@_action("submit", "Submit a draft to the town", EmptyIn)
def submit(user, f, p):
    """400 `not_eligible` when the calculator finds no category, `no_household` without persons."""
    services.submit_file(actor=user, file=f)


@_action("review", "The town's decision: accept, reject or return", ReviewIn)
def review(user, f, p):
    services.review_file(actor=user, file=f, decision=p.decision, note=p.note, reviewed_on=p.reviewed_on)


@_action("yearly-review", "Yearly review: kept on file or exited when no longer eligible", YearlyIn)
def yearly(user, f, p):
    services.yearly_review(actor=user, file=f, note=p.note, reviewed_on=p.reviewed_on)


@_action("exit", "Exit a file on record", ExitIn)
def exit_(user, f, p):
    services.exit_file(actor=user, file=f, kind=p.kind, note=p.note, exited_on=p.exited_on)


@_action("help-records", "Add a visit or other help record", HelpIn)
def help_records(user, f, p):
    services.add_help(actor=user, file=f, kind=p.kind, given_on=p.given_on, amount=p.amount, goods=p.goods,
                      note=p.note)
