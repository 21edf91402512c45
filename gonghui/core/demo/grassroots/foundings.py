"""Demo union founding applications (组建) and enterprises without a union (未建会企业).

Reads the generator's in-memory plan (firms, unions, towns with their ids) and writes, in bulk,
rows the services (`grassroots.services.foundings`) would have written:

- the history of unions formed recently (and union1's, so the demo chair sees how their union
  was formed): REGISTERED applications whose founding meeting is the union's `founded_on`, its
  chair and certificate number the union's, every step dated in order before it;
- enterprises that joined a joint union: JOINED applications, approved on the day they joined;
- open applications (draft, awaiting review — some past their working-day deadline —, returned,
  awaiting approval, approved awaiting registration) and closed ones (refused, withdrawn) for
  enterprises that still have no union, the form always matching the members (a committee from
  `rules().committee_min_members`, else an organiser or a joint union of the same town).

The small district plans only one enterprise without a union, so at `small` scale this module
adds a few newly registered enterprises without a union in the towns of `town1` and `town2`
(what `orgs.services.create_enterprise` writes: a town, no union), so the 未建会企业 page and
the open applications have rows for those accounts. Its own random stream: the rest of the demo
is unchanged. Nothing is dated after `ON`.
"""

import bisect
import datetime
import random

from gonghui.core import pii, workdays
from gonghui.core.demo import vocab
from gonghui.core.demo.ids import uscc_check_digit
from gonghui.core.testing.identifiers import USCC_ALPHABET
from gonghui.grassroots.models import FoundingApplication, FoundingForm, FoundingStatus
from gonghui.grassroots.rules.foundings import rules
from gonghui.orgs.models import Enterprise, Industry, UnionKind

ON = datetime.date(2026, 11, 30)
MODELS = (FoundingApplication,)
DAY = datetime.timedelta(days=1)
TOWN1, TOWN2 = "城厢街道", "北干街道"
NEW_FIRMS_PER_DEMO_TOWN = {"small": 5, "district": 0}
# share of the enterprises without a union that have an application (open or closed)
OPEN_SHARE = {"small": 0.8, "district": 0.16}
HISTORY_SINCE = datetime.date(2021, 1, 1)   # unions founded since: their application is on record
JOINED_SHARE = {"small": 0.5, "district": 0.12}
OPEN_WEIGHTS = [(FoundingStatus.DRAFT, 10), (FoundingStatus.SUBMITTED, 30), (FoundingStatus.RETURNED, 10),
                (FoundingStatus.REVIEWED, 20), (FoundingStatus.APPROVED, 15), (FoundingStatus.REFUSED, 7),
                (FoundingStatus.WITHDRAWN, 8)]
RETURN_REASONS = ["职工入会意愿书不全，请补充", "成立大会筹备方案未附", "会员人数与名册不一致，请核对"]
REFUSE_REASONS = ["企业已停业，暂不具备组建条件", "企业已迁出本镇街，请向迁入地申请"]
WITHDRAW_REASONS = ["企业改制，暂缓组建", "拟整体加入联合工会，重新申请"]
REVIEW_NOTES = ["材料齐全，同意上报", "经实地走访，职工入会意愿强烈", ""]


