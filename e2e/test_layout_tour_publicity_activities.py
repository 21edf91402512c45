"""The layout tour (see test_layout_tour.py) of theme activities (主题活动): the list, the statistics,
the picker and the form, an activity at each step (draft with photos, submitted, returned,
confirmed), the edit form, for town1, the district and union1, at 1280 and 390 px."""

import pytest
from django.urls import reverse

from gonghui.core.demo.publicity.activities import _png
from gonghui.core.testing.factories import Tree
from gonghui.publicity.services import activities as services
from gonghui.publicity.testing import activities as testing

from .test_layout_tour import walk

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def build(tree):
    day = services.today()
    r = {}
    d = testing.draft(tree, actor=tree.union1_chair, title="送健康进企业义诊活动", held_on=day)
    for caption, rgb in (("义诊现场", (200, 40, 50)), ("职工测血压", (60, 120, 180)), ("合影", (80, 160, 90))):
        services.add_photo(actor=tree.union1_chair, activity=d, upload=testing.png("p.png", _png(rgb)),
                           caption=caption)
    r["draft"] = d
    r["submitted"] = testing.submitted(tree, theme="CHINA_DREAM", title="中国梦·劳动美主题宣讲会", held_on=day,
                                       participants=120)
    ret = testing.submitted(tree, theme="SEND_WARMTH", title="夏送清凉慰问一线职工", held_on=day)
    r["returned"] = services.review_activity(actor=tree.town1_cadre, activity=ret, decision="RETURNED",
                                             reason="请补充活动照片，并核对参与人次。")
    r["confirmed"] = testing.confirmed(tree, theme="SEND_SKILLS", title="送技能：叉车操作技能培训", held_on=day,
                                       participants=45)
    testing.confirmed(tree, org=tree.union2, theme="SEND_CULTURE", title="送文化进园区", held_on=day, participants=300)
    r["town_own"] = testing.submitted(tree, org=tree.town1, theme="SEND_POLICY", title="劳动法律法规宣讲",
                                      held_on=day, participants=200)
    testing.confirmed(tree, org=tree.district, theme="CHINA_DREAM", title="全区劳模事迹报告会", held_on=day,
                      participants=600)
    return r


def pages(tree, r):
    year = services.today().year
    u = tree.union1.pk
    return [
        ("town1", [
            ("act-list", reverse("publicity:activity_list")),
            ("act-list-filtered", reverse("publicity:activity_list") + "?status=SUBMITTED&theme=CHINA_DREAM"),
            ("act-stats", reverse("publicity:activity_stats") + f"?year={year}"),
            ("act-draft", reverse("publicity:activity_detail", args=[r["draft"].pk])),
            ("act-submitted", reverse("publicity:activity_detail", args=[r["submitted"].pk])),
            ("act-returned", reverse("publicity:activity_detail", args=[r["returned"].pk])),
            ("act-confirmed", reverse("publicity:activity_detail", args=[r["confirmed"].pk])),
            ("act-town-own", reverse("publicity:activity_detail", args=[r["town_own"].pk])),
            ("act-new", reverse("publicity:activity_create")),
            ("act-new-form", reverse("publicity:activity_create") + f"?org={u}"),
            ("act-edit", reverse("publicity:activity_edit", args=[r["draft"].pk])),
        ]),
        ("district", [
            ("act-stats-d", reverse("publicity:activity_stats") + f"?year={year}"),
            ("act-town-own-d", reverse("publicity:activity_detail", args=[r["town_own"].pk])),
        ]),
        ("union1", [
            ("act-list-u", reverse("publicity:activity_list")),
            ("act-draft-u", reverse("publicity:activity_detail", args=[r["draft"].pk])),
            ("act-returned-u", reverse("publicity:activity_detail", args=[r["returned"].pk])),
        ]),
    ]


def test_publicity_activities_layout_tour(browser, live_server, tour_screenshots, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    tree = Tree()
    problems = walk(browser, live_server, pages(tree, build(tree)), tour_screenshots)
    assert not problems, "\n".join(problems)
