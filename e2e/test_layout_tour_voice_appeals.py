"""The layout tour (see test_layout_tour.py) of appeal handling: the list (plain, filtered, the
exact-holder chip), an appeal at each step (new, being handled with a note and a reply, overdue and
escalated, closed and rated, anonymous, held by the town), the dispatch / transfer-down picker and
its confirm form, for town1, union1 and the district, at 1280 and 390 px."""

import datetime

import pytest
from django.urls import reverse

from gonghui.core import workdays
from gonghui.core.testing.factories import Tree
from gonghui.voice.services import appeals as services
from gonghui.voice.testing.appeals import appeal, closed, handling

from .test_layout_tour import walk

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def build(tree):
    r = {"new": appeal(tree, title="入职半年未签劳动合同", category="CONTRACT", enterprise=tree.enterprise1)}
    h = handling(tree, actor=tree.union1_chair, phone="13912345678")
    services.add_note(actor=tree.union1_chair, appeal=h, text="已电话联系企业人事部门了解情况。")
    services.reply(actor=tree.union1_chair, appeal=h, text="您的诉求已受理，我们正在与企业沟通。")
    r["handling"] = h
    old = appeal(tree, received_on=datetime.date.today() - datetime.timedelta(days=40), title="社保断缴三个月",
                 category="SOCIAL_INSURANCE")
    services.escalate_overdue(on=workdays.add_working_days(old.due_on, 1))
    r["overdue"] = old
    done = closed(tree, title="加班费未按规定支付")
    done.satisfaction, done.satisfaction_comment = 4, "处理及时"
    done.save(update_fields=["satisfaction", "satisfaction_comment"])
    r["closed"] = done
    r["anonymous"] = appeal(tree, anonymous=True, category="OTHER", title="夏季高温车间降温措施不足")
    r["town"] = appeal(tree, org=tree.town1, title="某某物流有限公司拖欠工资")
    return r


def pages(r, tree):
    url = reverse("voice:appeal_list")
    d = lambda key: reverse("voice:appeal_detail", args=[r[key].pk])  # noqa: E731
    town = r["town"].pk
    dispatch = reverse("voice:appeal_move", args=[town, "dispatch"])
    return [
        ("town1", [
            ("va-list", url),
            ("va-list-overdue", f"{url}?overdue=1&category=SOCIAL_INSURANCE"),
            ("va-list-holder", f"{url}?holder={r['town'].org_id}&year={datetime.date.today().year}"),
            ("va-new", d("new")), ("va-handling", d("handling")), ("va-overdue", d("overdue")),
            ("va-closed", d("closed")), ("va-anonymous", d("anonymous")), ("va-town", d("town")),
            ("va-dispatch", dispatch), ("va-dispatch-confirm", f"{dispatch}?org={r['union1b']}"),
            ("va-down", reverse("voice:appeal_move", args=[town, "down"])),
        ]),
        ("union1", [("va-union-list", url), ("va-union-new", d("new"))]),
        ("district", [("va-district-list", f"{url}?escalated=any")]),
    ]


def test_voice_appeals_layout_tour(browser, live_server, tour_screenshots):
    tree = Tree()
    r = build(tree)
    r["union1b"] = tree.union1b.pk
    problems = walk(browser, live_server, pages(r, tree), tour_screenshots)
    assert not problems, "\n".join(problems)
