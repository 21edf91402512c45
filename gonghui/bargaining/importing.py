"""Bulk import of EXISTING (already concluded) wage agreements from an .xlsx workbook.

One row per (agreement, enterprise). Rows sharing a 协议编号 (the file's own key) are one
area or industry agreement and must agree on every agreement-level column; a 单建 row may leave
协议编号 empty (it is then an agreement of its own).

All or nothing, in one request and one transaction: every row is checked (cells, the union
party and the importer's scope, the enterprise, `services.check_coverage`, dates, terms,
duplicates in the file and in the database). Any problem → the full per-row report (row as Excel
numbers it, column header, value, reason) and nothing is saved. No problem → every agreement
and its coverage is created and ONE audit event (`bargaining.import`) records the counts and the
ids. `check_only=True` runs every check and saves nothing (a dry run).

Historical agreements are created at the stage their dates say:
    no 备案日期                                  → SIGNED (awaiting filing)
    filed less than `rules().objection_days` ago → FILED
    objection period over, no 公示日期           → EFFECTIVE, effective_on = timeline.effective_date(filed_on)
    objection period over, 公示日期 given        → PUBLISHED (published_on as given)
The steps before signing are not known for historical agreements: offered_on and
offer_received_on are set to the signing date, replied_on / first meeting / data exchange are
left empty, no representatives, rounds or votes are created. ends_on is the end of the term from
生效起始日期; next_step / next_due_on come from `timeline.next_due`.

Duplicates: an agreement is already recorded when an agreement (not cancelled) of the same union
party, kind, industry and signing date exists; the same key twice in one file is reported too.

An org outside the importer's `bargaining.import` scope, and an enterprise they cannot see, are
reported exactly like unknown codes (never revealing that they exist).
"""

import datetime
import re
import time
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gonghui.core import audit
from gonghui.core.errors import DomainError
from gonghui.core.excel import FORMULA_PREFIXES, SpreadsheetError, cell_text
from gonghui.core.policies import require
from gonghui.core.validators import normalise_uscc, validate_uscc
from gonghui.orgs.models import Enterprise, Industry, Org

from . import services, timeline
from .models import MONEY, AgreementKind, Coverage, Stage, WageAgreement
from .policies import IMPORT
from .rules import rules

MAX_ROWS = 10_000       # one synchronous request; split bigger files
MAX_ERRORS = 2_000      # problems kept for the page and the error workbook
LOOKUP_BATCH = 1_000    # codes per IN (...) query
EXAMPLE_REF = "示例-1"  # the template's example row


# --- columns -------------------------------------------------------------------------------

@dataclass(frozen=True)
class Column:
    key: str
    header: str  # Chinese data label, as in the template
    required: bool  # the column must be present (cells may still be optional, see help)
    help: str
    agreement_level: bool = True  # the same in every row of one agreement


COLUMNS = (
    Column("ref", "协议编号", True, gettext_lazy(
        "Your own number for the agreement, e.g. QY-2025-01. Rows with the same number are one agreement "
        "(one row per covered enterprise). Required for area and industry agreements; a single-enterprise "
        "row may leave it empty.")),
    Column("kind", "协议类型", True, gettext_lazy("单建, 区域性 or 行业性. Required.")),
    Column("title", "协议名称", True, gettext_lazy("Title of the agreement. Required, at most 120 characters.")),
    Column("org_code", "工会组织代码", True, gettext_lazy(
        "Code of the union party: the enterprise's grassroots union for 单建; the town, platform or joint "
        "union for 区域性; the industry, town, platform or district union for 行业性. Required.")),
    Column("employer_party", "企业方", True, gettext_lazy(
        "The employer side. Empty for 单建: the enterprise's name. Required for area and industry agreements "
        "(the employers' organisation).")),
    Column("industry", "行业", True, gettext_lazy(
        "Required for 行业性: one of the industries listed below. Ignored for the other kinds.")),
    Column("uscc", "企业统一社会信用代码", True, gettext_lazy(
        "Unified social credit code (18 characters) of the covered enterprise, registered in your area. "
        "Required; each enterprise once per agreement."), agreement_level=False),
    Column("workers", "覆盖职工数", True, gettext_lazy(
        "Workers of this enterprise covered: a whole number from 1 to the enterprise's headcount. Required."),
        agreement_level=False),
    Column("signed_on", "签订日期", True, gettext_lazy("Date signed, e.g. 2025-03-18. Required, not in the future.")),
    Column("starts_on", "生效起始日期", True, gettext_lazy(
        "First day the agreement binds. Required, on or after the signing date.")),
    Column("term_years", "期限(年)", True, gettext_lazy("Term in whole years, 1 to 3. Empty: 1.")),
    Column("filed_on", "备案日期", True, gettext_lazy(
        "Date filed with the labour bureau. Empty: not filed yet (imported as signed, awaiting filing).")),
    Column("published_on", "公示日期", True, gettext_lazy(
        "Date made known to the staff. Needs the filing date; empty: not published yet.")),
    Column("avg_wage", "年平均工资", True, gettext_lazy("Annual average wage in yuan, e.g. 78000. Optional.")),
    Column("avg_increase_pct", "平均增幅(%)", True, gettext_lazy(
        "Average wage increase in percent: write 6.5 for 6.5 % (do not format the cell as a percentage). "
        "Required for 单建, from -100 to 100.")),
    Column("min_wage", "最低工资", True, gettext_lazy(
        "Minimum monthly wage in yuan. Required for area and industry agreements.")),
    Column("min_increase_pct", "最低增幅(%)", True, gettext_lazy(
        "Minimum wage increase in percent, from -100 to 100. Required for area and industry agreements.")),
    Column("skilled_worker_clause", "技能人才条款", True, gettext_lazy(
        "是 if the agreement has terms for skilled workers, otherwise 否. Empty: 否.")),
    Column("wage_system", "工资制度", True, gettext_lazy("The wage system agreed, e.g. 岗位绩效工资制. Required.")),
)
COLUMN_BY_KEY = {c.key: c for c in COLUMNS}
HEADERS = [c.header for c in COLUMNS]
AGREEMENT_KEYS = tuple(c.key for c in COLUMNS if c.agreement_level and c.key != "ref")