class FoundingsDemo:
    def __init__(self, gen, *, on=ON):
        self.gen, self.on = gen, on
        self.rng = random.Random(gen.seed * 7919 + 23)
        self.small = gen.scale.name == "small"
        self.threshold = rules().committee_min_members
        self.r = rules()
        self.rows: list[FoundingApplication] = []
        self.new_firms: list[Enterprise] = []
        self.numbers = 0

    # --- helpers --------------------------------------------------------------------------------
    def _weighted(self, pairs):
        total = sum(w for _v, w in pairs)
        x = self.rng.random() * total
        for value, weight in pairs:
            x -= weight
            if x < 0:
                return value
        return pairs[-1][0]

    def _name(self):
        rng, cum = self.rng, self.gen._surname_cum
        surname = self.gen._surnames[bisect.bisect_right(cum, rng.random() * cum[-1])]
        chars = vocab.GIVEN_MALE if rng.random() < 0.6 else vocab.GIVEN_FEMALE
        return surname + rng.choice(chars) + (rng.choice(chars) if rng.random() < 0.7 else "")

    def _phone(self):
        return self.rng.choice(vocab.MOBILE_PREFIXES) + f"{self.rng.randrange(10**8):08d}"

    def _days(self, low, high):
        return datetime.timedelta(days=self.rng.randint(low, high))

    def _decision(self, day):
        self.numbers += 1
        return f"萧工复〔{day.year}〕{self.numbers}号"

    def _committee(self, row, count, chair=None):
        """The committee of the founding meeting: a chair (the organiser), and for a committee
        vice-chairs and members (3, 5 or 7 in all, fewer than the members)."""
        names = {chair} if chair else set()
        row.chair_name = chair or self._name()
        names.add(row.chair_name)
        if row.form == FoundingForm.COMMITTEE:
            size = 3 if count <= 25 else self.rng.choice((3, 5, 5, 7))
            others = []
            while len(others) < size - 1:
                name = self._name()
                if name not in names:
                    names.add(name)
                    others.append(name)
            row.vice_chair_names = others[0]
            row.committee_member_names = "、".join(others[1:])
        row.term_years = self.rng.choice((3, 5, 5))

    def _base(self, firm, town, *, count, form, joint=None):
        phone = self._phone()
        return FoundingApplication(
            enterprise_id=firm.id, town_id=town.id, applicant_kind=self.rng.choice(("ENTERPRISE", "WORKERS")),
            contact_name=self._name(), contact_phone_enc=pii.encrypt(phone), contact_phone_masked=pii.mask_phone(phone),
            headcount=firm.headcount, members_count=count, form=form, joint_union_id=joint.id if joint else None,
            proposed_name="" if form == FoundingForm.JOINT else
            f"{firm.name}{'工会委员会' if form == FoundingForm.COMMITTEE else '工会'}"[:120])

    # --- enterprises ------------------------------------------------------------------------------
    def add_firms(self):
        """Newly registered enterprises without a union in the demo accounts' towns (small scale)."""
        count = NEW_FIRMS_PER_DEMO_TOWN[self.gen.scale.name]
        if not count:
            return
        rng = self.rng
        next_id = (Enterprise.objects.order_by("-id").values_list("id", flat=True).first() or 0) + 1
        industries = [Industry.TEXTILES, Industry.AUTO_PARTS, Industry.LOGISTICS, Industry.SERVICES,
                      Industry.MANUFACTURING]
        for town_name in (TOWN1, TOWN2):
            town = self.gen.town_by_name[town_name]
            for k in range(count):
                industry = industries[(k + len(town_name)) % len(industries)]
                while True:
                    trade = "".join(rng.sample(vocab.TRADE_CHARS, 2))
                    name = f"杭州{trade}{rng.choice(vocab.INDUSTRY_WORDS[industry])}有限公司"
                    if name not in self.gen._firm_names:
                        self.gen._firm_names.add(name)
                        break
                while True:
                    body = "91330109" + "".join(rng.choices(USCC_ALPHABET, k=9))
                    uscc = body + uscc_check_digit(body)
                    if uscc not in self.gen._usccs:
                        self.gen._usccs.add(uscc)
                        break
                headcount = (180, 64, 31, 18, 9)[k % 5]
                self.new_firms.append(Enterprise(
                    id=next_id, name=name, uscc=uscc, industry=industry, headcount=headcount,
                    above_scale=headcount >= 100, town_id=town.id, union_id=None,
                    address=f"{town_name}{rng.choice(vocab.ROADS)}{rng.randrange(1, 999)}号"))
                next_id += 1
        Enterprise.objects.bulk_create(self.new_firms)
        self.gen.writer.reset_sequences([Enterprise])

    # --- history ------------------------------------------------------------------------------------
    def registered(self, union, firm):
        """A union formed through the platform: its application, registered after its founding
        meeting (the union's founded_on)."""
        founded = union.founded_on
        count = self.rng.randint(self.threshold, max(self.threshold, firm.headcount))
        row = self._base(firm, firm.town, count=count, form=FoundingForm.COMMITTEE)
        row.proposed_name = union.name
        row.submitted_on = founded - self._days(30, 60)
        row.reviewed_on = row.submitted_on + self._days(2, 10)
        row.review_note = self.rng.choice(REVIEW_NOTES)
        row.approved_on = row.reviewed_on + self._days(2, 10)
        row.decision_no = self._decision(row.approved_on)
        row.meeting_on = founded
        self._committee(row, count, chair=union.chair_name or None)
        row.registered_on = min(founded + self._days(5, 30), self.on)
        row.legal_cert_no = union.legal_cert_no
        row.status, row.union_id = FoundingStatus.REGISTERED, union.id
        self.rows.append(row)

    def joined(self, union, firm):
        joined_on = union.founded_on + datetime.timedelta(
            days=self.rng.randint(0, max((self.on - union.founded_on).days, 0)))
        count = max(1, min(firm.raw_members or firm.headcount, firm.headcount, self.threshold - 1))
        row = self._base(firm, firm.town, count=count, form=FoundingForm.JOINT, joint=union)
        row.approved_on = row.joined_on = joined_on
        row.reviewed_on = joined_on - self._days(2, 10)
        row.submitted_on = row.reviewed_on - self._days(3, 20)
        row.decision_no = self._decision(joined_on)
        row.status, row.union_id = FoundingStatus.JOINED, union.id
        self.rows.append(row)

    # --- open and closed applications of enterprises without a union ---------------------------------
    def pending(self, firm, town, joint_unions, status=None):
        rng, on, r = self.rng, self.on, self.r
        status = status or self._weighted(OPEN_WEIGHTS)
        joints = joint_unions.get(town.id, [])
        if firm.headcount >= self.threshold + 5:
            count = rng.randint(self.threshold, firm.headcount)
            form, joint = FoundingForm.COMMITTEE, None
        else:
            count = rng.randint(max(1, min(3, firm.headcount)), min(firm.headcount, self.threshold - 1))
            joint = rng.choice(joints) if joints and rng.random() < 0.5 and status != FoundingStatus.APPROVED else None
            form = FoundingForm.JOINT if joint else FoundingForm.ORGANISER
        row = self._base(firm, town, count=count, form=form, joint=joint)
        if form != FoundingForm.JOINT and rng.random() < 0.4:
            row.meeting_on = on - self._days(5, 60)
            self._committee(row, count)
        row.status = status
        if status == FoundingStatus.DRAFT:
            if rng.random() < 0.5:
                row.meeting_on = None
                row.chair_name = row.vice_chair_names = row.committee_member_names = ""
                row.term_years = None
            self.rows.append(row)
            return row
        # working days back from ON for the last step, so some waiting steps are past their deadline
        if status == FoundingStatus.SUBMITTED:
            row.submitted_on = workdays.add_working_days(on, -rng.randint(0, r.review_working_days + 8))
            row.step_due_on = workdays.add_working_days(row.submitted_on, r.review_working_days)
        elif status == FoundingStatus.RETURNED:
            row.submitted_on = on - self._days(15, 60)
            row.returned_on = row.submitted_on + self._days(2, 12)
            row.return_reason = rng.choice(RETURN_REASONS)
        elif status == FoundingStatus.REVIEWED:
            row.reviewed_on = workdays.add_working_days(on, -rng.randint(0, r.approve_working_days + 5))
            row.submitted_on = row.reviewed_on - self._days(2, 12)
            row.review_note = rng.choice(REVIEW_NOTES)
            row.step_due_on = workdays.add_working_days(row.reviewed_on, r.approve_working_days)
        elif status == FoundingStatus.APPROVED:
            row.approved_on = workdays.add_working_days(on, -rng.randint(0, r.register_working_days + 5))
            row.reviewed_on = row.approved_on - self._days(2, 10)
            row.submitted_on = row.reviewed_on - self._days(2, 12)
            row.decision_no = self._decision(row.approved_on)
            row.step_due_on = workdays.add_working_days(row.approved_on, r.register_working_days)
        elif status == FoundingStatus.REFUSED:
            row.submitted_on = on - self._days(60, 400)
            row.reviewed_on = row.submitted_on + self._days(2, 10) if rng.random() < 0.5 else None
            row.refused_on = (row.reviewed_on or row.submitted_on) + self._days(2, 15)
            row.refuse_reason = rng.choice(REFUSE_REASONS)
        elif status == FoundingStatus.WITHDRAWN:
            row.submitted_on = on - self._days(40, 400)
            row.withdrawn_on = row.submitted_on + self._days(1, 20)
            row.withdraw_reason = rng.choice(WITHDRAW_REASONS)
        self.rows.append(row)
        return row

    # --- who ------------------------------------------------------------------------------------------
    def plan(self):
        gen, rng = self.gen, self.rng
        joint_unions = {}
        for union in gen.unions:
            if union.union_kind == UnionKind.JOINT:
                joint_unions.setdefault(union.town.id, []).append(union)
        # union1's own founding, and unions formed since HISTORY_SINCE with a certificate
        union1 = gen.union1
        if union1.legal_cert_no and union1.union_kind == UnionKind.ENTERPRISE:
            self.registered(union1, gen.firms[0])
        for union in gen.unions:
            if (union is not union1 and union.union_kind == UnionKind.ENTERPRISE and union.legal_cert_no
                    and union.founded_on >= HISTORY_SINCE and len(union.enterprises) == 1
                    and union.enterprises[0].headcount >= self.threshold):
                self.registered(union, union.enterprises[0])
        # enterprises that joined a joint union (the demo towns' first ones always)
        share = JOINED_SHARE[gen.scale.name]
        for union in gen.unions:
            if union.union_kind != UnionKind.JOINT:
                continue
            for firm in union.enterprises:
                demo_town = union.town.short_name in (TOWN1, TOWN2)
                if rng.random() < (max(share, 0.5) if demo_town else share):
                    self.joined(union, firm)
        # enterprises without a union: the planned ones, and (small) the new ones
        bare = [(f, f.town) for f in gen.firms if f.union is None]
        towns = {t.id: t for t in gen.towns}
        bare += [(f, towns[f.town_id]) for f in self.new_firms]
        open_share = OPEN_SHARE[gen.scale.name]
        # the demo towns see every open status first, then chance decides
        s = FoundingStatus
        wanted = {TOWN1: [s.APPROVED, s.SUBMITTED, s.REVIEWED, s.RETURNED, s.DRAFT],
                  TOWN2: [s.SUBMITTED, s.REVIEWED, s.APPROVED, s.REFUSED, s.WITHDRAWN, s.DRAFT]}
        for firm, town in bare:
            queue = wanted.get(town.short_name)
            if queue:
                status = queue.pop(0)
                if status == FoundingStatus.APPROVED and firm.headcount < self.threshold + 5:
                    status = FoundingStatus.SUBMITTED
                row = self.pending(firm, town, joint_unions, status)
            elif rng.random() < open_share:
                row = self.pending(firm, town, joint_unions)
            else:
                continue
            if row.status in (FoundingStatus.REFUSED, FoundingStatus.WITHDRAWN) and rng.random() < 0.5:
                self.pending(firm, town, joint_unions, FoundingStatus.SUBMITTED)  # tried again

    # --- writing --------------------------------------------------------------------------------------
    def write(self):
        rows = sorted(self.rows, key=lambda r: (r.submitted_on or self.on, r.enterprise_id))
        next_id = (FoundingApplication.objects.order_by("-id").values_list("id", flat=True).first() or 0) + 1
        for row in rows:
            _check(row, self.on, self.threshold)
            row.id = next_id
            next_id += 1
        FoundingApplication.objects.bulk_create(rows, batch_size=1000)
        self.gen.writer.reset_sequences(list(MODELS))
        by_status = {}
        for row in rows:
            by_status[row.status] = by_status.get(row.status, 0) + 1
        return {"applications": len(rows), "by_status": dict(sorted(by_status.items())),
                "new_enterprises_without_union": len(self.new_firms)}


