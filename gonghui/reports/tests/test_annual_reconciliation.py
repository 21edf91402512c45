"""Reconciliation: a small district with known records in every module that has metrics, rolled
up for 2025 by the real providers, and EVERY cell of the annual report checked against numbers
written out here — each section table (children, 本级, closed orgs, 合计) of the district, both
towns and a union, the level table, the workbook read back, the JSON — and every figure of the
page linked to a list that opens.

The tree (core.testing.factories.Tree plus two unions):

    district ─┬─ town1 ─┬─ union1   (enterprise1, 120 workers)
              │         ├─ union1b  (enterprise5, 100 workers)
              │         └─ closed   (inactive since; still holds a member)
              └─ town2 ─┬─ union2   (enterprise2, 120 workers)
                        └─ joint    (联合工会: enterprise3, 30 workers; enterprise4, 15 workers, has no union: town2)

EXPECTED below says, per metric, what each org holds itself (the value a provider attributes to
it); the rows are sums of those over each row's subtree, worked out by `expected_row` from the
org paths, never from the roll-ups.
"""

import datetime
import io
import itertools
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from python_calamine import CalamineWorkbook

from gonghui.bargaining.models import AgreementKind, Stage
from gonghui.bargaining.services import CoveredEnterprise
from gonghui.bargaining.testing import negotiation
from gonghui.competitions.models import (
    CompetitionStatus,
    CompetitionTeam,
    ContestEntry,
    ContestEntryStatus,
    ContestLevel,
    ContestStatus,
    ContestTrade,
    JobActivity,
    LabourCompetition,
    SkillContest,
)
from gonghui.congress.models import Proposal, ProposalStatus, ReplyOutcome, SessionStatus
from gonghui.congress.testing import congress_body, delegates, session
from gonghui.core.testing.factories import EnterpriseFactory, MembershipFactory, PersonFactory, add_org
from gonghui.grassroots.models.harmony import HarmonyRating, HarmonyStatus
from gonghui.grassroots.models.homes import HomeAssessment, HomeAssessmentStatus
from gonghui.grassroots.testing import harmony as harmony_testing
from gonghui.grassroots.testing import homes as home_testing
from gonghui.grassroots.testing.liaison import visit
from gonghui.honours.models import (
    HonourCategory,
    HonourRecord,
    LeaderAllowance,
    LeaderAllowanceRun,
    LeaderStatus,
    ModelWorker,
    ModelWorkerTitle,
    RewardClaimStatus,
    SkillLeader,
    SkillRewardBatch,
    SkillRewardClaim,
)
from gonghui.innovation.models import ProjectStatus, SuggestionStatus
from gonghui.innovation.testing import project, suggestion
from gonghui.members.models import JoinKind, MembershipStatus, Transfer, TransferStatus
from gonghui.orgs.models import Industry, Org, OrgLevel, UnionKind
from gonghui.reports import metrics
from gonghui.reports.selectors.annual import CHILD, CLOSED, OWN, TOTAL, build_annual_report, report_json
from gonghui.reports.services.annual import report_bytes
from gonghui.reports.testing.rollups import refresh
from gonghui.services.models import (
    Event,
    EventStatus,
    FacilityRequest,
    FacilityStatus,
    Merchant,
    Offer,
    OrderStatus,
    Performance,
    PerformanceStatus,
    ProjectDelivery,
    Redemption,
    Registration,
    RegistrationStatus,
    Screening,
    ScreeningStatus,
    ServiceCentre,
    ServiceItem,
    ServiceOrder,
    ServiceProject,
)
from gonghui.training.models import (
    AssessmentResult,
    AttendanceStatus,
    Certificate,
    CourseStatus,
    EnrolmentStatus,
    Mentorship,
    MentorshipAssessment,
    MentorshipStatus,
)
from gonghui.training.testing.stats import attend, certify, course, enrol
from gonghui.training.testing.stats import session as course_session
from gonghui.voice.testing.stats import KnownDataset
from gonghui.welfare.models import (
    ApplicationStatus,
    Campaign,
    CampaignApplication,
    CampaignKind,
    CampaignPayment,
    ClaimPayout,
    ClaimStatus,
    GoodsDistribution,
    HardshipFile,
    HardshipStatus,
    HelpRecord,
    MutualAidClaim,
    MutualAidCoverage,
    MutualAidEnrolment,
    MutualAidPlan,
)

pytestmark = pytest.mark.django_db

YEAR = 2025
D = Decimal
d = datetime.date
_seq = itertools.count(1)

