"""A 20,000-row member file imported in one go through the upload → check → confirm path."""

import time

from gonghui.core.models import AuditEvent
from gonghui.members import importing
from gonghui.members.models import ImportStatus, Membership, Person
from gonghui.members.tests.import_samples import sample_rows, upload_file

ROWS = 20_000


def test_twenty_thousand_rows_in_one_go(tree, django_capture_on_commit_callbacks):
    rows = sample_rows(ROWS, seed=2026, union_codes=["U1", "U1B"])
    started = time.perf_counter()
    with django_capture_on_commit_callbacks(execute=True):
        member_import = importing.start_member_import(actor=tree.town1_cadre, org=tree.town1,
                                                      upload=upload_file(rows, name="big.xlsx"))
    member_import.refresh_from_db()
    assert member_import.status == ImportStatus.VALIDATED, member_import.report.get("rows", [])[:3]
    assert (member_import.total_rows, member_import.valid_rows, member_import.invalid_rows) == (ROWS, ROWS, 0)
    checked = time.perf_counter()
    with django_capture_on_commit_callbacks(execute=True):
        importing.confirm_member_import(actor=tree.town1_cadre, member_import=member_import)
    member_import.refresh_from_db()
    done = time.perf_counter()
    assert member_import.status == ImportStatus.IMPORTED and member_import.imported_rows == ROWS
    assert Person.objects.count() == ROWS
    assert Membership.objects.filter(union=tree.union1).count() == ROWS // 2
    assert Membership.objects.filter(union=tree.union1b).count() == ROWS // 2
    # Spot checks: the last row is stored like any registration.
    last = rows[-1]
    person = Person.objects.get(id_number_hash=__import__("gonghui.core.pii", fromlist=["x"]).lookup_hash(last[1]))
    assert person.id_number() == last[1] and person.phone() == last[2] and person.name == last[0]
    event = AuditEvent.objects.get(action="members.import.commit")
    assert event.after["imported"] == ROWS and event.after["new_persons"] == ROWS
    covered = sum(b - a + 1 for a, b in event.after["membership_ids"])
    assert covered == ROWS
    print(f"\n20k rows: check {checked - started:.1f}s, import {done - checked:.1f}s "
          f"({ROWS / (done - checked):.0f} rows/s), timings {member_import.report.get('timings')}")
