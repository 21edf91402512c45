"""The member portal's pages as a worker sees them: home (member / worker without a membership /
former member), 办事, messages, 我的, my membership, my benefits and offers; the frame."""

import pytest
from django.test import Client
from django.urls import reverse

from gonghui.members.models import Transfer
from gonghui.members.services import request_transfer
from gonghui.portal.testing.home import busy_day, former_member, linked_member, message, worker_login

pytestmark = pytest.mark.django_db

PAGES = ("portal:home", "portal:services", "portal:messages", "portal:me", "portal:my_membership",
         "portal:my_offers")


def client_for(user):
    c = Client()
    c.force_login(user)
    return c


@pytest.mark.parametrize("name", PAGES)
def test_pages_send_a_stranger_to_sign_in(client, name):
    r = client.get(reverse(name))
    assert r.status_code == 302 and "login" in r["Location"] and "next=" in r["Location"]


@pytest.mark.parametrize("name", PAGES)
def test_pages_answer_a_member_a_worker_and_a_cadre(tree, name):
    linked_member(tree)
    for user in (tree.member_user, worker_login(), tree.union1_chair):
        r = client_for(user).get(reverse(name))
        assert r.status_code == 200, (user, name)
        assert r.templates[0].name.startswith("portal/home/")
        assert "portal/base.html" in [t.name for t in r.templates]


def test_home_of_a_member_shows_card_tiles_due_messages_and_news(tree):
    person = linked_member(tree, name="王建国")
    day = busy_day(tree, person)
    r = client_for(tree.member_user).get(reverse("portal:home"))
    html = r.content.decode()
    h = r.context["h"]
    assert h.membership.live.union == tree.union1 and h.membership.person == person
    assert reverse("services:my_card") in html and tree.union1.name in html
    assert {i.kind for i in h.due} == {"survey", "campaign", "appeal_rating"}
    assert reverse("voice:my_survey_answer", args=[day["survey"].pk]) in html
    assert reverse("welfare:my_apply", args=[day["campaign"].pk]) in html
    assert reverse("voice:my_appeal_detail", args=[day["appeal"].pk]) in html
    for url in ("voice:my_appeals", "welfare:my_applications", "services:my_events", "publicity:news_list"):
        assert reverse(url) in html
    assert [n.title for n in h.notifications] == ["您的申请已受理"]
    assert day["article"].title in html and reverse("publicity:news_detail", args=[day["article"].pk]) in html


def test_home_due_list_drops_what_is_done(tree):
    from gonghui.voice.services.surveys import submit_response
    from gonghui.voice.testing.surveys import answers_for
    from gonghui.welfare.testing.campaigns import applied

    person = linked_member(tree)
    day = busy_day(tree, person)
    applied(tree, day["campaign"], person)
    submit_response(actor=tree.member_user, person=person, survey=day["survey"], answers=answers_for(day["survey"]))
    h = client_for(tree.member_user).get(reverse("portal:home")).context["h"]
    assert [i.kind for i in h.due] == ["appeal_rating"]


def test_home_of_a_worker_without_a_person_offers_to_join_and_public_news(tree):
    from gonghui.publicity.testing.articles import published

    district_news = published(tree, org=tree.district, scope_org=tree.district, title="全区职工技能比武开赛")
    town_news = published(tree, org=tree.town1, scope_org=tree.town1, title="城厢街道工会通知")
    r = client_for(worker_login()).get(reverse("portal:home"))
    h = r.context["h"]
    html = r.content.decode()
    assert h.membership.person is None and h.due == [] and h.pages == []
    assert district_news.title in html and town_news.title not in html
    # Headlines only: the news pages answer to members.
    assert reverse("publicity:news_detail", args=[district_news.pk]) not in html
    assert reverse("services:my_card") not in html


def test_home_of_a_former_member_says_so(tree):
    former_member(tree)
    r = client_for(tree.member_user).get(reverse("portal:home"))
    h = r.context["h"]
    assert h.membership.person is not None and not h.membership.is_member
    assert reverse("portal:my_membership") in r.content.decode()


