"""Reads of the `articles` area.

- cadres (`publicity.view`): the articles published by the orgs of their subtree;
- members: the LIVE articles (`live_q`) whose audience `scope_org` lies above (or is) the union
  of one of their live memberships — an article of the district or of a town reaches every
  member whose union is under its `scope_org`, and nobody else.

"Live" = PUBLISHED, or SCHEDULED with `publish_at` passed: a due article shows before the beat
task flips its status (publishing is never late).
"""

from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core.pagination import keyset_page
from gonghui.orgs.models import Org

from ..models.articles import Article, ArticleStatus
from ..policies.articles import VIEW


def live_q(at=None) -> Q:
    moment = at or timezone.now()
    return Q(status=ArticleStatus.PUBLISHED) | Q(status=ArticleStatus.SCHEDULED, publish_at__lte=moment)


def is_live(article, at=None) -> bool:
    moment = at or timezone.now()
    return article.status == ArticleStatus.PUBLISHED or (
        article.status == ArticleStatus.SCHEDULED and article.publish_at is not None and article.publish_at <= moment)


def shown_status(article, at=None) -> str:
    """The status a reader should see: a due SCHEDULED article is PUBLISHED already."""
    return ArticleStatus.PUBLISHED if is_live(article, at) else article.status


def articles(user, action=VIEW):
    return Article.objects.visible_to(user, action)


@dataclass(frozen=True)
class ArticleFilters:
    q: str = ""
    org: Org | None = None
    category: str = ""
    status: str = ""
    pinned: bool = False

    def as_audit(self):
        return {"q": self.q, "org": self.org.pk if self.org else None, "category": self.category,
                "status": self.status, "pinned": self.pinned}


def filtered_articles(user, f: ArticleFilters, *, at=None):
    qs = articles(user)
    if f.org is not None:
        qs = qs.filter(org__path__startswith=f.org.path)
    if f.category:
        qs = qs.filter(category=f.category)
    if f.status == ArticleStatus.PUBLISHED:
        qs = qs.filter(live_q(at))
    elif f.status == ArticleStatus.SCHEDULED:
        qs = qs.filter(status=ArticleStatus.SCHEDULED, publish_at__gt=at or timezone.now())
    elif f.status:
        qs = qs.filter(status=f.status)
    if f.pinned:
        qs = qs.filter(pinned=True)
    q = (f.q or "").strip()
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(summary__icontains=q))
    return qs


def article_rows():
    return Article.objects.select_related("org", "scope_org")


def article_page(user, f: ArticleFilters, *, after=None, size=None):
    return keyset_page(filtered_articles(user, f), after=after, size=size, load=article_rows())


def status_counts(user, f: ArticleFilters):
    """{status: n} with due SCHEDULED articles counted as PUBLISHED (one query)."""
    moment = timezone.now()
    c = filtered_articles(user, ArticleFilters(q=f.q, org=f.org, category=f.category, pinned=f.pinned)) \
        .order_by().aggregate(
            DRAFT=Count("pk", filter=Q(status=ArticleStatus.DRAFT)),
            SCHEDULED=Count("pk", filter=Q(status=ArticleStatus.SCHEDULED, publish_at__gt=moment)),
            PUBLISHED=Count("pk", filter=live_q(moment)),
            WITHDRAWN=Count("pk", filter=Q(status=ArticleStatus.WITHDRAWN)))
    return c


def publisher_choices(user):
    """Active orgs (district, towns, unions) where the user may publish: the tops of their reach and
    their children, like the other filter menus."""
    from gonghui.core.selectors import reach_orgs
    from gonghui.orgs.models import OrgLevel

    from ..policies.articles import CHANGE

    return [o for o in reach_orgs(user, CHANGE) if o.is_active and o.level != OrgLevel.GROUP]


def scope_choices(org):
    """The audiences an article of `org` may have: `org` itself and its children."""
    return [org, *Org.objects.filter(path__startswith=org.path, depth=org.depth + 1, is_active=True)
            .order_by("path")[:200]]


def model_worker_choices(user):
    """The model workers the user may name (unsliced: the form validates against it and shows the
    newest `MODEL_WORKER_OPTIONS`)."""
    from gonghui.honours.models import ModelWorker

    return ModelWorker.objects.visible_to(user, "honours.view").select_related("person").order_by("-year", "-id")


MODEL_WORKER_OPTIONS = 300


# --- the member's news --------------------------------------------------------------------------

def _prefixes(path, steplen=4):
    return [path[:i] for i in range(steplen, len(path) + 1, steplen)]


def audience_paths(person) -> list[str]:
    """Every org path above (and including) the unions of the person's live memberships."""
    from gonghui.members.models import LIVE_STATUSES, Membership

    paths = Membership.objects.filter(person=person, status__in=LIVE_STATUSES).values_list("union__path", flat=True)
    steplen = getattr(Org, "steplen", 4)
    return sorted({p for path in paths if path for p in _prefixes(path, steplen)})


def news_for(person, *, category="", at=None):
    """The live articles addressed to the person's unions: pinned first, newest first."""
    paths = audience_paths(person)
    if not paths:
        return Article.objects.none()
    qs = Article.objects.filter(live_q(at), scope_org__path__in=paths)
    if category:
        qs = qs.filter(category=category)
    return qs


def news_page(person, *, category="", after=None, size=20):
    """(pinned list, keyset page of the others): pinned on top, then the newest."""
    from ..rules.articles import rules

    base = news_for(person, category=category)
    pinned = list(base.filter(pinned=True).select_related("org", "cover").order_by("-publish_at", "-id")
                  [:rules().pinned_on_top]) if not after else []
    rest = base.exclude(pk__in=[a.pk for a in pinned])
    page = keyset_page(rest, after=after, size=size, load=Article.objects.select_related("org", "cover"))
    return pinned, page


def news_item(person, pk):
    return news_for(person).select_related("org", "scope_org", "cover", "model_worker").filter(pk=pk).first()


def image_readable(user, person, article) -> bool:
    """An image is served to the cadres who see its article, and to the members it is addressed to
    once live."""
    if articles(user).filter(pk=article.pk).exists():
        return True
    return person is not None and news_for(person).filter(pk=article.pk).exists()


# --- overview -----------------------------------------------------------------------------------

def overview_card(user):
    """新闻公告 on /publicity/: published, scheduled, drafts, pinned; reads this year. One aggregate."""
    from django.db.models import Sum
    from django.urls import reverse

    from gonghui.core.overview import Card, Row

    if not user.is_authenticated or not user.can(VIEW):
        return None
    moment = timezone.now()
    c = articles(user).order_by().aggregate(
        published=Count("pk", filter=live_q(moment)),
        scheduled=Count("pk", filter=Q(status=ArticleStatus.SCHEDULED, publish_at__gt=moment)),
        drafts=Count("pk", filter=Q(status=ArticleStatus.DRAFT)),
        pinned=Count("pk", filter=Q(pinned=True) & live_q(moment)),
        reads=Sum("read_count", filter=live_q(moment)))
    url = reverse("publicity:article_list")
    return Card(title=_("News and notices"), url=url, rows=[
        Row(_("Published"), c["published"], url + "?status=PUBLISHED"),
        Row(_("Scheduled"), c["scheduled"], url + "?status=SCHEDULED"),
        Row(_("Drafts"), c["drafts"], url + "?status=DRAFT"),
        Row(_("Pinned"), c["pinned"], url + "?pinned=1"),
        Row(_("Reads of published articles"), c["reads"] or 0, url + "?status=PUBLISHED"),
    ])


DUE_SOURCES = ()
