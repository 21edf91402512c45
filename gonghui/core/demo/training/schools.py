"""Demo worker schools and the teacher pool (training `schools` area).

Schools: the four of the seed — 红山 (run by 城厢街道, the town of the demo account town1), 衙前,
临浦 and 河上 (run by their towns) —, 北干街道职工学校 (town2's), the district's own skills
training centre, and 瓜沥镇职工夜校, closed at the end of 2025 (merged into 衙前). The district
scale adds a school in a few more towns. Addresses, seats, delivery modes and contacts.

Teachers: model workers (劳模工匠) taken from the honours model-worker roll (people with a live
membership, registered by the union that looks after them), internal masters (企业名师): skill
leaders of honours and live members of union1 and of unions in town1, town2 and other towns,
and external lecturers registered by the district and by town1 and town2 (one out of the pool).
Deterministic (gen.seed); a few hundred rows at most at both scales, written in bulk.
"""

import datetime
import random

from gonghui.members.models import LIVE_STATUSES, Membership
from gonghui.training.models.schools import SchoolStatus, Teacher, TeacherKind, WorkerSchool
from gonghui.training.services.schools import specialities_key

MODELS = (WorkerSchool, Teacher)

# (name, town short name or None for the district, address, seats, modes, contact, status)
SCHOOLS = [
    ("红山职工学校", "城厢街道", "萧山区城厢街道红山路18号", 120, ["INDEPENDENT", "COMMISSIONED", "IN_ENTERPRISE"],
     ("沈红梅", "0571-82651101"), SchoolStatus.ACTIVE),
    ("衙前职工学校", "衙前镇", "萧山区衙前镇衙前路366号", 200, ["INDEPENDENT", "IN_ENTERPRISE"],
     ("李建国", "0571-82791203"), SchoolStatus.ACTIVE),
    ("临浦职工学校", "临浦镇", "萧山区临浦镇峙山东路58号", 150, ["INDEPENDENT", "COMMISSIONED"],
     ("陈晓燕", "0571-82471305"), SchoolStatus.ACTIVE),
    ("河上职工学校", "河上镇", "萧山区河上镇河上大道21号", 60, ["INDEPENDENT", "IN_ENTERPRISE"],
     ("楼国强", "0571-82381407"), SchoolStatus.ACTIVE),
    ("北干街道职工学校", "北干街道", "萧山区北干街道金城路1038号", 90, ["INDEPENDENT", "COMMISSIONED"],
     ("王丽", "0571-82721509"), SchoolStatus.ACTIVE),
    ("萧山区职工技能培训中心", None, "萧山区人民路1号区职工服务中心三楼", 300,
     ["INDEPENDENT", "COMMISSIONED", "IN_ENTERPRISE"], ("周敏", "0571-82891611"), SchoolStatus.ACTIVE),
    ("瓜沥镇职工夜校", "瓜沥镇", "萧山区瓜沥镇航坞路99号", 40, ["INDEPENDENT"], ("韩伟", "0571-82511713"),
     SchoolStatus.CLOSED),
]
DISTRICT_EXTRA = [
    ("宁围街道职工学校", "宁围街道", "萧山区宁围街道市心北路255号", 160, ["INDEPENDENT", "IN_ENTERPRISE"], "徐静"),
    ("新塘街道职工学校", "新塘街道", "萧山区新塘街道通惠北路66号", 80, ["INDEPENDENT", "COMMISSIONED"], "朱海峰"),
    ("义桥镇职工学校", "义桥镇", "萧山区义桥镇崇化路8号", 50, ["IN_ENTERPRISE"], "何芳"),
]
SPECIALITIES = ["数控车工", "电工", "焊工", "钳工", "汽车维修", "纺织挡车", "化纤纺丝", "工业机器人", "电子商务",
                "物流管理", "中式烹调", "育婴", "叉车驾驶"]
COMMON = ["安全生产", "职业健康", "劳动法"]
TITLES = ["高级技师", "技师", "高级工", "工程师", "高级工程师", ""]
EXTERNALS = [
    ("方教授", "浙江大学继续教育学院", "教授", ["劳动法", "集体协商"]),
    ("俞老师", "浙江机电职业技术学院", "副教授", ["工业机器人", "电工"]),
    ("蒋老师", "杭州技师学院", "高级讲师", ["数控车工", "钳工"]),
    ("孔律师", "浙江泽大律师事务所", "律师", ["劳动法", "职工维权"]),
    ("曹老师", "萧山区安全生产协会", "注册安全工程师", ["安全生产", "应急救护"]),
    ("严老师", "杭州市职业病防治院", "主治医师", ["职业健康"]),
    ("华老师", "萧山技师学院", "高级讲师", ["焊工", "汽车维修"]),
    ("金老师", "浙江商业职业技术学院", "讲师", ["电子商务", "物流管理"]),
]
EXTERNAL_ORGS = ["district", "district", "town1", "town1", "district", "town2", "town2", "district"]