# What each org holds itself, per metric (org keys: see Dataset.orgs). A metric with {} has no
# record in the year here (its definitions are tested on their own in test_metrics_*.py); it is
# still checked to be 0 in every cell.
EXPECTED = {
    # organisation: the register as it stands; the closed union is not counted
    "orgs.unions": {"union1": 1, "union1b": 1, "union2": 1, "joint": 1},
    "orgs.joint_unions": {"joint": 1},
    "orgs.enterprises": {"union1": 1, "union1b": 1, "union2": 1, "joint": 1, "town2": 1},
    "orgs.enterprises_unionised": {"union1": 1, "union1b": 1, "union2": 1, "joint": 1},
    "orgs.headcount": {"union1": 120, "union1b": 100, "union2": 120, "joint": 30, "town2": 15},
    # members on 31 Dec 2025: union1 m1 m2 m3 (m4 left in June, m5 joins in 2026, m8 moved to union2)
    "members.live": {"union1": 3, "union1b": 1, "union2": 2, "joint": 1, "closed": 1},
    "members.migrants": {"union1": 2, "union2": 1},
    "members.joined": {"union1": 1},
    "members.left": {"union1": 1},
    "members.transfers": {"union2": 1},
    # bargaining: union1's single agreement (50 workers of enterprise1), town2's area agreement
    # (enterprise3 at the joint union, enterprise4 at town2)
    "bargaining.agreements": {"union1": 1, "town2": 1},
    "bargaining.agreements.SINGLE": {"union1": 1},
    "bargaining.agreements.AREA": {"town2": 1},
    "bargaining.agreements.INDUSTRY": {},
    "bargaining.signed": {"union1": 1, "town2": 1},
    "bargaining.covered_enterprises": {"union1": 1, "joint": 1, "town2": 1},
    "bargaining.covered_workers": {"union1": 50, "joint": 30, "town2": 15},
    # congress: union1 two sessions held (one cancelled), three proposals; union2 one session, one proposal
    "congress.sessions": {"union1": 2, "union2": 1},
    "congress.proposals": {"union1": 3, "union2": 1},
    "congress.proposals_accepted": {"union1": 2, "union2": 1},
    "congress.proposals_adopted": {"union1": 2},
    "congress.proposal_benefit": {"union1": D("1000.50")},
    "congress.proposal_benefit_estimated": {"union1": D("2300.00")},
    # innovation
    "innovation.suggestions": {"union1": 1, "union2": 1, "union1b": 1},
    "innovation.suggestions_adopted": {"union1": 1, "union2": 1},
    "innovation.benefit": {"union1": D("18000.00"), "union2": D("250.25")},
    "innovation.tech_projects": {"union1": 1, "union2": 1},
    "innovation.tech_projects_completed": {"union1": 1},
    "innovation.tech_benefit": {"union1": D("56000.00")},
    # grassroots: visits held by the town of the enterprise; union1's home awarded, union2's refused
    "grassroots.foundings": {},
    "grassroots.joint_joins": {},
    "grassroots.elections": {},
    "grassroots.home_assessments": {"union1": 1, "union2": 1},
    "grassroots.homes": {"union1": 1},
    "grassroots.harmony": {"union1": 1, "union2": 1},
    "grassroots.harmony_passed": {"union1": 1},
    "grassroots.liaison_visits": {"town1": 1, "town2": 2},
    # competitions
    "competitions.competitions": {"district": 1, "town1": 1},
    "competitions.participants": {"union1": 2, "union2": 1, "union1b": 1},
    "competitions.activities": {"union1": 1},
    "competitions.activity_participants": {"union1": 12},
    "competitions.contests": {"district": 1},
    "competitions.contest_participants": {"union1": 2, "union2": 1},
    # training
    "training.courses": {"town1": 1, "union1": 1},
    "training.trainees": {"union1": 2, "union2": 1},
    "training.certificates": {"union1": 1},
    "training.mentorships": {"union1": 1},
    "training.mentorships_passed": {"union2": 1},
    # honours
    "honours.awards": {"union1": 1, "town2": 1},
    "honours.awards.AWARD": {"union1": 1},
    "honours.awards.CONTEST": {},
    "honours.awards.COMPETITION": {"town2": 1},
    "honours.awards.MODEL_WORKER": {},
    "honours.awards.SKILL_LEADER": {},
    "honours.awards.OTHER": {},
    "honours.model_workers": {"union1": 1},
    "honours.allowance_paid": {"union2": D("300.00")},
    "honours.allowance_people": {"union2": 1},
    "honours.rewards_paid": {"union1": D("1500.00")},
    "honours.rewards": {"union1": 1},
    # services
    "services.orders": {"union1": 1},
    "services.project_deliveries": {"union1": 1},
    "services.people_served": {"union1": 65},
    "services.facilities_opened": {"union1": 1},
    "services.events": {"town1": 1},
    "services.event_participants": {"union1": 1, "union2": 1},
    "services.event_checkins": {"union1": 1},
    "services.performances": {"town2": 1},
    "services.screenings": {"union2": 1},
    "services.redemptions": {"union1": 1},
    # welfare
    "welfare.spend.SPRING_BREEZE": {},
    "welfare.spend.SUMMER_COOLING": {"town1": D("1000.00")},
    "welfare.spend.GOLDEN_AUTUMN": {"union1": D("3000.00"), "union2": D("5000.00")},
    "welfare.spend.SAFE_HOMECOMING": {"joint": D("800.00")},
    "welfare.spend.AD_HOC": {},
    "welfare.spend_total": {"union1": D("3000.00"), "union2": D("5000.00"), "joint": D("800.00"),
                            "town1": D("1000.00")},
    "welfare.beneficiaries": {"union1": 1, "union2": 1, "joint": 1},
    "welfare.visit_help": {"town1": D("500.00")},
    "welfare.mutual_aid_paid": {"union1": D("2000.00")},
    "welfare.mutual_aid_claims": {"union1": 1},
    "welfare.mutual_aid_covered": {"union1": 2},
    "welfare.hardship_files": {"union2": 1},
    # voice: the appeal statistics' KnownDataset (a1–a8)
    "voice.appeals_received": {"union1": 3, "union2": 1, "union1b": 1, "town2": 1, "district": 1},
    "voice.appeals_closed": {"union1": 2, "town2": 1},
    "voice.appeals_on_time": {"union1": 1, "town2": 1},
    "voice.satisfaction_sum": {"union1": 8, "town2": 4},
    "voice.satisfaction_count": {"union1": 2, "town2": 1},
    "voice.satisfied": {"union1": 1, "town2": 1},
}

