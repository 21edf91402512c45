"""Two imports holding the same person confirmed at the same moment: one is imported, the other
fails as a whole (PostgreSQL, real concurrent transactions; SQLite serialises writers)."""

import threading

import pytest
from django.db import connection, connections

from gonghui.core.testing.factories import Tree
from gonghui.members import importing
from gonghui.members.importing import HEADERS
from gonghui.members.models import ImportStatus, MemberImport, Person
from gonghui.members.tests.import_samples import sample_rows, upload_file

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent writers (PostgreSQL)")
def test_concurrent_imports_of_the_same_person_one_wins():
    tree = Tree()
    rows = sample_rows(9, seed=99)[1:]
    first = [HEADERS, *rows[:5]]
    second = [HEADERS, *rows[4:]]  # row 5 of the first file is row 2 of the second
    imports = []
    for data, union, actor in ((first, tree.union1, tree.union1_chair), (second, tree.union2, tree.union2_chair)):
        member_import = importing.start_member_import(actor=actor, org=union, upload=upload_file(data))
        importing.check_member_import(member_import.pk)
        member_import.refresh_from_db()
        assert member_import.status == ImportStatus.VALIDATED
        MemberImport.objects.filter(pk=member_import.pk).update(status=ImportStatus.IMPORTING, confirmed_by=actor)
        imports.append(member_import.pk)
    barrier = threading.Barrier(2)

    def run(pk):
        try:
            barrier.wait(timeout=10)
            importing.run_member_import(pk)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(pk,)) for pk in imports]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    statuses = sorted(MemberImport.objects.filter(pk__in=imports).values_list("status", flat=True))
    assert statuses == [ImportStatus.FAILED, ImportStatus.IMPORTED]
    winner = MemberImport.objects.get(pk__in=imports, status=ImportStatus.IMPORTED)
    assert Person.objects.count() == winner.imported_rows == 5
    loser = MemberImport.objects.get(pk__in=imports, status=ImportStatus.FAILED)
    assert loser.message and loser.finished_at
