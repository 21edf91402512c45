"""Member import rows/s on a generated 100,000-row .xlsx, against references from the same run.

- `calamine read`: python-calamine iterating every row (the floor of any importer).
- `calamine + checks + COPY` (PostgreSQL) / `+ bulk_create` (SQLite): read, the project's one
  validation (`clean_member_input`: ID/phone check digits, dates, choices, pinyin), the union
  looked up in a preloaded dict, a keyed hash of the ID number, then the rows written straight
  into person + membership. No encryption, no duplicate detection: the plain reference.
- `django-import-export`: a ModelResource for Person + Membership configured as its docs show
  (`import_id_fields` finds an existing person: one lookup per row; a `ForeignKeyWidget` finds
  the union by code: a second lookup per row), on a 10,000-row subset of the same file.
- the project's importer, `gonghui.members.importing.run_import_file` (every check, duplicate
  detection, Fernet encryption, pinyin, audit), when it exists: end to end with its check pass
  first (what the upload page does), and as a single pass (`check_first=False`).

Every import runs inside a transaction that is rolled back, so the cached dataset keeps its
600,000 members and the next run measures the same thing.
"""

import datetime
import time

from django.db import connection, transaction
from django.utils import timezone, translation

from .common import DATA_DIR, ref, skipped, throughput_result

ROWS = 100_000
SUBSET = 10_000
HEADERS = ["姓名", "身份证号", "手机号", "所属工会编码", "工作单位统一社会信用代码", "户籍省份", "是否外来务工",
           "文化程度", "技能等级", "入会日期"]
FILE_VERSION = 1


class Rollback(Exception):
    pass


def rolled_back(fn):
    """Run fn() in a transaction that is always rolled back; return its value."""
    box = {}
    try:
        with transaction.atomic():
            box["value"] = fn()
            raise Rollback
    except Rollback:
        pass
    return box.get("value")


# --- the file ----------------------------------------------------------------------------------

def make_file(path, rows, *, seed=2027):
    """Write the import file: new people (ID region codes the seed never uses) spread over the
    seeded district's unions, with the union's own enterprise as employer."""
    import random

    import xlsxwriter

    from gonghui.core.demo.generator import SCALES, Generator
    from gonghui.core.demo.vocab import IMPORT_ONLY_REGIONS
    from gonghui.members.models import Education, SkillLevel
    from gonghui.orgs.models import Enterprise, Org, OrgLevel

    unions = list(Org.objects.filter(level=OrgLevel.GRASSROOTS, is_active=True).order_by("path")
                  .values_list("id", "code"))
    firms = {}
    for union_id, uscc in Enterprise.objects.filter(union__isnull=False).order_by("id").values_list("union_id", "uscc"):
        firms.setdefault(union_id, []).append(uscc)
    gen = Generator(SCALES["small"], seed)
    rng = random.Random(seed)
    with translation.override("zh-hans"):
        education = [str(label) for _v, label in Education.choices]
        skills = [str(label) for _v, label in SkillLevel.choices]
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp.xlsx")
    workbook = xlsxwriter.Workbook(str(tmp), {"constant_memory": True})
    sheet = workbook.add_worksheet("会员")
    date_format = workbook.add_format({"num_format": "yyyy-mm-dd"})
    sheet.write_row(0, 0, HEADERS)
    for r in range(1, rows + 1):
        gender = "M" if rng.random() < 0.55 else "F"
        birth = datetime.date(1970, 1, 1) + datetime.timedelta(days=rng.randrange(365 * 35))
        number = gen.id_number(rng.choice(IMPORT_ONLY_REGIONS), birth, gender)
        union_id, code = unions[rng.randrange(len(unions))]
        usccs = firms.get(union_id, [""])
        joined = birth.replace(year=birth.year + 18) if not (birth.month == 2 and birth.day == 29) else birth.replace(
            year=birth.year + 18, day=28)
        joined = max(joined, datetime.date(2010, 1, 1)) + datetime.timedelta(days=rng.randrange(3000))
        joined = min(joined, datetime.date(2026, 10, 31))
        sheet.write_string(r, 0, gen.person_name(gender))
        sheet.write_string(r, 1, number)
        sheet.write_string(r, 2, gen.mobile() if rng.random() < 0.9 else "")
        sheet.write_string(r, 3, code)
        sheet.write_string(r, 4, rng.choice(usccs) if rng.random() < 0.8 else "")
        sheet.write_string(r, 5, "")
        sheet.write_string(r, 6, "")
        sheet.write_string(r, 7, rng.choice(education) if rng.random() < 0.7 else "")
        sheet.write_string(r, 8, rng.choice(skills) if rng.random() < 0.3 else "")
        sheet.write_datetime(r, 9, datetime.datetime.combine(joined, datetime.time()), date_format)
    workbook.close()
    tmp.replace(path)
    return path


def _fingerprint():
    """Short hash of the dataset's unions and their enterprises: a file made for one dataset
    is not reused with another."""
    import hashlib

    from gonghui.orgs.models import Enterprise

    digest = hashlib.sha256()
    for code, uscc in Enterprise.objects.filter(union__isnull=False).order_by("id").values_list("union__code", "uscc"):
        digest.update(f"{code}:{uscc};".encode())
    return digest.hexdigest()[:10]


