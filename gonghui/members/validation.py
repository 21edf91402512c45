"""One validation for every way a member enters the registry: the form, the API and the import.

`clean_member_input` takes raw values (strings from a form, JSON or a spreadsheet cell) and
returns a `MemberInput` or raises `MemberInputError` carrying a Chinese reason per field.
"""

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from gonghui.core.regions import ID_PREFIX_PROVINCE, PROVINCES
from gonghui.core.text import pinyin_initials
from gonghui.core.validators import parse_id_number, validate_mobile

from .models import Education, SkillLevel

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
MAX_NAME_LENGTH = 64


@dataclass
class MemberInput:
    name: str
    name_initials: str
    id_number: str
    birth_on: datetime.date
    gender: str
    phone: str
    hometown_province: str
    is_migrant: bool
    education: str
    skill_level: str
    joined_on: datetime.date


@dataclass
class MemberInputError(Exception):
    errors: dict[str, str] = field(default_factory=dict)


def _choice(value, choices, label_field):
    """Accept either the stored value or its displayed label (a spreadsheet has the label)."""
    text = str(value or "").strip()
    if not text:
        return ""
    for stored, label in choices:
        if text in (stored, str(label)):
            return stored
    raise ValidationError(_("“%(value)s” is not one of the allowed %(field)s values.")
                          % {"value": text, "field": label_field})


def _date(value):
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = str(value or "").strip()
    for fmt in ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y%m%d"):
        try:
            return datetime.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValidationError(_("“%(value)s” is not a date; write it as 2026-03-01.") % {"value": text})


def _bool(value):
    text = str(value if value is not None else "").strip().lower()
    if text in ("", "none"):
        return None
    if text in ("是", "yes", "true", "1", "y"):
        return True
    if text in ("否", "no", "false", "0", "n"):
        return False
    raise ValidationError(_("Write 是 or 否."))


def _name(value):
    name = str(value or "").strip()
    if not name:
        raise ValidationError(_("The name is empty."))
    if name.startswith(FORMULA_PREFIXES):
        raise ValidationError(_("The name may not start with = + - or @ (spreadsheet formula)."))
    if len(name) > MAX_NAME_LENGTH:
        raise ValidationError(_("The name is longer than %(n)d characters.") % {"n": MAX_NAME_LENGTH})
    return name


def clean_member_input(raw: dict, *, today=None) -> MemberInput:
    """Validate raw member fields; collect every field's problem before raising."""
    today = today or datetime.date.today()
    errors: dict[str, str] = {}
    values: dict = {}

    def attempt(key, fn):
        try:
            values[key] = fn()
        except ValidationError as exc:
            errors[key] = " ".join(exc.messages)

    attempt("name", lambda: _name(raw.get("name")))
    attempt("id", lambda: parse_id_number(str(raw.get("id_number") or "")))
    attempt("phone", lambda: validate_mobile(raw["phone"]) if str(raw.get("phone") or "").strip() else "")
    attempt("hometown_province", lambda: _province(raw.get("hometown_province")))
    attempt("is_migrant", lambda: _bool(raw.get("is_migrant")))
    attempt("education", lambda: _choice(raw.get("education"), Education.choices, _("education")))
    attempt("skill_level", lambda: _choice(raw.get("skill_level"), SkillLevel.choices, _("skill level"))
            or SkillLevel.NONE)
    attempt("joined_on", lambda: _date(raw.get("joined_on")) if raw.get("joined_on") not in (None, "")
            else today)
    if "joined_on" in values and values["joined_on"] > today:
        errors["joined_on"] = _("The joining date is in the future.")
    if "id" in values and "joined_on" in values and values["joined_on"] < values["id"].birth_on:
        errors["joined_on"] = _("The joining date is before the date of birth.")
    if errors:
        # Report the ID error under the field name users see.
        if "id" in errors:
            errors["id_number"] = errors.pop("id")
        raise MemberInputError(errors)

    facts = values["id"]
    province = values["hometown_province"] or ID_PREFIX_PROVINCE.get(facts.number[:2], "")
    is_migrant = values["is_migrant"]
    if is_migrant is None:
        is_migrant = province != settings.LOCAL_PROVINCE
    return MemberInput(
        name=values["name"], name_initials=pinyin_initials(values["name"]), id_number=facts.number,
        birth_on=facts.birth_on, gender=facts.gender, phone=values["phone"], hometown_province=province,
        is_migrant=is_migrant, education=values["education"], skill_level=values["skill_level"],
        joined_on=values["joined_on"],
    )


def _province(value):
    text = str(value or "").strip()
    if not text:
        return ""
    if text in PROVINCES:
        return text
    for province in PROVINCES:  # accept the short form: 安徽 → 安徽省
        if province.startswith(text) and len(text) >= 2:
            return province
    raise ValidationError(_("“%(value)s” is not a province.") % {"value": text})
