"""Member import from a spreadsheet: every row checked, then the valid rows imported in one
transaction (all or nothing).

The life of an upload (a `MemberImport`):

    start_member_import   UPLOADED   the file is stored (encrypted) and a check job scheduled
    check_member_import   VALIDATED  every row checked, problems reported; nothing saved
                          INVALID    the file cannot be read or has no valid row
    confirm_member_import IMPORTING  the user confirmed; the import job is scheduled
    run_member_import     IMPORTED   the valid rows were saved in ONE transaction
                          FAILED     something went wrong: nothing was saved, the message says why
    cancel_member_import  CANCELLED

Both passes read the file with python-calamine and run every row through `_RowChecker`
(members.validation.clean_member_input plus union, enterprise, duplicate and formula checks).
The import pass runs the checks again inside the transaction: a row that was valid when checked
but is not any more (someone registered that person meanwhile) fails the whole import, which
the user can check again.

Writes go in batches: Person rows then Membership rows, with ids reserved up front. On
PostgreSQL they are streamed with COPY (psycopg 3); on SQLite they are inserted with
`executemany` while the transaction's write lock is held. ONE audit event records the import
(`members.import.commit`) with its counts and the created person and membership ids as ranges.
Per-membership audit rows are optional (`audit_each=True`): measured, they cost more than the
15 % budget of the import time, so the import event carries the id ranges instead.

For code that imports directly (the benchmark, a management command):

    run_import_file(*, actor, path, org=None, union=None, check_first=True,
                    audit_each=False) -> ImportResult
    import_rows(*, actor, rows, org=None, union=None, check_first=True,
                audit_each=False, source_name="") -> ImportResult

`rows` is a list of cell lists with the header row first (row 1). With `check_first=True`
rows are checked first and only the valid ones imported; with `check_first=False` a single
pass imports everything or, at the first invalid row, nothing (`ImportResult.ok` False).
`ImportResult.rows_per_second` is imported rows / seconds of the import pass.
"""

import datetime
import hashlib
import io
import logging
import operator
import time
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import InterfaceError, OperationalError, connection, transaction
from django.db.models import OuterRef, Q, Subquery
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gonghui.core import audit, pii
from gonghui.core.excel import FORMULA_PREFIXES, SpreadsheetError, cell_text, read_rows
from gonghui.core.models import AuditEvent
from gonghui.core.policies import require
from gonghui.core.validators import normalise_id_number, normalise_uscc, validate_uscc
from gonghui.orgs.models import Enterprise, Org, OrgLevel

from .models import (
    LIVE_STATUSES,
    Education,
    ImportStatus,
    JoinKind,
    MemberImport,
    Membership,
    MembershipStatus,
    Person,
    SkillLevel,
)
from .validation import MemberInputError, clean_member_input

logger = logging.getLogger(__name__)

CHUNK_ROWS = 2000  # rows checked and written per batch
LOOKUP_BATCH = 1000  # ids per IN (...) query


def _setting(name, default):
    return getattr(settings, name, default)


# --- columns -------------------------------------------------------------------------------

@dataclass(frozen=True)
class Column:
    key: str
    header: str  # Chinese data label, as in the template
    required: bool
    help: str


COLUMNS = (
    Column("name", "姓名", True, gettext_lazy("Full name as on the ID card. Required.")),
    Column("id_number", "身份证号", True, gettext_lazy(
        "18-character resident ID number; the last character may be X. Format the column as Text so "
        "Excel keeps every digit. Required; each person once per file.")),
    Column("phone", "手机号", False, gettext_lazy("11-digit mobile number. Optional.")),
    Column("org_code", "所属工会编码", False, gettext_lazy(
        "Code of the member's grassroots union. May be left empty when the whole file goes into one union.")),
    Column("uscc", "工作单位统一社会信用代码", False, gettext_lazy(
        "Unified social credit code (18 characters) of the employer; the enterprise must be registered "
        "and belong to the member's union. Optional.")),
    Column("hometown_province", "户籍省份", False, gettext_lazy(
        "Province of household registration, e.g. 安徽省 or 安徽. Empty: taken from the ID number.")),
    Column("is_migrant", "是否外来务工", False, gettext_lazy(
        "是 or 否. Empty: 是 when the hometown is outside the local province.")),
    Column("education", "文化程度", False, gettext_lazy("One of the values listed below. Optional.")),
    Column("skill_level", "技能等级", False, gettext_lazy("One of the values listed below. Empty: none.")),
    Column("joined_on", "入会日期", False, gettext_lazy(
        "Date of joining the union, e.g. 2024-03-01. Empty: today. Not in the future.")),
)
COLUMN_BY_KEY = {c.key: c for c in COLUMNS}
COLUMN_ORDER = {c.key: i for i, c in enumerate(COLUMNS)}
HEADERS = [c.header for c in COLUMNS]
MASKED_COLUMNS = {"id_number": pii.mask_id_number, "phone": pii.mask_phone}


def _normalise_header(text) -> str:
    text = cell_text(text).strip().replace(" ", "").replace("\u3000", "")
    for suffix in ("（必填）", "(必填)", "（选填）", "(选填)", "*", "＊"):
        if text.endswith(suffix):
            text = text[: -len(suffix)]
    return text


HEADER_KEYS = {c.header: c.key for c in COLUMNS}


def choice_aliases(choices) -> dict[str, str]:
    """Every accepted spelling of a choice → its stored value: the value itself and its label
    in every UI language (a file filled in under English works for a Chinese user too)."""
    aliases = {}
    for code, _label in choices:
        aliases[code] = code
        aliases[code.lower()] = code
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            for code, label in choices:
                aliases.setdefault(str(label), code)
    for code, label in choices:  # the active language last: its labels win
        aliases[str(label)] = code
    return aliases


# --- results -------------------------------------------------------------------------------

@dataclass
class RowError:
    row: int  # as numbered in Excel, header = 1
    column: str  # header text
    value: str  # as the user typed it, ID and phone masked
    message: str

    def as_dict(self):
        return {"row": self.row, "column": self.column, "value": self.value, "message": self.message}


@dataclass
class CheckReport:
    total_rows: int = 0
    invalid: set = field(default_factory=set)
    errors: list = field(default_factory=list)  # RowError, capped
    error_count: int = 0
    file_errors: list = field(default_factory=list)
    seconds: float = 0.0

    @property
    def valid_rows(self):
        return self.total_rows - len(self.invalid)

    @property
    def invalid_rows(self):
        return len(self.invalid)


@dataclass
class ImportResult:
    member_import_id: int | None = None
    ok: bool = False
    total_rows: int = 0
    valid_rows: int = 0
    invalid_rows: int = 0
    imported: int = 0
    new_persons: int = 0
    rejoined: int = 0
    errors: list = field(default_factory=list)
    file_errors: list = field(default_factory=list)
    message: str = ""
    check_seconds: float = 0.0
    commit_seconds: float = 0.0
    timings: dict = field(default_factory=dict)

    @property
    def rows_per_second(self):
        return self.imported / self.commit_seconds if self.commit_seconds else 0.0


