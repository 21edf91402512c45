"""Builders for the tests of the `home` area (and the member's-day e2e and the layout tour): a
worker login linked to a live member, a login with no person, a member with a whole day's worth
of things waiting (an open survey, an open campaign, an answered appeal to rate, a message,
news, an offer, a transfer under way)."""

import datetime

from gonghui.core.notifications import notify
from gonghui.core.testing.factories import UserFactory
from gonghui.members.models import Membership, MembershipStatus, Person


def link(person, user):
    Person.objects.filter(account=user).exclude(pk=person.pk).update(account=None)
    Person.objects.filter(pk=person.pk).update(account=user)
    person.account = user
    return person


def linked_member(tree, *, union=None, user=None, enterprise=None, **person_kwargs):
    """`user` (default member1) as the login of a new live member of union1 (or `union`)."""
    membership = tree.member(union or tree.union1, **person_kwargs)
    if enterprise is not None or (union or tree.union1) == tree.union1:
        Membership.objects.filter(pk=membership.pk).update(enterprise=enterprise or tree.enterprise1)
    return link(membership.person, user or tree.member_user)


def worker_login(username="worker1"):
    """A signed-up worker: a login with no role and no person (before 实名入会)."""
    return UserFactory(username=username)


def former_member(tree, *, user=None):
    """A person whose only membership ended (left), linked to `user`."""
    membership = tree.member(tree.union1)
    Membership.objects.filter(pk=membership.pk).update(status=MembershipStatus.LEFT,
                                                       ended_on=membership.joined_on + datetime.timedelta(days=30),
                                                       end_reason="离职")
    return link(membership.person, user or tree.member_user)


def message(user, *, title="您的申请已受理", url="/m/membership/", key=None):
    notify(recipients=[user], key=key or f"test:{title}:{url}", title=title, body="详情请查看。", url=url)


def busy_day(tree, person, user=None):
    """Things waiting for `person`: an open survey of union1, an open 金秋助学 campaign of the
    district, an answered appeal to rate, a message, district news, a merchant offer."""
    from gonghui.publicity.testing.articles import published
    from gonghui.services.testing.benefits import offer
    from gonghui.voice.testing.intake import close_now, member_appeal
    from gonghui.voice.testing.surveys import make_survey, open_survey
    from gonghui.welfare.testing.campaigns import campaign

    user = user or tree.member_user
    survey = open_survey(make_survey(tree.union1, title="2026年职工需求调查"))
    golden = campaign(tree, title="2026年金秋助学")
    appeal = close_now(member_appeal(user, person, title="加班费计算有误"))
    message(user)
    article = published(tree, org=tree.district, scope_org=tree.district, title="区总工会开展送清凉活动")
    deal = offer(tree, title="会员购书八折")
    return {"survey": survey, "campaign": golden, "appeal": appeal, "article": article, "offer": deal}
