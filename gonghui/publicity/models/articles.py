"""News and announcements (DOMAIN.md §8): articles published to members.

- `Article`: written by a union (`org`: the district, a town or a grassroots union) in one of
  the categories (news, notice, policy, advanced-model story, 劳模/工匠 profile — a profile may
  name the honours registry entry or the person it is about). `body` is HTML, SANITISED by
  `services.articles.sanitize_html` before it is stored (nh3 allowlist): what the table holds
  is safe to render. `scope_org` is the audience: the members whose union lies in its subtree
  (the publisher's whole subtree by default; never outside it). Status DRAFT → SCHEDULED
  (`publish_at` in the future) → PUBLISHED → WITHDRAWN. A SCHEDULED article whose `publish_at`
  has passed is read as published by every list (`selectors.articles.live_q`) even before the
  beat task flips its status, so publishing is never late.
- `ArticleImage`: an uploaded JPG/PNG (checked by content) used as the cover or inline in the
  body; served only through a scoped view (`private_file_response`).
- `ArticleRead`: one row per (article, reader) — the read count counts each reader once.
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gonghui.core.scoping import ScopedModel

__all__ = ["ArticleCategory", "ArticleStatus", "Article", "ArticleImage", "ArticleRead"]


class ArticleCategory(models.TextChoices):
    NEWS = "NEWS", pgettext_lazy("article category", "News")
    NOTICE = "NOTICE", pgettext_lazy("article category", "Notice")
    POLICY = "POLICY", pgettext_lazy("article category", "Policy")
    MODEL_STORY = "MODEL_STORY", pgettext_lazy("article category", "Advanced-model story")
    PROFILE = "PROFILE", pgettext_lazy("article category", "Model worker / craftsman profile")


class ArticleStatus(models.TextChoices):
    DRAFT = "DRAFT", pgettext_lazy("article status", "Draft")
    SCHEDULED = "SCHEDULED", pgettext_lazy("article status", "Scheduled")
    PUBLISHED = "PUBLISHED", pgettext_lazy("article status", "Published")
    WITHDRAWN = "WITHDRAWN", pgettext_lazy("article status", "Withdrawn")


class Article(ScopedModel):
    scope_lookups = ("org",)

    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="+", verbose_name=_("publisher"))
    scope_org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("published to"))
    category = models.CharField(_("category"), max_length=12, choices=ArticleCategory.choices)
    title = models.CharField(_("title"), max_length=120)
    summary = models.CharField(pgettext_lazy("article", "summary"), max_length=300, blank=True)
    body = models.TextField(_("body"), max_length=100_000, blank=True)
    cover = models.ForeignKey("publicity.ArticleImage", null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+", verbose_name=_("cover image"))
    model_worker = models.ForeignKey("honours.ModelWorker", null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+", verbose_name=_("model worker"))
    person = models.ForeignKey("members.Person", null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="+", verbose_name=_("person profiled"))
    status = models.CharField(_("status"), max_length=10, choices=ArticleStatus.choices,
                              default=ArticleStatus.DRAFT)
    publish_at = models.DateTimeField(_("publish at"), null=True, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    withdraw_reason = models.CharField(_("reason for withdrawing"), max_length=400, blank=True)
    pinned = models.BooleanField(_("pinned"), default=False)
    read_count = models.PositiveIntegerField(_("reads"), default=0)
    created_by = models.ForeignKey("accounts.User", null=True, on_delete=models.SET_NULL, related_name="+",
                                   verbose_name=_("created by"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        ordering = ("-id",)
        indexes = [models.Index(fields=["status", "publish_at"], name="publicity_article_due"),
                   models.Index(fields=["scope_org", "status"], name="publicity_article_scope")]
        constraints = [
            models.CheckConstraint(condition=~Q(status="SCHEDULED") | Q(publish_at__isnull=False),
                                   name="publicity_article_scheduled_has_time"),
        ]

    def __str__(self):
        return self.title


class ArticleImage(models.Model):
    """Read through its article (scoped)."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="images", verbose_name=_("article"))
    image = models.FileField(_("image"), upload_to="publicity/articles/%Y/%m/")
    kind = models.CharField(max_length=8)  # "jpeg" or "png", found by content
    caption = models.CharField(_("caption"), max_length=120, blank=True)
    uploaded_by = models.ForeignKey("accounts.User", null=True, on_delete=models.SET_NULL, related_name="+",
                                    verbose_name=_("uploaded by"))
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("article image")
        verbose_name_plural = _("article images")
        ordering = ("uploaded_at", "id")

    def __str__(self):
        return self.caption or f"{self.article} #{self.pk}"


class ArticleRead(models.Model):
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="reads", verbose_name=_("article"))
    user = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="+", verbose_name=_("reader"))
    read_at = models.DateTimeField(_("read at"), auto_now_add=True)

    class Meta:
        verbose_name = _("article read")
        verbose_name_plural = _("article reads")
        constraints = [models.UniqueConstraint(fields=["article", "user"], name="publicity_article_read_once")]

    def __str__(self):
        return f"{self.user} · {self.article}"