class ImportAborted(Exception):
    """The import pass found a problem: nothing is saved (the transaction rolls back)."""

    def __init__(self, message, errors=()):
        super().__init__(message)
        self.message = message
        self.errors = list(errors)


# --- reading -------------------------------------------------------------------------------

def _numbered(rows):
    """Accept either (row number, cells) pairs (from read_rows) or plain cell lists."""
    for index, item in enumerate(rows, start=1):
        if isinstance(item, tuple) and len(item) == 2 and isinstance(item[0], int) and isinstance(item[1], list):
            yield item
        else:
            yield index, list(item)


def _records(rows):
    """(column map, iterator of (row number, {key: cell})) for a sheet's rows.

    The header is the first non-empty row. Raises SpreadsheetError when required columns are
    missing or a column appears twice."""
    numbered = _numbered(rows)
    header = None
    for _number, values in numbered:
        if any(cell_text(v).strip() for v in values):
            header = values
            break
    if header is None:
        raise SpreadsheetError(_("The worksheet is empty. Download the template and fill in one member per row."),
                               code="empty")
    colmap, seen = {}, set()
    for index, text in enumerate(header):
        key = HEADER_KEYS.get(_normalise_header(text))
        if key is None:
            continue
        if key in seen:
            raise SpreadsheetError(_("The column “%(header)s” appears twice in the first row.")
                                   % {"header": COLUMN_BY_KEY[key].header}, code="duplicate_header")
        seen.add(key)
        colmap[key] = index
    missing = [c.header for c in COLUMNS if c.required and c.key not in colmap]
    if missing:
        raise SpreadsheetError(
            _("The first row must hold the column headers of the template; missing: %(headers)s. "
              "Download the template to see the expected columns.") % {"headers": "、".join(missing)},
            code="missing_header")
    keys = list(colmap)
    indexes = [colmap[k] for k in keys]

    def generate():
        for number, values in numbered:
            width = len(values)
            cells = [values[i] if i < width else "" for i in indexes]
            if not any(cells):
                if all(v == "" or v is None for v in cells):
                    continue  # an empty row: skipped, not counted
            elif all(type(v) is str and not v.strip() for v in cells if v):
                continue  # only blanks
            yield number, dict(zip(keys, cells, strict=True))

    return colmap, generate()


def _chunks(iterable, size):
    chunk = []
    for item in iterable:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


# --- checking ------------------------------------------------------------------------------

@dataclass
class _Good:
    """A valid row, ready to write."""

    row: int
    data: object  # MemberInput
    id_hash: str
    union_id: int
    enterprise_id: int | None
    person_id: int | None  # an existing person with no live membership: rejoins


def _display(key, value):
    text = cell_text(value).strip()
    if key in MASKED_COLUMNS:
        return MASKED_COLUMNS[key](text)
    return text[:100]


