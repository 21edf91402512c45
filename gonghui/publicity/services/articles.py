"""Every write of articles. Atomic, checked (`require`), locked, validated, audited
(`publicity.article_*`).

The body is sanitised here, on every save (page and API alike), with nh3 (ammonia): an
allowlist of tags and attributes; `<script>`, `<style>`, `<iframe>`, `<svg>`, `<object>` are
dropped with their content, every `on*` handler and `style` attribute is dropped, links keep
only http/https/mailto or relative URLs (no `javascript:`, no `data:`), and an `<img>` keeps its
`src` only when it is one of this platform's article image URLs (no outside trackers, no data:
URLs). The clean HTML is what is stored, so pages render it as it is.

Publishing: `publish` with no time (or a time already past) publishes now; with a future time
the article is SCHEDULED and `publish_due` (the beat task, every few minutes) flips it to
PUBLISHED with `published_at = publish_at`. Lists already read a due SCHEDULED article as
published, so readers never wait for the task. `publish_due` is idempotent.

Reads: `record_read` inserts one (article, user) row; only the first read of a user raises the
article's `read_count` (a unique constraint settles concurrent first reads).
"""

import datetime
import re
import tempfile
import uuid

import nh3
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from gonghui.core import audit
from gonghui.core.errors import DomainError
from gonghui.core.locking import lock_one
from gonghui.core.policies import require
from gonghui.core.uploads import validate_document
from gonghui.orgs.models import OrgLevel

from ..models.articles import Article, ArticleCategory, ArticleImage, ArticleRead, ArticleStatus
from ..policies.articles import CHANGE, EDITABLE, EXPORT, STEPS
from ..rules.articles import rules

FIELDS = ["title", "category", "summary", "body", "scope_org", "model_worker", "person", "cover", "status",
          "publish_at", "published_at", "withdrawn_at", "withdraw_reason", "pinned"]

ALLOWED_TAGS = {"p", "br", "hr", "strong", "b", "em", "i", "u", "s", "h2", "h3", "h4", "ul", "ol", "li",
                "blockquote", "a", "img", "figure", "figcaption", "table", "thead", "tbody", "tr", "th", "td",
                "span", "sub", "sup"}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "title", "width", "height"},
                      "th": {"colspan", "rowspan"}, "td": {"colspan", "rowspan"}}
URL_SCHEMES = {"http", "https", "mailto"}
# Dropped with everything inside them (the others keep their text when their tag goes).
DROPPED_WITH_CONTENT = {"script", "style", "iframe", "svg", "math", "object", "embed", "noscript", "template",
                        "textarea", "select", "frame", "frameset", "applet"}
# Set by us (any class the author wrote is replaced): images shrink to the phone's width, tables
# look like the platform's.
SET_ATTRIBUTES = {"img": {"class": "img-fluid"}, "table": {"class": "table table-sm table-bordered"}}
OWN_IMAGE = re.compile(r"^/publicity/articles/\d+/images/\d+/$")


def now():
    return timezone.now()


def _snap(x):
    return audit.snapshot(x, fields=FIELDS)


def _attribute_filter(tag, attr, value):
    """Keep an image's `src` only when it points at one of our article images."""
    if tag == "img" and attr == "src":
        return value if OWN_IMAGE.match(value or "") else None
    if attr in ("width", "height"):
        return value if (value or "").isdigit() and len(value) <= 4 else None
    return value


def sanitize_html(html: str) -> str:
    """The body as it may be stored and rendered: see the module's docstring."""
    return nh3.clean(html or "", tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, url_schemes=URL_SCHEMES,
                     clean_content_tags=DROPPED_WITH_CONTENT, attribute_filter=_attribute_filter,
                     set_tag_attribute_values=SET_ATTRIBUTES,
                     link_rel="noopener noreferrer nofollow", strip_comments=True).strip()


def _in_subtree(org, root) -> bool:
    return org is not None and root is not None and org.path.startswith(root.path)


