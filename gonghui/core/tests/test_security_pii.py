"""Personal data at rest, read back from the raw tables: every encrypted column (`*_enc`, the
project's convention with gonghui.core.pii) of every model is written through the code that
writes it in the application, then the row is read with SQL. Neither the ID card number nor the
mobile number may appear anywhere in the row; the lookup hashes must be keyed (HMAC under
PII_HASH_KEY), not a plain digest anyone can recompute from a guessed number."""

import hashlib
import hmac
import re

import pytest
from django.apps import apps
from django.conf import settings
from django.db import connection

from gonghui.core import pii
from gonghui.portal.testing.joins import id_number

PHONE = "13712345678"
ID_NUMBER = id_number(9001)  # a valid check digit; no factory makes this one
PHONE_LIKE = re.compile(r"id_number|phone|mobile|id_card")
# Plain phone columns that hold an institution's public number, not a person's.
PUBLIC_CONTACTS = {
    "training.WorkerSchool.contact_phone", "services.Merchant.contact_phone", "services.ServiceCentre.phone",
    "services.Venue.contact_phone",
}
# Personal mobiles stored in clear: none since training.Teacher.phone and
# services.RoomBooking.contact_phone were encrypted (training 0002/0003, services 0002/0003).
KNOWN_PLAIN_PERSONAL = set()


def write_user(tree):
    user = tree.outsider
    user.set_phone(PHONE)
    user.save()
    return user, {PHONE}


def write_person(tree):
    from gonghui.core.testing.factories import PersonFactory

    person = PersonFactory(id_number=ID_NUMBER)
    person.set_phone(PHONE)
    person.save()
    return person, {PHONE, ID_NUMBER}


def write_join_request(tree):
    from gonghui.portal.testing.joins import join_request, worker

    return join_request(account=worker(), id_no=ID_NUMBER, phone=PHONE, enterprise=tree.enterprise1), {PHONE, ID_NUMBER}


def write_founding(tree):
    from gonghui.grassroots.testing.foundings import application, bare_enterprise

    return application(tree.town1_cadre, bare_enterprise(tree.town1), contact_phone=PHONE), {PHONE}


def write_appeal(tree):
    from gonghui.voice.testing.appeals import appeal

    return appeal(tree, phone=PHONE), {PHONE}


def write_teacher(tree):
    from gonghui.training.services.schools import create_teacher

    return create_teacher(actor=tree.district_staff, org=tree.union1, kind="EXTERNAL", name="赵讲师",
                          employer="浙江机电职业技术学院", specialities=["电工"], phone=PHONE), {PHONE}


def write_room_booking(tree):
    from gonghui.services.services.venues import request_booking
    from gonghui.services.testing.venues import at, room

    return request_booking(actor=tree.district_staff, room=room(tree), org=tree.union1, purpose="职工代表培训",
                           starts_at=at(1, 9), ends_at=at(1, 11), attendees=20, contact_name="张三",
                           contact_phone=PHONE), {PHONE}


# How each model with an encrypted column is written in the application.
WRITERS = {
    "accounts.User": write_user,
    "members.Person": write_person,
    "portal.JoinRequest": write_join_request,
    "grassroots.FoundingApplication": write_founding,
    "voice.Appeal": write_appeal,
    "training.Teacher": write_teacher,
    "services.RoomBooking": write_room_booking,
}


def project_models():
    return [model for model in apps.get_models() if model.__module__.startswith("gonghui.")]


def encrypted_fields(model):
    return [field.name for field in model._meta.concrete_fields if field.name.endswith("_enc")]


def raw_row(obj):
    """The row as the database holds it, column by column."""
    table = connection.ops.quote_name(obj._meta.db_table)
    pk = connection.ops.quote_name(obj._meta.pk.column)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {table} WHERE {pk} = %s", [obj.pk])  # noqa: S608 — names from the ORM
        names = [column[0] for column in cursor.description]
        return dict(zip(names, cursor.fetchone(), strict=True))


def test_every_model_with_an_encrypted_column_is_covered():
    found = {model._meta.label for model in project_models() if encrypted_fields(model)}
    assert found == set(WRITERS), "add a writer for each new model with a *_enc column"


@pytest.mark.parametrize("label", sorted(WRITERS))
def test_raw_row_holds_no_clear_personal_number(tree, label):
    obj, values = WRITERS[label](tree)
    row = raw_row(obj)
    for column, stored in row.items():
        for value in values:
            assert value not in str(stored), f"{label}.{column} holds {value} in clear"
    for field in encrypted_fields(type(obj)):
        assert row[field] and pii.decrypt(row[field]) in values, f"{label}.{field} is not the ciphertext of the value"


@pytest.mark.parametrize("label", sorted(WRITERS))
def test_lookup_hashes_are_keyed(tree, label):
    obj, values = WRITERS[label](tree)
    row = raw_row(obj)
    hashes = {column: stored for column, stored in row.items() if column.endswith("_hash") and stored
              and column != "key_hash"}
    for column, stored in hashes.items():
        value = next(v for v in values if pii.lookup_hash(v) == stored)
        keyed = hmac.new(settings.PII_HASH_KEY.encode(), value.strip().upper().encode(), hashlib.sha256).hexdigest()
        assert stored == keyed, column
        for plain in (value, value.strip().upper()):
            assert stored != hashlib.sha256(plain.encode()).hexdigest(), f"{label}.{column} is an unkeyed digest"
            assert stored != hashlib.md5(plain.encode()).hexdigest(), column  # noqa: S324 — what it must not be


def plain_personal_columns():
    columns = set()
    for model in project_models():
        for field in model._meta.concrete_fields:
            if PHONE_LIKE.search(field.name) and not field.name.endswith(("_enc", "_hash", "_masked", "_at")):
                columns.add(f"{model._meta.label}.{field.name}")
    return columns - PUBLIC_CONTACTS


def test_no_new_clear_personal_number_column():
    assert plain_personal_columns() - KNOWN_PLAIN_PERSONAL == set()


def test_personal_mobiles_are_all_encrypted():
    assert not plain_personal_columns()