class _RowChecker:
    """Checks rows in batches; caches unions and enterprises by code across batches and
    remembers every ID number seen, to find duplicates within the file."""

    def __init__(self, *, actor, target, today=None):
        self.actor = actor
        self.target = target
        self.default_union = target if target.level == OrgLevel.GRASSROOTS else None
        self.today = today or timezone.localdate()
        self.paths = None if actor.is_superuser else actor.scope_paths("members.import")
        self.orgs: dict[str, Org | None] = {}
        self.enterprises: dict[str, Enterprise | None] = {}
        self.seen: dict[str, int] = {}  # normalised ID number → first row
        self.education = choice_aliases(Education.choices)
        self.skills = choice_aliases(SkillLevel.choices)
        self.unions_used: set[int] = set()
        self.union_results: dict[str, tuple] = {}  # code → (union or None, error or None)
        self.uscc_errors: dict[str, str | None] = {}

    # scope of one union row
    def _in_scope(self, org):
        if not org.path.startswith(self.target.path):
            return False
        return self.paths is None or any(org.path.startswith(p) for p in self.paths)

    def _load(self, codes, usccs):
        codes = [c for c in codes if c not in self.orgs]
        for i in range(0, len(codes), LOOKUP_BATCH):
            part = codes[i:i + LOOKUP_BATCH]
            found = {o.code: o for o in Org.objects.filter(code__in=part).only(
                "id", "code", "name", "path", "depth", "level", "is_active")}
            for code in part:
                self.orgs[code] = found.get(code)
        usccs = [u for u in usccs if u not in self.enterprises]
        for i in range(0, len(usccs), LOOKUP_BATCH):
            part = usccs[i:i + LOOKUP_BATCH]
            found = {e.uscc: e for e in Enterprise.objects.filter(uscc__in=part).only("id", "uscc", "name", "union_id")}
            for code in part:
                self.enterprises[code] = found.get(code)

    def check(self, chunk):
        """Check a batch of (row, record). Returns (goods, errors, retro) where errors are
        RowErrors of rows in this batch and retro are RowErrors for earlier rows (the first
        occurrence of an ID number found again here)."""
        errors: list[RowError] = []
        retro: list[RowError] = []
        pending = []  # (row, record, data, id_hash, org_code, uscc_text, row_errors)
        codes, usccs = set(), set()
        formula_message = None
        for row, record in chunk:
            row_errors = {}
            for key, value in record.items():
                if type(value) is str and value[:1] in FORMULA_FIRST and not (key == "phone" and _is_plus_phone(value)):
                    formula_message = formula_message or _(
                        "Cells may not start with = + - @ or a tab: spreadsheet programs would run the cell as a "
                        "formula. Remove that character.")
                    row_errors[key] = formula_message
            raw_id = record["id_number"]
            if type(raw_id) is float and "id_number" not in row_errors:
                row_errors["id_number"] = _("Excel stored this ID card number as a number and lost its last digits. "
                                            "Format the column as Text and type the number again.")
            # Choices are matched here (any UI language, or the stored code) and handed to
            # clean_member_input already resolved: its own label matching costs ~40 % of a row.
            education = self._choice(record.get("education"), self.education, "education", row_errors)
            skill_level = self._choice(record.get("skill_level"), self.skills, "skill_level", row_errors)
            get = record.get
            raw = {
                "name": _text(get("name")),
                "id_number": _text(raw_id),
                "phone": _text(get("phone")),
                "hometown_province": _text(get("hometown_province")),
                "is_migrant": _text(get("is_migrant")),
                "education": "",
                "skill_level": "",
                "joined_on": _date_cell(get("joined_on")),
            }
            data = None
            try:
                data = clean_member_input(raw, today=self.today)
            except MemberInputError as exc:
                for key, message in exc.errors.items():
                    row_errors.setdefault(key, message)
            if data is not None:
                data.education, data.skill_level = education or "", skill_level or SkillLevel.NONE.value
            number = ""
            if data is not None:
                number = data.id_number
            elif "id_number" not in row_errors:
                number = normalise_id_number(cell_text(raw_id))
            if number:
                first = self.seen.get(number)
                if first is None:
                    self.seen[number] = row
                else:
                    row_errors["id_number"] = _("The same ID card number is already in row %(row)d; each person "
                                                "may appear only once in a file.") % {"row": first}
                    retro.append(RowError(first, COLUMN_BY_KEY["id_number"].header, pii.mask_id_number(number),
                                          _("The same ID card number appears again in row %(row)d; each person "
                                            "may appear only once in a file.") % {"row": row}))
            id_hash = pii.lookup_hash(number) if data is not None and not row_errors else ""
            org_code = _text(get("org_code")).strip()
            uscc_text = normalise_uscc(_text(get("uscc")).strip()) if get("uscc") else ""
            if org_code and "org_code" not in row_errors:
                codes.add(org_code)
            if uscc_text and "uscc" not in row_errors:
                usccs.add(uscc_text)
            pending.append((row, record, data, id_hash, org_code, uscc_text, row_errors))

        self._load(sorted(codes), sorted(usccs))
        existing, live = self._lookup_people([p[3] for p in pending if p[3]])

        goods = []
        for row, record, data, id_hash, org_code, uscc_text, row_errors in pending:
            union = self._union(org_code, row_errors)
            enterprise = self._enterprise(uscc_text, union, row_errors)
            if id_hash and id_hash in live and "id_number" not in row_errors:
                row_errors["id_number"] = _(
                    "This person is already a member of %(union)s — ask that union to request a transfer."
                ) % {"union": live[id_hash]}
            if row_errors:
                for key in sorted(row_errors, key=COLUMN_ORDER.get):
                    errors.append(RowError(row, COLUMN_BY_KEY[key].header, _display(key, record.get(key)),
                                           str(row_errors[key])))
                continue
            self.unions_used.add(union.pk)
            goods.append(_Good(row, data, id_hash, union.pk, enterprise.pk if enterprise else None,
                               existing.get(id_hash)))
        return goods, errors, retro

    def _choice(self, value, aliases, key, row_errors):
        if not value:
            return ""
        text = _text(value).strip()
        if not text:
            return ""
        code = aliases.get(text)
        if code is None and key not in row_errors:
            label = _("education") if key == "education" else _("skill level")
            row_errors[key] = _("“%(value)s” is not one of the allowed %(field)s values.") % {
                "value": text, "field": label}
        return code

    def _union(self, code, row_errors):
        if "org_code" in row_errors:
            return None
        cached = self.union_results.get(code)
        if cached is None:
            errors = {}
            cached = self.union_results[code] = (self._resolve_union(code, errors), errors.get("org_code"))
        union, message = cached
        if message:
            row_errors["org_code"] = message
        return union

    def _resolve_union(self, code, row_errors):
        if not code:
            if self.default_union is None:
                row_errors["org_code"] = _("Give the code of the member's union: this file is imported into "
                                           "%(org)s, which has several unions.") % {"org": self.target.name}
                return None
            if not self._in_scope(self.default_union) or not self.default_union.is_active:
                row_errors["org_code"] = _("You may not import members into %(org)s.") % {"org": self.target.name}
                return None
            return self.default_union
        org = self.orgs.get(code)
        if org is None or not self._in_scope(org):
            row_errors["org_code"] = _("No union with the code “%(code)s” exists in your area.") % {"code": code}
            return None
        if org.level != OrgLevel.GRASSROOTS or not org.is_active:
            row_errors["org_code"] = _("%(org)s is not an active grassroots union; members are registered in a "
                                       "grassroots union.") % {"org": org.name}
            return None
        return org

    def _enterprise(self, uscc_text, union, row_errors):
        if not uscc_text or "uscc" in row_errors:
            return None
        if uscc_text not in self.uscc_errors:
            try:
                validate_uscc(uscc_text)
                self.uscc_errors[uscc_text] = None
            except ValidationError as exc:
                self.uscc_errors[uscc_text] = " ".join(exc.messages)
        if self.uscc_errors[uscc_text]:
            row_errors["uscc"] = self.uscc_errors[uscc_text]
            return None
        enterprise = self.enterprises.get(uscc_text)
        if enterprise is None:
            row_errors["uscc"] = _("No enterprise with this unified social credit code is registered. Register the "
                                   "enterprise first, or leave the cell empty.")
            return None
        if union is not None and enterprise.union_id != union.pk:
            # Not named: the code may be another town's enterprise, which the importer cannot see.
            row_errors["uscc"] = _("The enterprise with this unified social credit code does not belong to "
                                   "%(union)s.") % {"union": union.name}
            return None
        return enterprise

    def _lookup_people(self, hashes):
        """(existing person id by hash, union name of the live membership by hash), in IN
        batches of LOOKUP_BATCH. One query per batch when nobody is known yet."""
        existing, live = {}, {}
        for i in range(0, len(hashes), LOOKUP_BATCH):
            part = hashes[i:i + LOOKUP_BATCH]
            existing.update(Person.objects.filter(id_number_hash__in=part).values_list("id_number_hash", "id"))
        if existing:
            ids = list(existing.values())
            by_id = {pk: h for h, pk in existing.items()}
            for i in range(0, len(ids), LOOKUP_BATCH):
                rows = (Membership.objects.filter(person_id__in=ids[i:i + LOOKUP_BATCH], status__in=LIVE_STATUSES)
                        .values_list("person_id", "union__name"))
                for person_id, union_name in rows:
                    live[by_id[person_id]] = union_name
        return existing, live


FORMULA_FIRST = frozenset(FORMULA_PREFIXES)


def _text(value):
    return value if type(value) is str else cell_text(value)


def _is_plus_phone(value):
    """'+86 138 1234 5678' is a phone number in international form, not a formula."""
    text = value.replace(" ", "").replace("-", "")
    return text.startswith("+86") and text[3:].isdigit()


def _date_cell(value):
    if isinstance(value, datetime.datetime | datetime.date):
        return value
    return cell_text(value)


# --- writing -------------------------------------------------------------------------------

def _ranges(ids):
    """[3, 4, 5, 9] → [[3, 5], [9, 9]]: compact id lists for the audit event."""
    result = []
    for pk in sorted(ids):
        if result and pk == result[-1][1] + 1:
            result[-1][1] = pk
        else:
            result.append([pk, pk])
    return result


PERSON_UPDATE_FIELDS = ("name", "name_initials", "hometown_province", "is_migrant", "education", "skill_level",
                        "phone_enc", "phone_hash", "phone_masked", "updated_at")


