"""/model-workers: the model-worker registry (劳模) with titles and care records.

- Reads go through the selectors (scope: the entry's union subtree). An entry outside the caller's
  scope answers 404 like a missing one; a person or union named in a body the caller cannot use
  is 400 `unknown_reference` on that field.
- `POST /model-workers` registers a person with a title entered by hand (`honours.register`);
  `POST /model-workers/{id}/titles` adds a title, `/care` a health check, visit or subsidy
  (`honours.change`), `/care/{care_id}/remove` removes one entered in error (`honours.register`).
  Creating POSTs take an `Idempotency-Key`.
- Story: `/story` (edit, `honours.change`), `/publish-story`, `/withdraw-story` (`honours.register`);
  `GET /model-workers/stories` lists the published stories (what the publicity module will read).
- A rule that refuses answers 400 with its code and field; a step the state does not allow
  (publishing a published story) 409 `wrong_stage`.
- Lists: keyset pagination, newest first: `?after=<next_after>&limit=1..200`; counts are capped.
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
from gonghui.members.models import Person
from gonghui.orgs.models import Org

from .models.modelworkers import ModelWorker, ModelWorkerCare, ModelWorkerCareKind, ModelWorkerLevel
from .policies import modelworkers as policies
from .selectors import modelworkers as selectors
from .services import modelworkers as services

router = Router(tags=["model-workers"])


# --- schemas ----------------------------------------------------------------------------------------

class WorkerRow(ApiSchema):
    id: int
    person: Ref
    org: Ref = Field(description="The union that looks after the model worker.")
    level: ModelWorkerLevel = Field(description="The highest level of title held.")
    year: int = Field(description="The year of that title.")
    title_count: int
    last_health_check: datetime.date | None
    last_visit: datetime.date | None
    subsidy_total: Decimal = Field(description="Subsidies paid this calendar year, yuan.")
    story_published: bool


class WorkerPage(PageMeta):
    items: list[WorkerRow]


class TitleOut(ApiSchema):
    id: int
    level: ModelWorkerLevel
    year: int
    title: str
    conferred_on: datetime.date
    conferred_by: str
    source_key: str = Field(description="The conferring record on the platform (empty when entered by hand).")
    honour_record: int | None


class CareOut(ApiSchema):
    id: int
    kind: ModelWorkerCareKind
    happened_on: datetime.date
    amount: Decimal | None
    description: str
    handled_by: str


class ActionsOut(ApiSchema):
    care: bool
    story: bool
    manage: bool


class WorkerDetail(ApiSchema):
    id: int
    person: Ref
    org: Ref
    level: ModelWorkerLevel
    year: int
    note: str
    story_title: str
    story: str
    story_published: bool
    story_published_on: datetime.date | None
    titles: list[TitleOut]
    care_records: list[CareOut]
    actions: ActionsOut


class StoryRow(ApiSchema):
    id: int
    person_name: str
    org: Ref
    level: ModelWorkerLevel
    story_title: str
    story: str
    story_published_on: datetime.date


class StoryPage(PageMeta):
    items: list[StoryRow]


class FiltersIn(PageParams):
    level: ModelWorkerLevel | None = None
    org: Id | None = Field(None, description="Only entries of this town's or union's subtree.")
    year: int | None = Field(None, ge=1950, le=2100, description="The year of the highest title.")
    q: Text(60) | None = Field(None, description="Part of the name, pinyin initials or a title.")
    care: str | None = Field(None, pattern="^(missing|missing_check|missing_visit)$",
                             description="missing (no health check or no visit this year), missing_check, "
                                         "missing_visit.")
    story: str | None = Field(None, pattern="^(published|draft|none)$")


class TitleIn(ApiSchema):
    model_config = ConfigDict(extra="forbid")

    level: ModelWorkerLevel
    year: int
    title: Text(200)
    conferred_on: datetime.date
    conferred_by: Text(120) = ""


class RegisterIn(TitleIn):
    person: Id = Field(description="The member (members.Person id).")
    org: Id = Field(description="The union that looks after them (the person is a member in its subtree).")


class CareIn(ApiSchema):
    model_config = ConfigDict(extra="forbid")

    kind: ModelWorkerCareKind
    happened_on: datetime.date
    amount: Decimal | None = Field(None, description="Yuan; required for a subsidy, empty otherwise.")
    description: Text(400) = Field("", description="Required for a visit.")
    handled_by: Text(120) = ""


class StoryIn(ApiSchema):
    model_config = ConfigDict(extra="forbid")

    story_title: Text(120) = ""
    story: str = Field("", max_length=8000)


class EditIn(ApiSchema):
    model_config = ConfigDict(extra="forbid")

    org: Id
    note: Text(400) = ""


class EmptyIn(ApiSchema):
    model_config = ConfigDict(extra="forbid")


# --- output -------------------------------------------------------------------------------------------

def worker_row(w):
    return {"id": w.pk, "person": ref(w.person), "org": ref(w.org), "level": w.level, "year": w.year,
            "title_count": w.title_count, "last_health_check": w.last_health_check, "last_visit": w.last_visit,
            "subsidy_total": w.subsidy_total or Decimal("0"), "story_published": w.story_published}


def worker_out(user, worker):
    w = selectors.worker_detail(worker)
    return {
        "id": w.pk, "person": ref(w.person), "org": ref(w.org), "level": w.level, "year": w.year, "note": w.note,
        "story_title": w.story_title, "story": w.story, "story_published": w.story_published,
        "story_published_on": w.story_published_on,
        "titles": [{"id": t.pk, "level": t.level, "year": t.year, "title": t.title, "conferred_on": t.conferred_on,
                    "conferred_by": t.conferred_by, "source_key": t.source_key, "honour_record": t.honour_record_id}
                   for t in w.titles.all()],
        "care_records": [{"id": c.pk, "kind": c.kind, "happened_on": c.happened_on, "amount": c.amount,
                          "description": c.description, "handled_by": c.handled_by} for c in w.care_records.all()],
        "actions": vars(policies.worker_actions(user, w)),
    }


def _worker(user, worker_id):
    w = selectors.workers(user).select_related("org", "person").filter(pk=worker_id).first()
    if w is None:
        raise not_found()
    return w


# --- reads ---------------------------------------------------------------------------------------------

@router.get("/model-workers", response={200: WorkerPage, **READ_ERRORS}, summary="List the model-worker registry")
def list_workers(request, filters: Query[FiltersIn]):
    user = request.auth
    org = None
    if filters.org is not None:
        org = Org.objects.visible_to(user, policies.VIEW).filter(pk=filters.org).first()
    on = selectors.today()
    qs = selectors.filtered(user, selectors.WorkerFilters(
        q=filters.q or "", org=org, level=filters.level or "", year=filters.year, care=filters.care or "",
        story=filters.story or ""), on=on)
    if filters.org is not None and org is None:
        qs = qs.none()
    return paginate(qs, filters, row=worker_row, load=selectors.page_rows(on.year))


@router.get("/model-workers/stories", response={200: StoryPage, **READ_ERRORS},
            summary="List the published advanced-model stories")
def list_stories(request, filters: Query[PageParams]):
    """Every published story, for any signed-in user (what the publicity module will read)."""
    qs = ModelWorker.objects.filter(story_published=True).select_related("person", "org")
    return paginate(qs, filters, row=lambda w: {
        "id": w.pk, "person_name": w.person.name, "org": ref(w.org), "level": w.level, "story_title": w.story_title,
        "story": w.story, "story_published_on": w.story_published_on})


@router.get("/model-workers/{worker_id}", response={200: WorkerDetail, **READ_ERRORS},
            summary="Get a model worker with titles and care records")
def get_worker(request, worker_id: Id):
    user = request.auth
    return worker_out(user, _worker(user, worker_id))


# --- writes ----------------------------------------------------------------------------------------------

@router.post("/model-workers", response={201: WorkerDetail, **WRITE_ERRORS},
             summary="Register a model worker with a title entered by hand")
def create_worker(request, payload: RegisterIn,
                  idempotency_key: str | None = Header(None, alias="Idempotency-Key",
                                                       description=IDEMPOTENCY_HEADER_DOC)):
    """For a title conferred outside the platform. A person already in the registry gets the
    title added to their entry."""
    user = request.auth

    def run():
        org = resolve(Org.objects.visible_to(user, policies.VIEW), payload.org, field="org")
        person = resolve(Person.objects.visible_to(user), payload.person, field="person")
        title = services.enter_title(actor=user, person=person, org=org, level=payload.level, year=payload.year,
                                     title=payload.title, conferred_on=payload.conferred_on,
                                     conferred_by=payload.conferred_by)
        return 201, worker_out(user, title.worker)

    return idempotent(request, idempotency_key, payload, run, schema=WorkerDetail)


@router.post("/model-workers/{worker_id}/titles", response={201: WorkerDetail, **WRITE_ERRORS},
             summary="Add a title entered by hand", operation_id="model_worker_title_add")
def add_title(request, worker_id: Id, payload: TitleIn,
              idempotency_key: str | None = Header(None, alias="Idempotency-Key",
                                                   description=IDEMPOTENCY_HEADER_DOC)):
    user = request.auth
    w = _worker(user, worker_id)

    def run():
        services.enter_title(actor=user, person=w.person, org=w.org, level=payload.level, year=payload.year,
                             title=payload.title, conferred_on=payload.conferred_on,
                             conferred_by=payload.conferred_by)
        return 201, worker_out(user, w)

    return idempotent(request, idempotency_key, payload, run, schema=WorkerDetail)


@router.post("/model-workers/{worker_id}/care", response={201: WorkerDetail, **WRITE_ERRORS},
             summary="Record a health check, visit or subsidy", operation_id="model_worker_care_add")
def add_care(request, worker_id: Id, payload: CareIn,
             idempotency_key: str | None = Header(None, alias="Idempotency-Key",
                                                  description=IDEMPOTENCY_HEADER_DOC)):
    user = request.auth
    w = _worker(user, worker_id)

    def run():
        services.add_care(actor=user, worker=w, kind=payload.kind, happened_on=payload.happened_on,
                          amount=payload.amount, description=payload.description, handled_by=payload.handled_by)
        return 201, worker_out(user, w)

    return idempotent(request, idempotency_key, payload, run, schema=WorkerDetail)


@router.post("/model-workers/{worker_id}/care/{care_id}/remove", response={200: WorkerDetail, **WRITE_ERRORS},
             summary="Remove a care record entered in error", operation_id="model_worker_care_remove")
def remove_care(request, worker_id: Id, care_id: Id):
    user = request.auth
    w = _worker(user, worker_id)
    care = ModelWorkerCare.objects.filter(pk=care_id, worker=w).first()
    if care is None:
        raise not_found()
    services.remove_care(actor=user, care=care)
    return worker_out(user, w)


_action = workflow_actions(router, path="/model-workers", id_param="worker_id", load=_worker, render=worker_out,
                           response=WorkerDetail, operation_prefix="model_worker")


@_action("story", "Edit the story (a published story stays published)", StoryIn)
def story(user, w, p):
    services.save_story(actor=user, worker=w, story_title=p.story_title, story=p.story)


@_action("publish-story", "Publish the story", EmptyIn)
def publish_story(user, w, p):
    services.publish_story(actor=user, worker=w)


@_action("withdraw-story", "Withdraw the published story", EmptyIn)
def withdraw_story(user, w, p):
    services.withdraw_story(actor=user, worker=w)


@_action("edit", "Move the entry to another union or change its note", EditIn)
def edit(user, w, p):
    org = resolve(Org.objects.visible_to(user, policies.VIEW), p.org, field="org")
    services.update_worker(actor=user, worker=w, org=org, note=p.note)