EXAMPLE_ROW = ["示例-1", "单建", "2025年度工资专项集体合同", "U0001", "", "", "91330109MA2B12340J", 120,
               datetime.date(2025, 3, 18), datetime.date(2025, 4, 1), 1, datetime.date(2025, 3, 25),
               datetime.date(2025, 4, 20), 78000, 6.5, "", "", "是", "岗位绩效工资制"]


def _normalise_header(text) -> str:
    text = cell_text(text).strip()
    for old, new in (("（", "("), ("）", ")"), ("％", "%"), (" ", ""), ("\u3000", "")):
        text = text.replace(old, new)
    for suffix in ("(必填)", "(选填)", "*", "＊"):
        if text.endswith(suffix):
            text = text[: -len(suffix)]
    return text


HEADER_KEYS = {_normalise_header(c.header): c.key for c in COLUMNS}
# Spellings a hand-made file is likely to use.
HEADER_KEYS.update({"期限": "term_years", "期限年": "term_years", "平均增幅": "avg_increase_pct",
                    "平均增幅%": "avg_increase_pct", "最低增幅": "min_increase_pct", "最低增幅%": "min_increase_pct",
                    "统一社会信用代码": "uscc", "工会代码": "org_code", "工会组织编码": "org_code"})

KIND_SPELLINGS = {"单建": AgreementKind.SINGLE, "单独": AgreementKind.SINGLE, "单独建制": AgreementKind.SINGLE,
                  "区域性": AgreementKind.AREA, "区域": AgreementKind.AREA,
                  "行业性": AgreementKind.INDUSTRY, "行业": AgreementKind.INDUSTRY}
KIND_LABELS = {AgreementKind.SINGLE: "单建", AgreementKind.AREA: "区域性", AgreementKind.INDUSTRY: "行业性"}
YES = {"是", "有", "y", "yes", "true", "1", "√"}
NO = {"否", "无", "n", "no", "false", "0", "×"}


def choice_aliases(choices, extra=None) -> dict[str, str]:
    """Every accepted spelling of a choice → its value: the value, and its label in every UI
    language (a file filled in under English works for a Chinese user too)."""
    aliases = {}
    for code, _label in choices:
        aliases[code.lower()] = code
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            for code, label in choices:
                aliases.setdefault(str(label).lower(), code)
    aliases.update({k.lower(): v for k, v in (extra or {}).items()})
    return aliases


# --- results -------------------------------------------------------------------------------

@dataclass
class RowError:
    row: int      # as numbered in Excel, header = 1 (0: the file as a whole)
    column: str   # header text
    value: str    # as typed
    message: str
    code: str = ""

    def as_dict(self):
        return {"row": self.row, "column": self.column, "value": self.value, "message": self.message,
                "code": self.code}


@dataclass
class ImportReport:
    source_name: str = ""
    check_only: bool = False
    total_rows: int = 0
    agreements: int = 0
    workers: int = 0
    errors: list = field(default_factory=list)   # RowError, at most MAX_ERRORS
    error_count: int = 0
    invalid_rows: int = 0
    file_errors: list = field(default_factory=list)
    imported: bool = False
    agreement_ids: list = field(default_factory=list)
    by_kind: dict = field(default_factory=dict)   # kind label → agreements
    by_stage: dict = field(default_factory=dict)  # stage label → agreements
    seconds: float = 0.0

    @property
    def ok(self):
        return not self.file_errors and not self.error_count

    @property
    def truncated(self):
        return self.error_count > len(self.errors)

    @property
    def rows_per_second(self):
        return self.total_rows / self.seconds if self.seconds else 0.0


# --- reading cells -------------------------------------------------------------------------

class CellError(Exception):
    def __init__(self, code, message):
        super().__init__(message)
        self.code, self.message = code, message


DATE_RE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")


def _text(value) -> str:
    return (value if type(value) is str else cell_text(value)).strip()


def _parse_date(value):
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool) and 20000 < value < 80000:
        return datetime.date(1899, 12, 30) + datetime.timedelta(days=int(value))  # an Excel day number
    text = _text(value)
    if text.isdigit() and len(text) == 8:
        text = f"{text[:4]}-{text[4:6]}-{text[6:]}"
    if " " in text and ":" in text:  # "2025-03-18 00:00:00"
        text = text.split(" ", 1)[0]
    match = DATE_RE.match(text)
    if match:
        try:
            return datetime.date(*(int(g) for g in match.groups()))
        except ValueError:
            pass
    raise CellError("bad_date", _("“%(value)s” is not a date; write it like 2025-03-18.") % {"value": text})