class SchoolsDemo:
    def __init__(self, gen):
        from gonghui.core.demo.generator import TOWN1, TOWN2

        self.gen = gen
        self.rng = random.Random(gen.seed * 7919 + 83)
        self.small = gen.scale.name == "small"
        self.town1, self.town2 = gen.town_by_name[TOWN1], gen.town_by_name[TOWN2]

    def _town_id(self, short):
        return self.gen.root.id if short is None else self.gen.town_by_name[short].id

    def schools(self):
        rows = []
        for name, town, address, seats, modes, (contact, phone), status in SCHOOLS:
            s = WorkerSchool(org_id=self._town_id(town), name=name, address=address, capacity=seats, modes=modes,
                             contact_name=contact, contact_phone=phone, status=status,
                             description=f"{name}面向辖区职工开展技能培训、安全生产和法律维权教育。")
            if status == SchoolStatus.CLOSED:
                s.closed_on, s.close_reason = datetime.date(2025, 12, 31), "并入衙前职工学校"
            rows.append(s)
        if not self.small:
            for name, town, address, seats, modes, contact in DISTRICT_EXTRA:
                rows.append(WorkerSchool(org_id=self._town_id(town), name=name, address=address, capacity=seats,
                                         modes=modes, contact_name=contact,
                                         contact_phone=f"0571-82{self.rng.randint(100000, 999999)}"))
        return rows

    def _specialities(self):
        words = self.rng.sample(SPECIALITIES, self.rng.randint(1, 2))
        if self.rng.random() < 0.5:
            words.append(self.rng.choice(COMMON))
        return words

    def _person_teacher(self, kind, org_id, person_id, name):
        words = self._specialities()
        t = Teacher(org_id=org_id, kind=kind, person_id=person_id, name=name, title=self.rng.choice(TITLES),
                    specialities=words, specialities_key=specialities_key(words))
        t.set_phone(f"13{self.rng.randint(100000000, 999999999)}")
        return t

    def model_workers(self, taken):
        """Model workers of the roll holding a live membership, union1's and town1's / town2's first."""
        from gonghui.honours.models.modelworkers import ModelWorker

        want = 6 if self.small else 40
        live = Membership.objects.filter(status__in=LIVE_STATUSES).values("person_id")
        rows = list(ModelWorker.objects.filter(person_id__in=live).select_related("org", "person")
                    .order_by("id")[:2000])
        near = {self.gen.union1.id}
        rows.sort(key=lambda m: (m.org_id not in near, not m.org.path.startswith(self._path_prefix()), m.id))
        out = []
        for m in rows[:want]:
            taken.add(m.person_id)
            out.append(self._person_teacher(TeacherKind.MODEL_WORKER, m.org_id, m.person_id, m.person.name))
        return out

    def _path_prefix(self):
        from gonghui.orgs.models import Org

        if not hasattr(self, "_prefix"):
            self._prefix = tuple(Org.objects.filter(pk__in=[self.town1.id, self.town2.id])
                                 .values_list("path", flat=True))
        return self._prefix

    def masters(self, taken):
        """Internal masters: two live members of union1, then one member of each of a few unions of
        town1, town2 and the other towns (skill leaders of honours first)."""
        from gonghui.honours.models.leaders import SkillLeader

        gen = self.gen
        anchored = [u for u in gen.unions if u is not gen.union1 and u.town is not None
                    and u.town.id in (self.town1.id, self.town2.id)]
        others = [u for u in gen.unions if u.town is not None and u not in anchored and u is not gen.union1]
        unions = [gen.union1, *anchored[:(4 if self.small else 12)],
                  *self.rng.sample(others, min(len(others), 4 if self.small else 40))]
        want = {u.id: (2 if u is gen.union1 else 1) for u in unions}
        leaders = set(SkillLeader.objects.filter(org_id__in=list(want)).values_list("person_id", flat=True))
        rows = (Membership.objects.filter(union_id__in=list(want), status__in=LIVE_STATUSES)
                .order_by("union_id", "-id").values_list("union_id", "person_id", "person__name")[:20000])
        by_union = {}
        for union_id, person_id, name in rows:
            by_union.setdefault(union_id, []).append((person_id not in leaders, person_id, name))
        out = []
        for union_id, people in by_union.items():
            for _rank, person_id, name in sorted(people)[:want[union_id] * 3]:
                if want[union_id] and person_id not in taken:
                    taken.add(person_id)
                    want[union_id] -= 1
                    out.append(self._person_teacher(TeacherKind.INTERNAL_MASTER, union_id, person_id, name))
        return out

    def externals(self):
        orgs = {"district": self.gen.root.id, "town1": self.town1.id, "town2": self.town2.id}
        out = []
        for i, (name, employer, title, words) in enumerate(EXTERNALS):
            t = Teacher(org_id=orgs[EXTERNAL_ORGS[i]], kind=TeacherKind.EXTERNAL, name=name, employer=employer,
                        title=title, specialities=words, specialities_key=specialities_key(words))
            t.set_phone(f"13{self.rng.randint(100000000, 999999999)}")
            if i == len(EXTERNALS) - 1:
                t.is_active, t.deactivated_on, t.note = False, datetime.date(2026, 6, 30), "合作到期"
            out.append(t)
        return out

    def write(self):
        schools = self.schools()
        WorkerSchool.objects.bulk_create(schools)
        taken = set()
        teachers = [*self.model_workers(taken), *self.masters(taken), *self.externals()]
        Teacher.objects.bulk_create(teachers, batch_size=1000)
        self.gen.writer.reset_sequences(list(MODELS))
        kinds = {}
        for t in teachers:
            kinds[str(t.kind)] = kinds.get(str(t.kind), 0) + 1
        return {"schools": len(schools), "teachers": len(teachers), "teachers_by_kind": dict(sorted(kinds.items()))}


def seed(gen) -> dict:
    return SchoolsDemo(gen).write()
