"""Test helpers of the `annual` area: a small registry of hand-made metrics with known values on
the test tree (`core.testing.factories.Tree`), for tests of the report's layout, files, pages and
API that should not depend on the domain metrics; the domain figures are checked cell by cell in
`tests/test_annual_reconciliation.py`.

    with known_figures(tree) as known:
        report = build_annual_report(org=tree.district, year=known.year)

`KnownDistrict(tree)` builds real records of 2025 in every module that has metrics (the
reconciliation test's dataset, also the layout tour's).
"""

import contextlib
import datetime
import itertools
from dataclasses import dataclass, field
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone

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

from .. import metrics
from .rollups import fixed_provider, only_metrics, refresh

YEAR = 2025


def drill_members(org, year):
    return f"{reverse('members:list')}?org={org.pk}&year={year}"


COUNT = metrics.Metric(code="k.unions", label="基层工会数", section="organisation", help="在册的基层工会")
PEOPLE = metrics.Metric(code="k.members", label="会员数", section="members", unit="people", drill=drill_members,
                        help="年末在册会员")
BASE = metrics.Metric(code="k.headcount", label="职工数", section="organisation", unit="people")
MONEY = metrics.Metric(code="k.spend", label="慰问金额", section="welfare", unit="yuan", drill=drill_members)
SCORE = metrics.Metric(code="k.score", label="评分合计", section="voice", unit="score", shown=False)
RATED = metrics.Metric(code="k.rated", label="评价数", section="voice")
RATE = metrics.Ratio(code="k.rate", label="入会率", section="members", numerator="k.members",
                     denominator="k.headcount")
AVERAGE = metrics.Ratio(code="k.average", label="平均评分", section="voice", numerator="k.score",
                        denominator="k.rated", percent=False, decimals=2)
METRICS = [COUNT, BASE, PEOPLE, MONEY, SCORE, RATED]
RATIOS = [RATE, AVERAGE]


@dataclass
class Known:
    """The hand-made values: (org attribute of the tree, code, value); `year` they were rolled up for."""

    tree: object
    year: int = YEAR
    values: list = field(default_factory=list)

    def held(self, org_name, code):
        return sum((Decimal(v) for name, c, v in self.values if name == org_name and c == code), Decimal(0))


# Where each value is held. The district holds a little itself (本级), town2 too; union1 has a group.
VALUES = [
    ("district", "k.spend", "100.50"),
    ("town1", "k.unions", 0), ("union1", "k.unions", 1), ("union1b", "k.unions", 1), ("union2", "k.unions", 1),
    ("union1", "k.headcount", 300), ("union1b", "k.headcount", 100), ("union2", "k.headcount", 80),
    ("union1", "k.members", 240), ("union1b", "k.members", 60), ("union2", "k.members", 80),
    ("group", "k.members", 20),
    ("union1", "k.spend", "1000.25"), ("union2", "k.spend", "500"), ("town2", "k.spend", "50"),
    ("union1", "k.score", 9), ("union1", "k.rated", 2), ("town2", "k.score", 4), ("town2", "k.rated", 1),
]


@contextlib.contextmanager
def known_figures(tree, *, year=YEAR, group=None, extra=()):
    """Within the block the registry holds the hand-made metrics and the year is rolled up.
    `group`: a union group under union1 (its value is held there); `extra`: more
    (org, code, value[, industry]) tuples with real orgs."""
    places = {name: getattr(tree, name) for name in ("district", "town1", "town2", "union1", "union1b", "union2")}
    if group is not None:
        places["group"] = group
    values = [(places[name].pk, code, value) for name, code, value in VALUES if name in places]
    values += [(org.pk, code, value, *rest) for org, code, value, *rest in extra]
    with only_metrics(METRICS, fixed_provider(values), ratios=RATIOS):
        refresh(year)
        yield Known(tree=tree, year=year, values=[v for v in VALUES if v[0] in places])


# --- a known district for the reconciliation test and the layout tour ---------------------------

RY = RECONCILIATION_YEAR = 2025
D = Decimal
d = datetime.date
_seq = itertools.count(1)


