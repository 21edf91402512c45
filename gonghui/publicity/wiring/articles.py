"""Registrations of the `articles` area."""

ACTION_CODES = (
    "publicity.article_create", "publicity.article_update", "publicity.article_publish",
    "publicity.article_schedule", "publicity.article_publish_scheduled", "publicity.article_withdraw",
    "publicity.article_pin", "publicity.article_unpin", "publicity.article_image_add",
    "publicity.article_image_delete", "publicity.article_export",
)


def ready():
    """Audit labels and the member page 新闻公告 (no due source: nothing here falls due)."""
    from django.utils.translation import gettext_lazy as _
    from django.utils.translation import pgettext_lazy

    from gonghui.core.audit_labels import (
        register_action_labels,
        register_field_labels,
        register_name_fields,
        register_object_labels,
    )
    from gonghui.core.member_pages import register_member_page

    from ..tasks import articles as _tasks  # noqa: F401

    register_member_page("publicity:news_list", _("News and notices"),
                         _("News, notices, policy and the stories of model workers"), order=60)
    register_action_labels({
        "publicity.article_create": pgettext_lazy("audit action", "Article written"),
        "publicity.article_update": pgettext_lazy("audit action", "Article changed"),
        "publicity.article_publish": pgettext_lazy("audit action", "Article published"),
        "publicity.article_schedule": pgettext_lazy("audit action", "Article scheduled"),
        "publicity.article_publish_scheduled": pgettext_lazy("audit action", "Scheduled article published"),
        "publicity.article_withdraw": pgettext_lazy("audit action", "Article withdrawn"),
        "publicity.article_pin": pgettext_lazy("audit action", "Article pinned"),
        "publicity.article_unpin": pgettext_lazy("audit action", "Article unpinned"),
        "publicity.article_image_add": pgettext_lazy("audit action", "Article image added"),
        "publicity.article_image_delete": pgettext_lazy("audit action", "Article image removed"),
        "publicity.article_export": pgettext_lazy("audit action", "Articles exported"),
    }, group=_("Publicity and education"))
    register_object_labels({"publicity.ArticleExport": _("Articles export")})
    register_field_labels("publicity.Article", {
        "title": _("title"), "category": _("category"), "summary": pgettext_lazy("article", "summary"),
        "body": _("body"),
        "scope_org": _("published to"), "model_worker": _("model worker"), "person": _("person profiled"),
        "cover": _("cover image"), "status": _("status"), "publish_at": _("publish at"),
        "published_at": _("published at"), "withdrawn_at": _("withdrawn at"),
        "withdraw_reason": _("reason for withdrawing"), "pinned": _("pinned"), "image": _("image"),
        "caption": _("caption")})
    register_name_fields({"publicity.Article": "title"})
