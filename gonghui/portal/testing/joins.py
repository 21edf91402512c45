"""Builders for the joins tests (and other areas' tests and tours, e.g. the member's day): worker
logins without a role, valid ID card numbers, and join requests sent through the real service."""

import datetime
import itertools

from stdnum.cn import ric

from gonghui.accounts.models import User

from ..models.joins import JoinRequest
from ..services import joins as services

_serial = itertools.count(1)


def id_number(n=None, *, region="330109", born=datetime.date(1996, 5, 1), gender="M") -> str:
    """A valid 18-character ID card number, different for every `n` (a counter by default)."""
    n = next(_serial) if n is None else n
    day = born + datetime.timedelta(days=n // 400)
    sequence = (n % 400) * 2 + (1 if gender == "M" else 0)
    body = f"{region}{day:%Y%m%d}{sequence:03d}"
    return body + ric.calc_check_digit(body + "0")


def worker(username=None, *, phone="") -> User:
    """A portal login with no role (a worker who signed up), with `phone` as its mobile if given."""
    from gonghui.core.testing.factories import UserFactory

    user = UserFactory(username=username or f"worker{next(_serial)}")
    if phone and hasattr(user, "set_phone"):
        user.set_phone(phone)
        user.save()
    return user


def join_input(*, name="李明", id_no=None, phone="13900001111", enterprise=None, enterprise_name="", town=None,
               hometown_province="", is_migrant=None, consent=True) -> services.JoinInput:
    return services.JoinInput(name=name, id_number=id_no or id_number(), phone=phone,
                              hometown_province=hometown_province, is_migrant=is_migrant, enterprise=enterprise,
                              enterprise_name=enterprise_name, town=town, consent=consent)


def join_request(*, account=None, **kwargs) -> JoinRequest:
    """A pending request sent by `account` (a new worker login by default) through the service."""
    return services.submit_join(actor=account or worker(), data=join_input(**kwargs))