def ensure_files(rows):
    tag = f"v{FILE_VERSION}-{_fingerprint()}"
    big = DATA_DIR / f"import-{rows}-{tag}.xlsx"
    small = DATA_DIR / f"import-{min(SUBSET, rows)}-{tag}.xlsx"
    if not big.exists():
        print(f"[bench] writing {big.name} …", flush=True)
        make_file(big, rows)
    if not small.exists():
        make_file(small, min(SUBSET, rows))  # the same generator: its rows are the big file's first rows
    return big, small


def read_all(path):
    from python_calamine import CalamineWorkbook

    workbook = CalamineWorkbook.from_path(str(path))
    n = 0
    for _row in workbook.get_sheet_by_index(0).iter_rows():
        n += 1
    return n - 1  # minus the header


def _aliases(choices):
    """Stored value for a cell holding the value or its label (Chinese or English)."""
    aliases = {}
    for language in ("en", "zh-hans"):
        with translation.override(language):
            aliases.update({str(label): code for code, label in choices})
    aliases.update({code: code for code, _label in choices})
    return aliases


# --- the plain reference: calamine + checks + COPY / bulk_create --------------------------------

def plain_import(path):
    from python_calamine import CalamineWorkbook

    from gonghui.core import pii
    from gonghui.members.models import Education, JoinKind, Membership, MembershipStatus, Person, SkillLevel
    from gonghui.members.validation import MemberInputError, clean_member_input
    from gonghui.orgs.models import Org, OrgLevel

    unions = dict(Org.objects.filter(level=OrgLevel.GRASSROOTS).values_list("code", "id"))
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).iter_rows()
    header = next(rows)
    index = {h: i for i, h in enumerate(header)}
    keys = {"name": "姓名", "id_number": "身份证号", "phone": "手机号", "hometown_province": "户籍省份",
            "is_migrant": "是否外来务工", "education": "文化程度", "skill_level": "技能等级", "joined_on": "入会日期"}
    edu, skill = _aliases(Education.choices), _aliases(SkillLevel.choices)
    now = timezone.now()
    people, periods, bad = [], [], 0
    for cells in rows:
        raw = {k: cells[index[h]] for k, h in keys.items()}
        raw["education"] = edu.get(str(raw["education"]), "") if raw["education"] else ""
        raw["skill_level"] = skill.get(str(raw["skill_level"]), "") if raw["skill_level"] else ""
        try:
            data = clean_member_input(raw)
        except MemberInputError:
            bad += 1
            continue
        union_id = unions.get(str(cells[index["所属工会编码"]]))
        if union_id is None:
            bad += 1
            continue
        people.append((data.name, data.name_initials, "", pii.lookup_hash(data.id_number),
                       pii.mask_id_number(data.id_number), data.gender, data.birth_on, "",
                       pii.lookup_hash(data.phone), pii.mask_phone(data.phone), data.hometown_province,
                       data.is_migrant, data.education, data.skill_level, now, now))
        periods.append((union_id, MembershipStatus.ACTIVE, data.joined_on, JoinKind.NEW, "", now,
                        data.name, data.name_initials))
    person_cols = ["name", "name_initials", "id_number_enc", "id_number_hash", "id_number_masked", "gender",
                   "birth_on", "phone_enc", "phone_hash", "phone_masked", "hometown_province", "is_migrant",
                   "education", "skill_level", "created_at", "updated_at"]
    member_cols = ["union_id", "status", "joined_on", "join_kind", "end_reason", "created_at",
                   "person_name", "person_initials"]
    first = (Person.objects.order_by("-id").values_list("id", flat=True).first() or 0) + 1
    first_m = (Membership.objects.order_by("-id").values_list("id", flat=True).first() or 0) + 1
    if connection.vendor == "postgresql":
        from gonghui.core.demo.bulk import RowWriter

        writer = RowWriter(connection, method="copy")
        writer.write(Person, ["id", *person_cols], [(first + i, *p) for i, p in enumerate(people)])
        writer.write(Membership, ["id", "person_id", *member_cols],
                     [(first_m + i, first + i, *m) for i, m in enumerate(periods)])
    else:
        objs = Person.objects.bulk_create([Person(**dict(zip(person_cols, p, strict=True))) for p in people],
                                          batch_size=2000)
        Membership.objects.bulk_create(
            [Membership(person_id=o.pk, **dict(zip(member_cols, m, strict=True)))
             for o, m in zip(objs, periods, strict=True)], batch_size=2000)
    return len(people), bad


# --- django-import-export, as its docs configure it -------------------------------------------