class BatchWriter:
    """Writes batches of valid rows: new Person rows, updated returning persons, then Memberships.
    `write` is the one entry (tests patch it to simulate a failure mid-import)."""

    def __init__(self, *, actor, member_import=None, audit_each=False):
        self.actor = actor
        self.member_import = member_import
        self.audit_each = audit_each
        self.now = timezone.now()
        self.person_ids: list[int] = []
        self.rejoined_ids: list[int] = []
        self.membership_ids: list[int] = []
        self.new_persons = 0
        self.rejoined = 0
        self.written = 0
        self.seconds = {"encrypt": 0.0, "insert": 0.0, "audit": 0.0}
        self.person_fields = [f for f in Person._meta.concrete_fields if not f.primary_key]
        self.membership_fields = [f for f in Membership._meta.concrete_fields if not f.primary_key]

    def write(self, goods):
        if not goods:
            return
        t0 = time.perf_counter()
        kinds = [JoinKind.NEW if g.person_id is None else JoinKind.REJOIN for g in goods]
        new = [g for g in goods if g.person_id is None]
        returning = [g for g in goods if g.person_id is not None]
        person_values = [self._person_values(g.data, g.id_hash) for g in new]
        t1 = time.perf_counter()
        person_ids = self._insert(Person, self.person_fields, person_values)
        for g, pk in zip(new, person_ids, strict=True):
            g.person_id = pk
        if returning:
            self._update_returning(returning)
        now = self.now
        membership_values = [{
            "person_id": g.person_id, "union_id": g.union_id, "enterprise_id": g.enterprise_id,
            "status": MembershipStatus.ACTIVE.value, "joined_on": g.data.joined_on, "join_kind": kind.value,
            "ended_on": None, "end_reason": "", "created_at": now,
            "person_name": g.data.name, "person_initials": g.data.name_initials,
        } for g, kind in zip(goods, kinds, strict=True)]
        membership_ids = self._insert(Membership, self.membership_fields, membership_values)
        t2 = time.perf_counter()
        if self.audit_each:
            self._audit_rows(goods, membership_ids)
        t3 = time.perf_counter()
        self.person_ids.extend(person_ids)
        self.rejoined_ids.extend(g.person_id for g in returning)
        self.membership_ids.extend(membership_ids)
        self.new_persons += len(new)
        self.rejoined += len(returning)
        self.written += len(goods)
        self.seconds["encrypt"] += t1 - t0
        self.seconds["insert"] += t2 - t1
        self.seconds["audit"] += t3 - t2

    def _person_values(self, data, id_hash=None):
        number, phone = data.id_number, data.phone
        return {
            "name": data.name, "name_initials": data.name_initials,
            "id_number_enc": pii.encrypt(number), "id_number_hash": id_hash or pii.lookup_hash(number),
            "id_number_masked": pii.mask_id_number(number),
            "gender": data.gender, "birth_on": data.birth_on,
            "phone_enc": pii.encrypt(phone) if phone else "", "phone_hash": pii.lookup_hash(phone) if phone else "",
            "phone_masked": pii.mask_phone(phone) if phone else "",
            "hometown_province": data.hometown_province, "is_migrant": data.is_migrant,
            "education": data.education, "skill_level": data.skill_level,
            "created_at": self.now, "updated_at": self.now,
        }

    def _update_returning(self, goods):
        """People who were members before and left: their details are refreshed (as a
        registration would) and they get a new membership period."""
        people = []
        for g in goods:
            values = self._person_values(g.data, g.id_hash)
            person = Person(pk=g.person_id, **{k: values[k] for k in PERSON_UPDATE_FIELDS})
            if not g.data.phone:  # keep the phone on file when the row has none
                person._keep_phone = True
            people.append(person)
        with_phone = [p for p in people if not getattr(p, "_keep_phone", False)]
        without = [p for p in people if getattr(p, "_keep_phone", False)]
        if with_phone:
            Person.objects.bulk_update(with_phone, PERSON_UPDATE_FIELDS)
        if without:
            Person.objects.bulk_update(without, [f for f in PERSON_UPDATE_FIELDS if not f.startswith("phone")])
        # their earlier (closed) periods are found under the refreshed name too: one UPDATE
        refreshed = Person.objects.filter(pk=OuterRef("person_id"))
        Membership.objects.filter(person_id__in=[p.pk for p in people]).update(
            person_name=Subquery(refreshed.values("name")[:1]),
            person_initials=Subquery(refreshed.values("name_initials")[:1]))

    def _reserve_ids(self, model, n):
        raise NotImplementedError

    def _insert(self, model, fields, values):
        raise NotImplementedError

    def _audit_rows(self, goods, membership_ids):
        actor = self.actor
        name = actor.get_username()[:150] if getattr(actor, "pk", None) else "system"
        from gonghui.core.context import current_ip

        ip = current_ip.get()
        AuditEvent.objects.bulk_create([
            AuditEvent(actor_id=getattr(actor, "pk", None), actor_name=name, action="members.membership.create",
                       object_type="members.Membership", object_id=str(pk), object_repr=g.data.name[:200],
                       org_id=g.union_id, after={"person": g.person_id, "union": g.union_id,
                                                 "joined_on": g.data.joined_on.isoformat(),
                                                 "import": getattr(self.member_import, "pk", None)}, ip=ip)
            for g, pk in zip(goods, membership_ids, strict=True)
        ], batch_size=500)

    @staticmethod
    def _tuples(fields, values):
        """Rows as tuples in `fields` order; a field the import does not set gets its default."""
        names = [f.attname for f in fields]
        getter = operator.itemgetter(*names)
        missing = {f.attname: (f.get_default() if f.has_default() else None) for f in fields
                   if values and f.attname not in values[0]}
        if missing:
            return [getter({**missing, **v}) for v in values]
        return [getter(v) for v in values]


class SqliteWriter(BatchWriter):
    """SQLite: ids are taken from the table's sequence while this transaction holds the write
    lock (transaction_mode IMMEDIATE), then rows go in with one prepared `executemany`."""

    def _reserve_ids(self, model, n):
        table = model._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
            row = cursor.fetchone()
            cursor.execute(f'SELECT MAX("id") FROM "{table}"')  # noqa: S608 — table name from model meta
            top = max(row[0] if row else 0, cursor.fetchone()[0] or 0)
        return list(range(top + 1, top + 1 + n))

    def _insert(self, model, fields, values):
        if not values:
            return []
        if not connection.in_atomic_block:
            raise RuntimeError("imports write inside a transaction")
        ids = self._reserve_ids(model, len(values))
        columns = ", ".join(f'"{f.column}"' for f in fields)
        marks = ", ".join(["%s"] * (len(fields) + 1))
        sql = f'INSERT INTO "{model._meta.db_table}" ("id", {columns}) VALUES ({marks})'  # noqa: S608
        # Values in the form Django stores them on SQLite: dates ISO, datetimes naive UTC text.
        adapt = connection.ops.adapt_datetimefield_value
        now, now_db = self.now, adapt(self.now)
        dates = [i + 1 for i, f in enumerate(fields) if f.get_internal_type() == "DateField"]
        stamps = [i + 1 for i, f in enumerate(fields) if f.get_internal_type() == "DateTimeField"]
        rows = []
        for pk, row in zip(ids, self._tuples(fields, values), strict=True):
            row = [pk, *row]
            for i in dates:
                if row[i] is not None:
                    row[i] = row[i].isoformat()
            for i in stamps:
                if row[i] is not None:
                    row[i] = now_db if row[i] is now else adapt(row[i])
            rows.append(row)
        with connection.cursor() as cursor:
            cursor.executemany(sql, rows)
        return ids