def _parse_int(value, *, what):
    if isinstance(value, bool):
        raise CellError("bad_number", _("Write %(what)s as a whole number.") % {"what": what})
    if isinstance(value, float):
        if not value.is_integer():
            raise CellError("bad_number", _("Write %(what)s as a whole number.") % {"what": what})
        return int(value)
    if isinstance(value, int):
        return value
    text = _text(value).replace(",", "").replace("，", "")
    try:
        return int(text)
    except ValueError:
        raise CellError("bad_number", _("“%(value)s” is not a whole number; write %(what)s as a whole number.")
                        % {"value": text, "what": what}) from None


def _parse_decimal(value, *, low, high, suffixes=()):
    if isinstance(value, bool):
        raise CellError("bad_number", _("“%(value)s” is not a number.") % {"value": _text(value)})
    if isinstance(value, int | float):
        text = repr(value) if isinstance(value, float) else str(value)
    else:
        text = _text(value).replace(",", "").replace("，", "")
        for suffix in suffixes:
            text = text.removesuffix(suffix).strip()
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise CellError("bad_number", _("“%(value)s” is not a number.") % {"value": _text(value)}) from None
    if not number.is_finite():
        raise CellError("bad_number", _("“%(value)s” is not a number.") % {"value": _text(value)})
    if number < low or number > high:  # before rounding: 1e30 cannot be quantized to cents
        raise CellError("out_of_range", _("%(value)s is out of range: it must be from %(low)s to %(high)s.")
                        % {"value": number, "low": low, "high": high})
    return number.quantize(Decimal("0.01"))


WORKERS = gettext_lazy("the number of workers")
TERM = gettext_lazy("the term")
MAX_MONEY = Decimal(10) ** (MONEY["max_digits"] - MONEY["decimal_places"]) - Decimal("0.01")


def _is_formula(value) -> bool:
    if type(value) is not str or not value.startswith(FORMULA_PREFIXES):
        return False
    try:  # "-1.5" typed as text is a number, not a formula
        Decimal(value.strip().rstrip("%％"))
        return False
    except InvalidOperation:
        return True


# --- checking ------------------------------------------------------------------------------

@dataclass
class _Row:
    row: int
    raw: dict                                    # key → cell
    values: dict = field(default_factory=dict)   # key → parsed value
    errors: dict = field(default_factory=dict)   # key → RowError
    org: Org | None = None
    enterprise: Enterprise | None = None

    def error(self, key, code, message):
        if key not in self.errors:
            self.errors[key] = RowError(self.row, COLUMN_BY_KEY[key].header, _text(self.raw.get(key, ""))[:100],
                                        str(message), code)

    def ok(self, *keys):
        return all(k not in self.errors for k in keys)


@dataclass
class _Agreement:
    ref: str
    rows: list  # _Row, file order

    @property
    def first(self):
        return self.rows[0]