def test_my_membership_lists_periods_and_the_pending_transfer(tree):
    person = linked_member(tree)
    live = person.memberships.get()
    request_transfer(actor=tree.union1_chair, membership=live, to_union=tree.union2,
                     effective_on=live.joined_on, reason="工作调动")
    r = client_for(tree.member_user).get(reverse("portal:my_membership"))
    m = r.context["m"]
    assert m.pending_transfer == Transfer.objects.get() and m.member_since == live.joined_on
    html = r.content.decode()
    assert tree.union2.name in html and tree.enterprise1.name in html


def test_my_membership_of_someone_else_is_not_shown(tree):
    linked_member(tree)
    other = tree.member(tree.union2, name="李四")
    r = client_for(tree.member_user).get(reverse("portal:my_membership"))
    assert other.person.name not in r.content.decode()
    assert r.context["m"].periods[0].person_id != other.person_id


def test_my_offers_lists_offers_campaigns_and_coverage(tree):
    from gonghui.welfare.testing.mutualaid import covered, plan

    person = linked_member(tree)
    day = busy_day(tree, person)
    covered(tree, plan(tree), people=[person])
    r = client_for(tree.member_user).get(reverse("portal:my_offers"))
    o = r.context["o"]
    assert [x.pk for x in o.offers] == [day["offer"].pk]
    assert [c.pk for c in o.campaigns] == [day["campaign"].pk]
    assert len(o.coverages) == 1
    assert reverse("welfare:my_apply", args=[day["campaign"].pk]) in r.content.decode()


def test_messages_page_lists_own_and_marks_all_read(tree):
    linked_member(tree)
    message(tree.member_user, title="甲")
    message(tree.union1_chair, title="乙")
    c = client_for(tree.member_user)
    r = c.get(reverse("portal:messages"))
    assert [n.title for n in r.context["page"].items] == ["甲"]
    r = c.post(reverse("portal:messages_read_all"))
    assert r.status_code == 302 and r["Location"] == reverse("portal:messages")
    assert not tree.member_user.notifications.filter(read_at__isnull=True).exists()
    assert tree.union1_chair.notifications.filter(read_at__isnull=True).count() == 1


def test_messages_read_all_needs_post(tree):
    assert client_for(tree.member_user).get(reverse("portal:messages_read_all")).status_code == 405


def test_tab_bar_lights_the_page_tab(tree):
    linked_member(tree)
    c = client_for(tree.member_user)
    for name, tab in (("portal:home", "home"), ("portal:services", "services"), ("portal:messages", "messages"),
                      ("portal:me", "me"), ("portal:my_membership", "me")):
        html = c.get(reverse(name)).content.decode()
        current = html.split('aria-current="page"')[0].rsplit("href=", 1)[1]
        assert reverse({"home": "portal:home", "services": "portal:services", "messages": "portal:messages",
                        "me": "portal:me"}[tab]) in current, name


def test_me_page_signs_out_without_javascript(tree):
    linked_member(tree)
    c = client_for(tree.member_user)
    html = c.get(reverse("portal:me")).content.decode()
    assert f'action="{reverse("portal:logout")}"' in html
    r = c.post(reverse("portal:logout"))
    assert r.status_code == 302 and r["Location"] == reverse("portal:login")
    assert c.get(reverse("portal:home")).status_code == 302


def test_worker_with_a_pending_join_request_sees_it_and_no_second_join_button(tree):
    from gonghui.portal.testing.joins import join_request

    worker = worker_login()
    join_request(account=worker, enterprise=tree.enterprise1)
    r = client_for(worker).get(reverse("portal:home"))
    h = r.context["h"]
    assert h.join_request is not None and h.join_url is None
    html = r.content.decode()
    assert reverse("portal:my_join") in html and f'href="{reverse("portal:join_new")}"' not in html
    actions = client_for(worker).get(reverse("portal:services")).context["actions"]
    assert [a["url"] for a in actions] == [reverse("portal:my_join")]
