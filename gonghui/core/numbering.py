"""Yearly record numbers ("FW2026-0007", "SQ2026-000123") from a counter row per year.

The year's counter row is locked FOR UPDATE until the caller's transaction ends, so two requests
never get the same number; a number already taken outside the counter (an import, a fix by hand)
is skipped, never reused. The counter model has `year` (primary key) and `last`; the numbered
model has a unique `number`.
"""

from django.db import IntegrityError, transaction


def next_number(counter_model, model, prefix: str, year: int, *, width: int = 4) -> str:
    """The next number of `year`: `prefix` + year + "-" + the counter, zero-padded to `width`.
    Call inside a transaction."""
    counter = counter_model.objects.select_for_update().filter(year=year).first()
    if counter is None:
        try:
            with transaction.atomic():
                counter_model.objects.create(year=year, last=0)
        except IntegrityError:  # another transaction created it first
            pass
        counter = counter_model.objects.select_for_update().get(year=year)
    counter.last += 1
    while model.objects.filter(number=f"{prefix}{year}-{counter.last:0{width}d}").exists():
        counter.last += 1
    counter.save(update_fields=["last"])
    return f"{prefix}{year}-{counter.last:0{width}d}"