# The district's 合计 of every ratio, written out (the other rows' ratios are worked out from
# their sums by `expected_ratio`).
DISTRICT_RATIOS = {
    "members.rate": D("2.1"),  # 8 live ÷ 385 workers
    "members.migrant_share": D("37.5"),  # 3 ÷ 8
    "bargaining.coverage": D("24.7"),  # 95 ÷ 385
    "voice.on_time_rate": D("66.7"),  # 2 ÷ 3
    "voice.satisfaction": D("4.00"),  # 12 ÷ 3
    "voice.satisfied_rate": D("66.7"),  # 2 ÷ 3
}


class Dataset:
    """The records behind EXPECTED, built with the apps' own test helpers where they make no
    records beyond those counted (members are the ten below; every person named elsewhere is one
    of them), else written directly as the metric tests do."""

    def __init__(self, tree):
        self.tree = tree
        self.staff = tree.district_staff
        self.joint = add_org(tree.town2, "城南联合工会", OrgLevel.GRASSROOTS, union_kind=UnionKind.JOINT)
        self.closed = add_org(tree.town1, "已撤销工会", OrgLevel.GRASSROOTS, is_active=False)
        self.orgs = {name: Org.objects.get(pk=getattr(tree, name).pk)
                     for name in ("district", "town1", "town2", "union1", "union1b", "union2")}
        self.orgs["joint"] = Org.objects.get(pk=self.joint.pk)
        self.orgs["closed"] = Org.objects.get(pk=self.closed.pk)
        self.e1, self.e2 = tree.enterprise1, tree.enterprise2
        self.e3 = EnterpriseFactory(town=tree.town2, union=self.joint, headcount=30, industry=Industry.LOGISTICS)
        self.e4 = EnterpriseFactory(town=tree.town2, union=None, headcount=15, industry=Industry.LOGISTICS)
        self.e5 = EnterpriseFactory(town=tree.town1, union=tree.union1b, headcount=100)
        for build in (self.members, self.bargaining, self.congress, self.innovation, self.grassroots,
                      self.competitions, self.training, self.honours, self.services, self.welfare):
            build()
        KnownDataset(tree)

    # --- members ---------------------------------------------------------------------------------

    def member(self, union, joined_on, *, migrant=False, **extra):
        return MembershipFactory(person=PersonFactory(is_migrant=migrant), union=union, joined_on=joined_on, **extra)

    def members(self):
        t = self.tree
        self.m1 = self.member(t.union1, d(2020, 1, 1), migrant=True).person
        self.m2 = self.member(t.union1, d(2020, 1, 1)).person
        self.m3 = self.member(t.union1, d(YEAR, 3, 1), migrant=True).person  # joined in the year
        self.m4 = self.member(t.union1, d(2019, 1, 1), ended_on=d(YEAR, 6, 30), status=MembershipStatus.LEFT).person
        self.member(t.union1, d(YEAR + 1, 1, 5))  # from next year
        self.m6 = self.member(t.union1b, d(2021, 1, 1)).person
        self.m7 = self.member(t.union2, d(2020, 1, 1), migrant=True).person
        old = self.member(t.union1, d(2018, 1, 1), ended_on=d(YEAR, 5, 1), status=MembershipStatus.TRANSFERRED_OUT)
        self.m8 = old.person
        new = MembershipFactory(person=self.m8, union=t.union2, joined_on=d(YEAR, 5, 1), join_kind=JoinKind.TRANSFER_IN)
        Transfer.objects.create(person=self.m8, from_membership=old, from_union=t.union1, to_union=t.union2,
                                to_membership=new, status=TransferStatus.ACCEPTED, effective_on=d(YEAR, 5, 1))
        self.m9 = self.member(self.joint, d(2024, 1, 1)).person
        self.m10 = self.member(self.closed, d(2019, 1, 1)).person

    # --- bargaining ------------------------------------------------------------------------------

    def bargaining(self):
        t = self.tree
        negotiation(actor=self.staff, org=t.union1, enterprise=self.e1, stage=Stage.PUBLISHED, start=d(YEAR, 3, 3),
                    title="2025年工资专项集体合同")
        negotiation(actor=self.staff, org=t.town2, kind=AgreementKind.AREA, stage=Stage.EFFECTIVE,
                    start=d(YEAR, 3, 3), title="2025年区域性工资集体合同",
                    coverage=[CoveredEnterprise(self.e3, 30), CoveredEnterprise(self.e4, 15)])

    # --- congress --------------------------------------------------------------------------------

    def congress(self):
        t = self.tree
        body1, body2 = congress_body(org=t.union1), congress_body(org=t.union2)

        def held(body, number, on):
            return session(body, number=number, planned_on=on, status=SessionStatus.HELD, held_on=on, entitled=30,
                           present=25, report_due_on=on + datetime.timedelta(days=10))

        held(body1, 1, d(YEAR, 3, 1))
        held(body1, 2, d(YEAR, 9, 2))
        session(body1, number=3, planned_on=d(YEAR, 11, 1), status=SessionStatus.CANCELLED)
        held(body2, 1, d(YEAR, 6, 1))
        d1, d2 = delegates(body1, 3)[0], delegates(body2, 3)[0]

        def proposal(body, proposer, on, status, outcome="", verified=None, estimated=None):
            replied = status in (ProposalStatus.REPLIED, ProposalStatus.ARCHIVED)
            Proposal.objects.create(org=body.org, body=body, title="改善食堂", category="WELFARE", reasons="r",
                                    suggestions="s", proposer=proposer, status=status, submitted_on=on,
                                    outcome=outcome, department="后勤部" if replied else "",
                                    benefit_verified=verified, benefit_estimated=estimated)

        proposal(body1, d1, d(YEAR, 2, 1), ProposalStatus.ARCHIVED, ReplyOutcome.SOLVED, D("1000.50"), D("2000"))
        proposal(body1, d1, d(YEAR, 2, 2), ProposalStatus.REPLIED, ReplyOutcome.PLANNED, None, D("300"))
        proposal(body1, d1, d(YEAR, 2, 3), ProposalStatus.SUBMITTED)
        proposal(body2, d2, d(YEAR, 6, 2), ProposalStatus.REPLIED, ReplyOutcome.NOT_NOW)

    # --- innovation ------------------------------------------------------------------------------

    def innovation(self):
        t, staff = self.tree, self.staff

        def moved(record, **fields):
            type(record).objects.filter(pk=record.pk).update(**fields)

        implemented = suggestion(actor=staff, org=t.union1, enterprise=self.e1, status=SuggestionStatus.IMPLEMENTED)
        adopted = suggestion(actor=staff, org=t.union2, enterprise=self.e2, status=SuggestionStatus.ADOPTED)
        declined = suggestion(actor=staff, org=t.union1b, enterprise=self.e5, status=SuggestionStatus.NOT_ADOPTED)
        for s in (implemented, adopted, declined):
            moved(s, submitted_on=d(YEAR, 5, 1))
        moved(adopted, benefit_yuan=D("250.25"))
        done = project(actor=staff, org=t.union1, enterprise=self.e1, status=ProjectStatus.COMPLETED)
        running = project(actor=staff, org=t.union2, enterprise=self.e2, title="节能攻关")
        moved(done, started_on=d(YEAR, 1, 10), completed_on=d(YEAR, 10, 1))
        moved(running, started_on=d(YEAR - 1, 6, 1))

    # --- grassroots ------------------------------------------------------------------------------

    def grassroots(self):
        t = self.tree
        visit(self.e1, d(YEAR, 4, 1))
        visit(self.e2, d(YEAR, 5, 1))
        visit(self.e4, d(YEAR, 6, 1))
        visit(self.e2, d(YEAR - 1, 12, 31))  # the year before
        awarded = home_testing.assessment(t, HomeAssessmentStatus.AWARDED)
        refused = home_testing.assessment(t, HomeAssessmentStatus.REFUSED, org=t.union2)
        HomeAssessment.objects.filter(pk__in=[awarded.pk, refused.pk]).update(year=YEAR)
        harmony_testing.published_set(actor=self.staff, year=YEAR)
        harmony_testing.assessment(actor=self.staff, enterprise=self.e1, year=YEAR, status=HarmonyStatus.RATED,
                                   rating=HarmonyRating.MODEL, reason="示范")
        harmony_testing.assessment(actor=self.staff, enterprise=self.e2, year=YEAR, status=HarmonyStatus.RATED,
                                   rating=HarmonyRating.FAIL, reason="未达标")

    # --- competitions ----------------------------------------------------------------------------

    def competitions(self):
        t = self.tree
        for org, status, teams in ((t.district, CompetitionStatus.RUNNING, [t.union1, t.union2]),
                                   (t.town1, CompetitionStatus.FINISHED, [t.union1, t.union1b]),
                                   (t.town2, CompetitionStatus.PLANNED, [t.union2])):  # not started: none
            started = status in (CompetitionStatus.RUNNING, CompetitionStatus.FINISHED)
            c = LabourCompetition.objects.create(
                org=org, name=f"五比五赛{next(_seq)}", year=YEAR, starts_on=d(YEAR, 1, 1), ends_on=d(YEAR, 12, 31),
                status=status, started_on=d(YEAR, 2, 1) if started else None,
                finished_on=d(YEAR, 12, 1) if status == CompetitionStatus.FINISHED else None)
            for team_org in teams:
                CompetitionTeam.objects.create(competition=c, org=team_org, name=f"队{next(_seq)}")
        JobActivity.objects.create(org=t.union1, kind="TRAINING", title="岗位练兵", held_on=d(YEAR, 3, 1),
                                   participant_count=12)
        trade, _ = ContestTrade.objects.get_or_create(code="WELD", defaults={"name": "焊工"})
        contest = SkillContest.objects.create(
            org=t.district, trade=trade, level=ContestLevel.DISTRICT, year=YEAR, name="焊工比武",
            held_on=d(YEAR, 5, 10), registration_closes_on=d(YEAR, 5, 5), capacity=30, exam_prefix="H1",
            status=ContestStatus.PUBLISHED, published_on=d(YEAR, 5, 10))
        for person, union, absent in ((self.m1, t.union1, False), (self.m2, t.union1, False),
                                      (self.m7, t.union2, False), (self.m9, self.joint, True)):
            ContestEntry.objects.create(contest=contest, person=person, union=union, person_name=person.name,
                                        exam_no=f"H1-{next(_seq)}", status=ContestEntryStatus.REGISTERED,
                                        registered_at=timezone.now(), absent=absent)

    # --- training --------------------------------------------------------------------------------

    def training(self):
        t = self.tree
        town_course = course(t.town1, year=YEAR)
        s1 = course_session(town_course, 3)
        union_course = course(t.union1, year=YEAR, status=CourseStatus.OPEN)
        course_session(union_course, 2)
        course(t.town2, year=YEAR, status=CourseStatus.DRAFT)  # not offered
        attend(enrol(town_course, self.m1, t.union1), s1)
        enrol(union_course, self.m1, t.union1, status=EnrolmentStatus.COMPLETED)  # m1 again: once per union
        certify(enrol(town_course, self.m2, t.union1, status=EnrolmentStatus.COMPLETED))
        Certificate.objects.update(issued_on=d(YEAR, 6, 1))
        attend(enrol(town_course, self.m7, t.union2), s1, AttendanceStatus.LATE)

        def pair(union, master, apprentice, starts_on, status=MentorshipStatus.ACTIVE, passed_on=None):
            m = Mentorship.objects.create(org=union, town=union.town(), master_name="王师傅", master_person=master,
                                          apprentice=apprentice, trade="数控车工", starts_on=starts_on,
                                          ends_on=starts_on.replace(year=starts_on.year + 1), goals="出师",
                                          target_skill_level="LEVEL4", status=status)
            if passed_on:
                MentorshipAssessment.objects.create(mentorship=m, assessed_on=passed_on, result=AssessmentResult.PASS,
                                                    score=80, skill_level_before="NONE")

        pair(t.union1, self.m1, self.m3, d(YEAR, 3, 1))
        pair(t.union2, self.m7, self.m8, d(YEAR - 1, 5, 1), MentorshipStatus.COMPLETED, passed_on=d(YEAR, 5, 2))

    # --- honours ---------------------------------------------------------------------------------

    def honours(self):
        t = self.tree
        HonourRecord.objects.create(org=t.union1, holder_kind="PERSON", person=self.m1, title="金齿轮奖",
                                    category=HonourCategory.AWARD, level="DISTRICT", year=YEAR,
                                    conferred_on=d(YEAR, 4, 28))
        HonourRecord.objects.create(org=t.town2, holder_kind="TEAM", team_name="一号标段", title="劳动竞赛先进集体",
                                    category=HonourCategory.COMPETITION, level="DISTRICT", year=YEAR,
                                    conferred_on=d(YEAR, 9, 1))
        worker = ModelWorker.objects.create(person=self.m2, org=t.union1, level="DISTRICT", year=2010)
        ModelWorkerTitle.objects.create(worker=worker, level="DISTRICT", year=2010, title="劳动模范",
                                        conferred_on=d(2010, 5, 1))
        leader = SkillLeader.objects.create(
            org=t.union2, town=t.town2, person=self.m7, year=YEAR, trade="数控车工", industry="AUTO_PARTS",
            status=LeaderStatus.SELECTED, nominated_on=d(YEAR, 1, 5), decided_on=d(YEAR, 1, 20),
            starts_on=d(YEAR, 1, 20), term_ends_on=d(YEAR + 2, 12, 31), ends_on=d(YEAR + 2, 12, 31))
        for month in (1, 2, 3):
            run, _ = LeaderAllowanceRun.objects.get_or_create(month=d(YEAR, month, 1))
            LeaderAllowance.objects.create(leader=leader, run=run, month=d(YEAR, month, 1), year=YEAR,
                                           amount=D("100.00"), org=t.union2, town=t.town2)
        batch = SkillRewardBatch.objects.create(org=t.district, reference="B1", paid_on=d(YEAR, 3, 1))
        SkillRewardClaim.objects.create(
            org=t.union1, town=t.town1, person=self.m1, person_name=self.m1.name, level="LEVEL3", trade="电工",
            certificate_no="CERT1", certificate_on=d(YEAR - 1, 1, 1), year=YEAR, amount=D("1500.00"),
            status=RewardClaimStatus.PAID, batch=batch, paid_on=d(YEAR, 3, 1), decided_on=d(YEAR, 1, 1))

    # --- services --------------------------------------------------------------------------------

    def services(self):
        t = self.tree

        def at(day):
            return timezone.make_aware(datetime.datetime.combine(day, datetime.time(10)))

        centre = ServiceCentre.objects.create(org=t.town1, name="城厢职工服务中心", address="城厢路1号")
        item = ServiceItem.objects.create(org=t.town1, centre=centre, name="劳动法律咨询", category="LEGAL")
        ServiceOrder.objects.create(number="FW000001", org=t.union1, centre=centre, item=item, place="车间",
                                    wanted_on=d(YEAR, 2, 20), headcount=30, status=OrderStatus.DELIVERED,
                                    submitted_on=d(YEAR, 2, 20), accept_due_on=d(YEAR, 2, 25),
                                    delivered_on=d(YEAR, 3, 1), people_served=40)
        p = ServiceProject.objects.create(org=t.town1, centre=centre, item=item, title="送法进企业",
                                          starts_on=d(YEAR - 1, 1, 1), ends_on=d(YEAR + 1, 12, 31),
                                          planned_beneficiaries=100)
        ProjectDelivery.objects.create(project=p, delivered_on=d(YEAR, 4, 1), union=t.union1, people_served=25)
        FacilityRequest.objects.create(number="SS000001", org=t.union1, kind="ATM", title="厂区ATM", location="东门",
                                       workers_served=300, justification="偏远", status=FacilityStatus.OPEN,
                                       submitted_on=d(YEAR - 1, 6, 1), decide_due_on=d(YEAR - 1, 6, 15),
                                       opened_on=d(YEAR, 5, 1))
        event = Event.objects.create(org=t.town1, kind="SPORTS", title="职工篮球赛", starts_at=at(d(YEAR, 5, 1)),
                                     ends_at=at(d(YEAR, 5, 1)) + datetime.timedelta(hours=3), capacity=100,
                                     status=EventStatus.FINISHED)
        for person, union, checked in ((self.m1, t.union1, True), (self.m7, t.union2, False)):
            Registration.objects.create(event=event, person=person, union=union, status=RegistrationStatus.REGISTERED,
                                        channel="UNION", registered_at=timezone.now(),
                                        checked_in_at=timezone.now() if checked else None)
        Performance.objects.create(org=t.town2, title="送文化进企业", status=PerformanceStatus.DONE,
                                   starts_at=at(d(YEAR, 5, 1)), audience=200)
        Screening.objects.create(org=t.union2, film="长津湖", starts_at=at(d(YEAR, 8, 1)), site="食堂",
                                 status=ScreeningStatus.SHOWN, audience=80)
        merchant = Merchant.objects.create(org=t.district, code="M0001", name="职工书店", category="SHOPPING",
                                           address="x", agreement_start=d(YEAR - 1, 1, 1),
                                           agreement_end=d(YEAR + 2, 1, 1))
        offer = Offer.objects.create(merchant=merchant, title="会员九折", discount="九折", valid_from=d(YEAR - 1, 1, 1),
                                     valid_to=d(YEAR + 2, 1, 1))
        Redemption.objects.create(org=t.district, merchant=merchant, offer=offer, person=self.m1, union=t.union1,
                                  redeemed_at=at(d(YEAR, 3, 1)))

    # --- welfare ---------------------------------------------------------------------------------

    def welfare(self):
        t = self.tree

        def campaign(org, kind):
            return Campaign.objects.create(kind=kind, year=YEAR, title=f"{YEAR}年活动{next(_seq)}", org=org,
                                           opens_on=d(YEAR, 1, 1), closes_on=d(YEAR, 12, 31), status="OPEN")

        def paid(c, person, union, amount, paid_on):
            x = CampaignApplication.objects.create(
                number=f"SQ{next(_seq):06d}", campaign=c, kind=c.kind, year=c.year, person=person, union=union,
                town=union.town(), channel="UNION", status=ApplicationStatus.PAID, amount=D(amount))
            CampaignPayment.objects.create(application=x, amount=D(amount), paid_on=paid_on, method="BANK")

        autumn = campaign(t.district, CampaignKind.GOLDEN_AUTUMN)
        paid(autumn, self.m1, t.union1, "3000.00", d(YEAR, 9, 1))
        paid(autumn, self.m7, t.union2, "5000.00", d(YEAR, 9, 2))
        paid(campaign(t.town2, CampaignKind.SAFE_HOMECOMING), self.m9, self.joint, "800.00", d(YEAR, 1, 20))
        GoodsDistribution.objects.create(campaign=campaign(t.district, CampaignKind.SUMMER_COOLING), org=t.town1,
                                         site="一号工地", items="防暑降温用品", quantity=1, value=D("1000.00"),
                                         given_on=d(YEAR, 7, 17))
        HelpRecord.objects.create(person=self.m2, org=t.town1, kind="VISIT", source_key="t:visit", source_label="x",
                                  amount=D("500.00"), given_on=d(YEAR, 1, 20))
        plan = MutualAidPlan.objects.create(
            org=t.district, year=YEAR, name=f"{YEAR}年度职工医疗互助保障", premium=D("30"),
            enrol_from=d(YEAR - 1, 12, 1), enrol_until=d(YEAR, 1, 31), coverage_starts=d(YEAR, 1, 1),
            coverage_ends=d(YEAR, 12, 31), hospital_deductible=D("500"), hospital_ratio=D("0.5"),
            hospital_cap=D("20000"), serious_sum=D("10000"), serious_cap=D("10000"), overall_cap=D("25000"),
            status="OPEN")
        batch = MutualAidEnrolment.objects.create(plan=plan, union=t.union1, town=t.town1, people=2, amount_due=60,
                                                  status="PAID", paid_on=d(YEAR, 1, 10))
        covered = [MutualAidCoverage.objects.create(plan=plan, enrolment=batch, person=person, union=t.union1,
                                                    effective_from=d(YEAR, 1, 10)) for person in (self.m1, self.m2)]
        claim = MutualAidClaim.objects.create(
            number="HZ000001", plan=plan, coverage=covered[0], person=self.m1, union=t.union1, town=t.town1,
            kind="HOSPITAL", hospital="区一院", admitted_on=d(YEAR, 3, 1), discharged_on=d(YEAR, 3, 5),
            diagnosis="肺炎", invoice_numbers="F1", total_cost=D("6000"), eligible_cost=D("5000"),
            approved_amount=D("2000.00"), status=ClaimStatus.PAID)
        ClaimPayout.objects.create(claim=claim, amount=D("2000.00"), paid_on=d(YEAR, 4, 1), reference="PAY")
        HardshipFile.objects.create(number="KN000001", person=self.m8, org=t.union2, status=HardshipStatus.ACTIVE,
                                    category="DEEP", accepted_on=d(YEAR - 1, 5, 1))


