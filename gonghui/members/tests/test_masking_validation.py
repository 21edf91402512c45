"""Masked forms of ID and mobile numbers, and the ID card checks every entry path relies on."""

import datetime

import pytest
from django.utils import translation
from stdnum.cn import ric

from gonghui.core import pii
from gonghui.members.validation import MemberInputError, clean_member_input

from .member_helpers import new_id


@pytest.fixture(autouse=True)
def english(settings):
    """These tests assert the English source strings; the default language is zh-hans."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


GOOD_ID = "11010519491231002X"  # the published example number (check digit X)


def with_check_digit(body17):
    return body17 + ric.calc_check_digit(body17 + "0")


def test_id_number_is_masked_to_first_six_and_last_four():
    assert pii.mask_id_number("330181199001011234") == "330181********1234"
    assert pii.mask_id_number(GOOD_ID) == "110105********002X"


def test_phone_is_masked_to_first_three_and_last_four():
    assert pii.mask_phone("13812345678") == "138****5678"
    assert pii.mask_phone("") == ""


def test_person_stores_only_the_masked_forms_in_clear():
    from gonghui.members.models import Person

    person = Person(name="张三")
    person.set_id_number("330181199001011234")
    person.set_phone("13812345678")
    assert person.id_number_masked == "330181********1234"
    assert person.phone_masked == "138****5678"
    assert "330181199001011234" not in person.id_number_enc
    assert person.id_number() == "330181199001011234"


def _errors(**raw):
    raw.setdefault("name", "张三")
    with pytest.raises(MemberInputError) as err:
        clean_member_input(raw)
    return err.value.errors


def test_a_good_id_number_gives_birth_date_gender_and_province():
    data = clean_member_input({"name": "张三", "id_number": GOOD_ID})
    assert data.birth_on == datetime.date(1949, 12, 31)
    assert data.gender == "F"  # 17th digit 2 is even
    assert data.hometown_province == "北京市"
    assert data.is_migrant is True  # not the local province


def test_lowercase_x_is_normalised():
    data = clean_member_input({"name": "张三", "id_number": GOOD_ID.lower()})
    assert data.id_number == GOOD_ID


def test_bad_check_digit_is_refused():
    number = new_id()
    wrong = number[:17] + ("0" if number[17] != "0" else "1")
    assert "check digit" in _errors(id_number=wrong)["id_number"]


def test_wrong_length_is_refused():
    assert "18 characters" in _errors(id_number="33018119900101123")["id_number"]
    assert "18 characters" in _errors(id_number="3301811990010112345")["id_number"]


def test_impossible_birth_date_is_refused():
    number = with_check_digit("33018119900230123")  # 30 February
    assert "birth date" in _errors(id_number=number)["id_number"]


def test_birth_date_in_the_future_is_refused():
    future = datetime.date.today().year + 1
    number = with_check_digit(f"330181{future}0101123")
    assert "birth date" in _errors(id_number=number)["id_number"]


def test_every_field_problem_is_reported_at_once():
    errors = _errors(name="", id_number="123", phone="12345", joined_on="tomorrow")
    assert set(errors) >= {"name", "id_number", "phone", "joined_on"}


def test_local_worker_is_not_migrant_by_default(settings):
    settings.LOCAL_PROVINCE = "浙江省"
    data = clean_member_input({"name": "王五", "id_number": new_id(region="330181")})
    assert data.hometown_province == "浙江省" and data.is_migrant is False
