"""Generators of valid (check-digit correct) fictional identifiers, for tests and demo data."""

import datetime
import random

from stdnum.cn import ric, uscc

# Region codes of real districts (only the prefix is real; the people are fictional).
REGION_CODES = ["330109", "330181", "330106", "341221", "411522", "511381", "360122", "522121", "430521"]


def make_id_number(rng: random.Random, *, region=None, birth_on=None, gender=None) -> str:
    region = region or rng.choice(REGION_CODES)
    birth_on = birth_on or datetime.date(1965, 1, 1) + datetime.timedelta(days=rng.randrange(0, 365 * 38))
    sequence = rng.randrange(0, 1000)
    if gender is not None:
        sequence = sequence - sequence % 2 + (1 if gender == "M" else 0)
        sequence = min(sequence, 999 if gender == "M" else 998)
    body = f"{region}{birth_on:%Y%m%d}{sequence:03d}"
    return body + ric.calc_check_digit(body + "0")


USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def make_uscc(rng: random.Random) -> str:
    body = "91" + "330109" + "".join(rng.choice(USCC_ALPHABET) for _ in range(9))
    return body + uscc.calc_check_digit(body)


def make_mobile(rng: random.Random) -> str:
    prefix = rng.choice(["138", "139", "137", "150", "151", "158", "186", "189", "135"])
    return prefix + f"{rng.randrange(0, 10**8):08d}"