class _Checker:
    def __init__(self, *, actor, today=None):
        self.actor = actor
        self.today = today or timezone.localdate()
        self.paths = None if actor.is_superuser else actor.scope_paths(IMPORT)
        self.kinds = choice_aliases(AgreementKind.choices, KIND_SPELLINGS)
        self.industries = choice_aliases(Industry.choices)
        self.orgs: dict[str, Org | None] = {}
        self.enterprises: dict[str, Enterprise | None] = {}
        self.objection_days = rules().objection_days
        self.usccs: dict[str, tuple[str, str | None]] = {}  # cell text → (normalised, problem)

    def uscc(self, text):
        """(normalised code, problem or None), once per distinct cell text."""
        cached = self.usccs.get(text)
        if cached is None:
            code, problem = normalise_uscc(text), None
            try:
                validate_uscc(code)
            except ValidationError as exc:
                problem = " ".join(exc.messages)
            cached = self.usccs[text] = (code, problem)
        return cached

    # lookups, batched
    def load(self, rows):
        codes = {_text(r.raw.get("org_code")) for r in rows} - {""}
        usccs = {self.uscc(text)[0] for text in {_text(r.raw.get("uscc")) for r in rows} - {""}} - {""}
        codes = sorted(codes)
        for i in range(0, len(codes), LOOKUP_BATCH):
            part = codes[i:i + LOOKUP_BATCH]
            found = {o.code: o for o in Org.objects.filter(code__in=part)}
            for code in part:
                org = found.get(code)
                self.orgs[code] = org if org is not None and self._in_scope(org) else None
        usccs = sorted(usccs)
        visible = (Enterprise.objects.visible_to(self.actor, IMPORT).select_related("union", "town")
                   .only("id", "name", "uscc", "industry", "headcount", "union__id", "union__path",
                         "union__name", "town__id", "town__path", "town__name"))
        for i in range(0, len(usccs), LOOKUP_BATCH):
            part = usccs[i:i + LOOKUP_BATCH]
            found = {e.uscc: e for e in visible.filter(uscc__in=part)}
            for code in part:
                self.enterprises[code] = found.get(code)

    def _in_scope(self, org):
        return self.paths is None or any(org.path.startswith(p) for p in self.paths)

    # one row on its own
    def check_row(self, r: _Row):
        raw, values = r.raw, r.values
        for key, value in raw.items():
            if _is_formula(value):
                r.error(key, "formula", _("Cells may not start with = + - @ or a tab: spreadsheet programs would "
                                          "run the cell as a formula. Remove that character."))
        values["ref"] = _text(raw.get("ref"))[:32]
        if values["ref"] == EXAMPLE_REF:
            r.error("ref", "example_row", _("This is the template's example row: delete it or replace it with "
                                            "your own agreements."))
        kind = self._kind(r)
        self._required_text(r, "title", 120)
        self._org(r, kind)
        self._industry(r, kind)
        self._enterprise(r)
        self._workers(r)
        employer = _text(raw.get("employer_party"))
        if len(employer) > 120:
            r.error("employer_party", "too_long", _("At most 120 characters."))
        elif not employer and kind in (AgreementKind.AREA, AgreementKind.INDUSTRY):
            r.error("employer_party", "required", _("Name the employer side of an area or industry agreement."))
        values["employer_party"] = employer
        self._dates(r)
        self._terms(r, kind)

    def _required_text(self, r, key, limit):
        text = _text(r.raw.get(key))
        if not text:
            r.error(key, "required", _("Required; the cell is empty."))
        elif len(text) > limit:
            r.error(key, "too_long", _("At most %(n)s characters.") % {"n": limit})
        r.values[key] = text

    def _kind(self, r):
        text = _text(r.raw.get("kind"))
        kind = self.kinds.get(text.lower()) if text else None
        if not text:
            r.error("kind", "required", _("Required: 单建, 区域性 or 行业性."))
        elif kind is None:
            r.error("kind", "bad_kind", _("“%(value)s” is not a kind of agreement; write 单建, 区域性 or 行业性.")
                    % {"value": text})
        r.values["kind"] = kind
        return kind

    def _org(self, r, kind):
        code = _text(r.raw.get("org_code"))
        r.values["org_code"] = code
        if not code:
            r.error("org_code", "required", _("Required: the code of the union party."))
            return
        org = self.orgs.get(code)
        if org is None:
            r.error("org_code", "org_not_found",
                    _("No union with the code “%(code)s” exists in your area.") % {"code": code})
            return
        if not org.is_active:
            r.error("org_code", "org_inactive", _("%(org)s is no longer active.") % {"org": org.name})
            return
        if kind and org.level not in services.PARTY_LEVELS[kind]:
            r.error("org_code", "wrong_party",
                    _("%(org)s (%(level)s) cannot be the union party of a %(kind)s agreement.")
                    % {"org": org.name, "level": org.get_level_display(), "kind": KIND_LABELS[kind]})
            return
        r.org = org

    def _industry(self, r, kind):
        text = _text(r.raw.get("industry"))
        value = ""
        if kind == AgreementKind.INDUSTRY:
            if not text:
                r.error("industry", "required", _("Required for an industry agreement."))
            else:
                value = self.industries.get(text.lower())
                if value is None:
                    r.error("industry", "bad_industry", _("“%(value)s” is not one of the industries listed in the "
                                                         "template.") % {"value": text})
                    value = ""
        r.values["industry"] = value

    def _enterprise(self, r):
        raw = _text(r.raw.get("uscc"))
        text, problem = self.uscc(raw) if raw else ("", None)
        r.values["uscc"] = text
        if "uscc" in r.errors:
            return
        if not text:
            r.error("uscc", "required", _("Required: the unified social credit code of the covered enterprise."))
            return
        if problem:
            r.error("uscc", "bad_uscc", problem)
            return
        enterprise = self.enterprises.get(text)
        if enterprise is None:
            r.error("uscc", "enterprise_not_found", _("No enterprise with this unified social credit code is "
                                                      "registered in your area. Register the enterprise first."))
            return
        r.enterprise = enterprise

    def _workers(self, r):
        value = r.raw.get("workers")
        if "workers" in r.errors:
            return
        if _text(value) == "":
            r.error("workers", "required", _("Required: the number of workers covered."))
            return
        try:
            workers = _parse_int(value, what=WORKERS)
        except CellError as exc:
            r.error("workers", exc.code, exc.message)
            return
        if workers < 1:
            r.error("workers", "out_of_range", _("At least 1 worker must be covered."))
            return
        if workers > services.MAX_WORKERS:
            r.error("workers", "out_of_range", _("%(workers)s workers is not a plausible number.")
                    % {"workers": workers})
            return
        r.values["workers"] = workers

    def _date(self, r, key, *, required, future_ok=False):
        value = r.raw.get(key)
        if key in r.errors:
            return None
        if _text(value) == "":
            if required:
                r.error(key, "required", _("Required; the cell is empty."))
            return None
        try:
            day = _parse_date(value)
        except CellError as exc:
            r.error(key, exc.code, exc.message)
            return None
        if day.year < 1990:
            r.error(key, "out_of_range", _("%(date)s is too early.") % {"date": day.isoformat()})
            return None
        if not future_ok and day > self.today:
            r.error(key, "date_in_future", _("%(date)s is in the future; only agreements already concluded can be "
                                             "imported.") % {"date": day.isoformat()})
            return None
        r.values[key] = day
        return day

    def _dates(self, r):
        signed = self._date(r, "signed_on", required=True)
        starts = self._date(r, "starts_on", required=True, future_ok=True)
        filed = self._date(r, "filed_on", required=False)
        published = self._date(r, "published_on", required=False)
        term_raw = r.raw.get("term_years")
        term = 1
        if "term_years" not in r.errors and _text(term_raw) != "":
            try:
                term = _parse_int(term_raw, what=TERM)
                if not 1 <= term <= 3:
                    r.error("term_years", "out_of_range", _("The term is 1 to 3 years, not %(n)s.") % {"n": term})
            except CellError as exc:
                r.error("term_years", exc.code, exc.message)
        r.values["term_years"] = term
        if signed and starts and starts < signed:
            r.error("starts_on", "date_order", _("The agreement cannot bind before it is signed (%(date)s).")
                    % {"date": signed.isoformat()})
        elif signed and starts and starts > signed + services.MAX_START_AFTER_SIGNING:
            r.error("starts_on", "start_too_late",
                    _("The agreement should bind within a year of signing; check the start date."))
        if signed and filed and filed < signed:
            r.error("filed_on", "date_order", _("The filing date is before the signing (%(date)s).")
                    % {"date": signed.isoformat()})
        if published is not None:
            if "filed_on" in r.errors:
                pass
            elif filed is None:
                r.error("published_on", "publish_needs_filing",
                        _("An agreement is published after it is filed and takes effect: give the filing date "
                          "too, or leave the publication date empty."))
            elif signed and published < signed:
                r.error("published_on", "date_order", _("The publication is before the signing (%(date)s).")
                        % {"date": signed.isoformat()})
            elif self.effective_on(filed) > self.today:
                r.error("published_on", "publish_before_effective",
                        _("Filed on %(filed)s, the agreement takes effect on %(effective)s (when the bureau has not "
                          "objected in %(n)s days). Leave the publication date empty and record it after that.")
                        % {"filed": filed.isoformat(), "effective": self.effective_on(filed).isoformat(),
                           "n": self.objection_days})

    def effective_on(self, filed):
        return timeline.effective_date(filed)

    def _terms(self, r, kind):
        raw, values = r.raw, r.values
        percent = {"low": Decimal(-100), "high": Decimal(100), "suffixes": ("%", "％")}
        money = {"low": Decimal(0), "high": MAX_MONEY, "suffixes": ("元",)}
        for key, limits in (("avg_wage", money), ("avg_increase_pct", percent), ("min_wage", money),
                            ("min_increase_pct", percent)):
            values[key] = None
            if key in r.errors or _text(raw.get(key)) == "":
                continue
            try:
                values[key] = _parse_decimal(raw.get(key), **limits)
            except CellError as exc:
                r.error(key, exc.code, exc.message)
        if values["min_wage"] is not None and values["min_wage"] <= 0:
            r.error("min_wage", "out_of_range", _("The minimum wage must be more than 0."))
        clause = _text(raw.get("skilled_worker_clause")).lower()
        values["skilled_worker_clause"] = clause in YES
        if clause and clause not in YES | NO and "skilled_worker_clause" not in r.errors:
            r.error("skilled_worker_clause", "bad_choice", _("Write 是 or 否."))
        values["wage_system"] = _text(raw.get("wage_system"))
        # What every concluded agreement states (services.check_terms_complete), column by column.
        if kind == AgreementKind.SINGLE and values["avg_increase_pct"] is None and r.ok("avg_increase_pct"):
            r.error("avg_increase_pct", "terms_incomplete", _("A single-enterprise agreement states the average "
                                                              "wage increase."))
        if kind in (AgreementKind.AREA, AgreementKind.INDUSTRY):
            for key in ("min_wage", "min_increase_pct"):
                if values[key] is None and r.ok(key):
                    r.error(key, "terms_incomplete", _("An area or industry agreement must state the minimum wage "
                                                       "and the minimum increase rate."))
        if not values["wage_system"] and r.ok("wage_system"):
            r.error("wage_system", "terms_incomplete", _("Describe the wage system agreed."))

    # the rows of one agreement together
    def check_agreement(self, agreement: _Agreement):
        first = agreement.first
        for r in agreement.rows[1:]:
            for key in AGREEMENT_KEYS:
                if key in first.errors or key in r.errors:
                    continue
                if r.values.get(key) != first.values.get(key):
                    r.error(key, "disagrees",
                            _("Differs from row %(row)s (“%(first)s”): all rows of agreement %(ref)s must give the "
                              "same %(column)s.") % {"row": first.row, "first": _text(first.raw.get(key)),
                                                     "ref": agreement.ref, "column": COLUMN_BY_KEY[key].header})
        kind, org = first.values.get("kind"), first.org
        if kind == AgreementKind.SINGLE and len(agreement.rows) > 1:
            for r in agreement.rows[1:]:
                r.error("ref", "single_one_enterprise",
                        _("A single-enterprise agreement covers exactly one enterprise; agreement %(ref)s already "
                          "has row %(row)s. Give each single agreement its own number.")
                        % {"ref": agreement.ref, "row": first.row})
        seen = {}
        for r in agreement.rows:
            if r.enterprise is None:
                continue
            earlier = seen.get(r.enterprise.pk)
            if earlier is not None:
                r.error("uscc", "coverage_twice", _("The same enterprise is already in row %(row)s of agreement "
                                                    "%(ref)s.") % {"row": earlier, "ref": agreement.ref})
                continue
            seen[r.enterprise.pk] = r.row
            if kind is None or org is None or "workers" not in r.values or "uscc" in r.errors:
                continue
            if kind == AgreementKind.SINGLE and r is not first:
                continue
            try:
                services.check_coverage(org=org, kind=kind, industry=first.values.get("industry", ""),
                                        coverage=[services.CoveredEnterprise(r.enterprise, r.values["workers"])])
            except DomainError as exc:
                self._coverage_error(r, org, exc)

    def _coverage_error(self, r, org, exc):
        code = getattr(exc, "code", "") or "coverage"
        enterprise = r.enterprise
        if code == "coverage_over_headcount":
            r.error("workers", code, _("%(workers)s workers covered is more than the headcount of %(name)s "
                                       "(%(headcount)s).") % {"workers": r.values["workers"], "name": enterprise.name,
                                                              "headcount": enterprise.headcount})
        elif code == "coverage_workers":
            r.error("workers", code, _("At least 1 worker must be covered."))
        elif code == "coverage_not_own":
            r.error("uscc", code, _("%(name)s is not the enterprise of %(org)s: a single-enterprise agreement is "
                                    "signed by the enterprise's own union.") % {"name": enterprise.name,
                                                                                "org": org.name})
        elif code == "coverage_outside":
            r.error("uscc", code, _("%(name)s is not in the area of %(org)s.") % {"name": enterprise.name,
                                                                                  "org": org.name})
        elif code == "coverage_industry":
            r.error("uscc", code, _("%(name)s is registered in the industry “%(industry)s”, not the agreement's.")
                    % {"name": enterprise.name, "industry": enterprise.get_industry_display()})
        else:
            r.error("uscc", code, " ".join(getattr(exc, "messages", [str(exc)])))

    def check_duplicates(self, agreements):
        """The same (union party, kind, industry, signing date) twice in the file or already recorded."""
        keyed = []
        for agreement in agreements:
            first = agreement.first
            if first.org is None or not first.values.get("kind") or "signed_on" not in first.values:
                continue
            keyed.append(((first.org.pk, first.values["kind"], first.values["industry"], first.values["signed_on"]),
                          agreement))
        existing = {}
        org_ids = sorted({key[0] for key, _a in keyed})
        days = sorted({key[3] for key, _a in keyed})
        for i in range(0, len(org_ids), LOOKUP_BATCH):
            rows = (WageAgreement.objects.filter(org_id__in=org_ids[i:i + LOOKUP_BATCH], signed_on__in=days)
                    .exclude(stage=Stage.CANCELLED).values_list("org_id", "kind", "industry", "signed_on", "title"))
            for org_id, kind, industry, signed_on, title in rows:
                existing.setdefault((org_id, kind, industry, signed_on), title)
        in_file = {}
        for key, agreement in keyed:
            first = agreement.first
            if key in existing:
                first.error("signed_on", "already_recorded",
                            _("%(org)s already has this kind of agreement signed on %(date)s (“%(title)s”); it is "
                              "not imported twice.") % {"org": first.org.name, "date": key[3].isoformat(),
                                                        "title": existing[key]})
            elif key in in_file:
                first.error("signed_on", "duplicate_in_file",
                            _("Agreement %(ref)s in row %(row)s has the same union party, kind and signing date; "
                              "the same agreement is listed twice.") % {"ref": in_file[key].ref,
                                                                        "row": in_file[key].first.row})
            else:
                in_file[key] = agreement


