"""The statutory figures of committee elections (换届选举, DOMAIN.md §4; Trade Union Law 2021 and
the ACFTU rules on grassroots elections) as defaults a deployment may override with the
`GRASSROOTS_ELECTIONS_RULES` setting (a dict with any of these keys):

    GRASSROOTS_ELECTIONS_RULES = {
        "size_table": ((10, 1, 1), (25, 3, 3), (100, 3, 5), ...),  # (up to N members, min, max seats)
        "candidate_margin_percent": 5,   # 差额: at least 5% more candidates than seats, rounded up
        "quorum_numerator": 2, "quorum_denominator": 3,   # ≥ 2/3 of those entitled present
        "term_years": (3, 5),
        "approval_working_days": 10,     # the upper union answers within 10 working days (due list)
        "meeting_soon_days": 30,         # "due soon": a planned meeting within 30 days
    }

Every computation here is integer arithmetic: no float rounding decides who is elected.
"""

from dataclasses import dataclass, fields

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

# (members up to and including, fewest seats, most seats); the last row covers everything above.
DEFAULT_SIZE_TABLE = (
    (10, 1, 1),         # ≤10 members: a chair only
    (25, 3, 3),         # 11–25
    (100, 3, 5),        # 26–100
    (200, 5, 7),        # 101–200
    (500, 7, 9),        # 201–500
    (1000, 9, 15),      # 501–1000
    (5000, 15, 21),     # 1001–5000
    (10000, 21, 29),    # 5001–10000
    (50000, 29, 37),    # 10001–50000
    (None, 37, 45),     # >50000
)


@dataclass(frozen=True)
class Rules:
    size_table: tuple = DEFAULT_SIZE_TABLE
    candidate_margin_percent: int = 5
    quorum_numerator: int = 2
    quorum_denominator: int = 3
    term_years: tuple = (3, 5)
    approval_working_days: int = 10
    meeting_soon_days: int = 30


def _check(r: Rules) -> Rules:
    table = r.size_table
    if not table or table[-1][0] is not None:
        raise ImproperlyConfigured("GRASSROOTS_ELECTIONS_RULES['size_table']: the last row must be (None, min, max).")
    previous = 0
    for upto, low, high in table[:-1]:
        if upto is None or upto <= previous or not 1 <= low <= high:
            raise ImproperlyConfigured("GRASSROOTS_ELECTIONS_RULES['size_table']: rows ascending, 1 ≤ min ≤ max.")
        previous = upto
    if not 1 <= table[-1][1] <= table[-1][2]:
        raise ImproperlyConfigured("GRASSROOTS_ELECTIONS_RULES['size_table']: 1 ≤ min ≤ max.")
    if not 0 < r.quorum_numerator <= r.quorum_denominator:
        raise ImproperlyConfigured("GRASSROOTS_ELECTIONS_RULES: the quorum is a fraction of at most 1.")
    if r.candidate_margin_percent < 0:
        raise ImproperlyConfigured("GRASSROOTS_ELECTIONS_RULES['candidate_margin_percent'] must not be negative.")
    return r


def rules() -> Rules:
    overrides = getattr(settings, "GRASSROOTS_ELECTIONS_RULES", {}) or {}
    known = {f.name for f in fields(Rules)}
    values = {k: v for k, v in overrides.items() if k in known}
    if "size_table" in values:
        values["size_table"] = tuple(tuple(row) for row in values["size_table"])
    if "term_years" in values:
        values["term_years"] = tuple(int(y) for y in values["term_years"])
    return _check(Rules(**values))


def seat_range(members: int) -> tuple[int, int]:
    """(fewest, most) committee seats for a union of `members`: 10 → (1, 1), 11 → (3, 3),
    26 → (3, 5), 50000 → (29, 37), 50001 → (37, 45)."""
    members = max(int(members), 0)
    for upto, low, high in rules().size_table:
        if upto is None or members <= upto:
            return low, high
    raise AssertionError("the size table ends with an open row")  # pragma: no cover


def min_candidates(seats: int) -> int:
    """差额: at least `candidate_margin_percent` more candidates than seats, rounded up, and
    always at least one more: 7 seats → 8, 3 → 4, 20 → 21, 21 → 23, 1 → 2."""
    margin = -(-seats * rules().candidate_margin_percent // 100)  # ceiling without floats
    return seats + max(margin, 1)


def quorum_needed(entitled: int) -> int:
    """Present needed for a valid meeting: two thirds of those entitled, rounded up (40 of 60)."""
    r = rules()
    return -(-entitled * r.quorum_numerator // r.quorum_denominator)


def quorum_met(present: int, entitled: int) -> bool:
    return entitled > 0 and present >= quorum_needed(entitled)


def majority_needed(entitled: int) -> int:
    """Votes needed to be elected: more than half of ALL those entitled to vote (31 of 60, 31 of 61)."""
    return entitled // 2 + 1


def is_elected_by_votes(votes: int, entitled: int) -> bool:
    return votes * 2 > entitled