class PostgresWriter(BatchWriter):
    """PostgreSQL: ids reserved from the identity sequence in one query, rows streamed with COPY."""

    def _reserve_ids(self, model, n):
        table = model._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                           [table, n])
            return [r[0] for r in cursor.fetchall()]

    def _insert(self, model, fields, values):
        if not values:
            return []
        ids = self._reserve_ids(model, len(values))
        columns = ", ".join(f'"{f.column}"' for f in fields)
        sql = f'COPY "{model._meta.db_table}" ("id", {columns}) FROM STDIN'
        with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
            write_row = copy.write_row
            for pk, row in zip(ids, self._tuples(fields, values), strict=True):
                write_row((pk, *row))
        return ids


class OrmWriter(BatchWriter):
    """Any other database: Django's bulk_create."""

    def _insert(self, model, fields, values):
        objs = model.objects.bulk_create([model(**v) for v in values], batch_size=1000)
        return [o.pk for o in objs]


def make_writer(**kwargs) -> BatchWriter:
    vendor = connection.vendor
    if vendor == "postgresql":
        return PostgresWriter(**kwargs)
    if vendor == "sqlite":
        return SqliteWriter(**kwargs)
    return OrmWriter(**kwargs)


# --- the two passes --------------------------------------------------------------------------

def _max_errors():
    return _setting("IMPORT_MAX_REPORTED_ERRORS", 5000)


def check_rows(*, actor, rows, target, progress=None) -> CheckReport:
    """Check every row; save nothing. Problems are collected per row (capped for display,
    every invalid row counted)."""
    started = time.perf_counter()
    report = CheckReport()
    try:
        _colmap, records = _records(rows)
        checker = _RowChecker(actor=actor, target=target)
        cap = _max_errors()
        for chunk in _chunks(records, CHUNK_ROWS):
            report.total_rows += len(chunk)
            _goods, errors, retro = checker.check(chunk)
            for error in errors + retro:
                report.invalid.add(error.row)
                report.error_count += 1
                if len(report.errors) < cap:
                    report.errors.append(error)
            if progress:
                progress(report.total_rows)
    except SpreadsheetError as exc:
        report.file_errors = list(exc.messages)
    report.errors.sort(key=lambda e: (e.row, HEADERS.index(e.column) if e.column in HEADERS else 99))
    report.seconds = time.perf_counter() - started
    return report


def commit_rows(*, actor, rows, target, member_import=None, skip_rows=frozenset(), expected_valid=None,
                audit_each=False, progress=None) -> BatchWriter:
    """Import every row not in `skip_rows`; must run inside transaction.atomic(). Any row that
    is invalid now raises ImportAborted after the whole file is checked (so the report is
    complete); the caller's transaction then rolls everything back."""
    if not connection.in_atomic_block:
        raise RuntimeError("commit_rows must run inside transaction.atomic()")
    _colmap, records = _records(rows)
    checker = _RowChecker(actor=actor, target=target)
    writer = make_writer(actor=actor, member_import=member_import, audit_each=audit_each)
    errors, failed, done = [], False, 0
    cap = _max_errors()
    for chunk in _chunks(((n, r) for n, r in records if n not in skip_rows), CHUNK_ROWS):
        goods, row_errors, retro = checker.check(chunk)
        if row_errors or retro:
            failed = True
            errors.extend((row_errors + retro)[: max(0, cap - len(errors))])
        if not failed:
            writer.write(goods)
        done += len(chunk)
        if progress:
            progress(done)
    if failed:
        errors.sort(key=lambda e: (e.row, HEADERS.index(e.column) if e.column in HEADERS else 99))
        raise ImportAborted(_("Some rows are no longer valid (for example, someone registered one of these people "
                              "after the file was checked). Nothing was imported; check the file again."), errors)
    if expected_valid is not None and writer.written != expected_valid:
        raise ImportAborted(_("The file gave %(now)d valid rows instead of the %(then)d confirmed. Nothing was "
                              "imported; check the file again.") % {"now": writer.written, "then": expected_valid})
    writer.checker = checker
    return writer


def _commit_event(*, actor, member_import, writer, skipped):
    audit.record(
        actor=actor, action="members.import.commit", obj=member_import, org=member_import.org,
        after={"imported": writer.written, "new_persons": writer.new_persons, "rejoined": writer.rejoined,
               "skipped_invalid_rows": skipped, "file": member_import.original_name,
               "unions": len(writer.checker.unions_used),
               "person_ids": _ranges(writer.person_ids), "rejoined_person_ids": _ranges(writer.rejoined_ids),
               "membership_ids": _ranges(writer.membership_ids),
               "per_membership_audit": writer.audit_each},
    )


# --- direct use (benchmark, commands) ---------------------------------------------------------

def _resolve_target(actor, org, union):
    target = union or org
    if target is None:
        paths = actor.scope_paths("members.import") if not actor.is_superuser else []
        if len(paths) != 1:
            raise ValueError("give org= or union=: the actor's import scope is not a single org")
        target = Org.objects.get(path=paths[0])
    require(actor, "members.import", target)
    return target


def import_rows(*, actor, rows, org=None, union=None, check_first=True, audit_each=False,
                source_name="") -> ImportResult:
    """Check and import `rows` (cell lists, header first) into `union` or the subtree of `org`.
    Creates a MemberImport record for the trail. See the module docstring."""
    target = _resolve_target(actor, org, union)
    if check_first and not isinstance(rows, list | tuple):
        rows = list(rows)  # read twice
    return _import(actor=actor, target=target, open_rows=lambda: rows, check_first=check_first,
                   audit_each=audit_each, source_name=source_name)


def run_import_file(*, actor, path, org=None, union=None, check_first=True, audit_each=False) -> ImportResult:
    """Import an .xlsx file from disk into `union` or the subtree of `org` (see the module
    docstring). Reads with python-calamine, twice when check_first (check pass, import pass)."""
    target = _resolve_target(actor, org, union)
    return _import(actor=actor, target=target, open_rows=lambda: read_rows(path), check_first=check_first,
                   audit_each=audit_each, source_name=str(path).rsplit("/", 1)[-1])