def clean_article_data(data: dict, *, org) -> dict:
    """Check the article's fields (a dict as the form or the API gives them); DomainError naming
    the field otherwise. `body` comes back sanitised."""
    title = (data.get("title") or "").strip()
    if not title:
        raise DomainError(_("Enter the article's title."), code="required", field="title")
    if len(title) > 120:
        raise DomainError(pgettext("article", "The title is longer than %(n)s characters.") % {"n": 120},
                          code="too_long", field="title")
    category = data.get("category")
    if category not in ArticleCategory.values:
        raise DomainError(_("Choose the article's category."), code="invalid", field="category")
    summary = (data.get("summary") or "").strip()
    if len(summary) > 300:
        raise DomainError(_("The summary is longer than %(n)s characters.") % {"n": 300}, code="too_long",
                          field="summary")
    body = sanitize_html(data.get("body") or "")
    if not nh3.clean(body, tags=set()).strip() and "<img" not in body:
        raise DomainError(_("Write the article's text."), code="required", field="body")
    if len(body) > rules().body_max_chars:
        raise DomainError(_("The text is longer than %(n)s characters.") % {"n": rules().body_max_chars},
                          code="too_long", field="body")
    scope_org = data.get("scope_org") or org
    if not _in_subtree(scope_org, org):
        raise DomainError(_("An article is published to the publisher's own organisation or one below it."),
                          code="invalid", field="scope_org")
    model_worker, person = data.get("model_worker"), data.get("person")
    if (model_worker or person) and category != ArticleCategory.PROFILE and category != ArticleCategory.MODEL_STORY:
        raise DomainError(_("Only a profile or an advanced-model story names a model worker or a person."),
                          code="invalid", field="model_worker")
    if model_worker is not None and person is None:
        person = model_worker.person
    return {"title": title, "category": category, "summary": summary, "body": body, "scope_org": scope_org,
            "model_worker": model_worker, "person": person, "pinned": bool(data.get("pinned"))}


@transaction.atomic
def create_article(*, actor, org, data: dict) -> Article:
    """A DRAFT article published by `org` (`publicity.change` on it)."""
    if org is None:
        raise DomainError(_("Choose the publisher."), code="required", field="org")
    require(actor, CHANGE, org)
    if org.level == OrgLevel.GROUP or not org.is_active:
        raise DomainError(_("Articles are published by the district, a town or a union."), code="invalid",
                          field="org")
    clean = clean_article_data(data, org=org)
    article = Article.objects.create(org=org, created_by=actor if getattr(actor, "pk", None) else None, **clean)
    audit.record(actor=actor, action="publicity.article_create", obj=article, org=org, after=_snap(article))
    return article


@transaction.atomic
def update_article(*, actor, article, data: dict) -> Article:
    """Edit a draft, scheduled or published article (a withdrawn one is published again first)."""
    require(actor, CHANGE, article.org)
    article = lock_one(Article, article.pk)
    if article.status not in EDITABLE:
        raise DomainError(_("An article that is “%(status)s” cannot be changed.")
                          % {"status": article.get_status_display()}, code="wrong_stage")
    clean = clean_article_data(data, org=article.org)
    cover = data.get("cover", article.cover)
    if cover is not None and cover.article_id != article.pk:
        raise DomainError(_("Choose one of this article's images as the cover."), code="invalid", field="cover")
    before = _snap(article)
    for k, v in clean.items():
        setattr(article, k, v)
    article.cover = cover
    article.save()
    b, a = audit.changed(before, _snap(article))
    if a:
        audit.record(actor=actor, action="publicity.article_update", obj=article, org=article.org, before=b, after=a)
    return article


def _check_step(article, name):
    if name not in STEPS.get(article.status, ()):
        raise DomainError(_("This step is not possible: the article is “%(status)s”.")
                          % {"status": article.get_status_display()}, code="wrong_stage")