# --- reading the sheet ---------------------------------------------------------------------

def _records(rows):
    """Map the header row to column keys; yield _Row for each non-empty data row."""
    header = None
    iterator = iter(rows)
    for _number, values in iterator:
        if any(_text(v) for v in values):
            header = values
            break
    if header is None:
        raise SpreadsheetError(_("The worksheet is empty. Download the template and fill in one row per covered "
                                 "enterprise."), code="empty")
    colmap = {}
    for index, text in enumerate(header):
        key = HEADER_KEYS.get(_normalise_header(text))
        if key is None:
            continue
        if key in colmap:
            raise SpreadsheetError(_("The column “%(header)s” appears twice in the first row.")
                                   % {"header": COLUMN_BY_KEY[key].header}, code="duplicate_header")
        colmap[key] = index
    missing = [c.header for c in COLUMNS if c.required and c.key not in colmap]
    if missing:
        raise SpreadsheetError(
            _("The first row must hold the column headers of the template; missing: %(headers)s. Download the "
              "template to see the expected columns.") % {"headers": "、".join(missing)}, code="missing_header")
    result = []
    for number, values in iterator:
        width = len(values)
        record = {key: (values[i] if i < width else "") for key, i in colmap.items()}
        if not any(_text(v) for v in record.values()):
            continue
        result.append(_Row(number, record))
        if len(result) > MAX_ROWS:
            raise SpreadsheetError(_("The file has more than %(n)s rows; split it into several files.")
                                   % {"n": f"{MAX_ROWS:,}"}, code="too_many_rows")
    if not result:
        raise SpreadsheetError(_("The worksheet has headers but no agreements. Fill in one row per covered "
                                 "enterprise, from row 2."), code="no_rows")
    return result


