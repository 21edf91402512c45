"""Helpers shared by the member page tests: register people through the real services."""

import datetime
import random

from gonghui.core.testing.identifiers import make_id_number, make_mobile
from gonghui.members import services
from gonghui.members.validation import clean_member_input

_rng = random.Random(4242)


def new_id(region="330181", **kwargs):
    return make_id_number(_rng, region=region, **kwargs)


def new_mobile():
    return make_mobile(_rng)


def register(actor, union, name, *, id_number=None, phone=None, joined_on="2023-05-01", enterprise=None, **raw):
    """Register a member through clean_member_input + services.register_member."""
    data = clean_member_input({"name": name, "id_number": id_number or new_id(),
                               "phone": new_mobile() if phone is None else phone,
                               "joined_on": joined_on, **raw})
    return services.register_member(actor=actor, union=union, data=data, enterprise=enterprise)


def request_transfer(actor, membership, to_union, *, on=datetime.date(2025, 3, 1), reason="changed job"):
    return services.request_transfer(actor=actor, membership=membership, to_union=to_union, effective_on=on,
                                     reason=reason)