def _check(row, on, threshold):
    """What the services guarantee, asserted before anything is written."""
    days = [row.submitted_on, row.returned_on, row.reviewed_on, row.approved_on, row.registered_on, row.joined_on,
            row.refused_on, row.withdrawn_on, row.meeting_on]
    assert all(d is None or d <= on for d in days), row.proposed_name
    assert 1 <= row.members_count <= max(row.headcount, 1)
    assert (row.form == FoundingForm.COMMITTEE) == (row.members_count >= threshold), row
    assert (row.form == FoundingForm.JOINT) == (row.joint_union_id is not None)
    for earlier, later in [(row.submitted_on, row.reviewed_on), (row.reviewed_on, row.approved_on),
                           (row.approved_on, row.registered_on), (row.submitted_on, row.refused_on),
                           (row.submitted_on, row.withdrawn_on), (row.submitted_on, row.returned_on)]:
        assert earlier is None or later is None or earlier <= later
    if row.status == FoundingStatus.REGISTERED:
        assert row.legal_cert_no and row.decision_no and row.union_id
    if row.status in (FoundingStatus.SUBMITTED, FoundingStatus.REVIEWED, FoundingStatus.APPROVED):
        assert row.step_due_on is not None
    else:
        assert row.step_due_on is None


def seed(gen) -> dict:
    demo = FoundingsDemo(gen)
    demo.add_firms()
    demo.plan()
    return demo.write()
