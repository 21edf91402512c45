import datetime
import random

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given, settings
from hypothesis import strategies as st

from gonghui.core.testing.identifiers import make_id_number, make_uscc
from gonghui.core.validators import parse_id_number, validate_mobile, validate_uscc


def test_id_number_derives_birth_date_and_gender():
    number = make_id_number(random.Random(5), region="330109", birth_on=datetime.date(1988, 6, 15), gender="F")
    facts = parse_id_number(number)
    assert facts.birth_on == datetime.date(1988, 6, 15)
    assert facts.gender == "F"


def test_lowercase_x_is_normalised():
    rng = random.Random(0)
    number = next(n for n in (make_id_number(rng) for _ in range(500)) if n.endswith("X"))
    assert parse_id_number(number.lower()).number == number


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("33018119900101123", "id_length"),
        ("3301811990010112345", "id_length"),
        ("33018119900101A234", "id_format"),
        ("330181199002301234", "id_birth_date"),  # 30 February (check digit fixed below)
        ("990181199001011234", "id_region"),
    ],
)
def test_bad_id_numbers_are_refused_with_a_specific_code(value, code):
    from stdnum.cn import ric

    if len(value) == 18 and value[:17].isdigit():
        value = value[:17] + ric.calc_check_digit(value)
    with pytest.raises(ValidationError) as err:
        parse_id_number(value)
    assert err.value.code == code


def test_wrong_check_digit_is_refused():
    number = make_id_number(random.Random(9))
    wrong = number[:17] + ("0" if number[17] != "0" else "1")
    with pytest.raises(ValidationError) as err:
        parse_id_number(wrong)
    assert err.value.code == "id_checksum"


@settings(max_examples=200)
@given(st.integers(min_value=0, max_value=10**9))
def test_generated_identifiers_are_valid(seed):
    rng = random.Random(seed)
    parse_id_number(make_id_number(rng))
    validate_uscc(make_uscc(rng))


@pytest.mark.parametrize("value", ["91330109MA2B3C4D5", "91330109MA2B3C4D5EE", "91330109ma2b3c4d5!"])
def test_bad_uscc_is_refused(value):
    with pytest.raises(ValidationError):
        validate_uscc(value)


def test_uscc_check_digit():
    code = make_uscc(random.Random(3))
    validate_uscc(code)
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    wrong = code[:17] + alphabet[(alphabet.index(code[17]) + 1) % 31]
    with pytest.raises(ValidationError) as err:
        validate_uscc(wrong)
    assert err.value.code == "uscc_checksum"


@pytest.mark.parametrize(("raw", "clean"), [("138 1234 5678", "13812345678"), ("+86 13812345678", "13812345678")])
def test_mobile_normalised(raw, clean):
    assert validate_mobile(raw) == clean


@pytest.mark.parametrize("raw", ["12812345678", "1381234567", "23812345678"])
def test_bad_mobile(raw):
    with pytest.raises(ValidationError):
        validate_mobile(raw)
