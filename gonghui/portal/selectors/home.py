"""Reads of the `home` area: what the member portal shows a signed-in worker about themselves.

Every read starts from the login. A member acts on their own records, never on an org's subtree,
so nothing here goes through `visible_to`: the person is `person_of_account(user)` (the registry
person linked to the login, None for a worker not yet admitted or a cadre), and each read is a
filter on that person. A login without a person sees only what is public to every worker of the
district (district-wide news) and the call to join (实名入会).

Sibling apps are read through their own member-page selectors (welfare, voice, services,
publicity), so "open to me" means here exactly what it means on their pages.
"""

import datetime
from dataclasses import dataclass, field

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from gonghui.core.member_pages import member_pages
from gonghui.core.notifications import own_notifications
from gonghui.members.models import LIVE_STATUSES, Membership, Person, Transfer, TransferStatus
from gonghui.members.selectors import person_of_account
from gonghui.orgs.models import Org

from ..rules.home import rules


def url_or_none(name, *args):
    """The URL of a page another area may not have built yet (the join pages): None until then,
    so the portal never shows a dead link."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


# --- my membership ------------------------------------------------------------------------------

@dataclass
class MyMembership:
    """The worker's own membership record: every period (joined, transferred, left), transfers."""

    person: Person | None
    periods: list[Membership] = field(default_factory=list)
    transfers: list[Transfer] = field(default_factory=list)

    @property
    def live(self) -> Membership | None:
        return next((m for m in self.periods if m.status in LIVE_STATUSES), None)

    @property
    def is_member(self) -> bool:
        return self.live is not None

    @property
    def member_since(self) -> datetime.date | None:
        """The first day of the earliest period: one membership, moved between unions (一次入会、动态接转)."""
        return min((m.joined_on for m in self.periods), default=None)

    @property
    def pending_transfer(self) -> Transfer | None:
        return next((t for t in self.transfers if t.status == TransferStatus.PENDING), None)


def my_membership(user) -> MyMembership:
    person = person_of_account(user)
    if person is None:
        return MyMembership(person=None)
    periods = list(Membership.objects.filter(person=person).select_related("union", "enterprise")
                   .order_by("-joined_on", "-id"))
    transfers = list(Transfer.objects.filter(person=person).select_related("from_union", "to_union", "to_enterprise")
                     .order_by("-requested_at", "-id"))
    return MyMembership(person=person, periods=periods, transfers=transfers)


def latest_join_request(user):
    """The worker's latest 实名入会 request (any status), or None."""
    from .joins import own_join_requests

    return own_join_requests(user).first()


def can_request_join(membership: MyMembership, join_request) -> bool:
    """Not a member and no request waiting for a decision (one open request per login)."""
    from ..models.joins import JoinStatus

    return not membership.is_member and (join_request is None or join_request.status != JoinStatus.PENDING)


def membership_actions(membership: MyMembership, join_request=None) -> list[dict]:
    """The membership steps open to a worker who is not a member, as [{label, note, url}]: join
    (实名入会) while no request is pending, and the join request's page. (A member's transfer
    request is a registered member page of the joins area, listed with the others.)"""
    steps = []
    if can_request_join(membership, join_request):
        steps.append(("portal:join_new", _("Join the union (real name)"),
                      _("Apply with your ID card; your union or town admits you")))
    if join_request is not None:
        steps.append(("portal:my_join", _("My join request"), _("Where my request stands")))
    out = []
    for name, label, note in steps:
        url = url_or_none(name)
        if url:
            out.append({"label": label, "note": note, "url": url})
    return out


# --- things to do -------------------------------------------------------------------------------

@dataclass(frozen=True)
class DueItem:
    """One thing waiting for the member: what, until when, where to do it."""

    kind: str  # survey, campaign, appeal_rating, transfer
    title: str
    note: str
    url: str
    until: datetime.date | None = None


def _open_surveys(person) -> list[DueItem]:
    from gonghui.voice.selectors.surveys import surveys_for_person

    return [DueItem("survey", row["survey"].title, _("Survey open to you"),
                    reverse("voice:my_survey_answer", args=[row["survey"].pk]), row["survey"].closes_on)
            for row in surveys_for_person(person) if not row["answered"]]


def _open_campaigns(person, union) -> list[DueItem]:
    from gonghui.welfare.selectors.campaigns import campaigns_open_to_person

    return [DueItem("campaign", c.title, _("Applications open"), reverse("welfare:my_apply", args=[c.pk]), c.closes_on)
            for c in campaigns_open_to_person(person, union) if not c.applied]


