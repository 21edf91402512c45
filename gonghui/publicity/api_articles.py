"""/articles: news and announcements.

- Cadres (`publicity.view`): the articles published by the orgs of their subtree, with filters;
  out of scope = 404. Writes (`publicity.change` on the publisher): `POST /articles` (a draft),
  `POST /articles/{id}/update`, `/publish` (now, or `publish_at` in the future: scheduled),
  `/withdraw`, `/pin`, `/unpin`. The body is sanitised by the same service as the pages.
- Members: `GET /articles?feed=mine` — the live articles addressed to their unions, pinned first
  (no role needed; a login without a registry person gets an empty feed); `GET /articles/{id}`
  also answers a member for an article of their feed (and counts the read once).
- Lists: keyset pagination, newest first: `?after=<next_after>&limit=1..200`.
"""

import datetime

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
from gonghui.members.selectors import person_of_account
from gonghui.orgs.models import Org

from .models.articles import Article, ArticleCategory, ArticleStatus
from .policies import articles as policies
from .selectors import articles as selectors
from .services import articles as services

router = Router(tags=["publicity-articles"])


class ArticleRow(ApiSchema):
    id: int
    title: str
    category: ArticleCategory
    summary: str
    org: Ref = Field(description="The publisher.")
    scope_org: Ref = Field(description="The audience: members whose union is in this org's subtree.")
    status: ArticleStatus = Field(description="As readers see it: a SCHEDULED article whose time has passed is "
                                              "PUBLISHED.")
    publish_at: datetime.datetime | None
    pinned: bool
    read_count: int


class ArticlePage(PageMeta):
    items: list[ArticleRow]


class ArticleDetail(ArticleRow):
    body: str = Field(description="Sanitised HTML (safe to render).")
    cover_image_id: int | None
    image_ids: list[int]
    model_worker_id: int | None
    withdraw_reason: str
    steps: list[str] = Field(description="The workflow steps the caller may take now.")


class FiltersIn(PageParams):
    feed: str | None = Field(None, pattern="^mine$", description="`mine`: the member's own news feed.")
    org: Id | None = Field(None, description="Only this publisher's subtree.")
    category: ArticleCategory | None = None
    status: ArticleStatus | None = None
    pinned: bool | None = None
    q: Text(60) | None = Field(None, description="Part of the title or summary.")


class ArticleIn(ApiSchema):
    model_config = ConfigDict(extra="forbid")

    title: Text(120)
    category: ArticleCategory
    summary: Text(300) = ""
    body: str = Field(max_length=200_000, description="HTML; sanitised before it is stored.")
    scope_org: Id | None = Field(None, description="Default: the publisher.")
    model_worker: Id | None = None
    person: Id | None = None
    pinned: bool = False


class CreateIn(ArticleIn):
    org: Id = Field(description="The publisher (district, town or union).")


class PublishIn(ApiSchema):
    model_config = ConfigDict(extra="forbid")

    publish_at: datetime.datetime | None = Field(None, description="Empty or past: now. Future: scheduled.")


class WithdrawIn(ApiSchema):
    model_config = ConfigDict(extra="forbid")

    reason: Text(400)


class EmptyIn(ApiSchema):
    model_config = ConfigDict(extra="forbid")


def row(a):
    return {"id": a.pk, "title": a.title, "category": a.category, "summary": a.summary, "org": ref(a.org),
            "scope_org": ref(a.scope_org), "status": selectors.shown_status(a), "publish_at": a.publish_at,
            "pinned": a.pinned, "read_count": a.read_count}


def detail(user, a):
    a = selectors.article_rows().get(pk=a.pk)
    return {**row(a), "body": a.body, "cover_image_id": a.cover_id,
            "image_ids": list(a.images.order_by("pk").values_list("pk", flat=True)),
            "model_worker_id": a.model_worker_id, "withdraw_reason": a.withdraw_reason,
            "steps": list(policies.steps_for(user, a))}


