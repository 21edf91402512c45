"""Check digits of fictional identifiers (python-stdnum's published algorithms)."""

from stdnum.cn import ric, uscc


def id_check_digit(body17: str) -> str:
    """The 18th character of a resident ID number whose first 17 digits are `body17`."""
    return ric.calc_check_digit(body17 + "0")  # stdnum expects a placeholder check digit


def uscc_check_digit(body17: str) -> str:
    return uscc.calc_check_digit(body17)