def _import(*, actor, target, open_rows, check_first, audit_each, source_name) -> ImportResult:
    result = ImportResult()
    skip, expected = frozenset(), None
    if check_first:
        report = check_rows(actor=actor, rows=open_rows(), target=target)
        result.check_seconds = report.seconds
        result.total_rows, result.valid_rows, result.invalid_rows = (report.total_rows, report.valid_rows,
                                                                     report.invalid_rows)
        result.errors, result.file_errors = report.errors, report.file_errors
        if report.file_errors or report.valid_rows == 0:
            result.message = " ".join(report.file_errors) or _("No row can be imported.")
            return result
        skip, expected = frozenset(report.invalid), report.valid_rows
    started = time.perf_counter()
    try:
        with transaction.atomic():
            now = timezone.now()
            member_import = MemberImport.objects.create(
                org=target, created_by=actor, original_name=source_name[:200], status=ImportStatus.IMPORTING,
                language=translation.get_language() or "", total_rows=result.total_rows,
                valid_rows=result.valid_rows, invalid_rows=result.invalid_rows, confirmed_by=actor,
                confirmed_at=now, validated_at=now if check_first else None)
            writer = commit_rows(actor=actor, rows=open_rows(), target=target, member_import=member_import,
                                 skip_rows=skip, expected_valid=expected, audit_each=audit_each)
            t_audit = time.perf_counter()
            member_import.status, member_import.imported_rows = ImportStatus.IMPORTED, writer.written
            member_import.finished_at = timezone.now()
            if not check_first:
                member_import.total_rows = member_import.valid_rows = writer.written
            member_import.save()
            _commit_event(actor=actor, member_import=member_import, writer=writer, skipped=len(skip))
            writer.seconds["audit"] += time.perf_counter() - t_audit
    except ImportAborted as exc:
        result.message, result.errors = exc.message, exc.errors or result.errors
        result.commit_seconds = time.perf_counter() - started
        return result
    except SpreadsheetError as exc:
        result.file_errors = list(exc.messages)
        result.message = " ".join(exc.messages)
        return result
    result.commit_seconds = time.perf_counter() - started
    result.ok, result.member_import_id = True, member_import.pk
    result.imported, result.new_persons, result.rejoined = writer.written, writer.new_persons, writer.rejoined
    if not check_first:
        result.total_rows = result.valid_rows = writer.written
    result.timings = {k: round(v, 3) for k, v in writer.seconds.items()}
    return result


# --- the upload workflow (MemberImport) --------------------------------------------------------

def _encrypt_file(data: bytes) -> bytes:
    return pii._fernet().encrypt(data)


def _decrypt_file(member_import) -> bytes:
    with member_import.file.open("rb") as handle:
        return pii._fernet().decrypt(handle.read())


def _progress_key(pk):
    return f"members:import:{pk}:progress"


def import_progress(member_import) -> int | None:
    """Rows processed so far by the running check or import (None when not known)."""
    return cache.get(_progress_key(member_import.pk))


def _progress_setter(pk):
    def set_progress(done):
        cache.set(_progress_key(pk), done, timeout=3600)

    return set_progress


def import_targets(user):
    """Orgs the user may import into, for the upload form: the levels above grassroots in
    their scope, plus the grassroots unions where their scope is a union (a short list)."""
    qs = Org.objects.visible_to(user, "members.import").filter(is_active=True)
    above = qs.exclude(level__in=(OrgLevel.GRASSROOTS, OrgLevel.GROUP))
    if user.is_superuser:
        return above
    union_paths = [p for p in user.scope_paths("members.import")
                   if Org.objects.filter(path=p, level=OrgLevel.GRASSROOTS).exists()]
    if not union_paths:
        return above
    return (above | qs.filter(path__in=union_paths)).order_by("path")


@transaction.atomic
def start_member_import(*, actor, org, upload, language=None) -> MemberImport:
    """Store an uploaded (already type- and size-checked) file for `org` and schedule its
    check. Nothing about members is saved."""
    require(actor, "members.import", org)
    org = Org.objects.get(pk=org.pk)
    if not org.is_active or org.level == OrgLevel.GROUP:
        raise ValidationError(_("Members cannot be imported into %(org)s.") % {"org": org.name}, code="bad_target")
    upload.seek(0)
    data = upload.read()
    member_import = MemberImport(
        org=org, created_by=actor, original_name=(getattr(upload, "name", "") or "upload.xlsx")[-200:],
        file_size=len(data), file_sha256=hashlib.sha256(data).hexdigest(),
        language=language or translation.get_language() or settings.LANGUAGE_CODE,
    )
    member_import.file.save("upload.xlsx.enc", ContentFile(_encrypt_file(data)), save=False)
    member_import.save()
    audit.record(actor=actor, action="members.import.upload", obj=member_import, org=org,
                 after={"file": member_import.original_name, "bytes": member_import.file_size,
                        "sha256": member_import.file_sha256})
    from .tasks import check_member_import_task

    check_member_import_task.delay_on_commit(member_import.pk)
    return member_import


def check_member_import(member_import_id) -> None:
    """Job: check every row of an UPLOADED import. Idempotent (does nothing in any other status)."""
    member_import = MemberImport.objects.select_related("org", "created_by").filter(pk=member_import_id).first()
    if member_import is None or member_import.status != ImportStatus.UPLOADED:
        return
    # The check only reads; the result is saved under a row lock, and only if still UPLOADED.
    with translation.override(member_import.language or settings.LANGUAGE_CODE):
        try:
            data = _decrypt_file(member_import)
            report = check_rows(actor=member_import.created_by, rows=read_rows(io.BytesIO(data)),
                                target=member_import.org, progress=_progress_setter(member_import.pk))
        except SpreadsheetError as exc:
            report = CheckReport(file_errors=list(exc.messages))
        except Exception:  # noqa: BLE001 — a damaged file must not leave the import "being checked"
            logger.exception("member import %s: check failed", member_import_id)
            report = CheckReport(file_errors=[_("The file could not be read. Save it again as .xlsx and upload it "
                                                "again.")])
    with transaction.atomic():
        member_import = MemberImport.objects.select_for_update().get(pk=member_import_id)
        if member_import.status != ImportStatus.UPLOADED:
            return
        member_import.total_rows = report.total_rows
        member_import.valid_rows = report.valid_rows
        member_import.invalid_rows = report.invalid_rows
        member_import.report = {
            "file_errors": report.file_errors,
            "rows": [e.as_dict() for e in report.errors],
            "error_count": report.error_count,
            "truncated": report.error_count > len(report.errors),
            "invalid_row_ranges": _ranges(report.invalid),  # skipped by the import pass
            "check_seconds": round(report.seconds, 3),
        }
        ok = not report.file_errors and report.valid_rows > 0
        if not report.file_errors and report.total_rows == 0:
            member_import.report["file_errors"] = [_("The worksheet has a header row but no member rows.")]
            ok = False
        member_import.status = ImportStatus.VALIDATED if ok else ImportStatus.INVALID
        member_import.validated_at = timezone.now()
        member_import.save()
    cache.delete(_progress_key(member_import_id))