def _load(user, article_id):
    a = selectors.articles(user).select_related("org", "scope_org").filter(pk=article_id).first()
    if a is None:
        raise not_found()
    return a


def _data(user, p, publisher):
    """The service's input; every id of the body is resolved inside the caller's reach — the
    audience inside the publisher's subtree — so an org, model worker or person out of reach is
    the same 400 `unknown_reference` as a missing one (nothing to probe)."""
    from gonghui.honours.models import ModelWorker
    from gonghui.members.models import Person

    audiences = Org.objects.filter(is_active=True, path__startswith=publisher.path)
    return {"title": p.title, "category": p.category, "summary": p.summary, "body": p.body,
            "scope_org": resolve(audiences, p.scope_org, field="scope_org") if p.scope_org else None,
            "model_worker": resolve(ModelWorker.objects.visible_to(user, "honours.view"), p.model_worker,
                                    field="model_worker") if p.model_worker else None,
            "person": resolve(Person.objects.visible_to(user), p.person, field="person") if p.person else None,
            "pinned": p.pinned}


@router.get("/articles", response={200: ArticlePage, **READ_ERRORS}, summary="List articles (cadres) or my feed")
def list_articles(request, filters: Query[FiltersIn]):
    user = request.auth
    if filters.feed == "mine":
        person = person_of_account(user)
        qs = selectors.news_for(person, category=filters.category or "") if person else Article.objects.none()
        return paginate(qs, filters, row=row, load=selectors.article_rows())
    require(user, policies.VIEW)
    org = None
    if filters.org is not None:
        org = Org.objects.visible_to(user, policies.VIEW).filter(pk=filters.org).first()
    qs = selectors.filtered_articles(user, selectors.ArticleFilters(
        q=filters.q or "", org=org, category=filters.category or "", status=filters.status or "",
        pinned=bool(filters.pinned)))
    if filters.org is not None and org is None:
        qs = qs.none()
    return paginate(qs, filters, row=row, load=selectors.article_rows())


@router.get("/articles/{article_id}", response={200: ArticleDetail, **READ_ERRORS}, summary="Get an article")
def get_article(request, article_id: Id):
    user = request.auth
    a = selectors.articles(user).filter(pk=article_id).first()
    if a is None:
        person = person_of_account(user)
        a = selectors.news_item(person, article_id) if person else None
        if a is None:
            raise not_found()
        services.record_read(user=user, article=a)
    return detail(user, a)


@router.post("/articles", response={201: ArticleDetail, **WRITE_ERRORS}, summary="Write an article (draft)")
def create_article(request, payload: CreateIn,
                   idempotency_key: str | None = Header(None, alias="Idempotency-Key",
                                                        description=IDEMPOTENCY_HEADER_DOC)):
    user = request.auth

    def run():
        org = resolve(Org.objects.visible_to(user, policies.VIEW), payload.org, field="org")
        require(user, policies.CHANGE, org)
        a = services.create_article(actor=user, org=org, data=_data(user, payload, org))
        return 201, detail(user, a)

    return idempotent(request, idempotency_key, payload, run, schema=ArticleDetail)


_action = workflow_actions(router, path="/articles", id_param="article_id", load=_load, render=detail,
                           response=ArticleDetail, operation_prefix="article")


@_action("update", "Change an article (draft, scheduled or published)", ArticleIn)
def update(user, a, p):
    services.update_article(actor=user, article=a, data=_data(user, p, a.org))


@_action("publish", "Publish now or schedule", PublishIn)
def publish(user, a, p):
    services.publish(actor=user, article=a, publish_at=p.publish_at)


@_action("withdraw", "Withdraw an article (with a reason)", WithdrawIn)
def withdraw(user, a, p):
    services.withdraw(actor=user, article=a, reason=p.reason)


@_action("pin", "Pin to the top of the members' news", EmptyIn)
def pin(user, a, p):
    services.set_pinned(actor=user, article=a, pinned=True)


@_action("unpin", "Unpin", EmptyIn)
def unpin(user, a, p):
    services.set_pinned(actor=user, article=a, pinned=False)