# --- what each cell must be ----------------------------------------------------------------------


def held_value(code, org_key):
    return D(EXPECTED[code].get(org_key, 0))


def expected_row(data, code, orgs):
    """The sum of what the given orgs (keys) hold for the metric."""
    return sum((held_value(code, key) for key in orgs), D(0))


def subtree_keys(data, org):
    return [key for key, o in data.orgs.items() if o.path.startswith(org.path)]


def expected_ratio(ratio, figures):
    den = figures[ratio.denominator]
    if not den:
        return None
    scale = D(100) if ratio.percent else D(1)
    return (figures[ratio.numerator] * scale / den).quantize(D(1).scaleb(-ratio.decimals), rounding=ROUND_HALF_UP)


def expected_figures(data, keys):
    figures = {code: expected_row(data, code, keys) for code in EXPECTED}
    figures.update({r.code: expected_ratio(r, figures) for r in metrics.all_ratios()})
    return figures


def expected_rows(data, org):
    """(kind, label or None, figures) of each row of the org's section tables."""
    children = [o for o in data.orgs.values() if o.depth == org.depth + 1 and o.path.startswith(org.path)]
    rows = [(CHILD, child.name, expected_figures(data, subtree_keys(data, child)))
            for child in sorted(children, key=lambda o: o.path) if child.is_active]
    own_key = next(key for key, o in data.orgs.items() if o.pk == org.pk)
    rows.append((OWN, None, expected_figures(data, [own_key])))
    closed = [key for child in children if not child.is_active for key in subtree_keys(data, child)]
    if any(expected_row(data, code, closed) for code in EXPECTED):
        rows.append((CLOSED, None, expected_figures(data, closed)))
    rows.append((TOTAL, None, expected_figures(data, subtree_keys(data, org))))
    return rows