def _group(rows):
    groups: dict[str, _Agreement] = {}
    for r in rows:
        ref = r.values["ref"]
        if not ref:
            if r.values.get("kind") in (AgreementKind.AREA, AgreementKind.INDUSTRY):
                r.error("ref", "ref_required", _("Give the agreement number: the rows of one area or industry "
                                                 "agreement share it."))
            ref = _("row %(row)s") % {"row": r.row}
            groups[f"\x00{r.row}"] = _Agreement(ref, [r])
            continue
        groups.setdefault(ref, _Agreement(ref, [])).rows.append(r)
    return list(groups.values())


# --- writing ---------------------------------------------------------------------------------

def _stage(values, checker):
    filed = values.get("filed_on")
    if filed is None:
        return Stage.SIGNED, None
    effective = checker.effective_on(filed)
    if effective > checker.today:
        return Stage.FILED, None
    if values.get("published_on") is None:
        return Stage.EFFECTIVE, effective
    return Stage.PUBLISHED, effective


def _build(agreement, checker):
    first = agreement.first
    v = first.values
    stage, effective_on = _stage(v, checker)
    kind = v["kind"]
    employer = v["employer_party"] or (first.enterprise.name if kind == AgreementKind.SINGLE else "")
    obj = WageAgreement(
        org=first.org, kind=kind, title=v["title"], employer_party=employer[:120],
        industry=v["industry"] if kind == AgreementKind.INDUSTRY else "", stage=stage,
        offered_on=v["signed_on"], offer_received_on=v["signed_on"],
        term_years=v["term_years"], starts_on=v["starts_on"],
        ends_on=services.end_of_term(v["starts_on"], v["term_years"]),
        wage_system=v["wage_system"], avg_wage=v["avg_wage"], avg_increase_pct=v["avg_increase_pct"],
        min_wage=v["min_wage"], min_increase_pct=v["min_increase_pct"],
        skilled_worker_clause=v["skilled_worker_clause"],
        signed_on=v["signed_on"], filed_on=v.get("filed_on"), effective_on=effective_on,
        published_on=v.get("published_on") if stage == Stage.PUBLISHED else None,
    )
    obj.next_step, obj.next_due_on = timeline.next_due(obj, on=checker.today, rounds=[], votes=[])
    return obj


