"""Builders for the article tests (other areas' tests and the layout tours may import them)."""

import itertools

from gonghui.core.testing.factories import UserFactory
from gonghui.publicity.models.articles import ArticleCategory
from gonghui.publicity.services import articles as services

_n = itertools.count(1)

# A PNG of 1×1 pixel (real content: uploads are checked by their first bytes).
PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
       b"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82")


def draft(tree, *, org=None, scope_org=None, category=ArticleCategory.NEWS, body="<p>正文内容</p>", actor=None,
          **extra):
    """A DRAFT article of town1 (or `org`), written through the service by the district staff."""
    org = org or tree.town1
    data = {"title": extra.pop("title", f"工会要闻{next(_n)}"), "category": category, "summary": "摘要",
            "body": body, "scope_org": scope_org, **extra}
    return services.create_article(actor=actor or tree.district_staff, org=org, data=data)


def published(tree, **kwargs):
    article = draft(tree, **kwargs)
    return services.publish(actor=tree.district_staff, article=article)


def linked_member(tree, union=None):
    """member_user's own person (a live member of union1, or `union`)."""
    person = tree.member(union=union).person
    person.account = tree.member_user
    person.save(update_fields=["account"])
    return person


def member_account(tree, union, username):
    """Another login linked to a new live member of `union`."""
    user = UserFactory(username=username)
    person = tree.member(union=union).person
    person.account = user
    person.save(update_fields=["account"])
    return user