@pytest.fixture
def data(tree):
    data = Dataset(tree)
    run = refresh(YEAR)
    assert run.status == "DONE"
    return data


def test_every_metric_has_its_expected_values():
    assert set(EXPECTED) == {m.code for m in metrics.all_metrics()}


@pytest.mark.parametrize("org_key", ["district", "town1", "town2", "union1"])
def test_every_cell_of_every_section_table(data, org_key):
    org = data.orgs[org_key]
    report = build_annual_report(org=org, year=YEAR)
    rows = expected_rows(data, org)
    assert len(report.sections) == len(metrics.SECTIONS)
    checked = 0
    for section in report.sections:
        assert [(row.kind, row.label if row.kind == CHILD else None) for row in section.rows] == [
            (kind, label) for kind, label, _f in rows], section.code
        for row, (_kind, _label, figures) in zip(section.rows, rows, strict=True):
            for column, cell in zip(section.columns, row.cells, strict=True):
                assert cell.value == figures[column.code], (org_key, row.kind, row.label, column.code)
                checked += 1
    shown = [m for m in metrics.all_metrics() if m.shown]
    assert checked == (len(shown) + len(metrics.all_ratios())) * len(rows)
    if org_key == "district":
        total = report.totals
        assert {code: total[code] for code in DISTRICT_RATIOS} == DISTRICT_RATIOS


