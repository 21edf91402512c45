"""Check-digit validation of Chinese identifiers (python-stdnum), with messages in Chinese."""

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum.cn import ric, uscc
from stdnum.exceptions import InvalidChecksum, InvalidComponent, InvalidFormat, InvalidLength  # noqa: F401


def normalise_uscc(value: str) -> str:
    return uscc.compact(value or "")


def validate_uscc(value: str) -> None:
    try:
        uscc.validate(value)
    except InvalidLength as exc:
        raise ValidationError(_("A unified social credit code has 18 characters."), code="uscc_length") from exc
    except InvalidChecksum as exc:
        raise ValidationError(
            _("The check digit of this unified social credit code is wrong; please check the code."),
            code="uscc_checksum",
        ) from exc
    except (InvalidFormat, InvalidComponent) as exc:
        raise ValidationError(
            _("This is not a valid unified social credit code (digits and capital letters only)."),
            code="uscc_format",
        ) from exc


@dataclass(frozen=True)
class IdCardFacts:
    number: str
    birth_on: datetime.date
    gender: str  # "M" or "F"


def normalise_id_number(value: str) -> str:
    return ric.compact(value or "").upper()


def parse_id_number(value: str) -> IdCardFacts:
    """Validate an 18-digit resident ID number and derive birth date and gender from it.

    We check format, the ISO 7064 check digit (stdnum), the embedded birth date and the
    province prefix. We do not use stdnum's county-at-birth-year check: numbers are assigned
    at household registration, often years after birth, and county codes change, so that check
    rejects real people.
    """
    from .regions import ID_PREFIX_PROVINCE

    number = normalise_id_number(value)
    if len(number) != 18:
        raise ValidationError(_("An ID card number has 18 characters."), code="id_length")
    if not number[:17].isdigit() or not (number[17].isdigit() or number[17] == "X"):
        raise ValidationError(_("An ID card number is 17 digits followed by a digit or X."), code="id_format")
    if number[17] != ric.calc_check_digit(number):
        raise ValidationError(_("The check digit (last character) of this ID card number is wrong."),
                              code="id_checksum")
    if number[:2] not in ID_PREFIX_PROVINCE:
        raise ValidationError(_("The first two digits of this ID card number are not a province code."),
                              code="id_region")
    try:
        birth_on = ric.get_birth_date(number)
    except InvalidComponent as exc:
        raise ValidationError(_("The birth date inside this ID card number is not a real date."),
                              code="id_birth_date") from exc
    if birth_on > datetime.date.today() or birth_on.year < 1900:
        raise ValidationError(_("The birth date inside this ID card number is not plausible."),
                              code="id_birth_date")
    gender = "M" if int(number[16]) % 2 else "F"
    return IdCardFacts(number=number, birth_on=birth_on, gender=gender)


def normalise_phone(value: str) -> str:
    return "".join(ch for ch in str(value or "") if ch.isdigit())


def validate_mobile(value: str) -> str:
    number = normalise_phone(value)
    if number.startswith("86") and len(number) == 13:
        number = number[2:]
    if len(number) != 11 or not number.startswith("1") or number[1] not in "3456789":
        raise ValidationError(_("A mobile number has 11 digits and starts with 13–19."), code="phone_format")
    return number