def import_export_resource():
    from import_export import fields, resources, widgets

    from gonghui.core import pii
    from gonghui.members.models import Membership, MembershipStatus, Person
    from gonghui.members.validation import clean_member_input
    from gonghui.orgs.models import Org

    class PersonMembershipResource(resources.ModelResource):
        """Person rows keyed by the ID hash (lookup 1), each with a membership whose union is
        found by code through a ForeignKeyWidget (lookup 2)."""

        union = fields.Field(column_name="所属工会编码", attribute="union_code",
                             widget=widgets.ForeignKeyWidget(Org, field="code"))

        class Meta:
            model = Person
            import_id_fields = ("id_number_hash",)
            fields = ("name", "name_initials", "id_number_enc", "id_number_hash", "id_number_masked", "gender",
                      "birth_on", "phone_enc", "phone_hash", "phone_masked", "hometown_province", "is_migrant",
                      "education", "skill_level", "union")

        def before_import(self, dataset, **kwargs):
            # the derived columns (hash, ciphertext, masks…) are filled per row below
            for name in self._meta.fields:
                if name != "union" and name not in dataset.headers:
                    dataset.append_col([""] * len(dataset), header=name)

        def before_import_row(self, row, **kwargs):
            data = clean_member_input({"name": row["姓名"], "id_number": row["身份证号"], "phone": row["手机号"],
                                       "joined_on": row["入会日期"]})
            row.update({
                "name": data.name, "name_initials": data.name_initials,
                "id_number_enc": pii.encrypt(data.id_number), "id_number_hash": pii.lookup_hash(data.id_number),
                "id_number_masked": pii.mask_id_number(data.id_number), "gender": data.gender,
                "birth_on": data.birth_on, "phone_enc": pii.encrypt(data.phone), "phone_hash": pii.lookup_hash(
                    data.phone), "phone_masked": pii.mask_phone(data.phone),
                "hometown_province": data.hometown_province, "is_migrant": data.is_migrant, "education": "",
                "skill_level": data.skill_level, "_joined_on": data.joined_on,
            })

        def after_save_instance(self, instance, row, **kwargs):
            if kwargs.get("dry_run"):
                return
            # the union was looked up by the ForeignKeyWidget when the row was imported
            Membership.objects.create(person=instance, union=instance.union_code, joined_on=row["_joined_on"],
                                      status=MembershipStatus.ACTIVE)

    return PersonMembershipResource()


def import_export_run(path):
    import tablib

    with open(path, "rb") as handle:
        dataset = tablib.Dataset().load(handle.read(), format="xlsx")
    result = import_export_resource().import_data(dataset, dry_run=False, raise_errors=True)
    return len(dataset) - len(result.invalid_rows), result


# --- run ---------------------------------------------------------------------------------------

def run(engine, *, quick=False):
    from gonghui.accounts.models import User
    from gonghui.orgs.models import Org

    rows = SUBSET if quick else ROWS
    big, small = ensure_files(rows)
    results = []

    started = time.perf_counter()
    n = read_all(big)
    calamine = throughput_result(f"calamine read ({n:,} rows)", "import", engine, n, time.perf_counter() - started)
    results.append(calamine)

    writer = "COPY" if engine == "postgresql" else "bulk_create"
    started = time.perf_counter()
    written, bad = rolled_back(lambda: plain_import(big))
    plain = throughput_result(f"calamine + checks + {writer} ({written:,} rows)", "import", engine, written,
                              time.perf_counter() - started, ref(calamine), note=f"{bad} rows refused")
    results.append(plain)

    try:
        import import_export  # noqa: F401
    except ImportError:
        results.append(skipped("django-import-export", "import", engine, "django-import-export not installed"))
        iex = None
    else:
        started = time.perf_counter()
        done, _result = rolled_back(lambda: import_export_run(small))
        iex = throughput_result(f"django-import-export, docs config ({done:,} rows)", "import", engine, done,
                                time.perf_counter() - started, ref(plain))
        results.append(iex)

    try:
        from gonghui.members.importing import run_import_file
    except ImportError:
        results.append(skipped("project importer", "import", engine,
                               "not available yet: gonghui.members.importing.run_import_file does not exist"))
        return results

    actor = User.objects.get(username="district")
    root = Org.objects.get(depth=1, level="DISTRICT")
    target = 0.5 if engine == "postgresql" else 1.0
    text = ("≥ 0.5× calamine+checks+COPY" if engine == "postgresql" else "≥ 1× calamine+checks+bulk_create")
    for label, check_first in (("single pass", False), ("check pass + import pass", True)):
        started = time.perf_counter()
        result = rolled_back(lambda check_first=check_first: run_import_file(actor=actor, path=big, org=root,
                                                                               check_first=check_first))
        seconds = time.perf_counter() - started
        extra = {"imported": result.imported, "ok": result.ok, "message": result.message,
                 "check_seconds": round(result.check_seconds, 2), "commit_seconds": round(result.commit_seconds, 2),
                 "timings": {k: round(v, 2) if isinstance(v, float) else v for k, v in (result.timings or {}).items()}}
        results.append(throughput_result(
            f"project importer, {label} ({result.imported:,} rows)", "import", engine, result.imported, seconds,
            ref(plain), target_ratio=target if not check_first else None, target_text=text,
            note="" if result.ok else f"not ok: {result.message[:80]}", extra=extra))
        if iex is not None:
            results[-1]["vs_import_export"] = round(results[-1]["value"] / iex["value"], 1) if iex["value"] else None
    return results