def test_the_towns_table_shows_the_closed_union_on_its_own_row(data):
    report = build_annual_report(org=data.orgs["town1"], year=YEAR)
    members = next(s for s in report.sections if s.code == "members")
    live = members.columns.index(next(c for c in members.columns if c.code == "members.live"))
    assert [(row.kind, row.cells[live].value) for row in members.rows] == [
        (CHILD, 3), (CHILD, 1), (OWN, 0), (CLOSED, 1), (TOTAL, 5)]


def test_every_cell_of_the_level_table(data):
    report = build_annual_report(org=data.orgs["district"], year=YEAR)
    levels = [code for code, _label in report.levels.levels]
    assert levels == ["DISTRICT", "TOWN", "PLATFORM", "INDUSTRY", "GRASSROOTS", "GROUP"]
    by_level = {level: expected_figures(data, [k for k, o in data.orgs.items() if o.level == level])
                for level in levels}
    total = expected_figures(data, list(data.orgs))
    for group in report.levels.groups:
        for row in group.rows:
            code = row.column.code
            assert [cell.value for cell in row.cells] == [by_level[level][code] for level in levels], code
            assert row.total.value == total[code], code


def test_every_cell_of_the_workbook_and_the_json(data):
    org = data.orgs["district"]
    report = build_annual_report(org=org, year=YEAR)
    rows = expected_rows(data, org)
    book = CalamineWorkbook.from_filelike(io.BytesIO(report_bytes(report, "xlsx")))
    body = report_json(report)
    assert book.sheet_names[1:-1] == [title for _code, title in metrics.SECTIONS]
    for section, sheet_name, json_section in zip(report.sections, book.sheet_names[1:-1], body["sections"],
                                                 strict=True):
        sheet = book.get_sheet_by_name(sheet_name).to_python()
        assert sheet[0][1:] == [c.label for c in section.columns]
        assert len(sheet) == 1 + len(rows)
        for line, json_row, (kind, label, figures) in zip(sheet[1:], json_section["rows"], rows, strict=True):
            if kind == CHILD:
                assert line[0] == label and json_row["label"] == label
            assert json_row["kind"] == kind
            for column, cell, value in zip(section.columns, line[1:], json_row["values"].values(), strict=True):
                want = figures[column.code]
                if want is None:
                    assert cell == "—" and value is None, column.code
                    continue
                excel = want / 100 if column.unit == "percent" else want
                assert cell == pytest.approx(float(excel)), (kind, label, column.code)
                assert D(value) == want, (kind, label, column.code)
    total = expected_figures(data, list(data.orgs))
    assert {code: (D(v) if v is not None else None) for code, v in body["total"].items()} == {
        code: total[code] for code in body["total"]}


def test_every_figure_of_the_page_links_to_a_list_that_opens(client, data):
    client.force_login(data.tree.district_staff)
    response = client.get(reverse("reports:annual"), {"year": YEAR})
    assert response.status_code == 200
    report = response.context["report"]
    urls = set()
    for section in report.sections:
        for row in section.rows:
            for column, cell in zip(section.columns, row.cells, strict=True):
                if row.kind in (CHILD, TOTAL) and cell.value and column.drill:
                    assert cell.url, (row.label, column.code)
                    urls.add(cell.url)
                else:
                    assert not cell.url
    html = response.content.decode()
    for url in urls:
        assert url.replace("&", "&amp;") in html
    assert len(urls) > 50
    for url in sorted(urls):
        assert client.get(url).status_code == 200, url