@transaction.atomic
def confirm_member_import(*, actor, member_import) -> MemberImport:
    """The user confirms: the valid rows will be imported (by a job, scheduled on commit)."""
    require(actor, "members.import", member_import.org)
    member_import = MemberImport.objects.select_for_update().get(pk=member_import.pk)
    if member_import.status != ImportStatus.VALIDATED or member_import.valid_rows == 0:
        raise ValidationError(_("This import cannot be started (its status is: %(status)s).")
                              % {"status": member_import.get_status_display()}, code="not_validated")
    member_import.status = ImportStatus.IMPORTING
    member_import.confirmed_by, member_import.confirmed_at = actor, timezone.now()
    member_import.message = ""
    member_import.save()
    audit.record(actor=actor, action="members.import.confirm", obj=member_import, org=member_import.org,
                 after={"valid_rows": member_import.valid_rows, "invalid_rows": member_import.invalid_rows})
    from .tasks import run_member_import_task

    run_member_import_task.delay_on_commit(member_import.pk)
    return member_import


def run_member_import(member_import_id, *, audit_each=False) -> None:
    """Job: import the valid rows of a confirmed import in ONE transaction. Idempotent: it only
    acts on an import in status IMPORTING and moves it to IMPORTED or FAILED, so a second run
    (a retried or duplicated job) does nothing. The row lock makes concurrent runs wait."""
    with transaction.atomic():
        member_import = (MemberImport.objects.select_for_update(of=("self",)).select_related("org", "confirmed_by")
                         .filter(pk=member_import_id).first())
        if member_import is None or member_import.status != ImportStatus.IMPORTING:
            return
        actor = member_import.confirmed_by
        report = dict(member_import.report or {})
        skip = frozenset(n for a, b in report.get("invalid_row_ranges") or () for n in range(a, b + 1))
        with translation.override(member_import.language or settings.LANGUAGE_CODE):
            try:
                require(actor, "members.import", member_import.org)
                data = _decrypt_file(member_import)
                with transaction.atomic():
                    writer = commit_rows(actor=actor, rows=read_rows(io.BytesIO(data)), target=member_import.org,
                                         member_import=member_import, skip_rows=skip,
                                         expected_valid=member_import.valid_rows, audit_each=audit_each,
                                         progress=_progress_setter(member_import.pk))
                    _commit_event(actor=actor, member_import=member_import, writer=writer, skipped=len(skip))
            except ImportAborted as exc:
                _fail(member_import, actor, exc.message, errors=exc.errors)
            except (OperationalError, InterfaceError):
                # The database connection was lost (or a deadlock broke the transaction): nothing
                # was saved and the import is still IMPORTING; the job retries it
                # (members.tasks.run_member_import_task), and marks it failed if it gives up.
                raise
            except Exception as exc:  # noqa: BLE001 — anything else: nothing saved, say so
                logger.exception("member import %s failed", member_import_id)
                _fail(member_import, actor, _failure_message(exc, member_import))
            else:
                member_import.status = ImportStatus.IMPORTED
                member_import.imported_rows = writer.written
                member_import.finished_at = timezone.now()
                member_import.report = {**report, "timings": {
                    k: round(v, 3) for k, v in writer.seconds.items()}}
                _delete_file_on_commit(member_import)
                member_import.save()
    cache.delete(_progress_key(member_import_id))


def fail_after_lost_connection(member_import_id, attempts) -> None:
    """The job gave up retrying an import whose database connection kept failing: mark it failed
    (nothing was imported), so the page stops showing it as running and the user can try again."""
    with transaction.atomic():
        member_import = (MemberImport.objects.select_for_update(of=("self",)).select_related("org", "confirmed_by")
                         .filter(pk=member_import_id).first())
        if member_import is None or member_import.status != ImportStatus.IMPORTING:
            return
        with translation.override(member_import.language or settings.LANGUAGE_CODE):
            message = _("The connection to the database was lost during the import (%(attempts)d attempts). "
                        "Nothing was imported; check the file again to retry.") % {"attempts": attempts}
            _fail(member_import, member_import.confirmed_by, message)
    cache.delete(_progress_key(member_import_id))


def fail_stale_imports(*, older_than_hours=None) -> int:
    """Mark FAILED the imports still IMPORTING longer than IMPORT_STALE_HOURS after they were
    confirmed: their job is gone (it gave up while the database was down and could not record it,
    or its retry could not be enqueued). An import that is running holds its row lock, so it is
    skipped, never failed. Returns how many were marked (scheduled: members-fail-stale-imports)."""
    hours = _setting("IMPORT_STALE_HOURS", 2) if older_than_hours is None else older_than_hours
    cutoff = timezone.now() - datetime.timedelta(hours=hours)
    failed = 0
    stale = MemberImport.objects.filter(Q(confirmed_at__lt=cutoff) | Q(confirmed_at=None, created_at__lt=cutoff),
                                        status=ImportStatus.IMPORTING)
    for pk in stale.values_list("pk", flat=True):
        with transaction.atomic():
            member_import = (MemberImport.objects.select_for_update(of=("self",), skip_locked=True)
                             .select_related("org", "confirmed_by").filter(pk=pk, status=ImportStatus.IMPORTING)
                             .first())
            if member_import is None:  # running right now, or finished since the list was read
                continue
            with translation.override(member_import.language or settings.LANGUAGE_CODE):
                message = _("The import did not finish within %(hours)d hours of being confirmed (its job was lost, "
                            "e.g. while the database was unavailable). Nothing was imported; check the file again "
                            "to retry.") % {"hours": hours}
                _fail(member_import, member_import.confirmed_by, message)
            logger.warning("member import %s: still importing after %s hours, marked failed", pk, hours)
        cache.delete(_progress_key(pk))
        failed += 1
    return failed


def _failure_message(exc, member_import):
    from django.core.exceptions import PermissionDenied
    from django.db import DatabaseError

    if isinstance(exc, PermissionDenied):
        return _("You may no longer import into %(org)s. Nothing was imported.") % {"org": member_import.org.name}
    if isinstance(exc, DatabaseError) or type(exc).__module__.startswith("psycopg"):
        return _("Another import or registration saved some of these people at the same time. Nothing was "
                 "imported; check the file again.")
    return _("The import stopped because of an unexpected error. Nothing was imported. Please try again later "
             "or contact the administrator.")


def _fail(member_import, actor, message, *, errors=()):
    member_import.status = ImportStatus.FAILED
    member_import.message = str(message)
    member_import.finished_at = timezone.now()
    if errors:
        report = dict(member_import.report or {})
        report["commit_errors"] = [e.as_dict() for e in errors]
        member_import.report = report
    member_import.save()
    audit.record(actor=actor, action="members.import.fail", obj=member_import, org=member_import.org,
                 after={"message": member_import.message, "errors": len(errors)})