class KnownDistrict:
    """Known records of 2025 in every module that has metrics, on a `Tree` plus a joint union in
    town2 and a closed union in town1 (tests/test_annual_reconciliation.py writes out what each
    org holds). Built with the apps' own test helpers where they make no records beyond those
    counted (members are the ten below; every person named elsewhere is one of them), else written
    directly as the metric tests do. Not rolled up: call `rollups.refresh(RECONCILIATION_RY)`."""

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
        self.m3 = self.member(t.union1, d(RY, 3, 1), migrant=True).person  # joined in the year
        self.m4 = self.member(t.union1, d(2019, 1, 1), ended_on=d(RY, 6, 30), status=MembershipStatus.LEFT).person
        self.member(t.union1, d(RY + 1, 1, 5))  # from next year
        self.m6 = self.member(t.union1b, d(2021, 1, 1)).person
        self.m7 = self.member(t.union2, d(2020, 1, 1), migrant=True).person
        old = self.member(t.union1, d(2018, 1, 1), ended_on=d(RY, 5, 1), status=MembershipStatus.TRANSFERRED_OUT)
        self.m8 = old.person
        new = MembershipFactory(person=self.m8, union=t.union2, joined_on=d(RY, 5, 1), join_kind=JoinKind.TRANSFER_IN)
        Transfer.objects.create(person=self.m8, from_membership=old, from_union=t.union1, to_union=t.union2,
                                to_membership=new, status=TransferStatus.ACCEPTED, effective_on=d(RY, 5, 1))
        self.m9 = self.member(self.joint, d(2024, 1, 1)).person
        self.m10 = self.member(self.closed, d(2019, 1, 1)).person

    # --- bargaining ------------------------------------------------------------------------------

    def bargaining(self):
        t = self.tree
        negotiation(actor=self.staff, org=t.union1, enterprise=self.e1, stage=Stage.PUBLISHED, start=d(RY, 3, 3),
                    title="2025年工资专项集体合同")
        negotiation(actor=self.staff, org=t.town2, kind=AgreementKind.AREA, stage=Stage.EFFECTIVE,
                    start=d(RY, 3, 3), title="2025年区域性工资集体合同",
                    coverage=[CoveredEnterprise(self.e3, 30), CoveredEnterprise(self.e4, 15)])

    # --- congress --------------------------------------------------------------------------------

    def congress(self):
        t = self.tree
        body1, body2 = congress_body(org=t.union1), congress_body(org=t.union2)

        def held(body, number, on):
            return session(body, number=number, planned_on=on, status=SessionStatus.HELD, held_on=on, entitled=30,
                           present=25, report_due_on=on + datetime.timedelta(days=10))

        held(body1, 1, d(RY, 3, 1))
        held(body1, 2, d(RY, 9, 2))
        session(body1, number=3, planned_on=d(RY, 11, 1), status=SessionStatus.CANCELLED)
        held(body2, 1, d(RY, 6, 1))
        d1, d2 = delegates(body1, 3)[0], delegates(body2, 3)[0]

        def proposal(body, proposer, on, status, outcome="", verified=None, estimated=None):
            replied = status in (ProposalStatus.REPLIED, ProposalStatus.ARCHIVED)
            Proposal.objects.create(org=body.org, body=body, title="改善食堂", category="WELFARE", reasons="r",
                                    suggestions="s", proposer=proposer, status=status, submitted_on=on,
                                    outcome=outcome, department="后勤部" if replied else "",
                                    benefit_verified=verified, benefit_estimated=estimated)

        proposal(body1, d1, d(RY, 2, 1), ProposalStatus.ARCHIVED, ReplyOutcome.SOLVED, D("1000.50"), D("2000"))
        proposal(body1, d1, d(RY, 2, 2), ProposalStatus.REPLIED, ReplyOutcome.PLANNED, None, D("300"))
        proposal(body1, d1, d(RY, 2, 3), ProposalStatus.SUBMITTED)
        proposal(body2, d2, d(RY, 6, 2), ProposalStatus.REPLIED, ReplyOutcome.NOT_NOW)

    # --- innovation ------------------------------------------------------------------------------

    def innovation(self):
        t, staff = self.tree, self.staff

        def moved(record, **fields):
            type(record).objects.filter(pk=record.pk).update(**fields)

        implemented = suggestion(actor=staff, org=t.union1, enterprise=self.e1, status=SuggestionStatus.IMPLEMENTED)
        adopted = suggestion(actor=staff, org=t.union2, enterprise=self.e2, status=SuggestionStatus.ADOPTED)
        declined = suggestion(actor=staff, org=t.union1b, enterprise=self.e5, status=SuggestionStatus.NOT_ADOPTED)
        for s in (implemented, adopted, declined):
            moved(s, submitted_on=d(RY, 5, 1))
        moved(adopted, benefit_yuan=D("250.25"))
        done = project(actor=staff, org=t.union1, enterprise=self.e1, status=ProjectStatus.COMPLETED)
        running = project(actor=staff, org=t.union2, enterprise=self.e2, title="节能攻关")
        moved(done, started_on=d(RY, 1, 10), completed_on=d(RY, 10, 1))
        moved(running, started_on=d(RY - 1, 6, 1))

    # --- grassroots ------------------------------------------------------------------------------

    def grassroots(self):
        t = self.tree
        visit(self.e1, d(RY, 4, 1))
        visit(self.e2, d(RY, 5, 1))
        visit(self.e4, d(RY, 6, 1))
        visit(self.e2, d(RY - 1, 12, 31))  # the year before
        awarded = home_testing.assessment(t, HomeAssessmentStatus.AWARDED)
        refused = home_testing.assessment(t, HomeAssessmentStatus.REFUSED, org=t.union2)
        HomeAssessment.objects.filter(pk__in=[awarded.pk, refused.pk]).update(year=RY)
        harmony_testing.published_set(actor=self.staff, year=RY)
        harmony_testing.assessment(actor=self.staff, enterprise=self.e1, year=RY, status=HarmonyStatus.RATED,
                                   rating=HarmonyRating.MODEL, reason="示范")
        harmony_testing.assessment(actor=self.staff, enterprise=self.e2, year=RY, status=HarmonyStatus.RATED,
                                   rating=HarmonyRating.FAIL, reason="未达标")

    # --- competitions ----------------------------------------------------------------------------

    def competitions(self):
        t = self.tree
        for org, status, teams in ((t.district, CompetitionStatus.RUNNING, [t.union1, t.union2]),
                                   (t.town1, CompetitionStatus.FINISHED, [t.union1, t.union1b]),
                                   (t.town2, CompetitionStatus.PLANNED, [t.union2])):  # not started: none
            started = status in (CompetitionStatus.RUNNING, CompetitionStatus.FINISHED)
            c = LabourCompetition.objects.create(
                org=org, name=f"五比五赛{next(_seq)}", year=RY, starts_on=d(RY, 1, 1), ends_on=d(RY, 12, 31),
                status=status, started_on=d(RY, 2, 1) if started else None,
                finished_on=d(RY, 12, 1) if status == CompetitionStatus.FINISHED else None)
            for team_org in teams:
                CompetitionTeam.objects.create(competition=c, org=team_org, name=f"队{next(_seq)}")
        JobActivity.objects.create(org=t.union1, kind="TRAINING", title="岗位练兵", held_on=d(RY, 3, 1),
                                   participant_count=12)
        trade, _ = ContestTrade.objects.get_or_create(code="WELD", defaults={"name": "焊工"})
        contest = SkillContest.objects.create(
            org=t.district, trade=trade, level=ContestLevel.DISTRICT, year=RY, name="焊工比武",
            held_on=d(RY, 5, 10), registration_closes_on=d(RY, 5, 5), capacity=30, exam_prefix="H1",
            status=ContestStatus.PUBLISHED, published_on=d(RY, 5, 10))
        for person, union, absent in ((self.m1, t.union1, False), (self.m2, t.union1, False),
                                      (self.m7, t.union2, False), (self.m9, self.joint, True)):
            ContestEntry.objects.create(contest=contest, person=person, union=union, person_name=person.name,
                                        exam_no=f"H1-{next(_seq)}", status=ContestEntryStatus.REGISTERED,
                                        registered_at=timezone.now(), absent=absent)

    # --- training --------------------------------------------------------------------------------

    def training(self):
        t = self.tree
        town_course = course(t.town1, year=RY)
        s1 = course_session(town_course, 3)
        union_course = course(t.union1, year=RY, status=CourseStatus.OPEN)
        course_session(union_course, 2)
        course(t.town2, year=RY, status=CourseStatus.DRAFT)  # not offered
        attend(enrol(town_course, self.m1, t.union1), s1)
        enrol(union_course, self.m1, t.union1, status=EnrolmentStatus.COMPLETED)  # m1 again: once per union
        certify(enrol(town_course, self.m2, t.union1, status=EnrolmentStatus.COMPLETED))
        Certificate.objects.update(issued_on=d(RY, 6, 1))
        attend(enrol(town_course, self.m7, t.union2), s1, AttendanceStatus.LATE)

        def pair(union, master, apprentice, starts_on, status=MentorshipStatus.ACTIVE, passed_on=None):
            m = Mentorship.objects.create(org=union, town=union.town(), master_name="王师傅", master_person=master,
                                          apprentice=apprentice, trade="数控车工", starts_on=starts_on,
                                          ends_on=starts_on.replace(year=starts_on.year + 1), goals="出师",
                                          target_skill_level="LEVEL4", status=status)
            if passed_on:
                MentorshipAssessment.objects.create(mentorship=m, assessed_on=passed_on, result=AssessmentResult.PASS,
                                                    score=80, skill_level_before="NONE")

        pair(t.union1, self.m1, self.m3, d(RY, 3, 1))
        pair(t.union2, self.m7, self.m8, d(RY - 1, 5, 1), MentorshipStatus.COMPLETED, passed_on=d(RY, 5, 2))

    # --- honours ---------------------------------------------------------------------------------

    def honours(self):
        t = self.tree
        HonourRecord.objects.create(org=t.union1, holder_kind="PERSON", person=self.m1, title="金齿轮奖",
                                    category=HonourCategory.AWARD, level="DISTRICT", year=RY,
                                    conferred_on=d(RY, 4, 28))
        HonourRecord.objects.create(org=t.town2, holder_kind="TEAM", team_name="一号标段", title="劳动竞赛先进集体",
                                    category=HonourCategory.COMPETITION, level="DISTRICT", year=RY,
                                    conferred_on=d(RY, 9, 1))
        worker = ModelWorker.objects.create(person=self.m2, org=t.union1, level="DISTRICT", year=2010)
        ModelWorkerTitle.objects.create(worker=worker, level="DISTRICT", year=2010, title="劳动模范",
                                        conferred_on=d(2010, 5, 1))
        leader = SkillLeader.objects.create(
            org=t.union2, town=t.town2, person=self.m7, year=RY, trade="数控车工", industry="AUTO_PARTS",
            status=LeaderStatus.SELECTED, nominated_on=d(RY, 1, 5), decided_on=d(RY, 1, 20),
            starts_on=d(RY, 1, 20), term_ends_on=d(RY + 2, 12, 31), ends_on=d(RY + 2, 12, 31))
        for month in (1, 2, 3):
            run, _ = LeaderAllowanceRun.objects.get_or_create(month=d(RY, month, 1))
            LeaderAllowance.objects.create(leader=leader, run=run, month=d(RY, month, 1), year=RY,
                                           amount=D("100.00"), org=t.union2, town=t.town2)
        batch = SkillRewardBatch.objects.create(org=t.district, reference="B1", paid_on=d(RY, 3, 1))
        SkillRewardClaim.objects.create(
            org=t.union1, town=t.town1, person=self.m1, person_name=self.m1.name, level="LEVEL3", trade="电工",
            certificate_no="CERT1", certificate_on=d(RY - 1, 1, 1), year=RY, amount=D("1500.00"),
            status=RewardClaimStatus.PAID, batch=batch, paid_on=d(RY, 3, 1), decided_on=d(RY, 1, 1))

    # --- services --------------------------------------------------------------------------------

    def services(self):
        t = self.tree

        def at(day):
            return timezone.make_aware(datetime.datetime.combine(day, datetime.time(10)))

        centre = ServiceCentre.objects.create(org=t.town1, name="城厢职工服务中心", address="城厢路1号")
        item = ServiceItem.objects.create(org=t.town1, centre=centre, name="劳动法律咨询", category="LEGAL")
        ServiceOrder.objects.create(number="FW000001", org=t.union1, centre=centre, item=item, place="车间",
                                    wanted_on=d(RY, 2, 20), headcount=30, status=OrderStatus.DELIVERED,
                                    submitted_on=d(RY, 2, 20), accept_due_on=d(RY, 2, 25),
                                    delivered_on=d(RY, 3, 1), people_served=40)
        p = ServiceProject.objects.create(org=t.town1, centre=centre, item=item, title="送法进企业",
                                          starts_on=d(RY - 1, 1, 1), ends_on=d(RY + 1, 12, 31),
                                          planned_beneficiaries=100)
        ProjectDelivery.objects.create(project=p, delivered_on=d(RY, 4, 1), union=t.union1, people_served=25)
        FacilityRequest.objects.create(number="SS000001", org=t.union1, kind="ATM", title="厂区ATM", location="东门",
                                       workers_served=300, justification="偏远", status=FacilityStatus.OPEN,
                                       submitted_on=d(RY - 1, 6, 1), decide_due_on=d(RY - 1, 6, 15),
                                       opened_on=d(RY, 5, 1))
        event = Event.objects.create(org=t.town1, kind="SPORTS", title="职工篮球赛", starts_at=at(d(RY, 5, 1)),
                                     ends_at=at(d(RY, 5, 1)) + datetime.timedelta(hours=3), capacity=100,
                                     status=EventStatus.FINISHED)
        for person, union, checked in ((self.m1, t.union1, True), (self.m7, t.union2, False)):
            Registration.objects.create(event=event, person=person, union=union, status=RegistrationStatus.REGISTERED,
                                        channel="UNION", registered_at=timezone.now(),
                                        checked_in_at=timezone.now() if checked else None)
        Performance.objects.create(org=t.town2, title="送文化进企业", status=PerformanceStatus.DONE,
                                   starts_at=at(d(RY, 5, 1)), audience=200)
        Screening.objects.create(org=t.union2, film="长津湖", starts_at=at(d(RY, 8, 1)), site="食堂",
                                 status=ScreeningStatus.SHOWN, audience=80)
        merchant = Merchant.objects.create(org=t.district, code="M0001", name="职工书店", category="SHOPPING",
                                           address="x", agreement_start=d(RY - 1, 1, 1),
                                           agreement_end=d(RY + 2, 1, 1))
        offer = Offer.objects.create(merchant=merchant, title="会员九折", discount="九折", valid_from=d(RY - 1, 1, 1),
                                     valid_to=d(RY + 2, 1, 1))
        Redemption.objects.create(org=t.district, merchant=merchant, offer=offer, person=self.m1, union=t.union1,
                                  redeemed_at=at(d(RY, 3, 1)))

    # --- welfare ---------------------------------------------------------------------------------

    def welfare(self):
        t = self.tree

        def campaign(org, kind):
            return Campaign.objects.create(kind=kind, year=RY, title=f"{RY}年活动{next(_seq)}", org=org,
                                           opens_on=d(RY, 1, 1), closes_on=d(RY, 12, 31), status="OPEN")

        def paid(c, person, union, amount, paid_on):
            x = CampaignApplication.objects.create(
                number=f"SQ{next(_seq):06d}", campaign=c, kind=c.kind, year=c.year, person=person, union=union,
                town=union.town(), channel="UNION", status=ApplicationStatus.PAID, amount=D(amount))
            CampaignPayment.objects.create(application=x, amount=D(amount), paid_on=paid_on, method="BANK")

        autumn = campaign(t.district, CampaignKind.GOLDEN_AUTUMN)
        paid(autumn, self.m1, t.union1, "3000.00", d(RY, 9, 1))
        paid(autumn, self.m7, t.union2, "5000.00", d(RY, 9, 2))
        paid(campaign(t.town2, CampaignKind.SAFE_HOMECOMING), self.m9, self.joint, "800.00", d(RY, 1, 20))
        GoodsDistribution.objects.create(campaign=campaign(t.district, CampaignKind.SUMMER_COOLING), org=t.town1,
                                         site="一号工地", items="防暑降温用品", quantity=1, value=D("1000.00"),
                                         given_on=d(RY, 7, 17))
        HelpRecord.objects.create(person=self.m2, org=t.town1, kind="VISIT", source_key="t:visit", source_label="x",
                                  amount=D("500.00"), given_on=d(RY, 1, 20))
        plan = MutualAidPlan.objects.create(
            org=t.district, year=RY, name=f"{RY}年度职工医疗互助保障", premium=D("30"),
            enrol_from=d(RY - 1, 12, 1), enrol_until=d(RY, 1, 31), coverage_starts=d(RY, 1, 1),
            coverage_ends=d(RY, 12, 31), hospital_deductible=D("500"), hospital_ratio=D("0.5"),
            hospital_cap=D("20000"), serious_sum=D("10000"), serious_cap=D("10000"), overall_cap=D("25000"),
            status="OPEN")
        batch = MutualAidEnrolment.objects.create(plan=plan, union=t.union1, town=t.town1, people=2, amount_due=60,
                                                  status="PAID", paid_on=d(RY, 1, 10))
        covered = [MutualAidCoverage.objects.create(plan=plan, enrolment=batch, person=person, union=t.union1,
                                                    effective_from=d(RY, 1, 10)) for person in (self.m1, self.m2)]
        claim = MutualAidClaim.objects.create(
            number="HZ000001", plan=plan, coverage=covered[0], person=self.m1, union=t.union1, town=t.town1,
            kind="HOSPITAL", hospital="区一院", admitted_on=d(RY, 3, 1), discharged_on=d(RY, 3, 5),
            diagnosis="肺炎", invoice_numbers="F1", total_cost=D("6000"), eligible_cost=D("5000"),
            approved_amount=D("2000.00"), status=ClaimStatus.PAID)
        ClaimPayout.objects.create(claim=claim, amount=D("2000.00"), paid_on=d(RY, 4, 1), reference="PAY")
        HardshipFile.objects.create(number="KN000001", person=self.m8, org=t.union2, status=HardshipStatus.ACTIVE,
                                    category="DEEP", accepted_on=d(RY - 1, 5, 1))