@transaction.atomic
def publish(*, actor, article, publish_at=None) -> Article:
    """Publish now (no time, or a time already past), or schedule for a future `publish_at`."""
    require(actor, CHANGE, article.org)
    article = lock_one(Article, article.pk)
    moment = now()
    future = publish_at is not None and publish_at > moment
    _check_step(article, "schedule" if future else "publish")
    if future and publish_at > moment + datetime.timedelta(days=rules().schedule_max_days):
        raise DomainError(_("An article is scheduled at most %(n)s days ahead.") % {"n": rules().schedule_max_days},
                          code="out_of_range", field="publish_at")
    before = _snap(article)
    if future:
        article.status, article.publish_at, article.published_at = ArticleStatus.SCHEDULED, publish_at, None
    else:
        article.status, article.publish_at, article.published_at = ArticleStatus.PUBLISHED, moment, moment
    article.withdrawn_at, article.withdraw_reason = None, ""
    article.save()
    b, a = audit.changed(before, _snap(article))
    audit.record(actor=actor, action="publicity.article_schedule" if future else "publicity.article_publish",
                 obj=article, org=article.org, before=b, after=a)
    return article


@transaction.atomic
def withdraw(*, actor, article, reason="") -> Article:
    require(actor, CHANGE, article.org)
    article = lock_one(Article, article.pk)
    _check_step(article, "withdraw")
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Give the reason for withdrawing the article."), code="required", field="reason")
    if len(reason) > 400:
        raise DomainError(_("The reason is longer than %(n)s characters.") % {"n": 400}, code="too_long",
                          field="reason")
    before = _snap(article)
    article.status, article.withdrawn_at, article.withdraw_reason = ArticleStatus.WITHDRAWN, now(), reason
    article.pinned = False
    article.save()
    b, a = audit.changed(before, _snap(article))
    audit.record(actor=actor, action="publicity.article_withdraw", obj=article, org=article.org, before=b, after=a)
    return article


@transaction.atomic
def set_pinned(*, actor, article, pinned: bool) -> Article:
    require(actor, CHANGE, article.org)
    article = lock_one(Article, article.pk)
    if article.status == ArticleStatus.WITHDRAWN:
        raise DomainError(_("A withdrawn article cannot be pinned."), code="wrong_stage")
    if article.pinned != bool(pinned):
        article.pinned = bool(pinned)
        article.save(update_fields=["pinned", "updated_at"])
        audit.record(actor=actor, action="publicity.article_pin" if pinned else "publicity.article_unpin",
                     obj=article, org=article.org, before={"pinned": not pinned}, after={"pinned": bool(pinned)})
    return article


def publish_due(*, at=None) -> int:
    """The beat task: every SCHEDULED article whose time has come becomes PUBLISHED (published at
    its `publish_at`). Idempotent: a second run finds nothing to do. One transaction per article,
    so one failure does not hold back the others."""
    moment = at or now()
    n = 0
    for pk in list(Article.objects.filter(status=ArticleStatus.SCHEDULED, publish_at__lte=moment)
                   .values_list("pk", flat=True)[:1000]):
        with transaction.atomic():
            article = lock_one(Article, pk)
            if article.status != ArticleStatus.SCHEDULED or article.publish_at > moment:
                continue  # published by hand or rescheduled meanwhile
            article.status, article.published_at = ArticleStatus.PUBLISHED, article.publish_at
            article.save(update_fields=["status", "published_at", "updated_at"])
            audit.record(actor=None, action="publicity.article_publish_scheduled", obj=article, org=article.org,
                         before={"status": ArticleStatus.SCHEDULED}, after={"status": ArticleStatus.PUBLISHED,
                                "published_at": article.published_at.isoformat()})
            n += 1
    return n


# --- images ---------------------------------------------------------------------------------------------

