"""The layout tour (see test_layout_tour.py) of competitions and skills (劳动竞赛, 岗位建功活动, 技能比武)
and honours (推荐评选 and 公示, 荣誉档案, 劳模, 技能带头人 and their allowance, 高技能人才培训奖励):
every list, detail and workflow form with records of town1, at 1280 and 390 px."""

import datetime

import pytest
from django.urls import reverse

from gonghui.competitions.models.contests import ContestStatus
from gonghui.competitions.testing import activities as activity_testing
from gonghui.competitions.testing import contests as contest_testing
from gonghui.competitions.testing import labour as labour_testing
from gonghui.core.testing.factories import Tree
from gonghui.honours.models.awards import NominationStatus
from gonghui.honours.models.leaders import LeaderStatus
from gonghui.honours.models.rewards import RewardClaimStatus
from gonghui.honours.services import leaders as leader_services
from gonghui.honours.services import modelworkers as modelworker_services
from gonghui.honours.testing import awards as award_testing
from gonghui.honours.testing import leaders as leader_testing
from gonghui.honours.testing import modelworkers as modelworker_testing
from gonghui.honours.testing import rewards as reward_testing

from .test_layout_tour import walk

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def build(tree):
    """Records of every area, each at a step with something to show."""
    competition = labour_testing.running(tree, rounds=({"甲企业项目部": 92, "乙企业一标段": 85, "丙企业车间": 78},
                                                       {"甲企业项目部": 88, "乙企业一标段": 90, "丙企业车间": 80}))
    activity = activity_testing.activity(tree, participants=2)
    contest, _entries = contest_testing.published(tree, [(90, 85), (80, 92), (70, 60)])
    open_contest = contest_testing.contest(tree, ContestStatus.OPEN, org=tree.town1, actor=tree.town1_cadre)
    nomination = award_testing.nomination(tree, NominationStatus.NOTICE, start=datetime.date.today()
                                          - datetime.timedelta(days=3))
    record = award_testing.nomination(tree, NominationStatus.CONFERRED).record
    worker = modelworker_testing.model_worker(tree)
    modelworker_testing.care(tree, worker)
    modelworker_services.save_story(actor=tree.district_staff, worker=worker, story_title="三十年如一日守护电网",
                                    story="他扎根一线三十年，带出徒弟四十余名，主持技术革新十二项。")
    modelworker_services.publish_story(actor=tree.district_staff, worker=worker)
    leader = leader_testing.leader(tree, LeaderStatus.SELECTED, starts_on=datetime.date.today().replace(day=1)
                                   - datetime.timedelta(days=70))
    leader_services.run_allowances(actor=tree.district_staff, month=datetime.date.today().replace(day=1))
    claim = reward_testing.claim(tree, RewardClaimStatus.SUBMITTED)
    return {"competition": competition, "activity": activity, "contest": contest, "open_contest": open_contest,
            "nomination": nomination, "record": record, "worker": worker, "leader": leader, "claim": claim,
            "person": worker.person}


def tour(tree, r):
    town = [
        ("cp-overview", reverse("competitions:overview")),
        ("cp-competition-list", reverse("competitions:competition_list")),
        ("cp-competition-detail", reverse("competitions:competition_detail", args=[r["competition"].pk])),
        ("cp-activity-list", reverse("competitions:activity_list")),
        ("cp-activity-detail", reverse("competitions:activity_detail", args=[r["activity"].pk])),
        ("cp-contest-list", reverse("competitions:contest_list")),
        ("cp-contest-detail", reverse("competitions:contest_detail", args=[r["contest"].pk])),
        ("cp-contest-open", reverse("competitions:contest_detail", args=[r["open_contest"].pk])),
        ("cp-contest-scores", reverse("competitions:contest_scores", args=[r["open_contest"].pk])),
        ("ho-overview", reverse("honours:overview")),
        ("ho-nomination-list", reverse("honours:nomination_list")),
        ("ho-nomination-detail", reverse("honours:nomination_detail", args=[r["nomination"].pk])),
        ("ho-record-list", reverse("honours:record_list")),
        ("ho-person", reverse("honours:person_honours", args=[r["person"].pk])),
        ("ho-modelworker-list", reverse("honours:modelworker_list")),
        ("ho-modelworker-detail", reverse("honours:modelworker_detail", args=[r["worker"].pk])),
        ("ho-leader-list", reverse("honours:leader_list")),
        ("ho-leader-detail", reverse("honours:leader_detail", args=[r["leader"].pk])),
        ("ho-allowance-list", reverse("honours:allowance_list")),
        ("ho-reward-list", reverse("honours:reward_list")),
        ("ho-reward-detail", reverse("honours:reward_detail", args=[r["claim"].pk])),
    ]
    district = [
        ("cp-competition-create", reverse("competitions:competition_create")),
        ("cp-contest-create", reverse("competitions:contest_create")),
        ("cp-contest-trades", reverse("competitions:contest_trade_list")),
        ("ho-award-types", reverse("honours:award_type_list")),
        ("ho-reward-pay", reverse("honours:reward_pay")),
        ("ho-reward-totals", reverse("honours:reward_totals")),
        ("ho-reward-batches", reverse("honours:reward_batch_list")),
        ("ho-modelworker-create", reverse("honours:modelworker_create")),
        ("ho-modelworker-story", reverse("honours:modelworker_story", args=[r["worker"].pk])),
    ]
    union = [
        ("cp-activity-create", reverse("competitions:activity_create")),
        ("ho-nomination-create", reverse("honours:nomination_create")),
        ("ho-leader-create", reverse("honours:leader_create")),
        ("ho-reward-create", reverse("honours:reward_create")),
    ]
    return [("town1", town), ("district", district), ("union1", union)]


def test_competitions_and_honours_layout_tour(browser, live_server, tour_screenshots):
    tree = Tree()
    problems = walk(browser, live_server, tour(tree, build(tree)), tour_screenshots)
    assert not problems, "\n".join(problems)