def _appeals_to_rate(user, person) -> list[DueItem]:
    from gonghui.voice.models.appeals import AppealStatus
    from gonghui.voice.selectors.intake import own_appeals
    from gonghui.voice.services.intake import can_rate

    closed = own_appeals(user, person).filter(status=AppealStatus.CLOSED, satisfaction__isnull=True)[:20]
    return [DueItem("appeal_rating", a.title, _("Answered: please rate how it was handled"),
                    reverse("voice:my_appeal_detail", args=[a.pk])) for a in closed if can_rate(a)]


def _transfer_waiting(membership: MyMembership) -> list[DueItem]:
    t = membership.pending_transfer
    if t is None:
        return []
    return [DueItem("transfer", t.to_union.name, _("Transfer waiting for the receiving union"),
                    reverse("portal:my_membership"), None)]


def due_for_member(user, membership: MyMembership) -> list[DueItem]:
    """What waits for the member, soonest deadline first: open surveys not answered, campaigns
    taking applications not applied to, answered appeals to rate, a transfer under way."""
    person = membership.person
    if person is None:
        return []
    live = membership.live
    items = _open_surveys(person) + _appeals_to_rate(user, person) + _transfer_waiting(membership)
    if live is not None:
        items += _open_campaigns(person, live.union)
    far = datetime.date.max
    return sorted(items, key=lambda i: (i.until or far, i.kind, i.title))


# --- news ---------------------------------------------------------------------------------------

def latest_news(person, limit):
    """The member's news (addressed to their unions and the orgs above), newest first; for a
    worker without a membership, what the district publishes to everyone."""
    from gonghui.publicity.models.articles import Article
    from gonghui.publicity.selectors.articles import live_q, news_for

    if person is not None:
        mine = list(news_for(person).select_related("org").order_by("-pinned", "-publish_at", "-id")[:limit])
        if mine:
            return mine
    roots = Org.objects.filter(depth=1).values("pk")
    return list(Article.objects.filter(live_q(), scope_org__in=roots).select_related("org")
                .order_by("-pinned", "-publish_at", "-id")[:limit])


# --- the home page ------------------------------------------------------------------------------

def portal_pages(user) -> list[dict]:
    """The registered member pages (core.member_pages) but the portal's home itself."""
    home = reverse("portal:home")
    return [p for p in member_pages(user) if p["url"] != home]


@dataclass
class Home:
    membership: MyMembership
    pages: list[dict]
    due: list[DueItem]
    notifications: list
    news: list
    join_request: object | None
    join_url: str | None
    my_join_url: str | None


def member_home(user) -> Home:
    r = rules()
    membership = my_membership(user)
    person = membership.person
    due = due_for_member(user, membership)
    join_request = None if membership.is_member else latest_join_request(user)
    return Home(
        membership=membership,
        pages=portal_pages(user),
        due=due[: r.due_on_home],
        notifications=list(own_notifications(user).order_by("-created_at", "-id")[: r.notifications_on_home]),
        news=latest_news(person, r.news_on_home),
        join_request=join_request,
        join_url=url_or_none("portal:join_new") if can_request_join(membership, join_request) else None,
        my_join_url=url_or_none("portal:my_join"),
    )


# --- my benefits and offers --------------------------------------------------------------------

@dataclass
class Offers:
    membership: MyMembership
    offers: list
    campaigns: list
    coverages: list
    applications: list


def my_offers(user) -> Offers:
    """普惠 offers open to the member today (services), campaigns taking their application
    (welfare), their mutual-aid coverage and their latest applications."""
    from gonghui.services.selectors.benefits import offers_open_to_person
    from gonghui.welfare.selectors.campaigns import campaigns_open_to_person, my_applications
    from gonghui.welfare.selectors.mutualaid import my_coverages

    r = rules()
    membership = my_membership(user)
    person, live = membership.person, membership.live
    if person is None:
        return Offers(membership, [], [], [], [])
    return Offers(
        membership=membership,
        offers=offers_open_to_person(person, live)[: r.offers_listed],
        campaigns=campaigns_open_to_person(person, live.union if live else None)[: r.offers_listed],
        coverages=my_coverages(person)[:5],
        applications=my_applications(person)[:5],
    )


# --- messages -----------------------------------------------------------------------------------

def my_messages(user):
    return own_notifications(user).select_related("org")