def _delete_file_on_commit(member_import):
    """Forget the stored upload in the current transaction and remove it from storage only once
    that transaction commits. If the connection drops at COMMIT, the transaction is rolled back,
    the row still names the file and the file is still there, so the retried job can read it."""
    if not member_import.file:
        return
    storage, name = member_import.file.storage, member_import.file.name
    member_import.file = ""
    # robust: a file that cannot be removed is logged, not turned into an error after the commit.
    transaction.on_commit(lambda: storage.delete(name), robust=True)


@transaction.atomic
def cancel_member_import(*, actor, member_import) -> MemberImport:
    require(actor, "members.import", member_import.org)
    member_import = MemberImport.objects.select_for_update().get(pk=member_import.pk)
    if member_import.status not in (ImportStatus.UPLOADED, ImportStatus.VALIDATED, ImportStatus.INVALID,
                                    ImportStatus.FAILED):
        raise ValidationError(_("This import can no longer be cancelled (its status is: %(status)s).")
                              % {"status": member_import.get_status_display()}, code="not_cancellable")
    member_import.status = ImportStatus.CANCELLED
    member_import.finished_at = timezone.now()
    _delete_file_on_commit(member_import)
    member_import.save()
    audit.record(actor=actor, action="members.import.cancel", obj=member_import, org=member_import.org,
                 after={"status": member_import.status})
    return member_import


@transaction.atomic
def recheck_member_import(*, actor, member_import) -> MemberImport:
    """Check a FAILED import's file again (e.g. after the conflicting people were sorted out)."""
    require(actor, "members.import", member_import.org)
    member_import = MemberImport.objects.select_for_update().get(pk=member_import.pk)
    if member_import.status != ImportStatus.FAILED or not member_import.file:
        raise ValidationError(_("Only a failed import whose file is still stored can be checked again."),
                              code="not_recheckable")
    member_import.status, member_import.message = ImportStatus.UPLOADED, ""
    member_import.save()
    audit.record(actor=actor, action="members.import.recheck", obj=member_import, org=member_import.org,
                 after={"status": member_import.status})
    from .tasks import check_member_import_task

    check_member_import_task.delay_on_commit(member_import.pk)
    return member_import


def purge_import_files(*, older_than_hours=None) -> int:
    """Delete stored upload files of imports left unfinished (checked but never confirmed or
    cancelled) for longer than IMPORT_FILE_RETENTION_HOURS. Returns how many were removed."""
    hours = older_than_hours or _setting("IMPORT_FILE_RETENTION_HOURS", 72)
    cutoff = timezone.now() - datetime.timedelta(hours=hours)
    removed = 0
    for member_import in MemberImport.objects.filter(created_at__lt=cutoff).exclude(file="").exclude(
            status__in=(ImportStatus.IMPORTING,)):
        with transaction.atomic():
            locked = MemberImport.objects.select_for_update().get(pk=member_import.pk)
            if locked.status == ImportStatus.IMPORTING:  # confirmed since the list was read
                continue
            if locked.status in (ImportStatus.VALIDATED, ImportStatus.INVALID, ImportStatus.UPLOADED):
                locked.status = ImportStatus.CANCELLED
                locked.message = _("Cancelled automatically: not confirmed within %(hours)d hours.") % {"hours": hours}
            _delete_file_on_commit(locked)
            locked.save()
            removed += 1
    return removed


# --- the template and the error report ----------------------------------------------------------

def write_template(target) -> None:
    """The import template: sheet 1 with the column headers (notes and drop-down lists), sheet 2
    ("填写说明") explaining each column and listing the allowed values in the user's language."""
    from gonghui.core.excel import XlsxStream
    from gonghui.core.regions import PROVINCES

    with XlsxStream(target) as book:
        sheet = book.sheet("会员", headers=HEADERS, widths=[10, 22, 14, 16, 26, 12, 12, 22, 24, 12],
                           text_columns=(1, 2, 3, 4))
        guide = book.sheet("填写说明", widths=[26, 90])
        guide.append([_("Column"), _("What to write")], book.header_format)
        for column in COLUMNS:
            guide.append([column.header + (" *" if column.required else ""), str(column.help)], book.wrap_format)
        guide.append([])
        guide.append([_("Rows"), _("One member per row, starting in row 2. Empty rows are skipped. Row numbers in "
                                   "the error report are the row numbers Excel shows.")], book.wrap_format)
        guide.append([_("Checks"), _("Every row is checked before anything is saved; you then import the valid "
                                     "rows in one go or cancel. A person who is already a member of a union must be "
                                     "transferred, not imported.")], book.wrap_format)
        lists = {}
        for key, choices in (("education", Education.choices), ("skill_level", SkillLevel.choices)):
            guide.append([])
            guide.append([COLUMN_BY_KEY[key].header, _("Allowed values (either column)")], book.header_format)
            first = guide.row + 1  # Excel row number of the first value
            for code, label in choices:
                guide.append([code, str(label)])
            lists[key] = f"=填写说明!$B${first}:$B${guide.row}"
        guide.append([])
        guide.append([COLUMN_BY_KEY["hometown_province"].header, "、".join(PROVINCES)], book.wrap_format)

        ws, last = sheet.worksheet, 10_000
        for index, column in enumerate(COLUMNS):
            ws.write_comment(0, index, str(column.help), {"x_scale": 2, "y_scale": 1.5})
        order = COLUMN_ORDER
        ws.data_validation(1, order["is_migrant"], last, order["is_migrant"],
                           {"validate": "list", "source": ["是", "否"], "error_type": "warning"})
        for key in ("education", "skill_level"):
            ws.data_validation(1, order[key], last, order[key],
                               {"validate": "list", "source": lists[key], "error_type": "warning"})
        ws.data_validation(1, order["joined_on"], last, order["joined_on"],
                           {"validate": "date", "criteria": ">=", "minimum": datetime.date(1950, 1, 1),
                            "error_type": "warning"})


def write_error_report(target, member_import) -> None:
    """The per-row problems of an import as a workbook (ID and phone values masked)."""
    from gonghui.core.excel import XlsxStream

    report = member_import.report or {}
    rows = report.get("commit_errors") or report.get("rows") or []
    with XlsxStream(target) as book:
        sheet = book.sheet(_("Errors"), headers=[_("Row"), _("Column"), _("Value"), _("Problem")],
                           widths=[8, 24, 26, 90])
        for message in report.get("file_errors") or ():
            sheet.append(["", "", "", message])
        for error in rows:
            sheet.append([error["row"], error["column"], error["value"], error["message"]])
        if report.get("truncated"):
            sheet.append(["", "", "", _("Only the first %(n)d problems are listed; fix these and check the file "
                                        "again.") % {"n": len(rows)}])