@transaction.atomic
def add_image(*, actor, article, upload, caption="", as_cover=False) -> ArticleImage:
    """An image (JPG or PNG by its content, at most `image_max_bytes`) for the cover or the body."""
    require(actor, CHANGE, article.org)
    article = lock_one(Article, article.pk)
    if article.status not in EDITABLE:
        raise DomainError(_("Images are added to articles that can still be changed."), code="wrong_stage",
                          field="image")
    if upload is None:
        raise DomainError(_("Choose an image to upload."), code="required", field="image")
    try:
        kind = validate_document(upload, max_bytes=rules().image_max_bytes, kinds=("jpeg", "png"))
    except ValidationError as exc:
        raise DomainError(exc.messages[0], code=exc.code or "invalid", field="image") from exc
    if ArticleImage.objects.filter(article=article).count() >= rules().images_per_article:
        raise DomainError(_("An article has at most %(n)s images.") % {"n": rules().images_per_article},
                          code="too_many", field="image")
    caption = (caption or "").strip()
    if len(caption) > 120:
        raise DomainError(_("The caption is longer than %(n)s characters.") % {"n": 120}, code="too_long",
                          field="caption")
    upload.name = f"{uuid.uuid4().hex}.{'jpg' if kind == 'jpeg' else 'png'}"
    image = ArticleImage.objects.create(article=article, image=upload, kind=kind, caption=caption,
                                        uploaded_by=actor if getattr(actor, "pk", None) else None)
    if as_cover:
        article.cover = image
        article.save(update_fields=["cover", "updated_at"])
    audit.record(actor=actor, action="publicity.article_image_add", obj=article, org=article.org,
                 after={"image": image.pk, "caption": caption, "cover": bool(as_cover)})
    return image


@transaction.atomic
def delete_image(*, actor, image) -> None:
    article = image.article
    require(actor, CHANGE, article.org)
    article = lock_one(Article, article.pk)
    pk, caption = image.pk, image.caption
    if article.cover_id == pk:
        article.cover = None
        article.save(update_fields=["cover", "updated_at"])
    image.image.delete(save=False)
    image.delete()
    audit.record(actor=actor, action="publicity.article_image_delete", obj=article, org=article.org,
                 before={"image": pk, "caption": caption})


# --- reads ----------------------------------------------------------------------------------------------

def record_read(*, user, article) -> bool:
    """Count `user`'s read of `article` once: True when this was their first read."""
    if user is None or not getattr(user, "pk", None):
        return False
    if ArticleRead.objects.filter(article=article, user=user).exists():
        return False
    try:
        with transaction.atomic():
            ArticleRead.objects.create(article=article, user=user)
            Article.objects.filter(pk=article.pk).update(read_count=F("read_count") + 1)
    except IntegrityError:  # a concurrent first read of the same user won
        return False
    return True


# --- export ---------------------------------------------------------------------------------------------

def _audit_export(actor, filters, rows):
    """One audit row per top org of the actor's export reach (or the filtered org)."""
    audit.record_export(actor=actor, action="publicity.article_export", object_type="publicity.ArticleExport",
                        org=filters.org, reach_action=EXPORT, after={"filters": filters.as_audit(), "rows": rows})


def export_articles(*, actor, filters):
    """(file, rows): the filtered articles the actor may export; audited."""
    from gonghui.core.excel import XlsxStream

    from ..selectors.articles import filtered_articles

    require(actor, EXPORT, filters.org) if filters.org else require(actor, EXPORT)
    exportable = Article.objects.visible_to(actor, EXPORT).values("pk")
    qs = (filtered_articles(actor, filters).filter(pk__in=exportable).order_by("-id")
          .values_list("pk", "title", "category", "org__name", "scope_org__name", "status", "publish_at", "pinned",
                       "read_count"))
    statuses, categories = dict(ArticleStatus.choices), dict(ArticleCategory.choices)
    headers = [pgettext("article", "Number"), pgettext("article", "Title"), _("Category"), _("Publisher"),
               _("Published to"), pgettext("article", "Status"), _("Publish at"), _("Pinned"), _("Reads")]
    handle = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 — the response closes it
    rows = 0
    with XlsxStream(handle) as book:
        sheet = book.sheet(_("Articles"), headers=headers, widths=[8, 40, 14, 24, 24, 10, 16, 6, 8])
        for pk, title, category, org, scope, status, when, pinned, reads in qs.iterator(chunk_size=2000):
            sheet.append([pk, title, str(categories.get(category, category)), org, scope,
                          str(statuses.get(status, status)),
                          timezone.localtime(when).strftime("%Y-%m-%d %H:%M") if when else "",
                          _("Yes") if pinned else "", reads])
            rows += 1
    _audit_export(actor, filters, rows)
    return handle, rows