def _common_org(orgs):
    """The deepest org whose subtree holds every party: where the audit event belongs."""
    paths = [o.path for o in orgs]
    prefix = paths[0]
    for path in paths[1:]:
        while not path.startswith(prefix):
            prefix = prefix[:-Org.steplen]
    return Org.objects.filter(path=prefix).first() if prefix else None


class _ImportRef:
    """What the audit event points at: the import itself (there is no model row)."""

    def __init__(self, ref):
        self.pk = ref

    def __str__(self):
        return str(gettext_lazy("Wage agreement import"))


def _write(*, actor, agreements, checker, report):
    objs = [_build(a, checker) for a in agreements]
    WageAgreement.objects.bulk_create(objs, batch_size=500)
    coverages = [Coverage(agreement=obj, enterprise=r.enterprise, workers=r.values["workers"])
                 for obj, a in zip(objs, agreements, strict=True) for r in a.rows]
    Coverage.objects.bulk_create(coverages, batch_size=1000)
    ids = [o.pk for o in objs]
    kinds = Counter(o.kind for o in objs)
    stages = Counter(o.stage for o in objs)
    report.agreement_ids = ids
    report.by_kind = {str(AgreementKind(k).label): n for k, n in sorted(kinds.items())}
    report.by_stage = {str(Stage(s).label): stages[s] for s in Stage.values if s in stages}
    audit.record(
        actor=actor, action="bargaining.import", obj=_ImportRef(uuid.uuid4().hex[:12]),
        object_type="bargaining.Import", org=_common_org({o.org_id: o.org for o in objs}.values()),
        after={"file": report.source_name[:200], "rows": report.total_rows, "agreements": len(objs),
               "coverages": len(coverages), "workers": report.workers,
               "by_kind": dict(sorted(kinds.items())), "by_stage": dict(sorted(stages.items())),
               "agreement_ids": _ranges(ids)})


def _ranges(ids):
    """[3, 4, 5, 9] → [[3, 5], [9, 9]]: compact id lists for the audit event."""
    result = []
    for pk in sorted(ids):
        if result and pk == result[-1][1] + 1:
            result[-1][1] = pk
        else:
            result.append([pk, pk])
    return result


# --- the entry point -------------------------------------------------------------------------

def import_agreements(*, actor, rows, check_only=False, source_name="", today=None) -> ImportReport:
    """Check every row of `rows` ((row number, cells) pairs as `core.excel.read_rows` yields
    them, header first) and, when no row has a problem and not `check_only`, create every
    agreement in one transaction with one audit event. See the module docstring."""
    require(actor, IMPORT)
    started = time.perf_counter()
    report = ImportReport(source_name=source_name, check_only=check_only)
    try:
        parsed = _records(rows)
    except SpreadsheetError as exc:
        report.file_errors = list(exc.messages)
        return report
    report.total_rows = len(parsed)
    checker = _Checker(actor=actor, today=today)
    with transaction.atomic():
        checker.load(parsed)
        # Lock the union parties (in pk order) so two imports of one file cannot both pass the
        # duplicate check.
        party_ids = sorted({o.pk for o in checker.orgs.values() if o is not None})
        if party_ids and not check_only:
            list(Org.objects.select_for_update().filter(pk__in=party_ids).order_by("pk").values_list("pk"))
        for r in parsed:
            checker.check_row(r)
        agreements = _group(parsed)
        for agreement in agreements:
            checker.check_agreement(agreement)
        checker.check_duplicates(agreements)
        report.agreements = len(agreements)
        report.workers = sum(r.values.get("workers", 0) for r in parsed)
        errors = [e for r in parsed for e in r.errors.values()]
        order = {c.key: i for i, c in enumerate(COLUMNS)}
        header_order = {COLUMN_BY_KEY[k].header: i for k, i in order.items()}
        errors.sort(key=lambda e: (e.row, header_order.get(e.column, 99)))
        report.error_count = len(errors)
        report.invalid_rows = len({e.row for e in errors})
        report.errors = errors[:MAX_ERRORS]
        if report.ok and not check_only:
            _write(actor=actor, agreements=agreements, checker=checker, report=report)
            report.imported = True
    report.seconds = time.perf_counter() - started
    return report


def import_file(*, actor, fileobj, check_only=False, source_name="", today=None) -> ImportReport:
    """Read an uploaded .xlsx (already passed through `core.excel.check_xlsx`) and import it."""
    from gonghui.core.excel import read_rows

    data = fileobj.read()
    try:
        rows = list(read_rows(data))
    except SpreadsheetError as exc:
        return ImportReport(source_name=source_name, check_only=check_only, file_errors=list(exc.messages))
    return import_agreements(actor=actor, rows=rows, check_only=check_only, source_name=source_name, today=today)


# --- the template and the error workbook -------------------------------------------------------

def write_template(target) -> None:
    """Sheet 1: the headers and one example row (a comment on each header says what to write);
    sheet 2 (填写说明): each column explained, the allowed values."""
    from gonghui.core.excel import XlsxStream

    widths = [12, 10, 26, 14, 22, 14, 24, 10, 12, 12, 8, 12, 12, 12, 11, 10, 11, 11, 22]
    text_columns = (0, 3, 6)
    with XlsxStream(target) as book:
        sheet = book.sheet("工资集体协议", headers=HEADERS, widths=widths, text_columns=text_columns)
        example = book.workbook.add_format({"italic": True, "font_color": "#6C757D"})
        sheet.append(EXAMPLE_ROW, example)
        guide = book.sheet("填写说明", widths=[24, 100])
        guide.append([_("Column"), _("What to write")], book.header_format)
        for column in COLUMNS:
            guide.append([column.header, str(column.help)], book.wrap_format)
        guide.append([])
        for label, text in (
            (_("Rows"), _("One row per covered enterprise, from row 2. Row 2 of the template is an example "
                          "(协议编号 示例-1): delete it or overwrite it. Empty rows are skipped; row numbers in the "
                          "error report are those Excel shows.")),
            (_("Checks"), _("Every row is checked before anything is saved. If any row has a problem nothing is "
                            "imported and every problem is listed; fix the file and upload it again. Tick “Check "
                            "only” to check a file without importing it.")),
            (_("Stage"), _("No filing date: imported as signed, awaiting filing. Filed less than %(n)s days ago: "
                           "filed. Otherwise in effect, or published when the publication date is given.")
             % {"n": rules().objection_days}),
            (_("Duplicates"), _("An agreement of the same union party, kind (and industry) signed on the same day "
                                "is imported once only.")),
        ):
            guide.append([label, text], book.wrap_format)
        guide.append([])
        guide.append([COLUMN_BY_KEY["kind"].header, "、".join(KIND_LABELS.values())], book.wrap_format)
        first = guide.row + 2  # Excel row of the first industry label
        guide.append([COLUMN_BY_KEY["industry"].header, _("Allowed values")], book.header_format)
        for _code, label in Industry.choices:
            guide.append(["", str(label)])
        industry_range = f"=填写说明!$B${first}:$B${guide.row}"
        ws, last = sheet.worksheet, MAX_ROWS + 1
        for index, column in enumerate(COLUMNS):
            ws.write_comment(0, index, str(column.help), {"x_scale": 2, "y_scale": 1.5})
        position = {c.key: i for i, c in enumerate(COLUMNS)}
        ws.data_validation(1, position["kind"], last, position["kind"],
                           {"validate": "list", "source": list(KIND_LABELS.values()), "error_type": "warning"})
        ws.data_validation(1, position["industry"], last, position["industry"],
                           {"validate": "list", "source": industry_range, "error_type": "warning"})
        ws.data_validation(1, position["skilled_worker_clause"], last, position["skilled_worker_clause"],
                           {"validate": "list", "source": ["是", "否"], "error_type": "warning"})
        ws.data_validation(1, position["term_years"], last, position["term_years"],
                           {"validate": "integer", "criteria": "between", "minimum": 1, "maximum": 3,
                            "error_type": "warning"})


def write_error_report(target, errors, *, file_errors=(), truncated_at=None) -> None:
    """The problems as a workbook: row, column, value, problem (`errors` as dicts)."""
    from gonghui.core.excel import XlsxStream

    with XlsxStream(target) as book:
        sheet = book.sheet(_("Errors"), headers=[_("Row"), _("Column"), _("Value"), _("Problem")],
                           widths=[8, 22, 26, 100])
        for message in file_errors:
            sheet.append(["", "", "", message])
        for error in errors:
            sheet.append([error["row"], error["column"], error["value"], error["message"]])
        if truncated_at:
            sheet.append(["", "", "", _("Only the first %(n)s problems are listed; fix these and check the file "
                                        "again.") % {"n": truncated_at}])


def group_errors(rows_of_errors):
    """{row: [errors]} in row order, for a compact page."""
    grouped = defaultdict(list)
    for error in rows_of_errors:
        grouped[error.row].append(error)
    return dict(sorted(grouped.items()))
