"""Study sessions under races (PostgreSQL; SQLite serialises writers): two check-ins of one cadre
from two phones, two organisers saving the sheet at once, a check-in racing the sheet, two invites
at once — every write locks the session row, so each ends consistent: one status per invitee, one
check-in audited, no duplicate invitee, no deadlock or IntegrityError leaking out."""

import datetime

import pytest
from django.db import connection
from django.utils import timezone

from gonghui.core.models import AuditEvent
from gonghui.core.testing.factories import Tree
from gonghui.core.testing.race import race
from gonghui.publicity.models.studies import StudyInvitee, StudySession
from gonghui.publicity.selectors import studies as selectors
from gonghui.publicity.services import studies as services
from gonghui.publicity.testing.studies import session, started

needs_postgres = pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent writers (PostgreSQL)")
pytestmark = [pytest.mark.postgres, needs_postgres, pytest.mark.django_db(transaction=True)]


def test_two_checkins_of_one_cadre_at_once():
    tree = Tree()
    s = started(tree)
    StudySession.objects.filter(pk=s.pk).update(starts_at=timezone.now() - datetime.timedelta(minutes=2))
    token = services.checkin_token(s)
    results = []

    def check_in():
        results.append(services.check_in(actor=tree.union1_staff, session_pk=s.pk, token=token).already)

    assert race([check_in] * 3) == ["won", "won", "won"]
    assert sorted(results) == [False, True, True]
    row = StudyInvitee.objects.get(session=s, user=tree.union1_staff)
    assert (row.status, row.method) == ("PRESENT", "QR")
    assert AuditEvent.objects.filter(action="publicity.study_checkin", object_id=str(s.pk)).count() == 1


def test_two_sheets_saved_at_once_and_a_checkin_racing_them():
    tree = Tree()
    s = started(tree)
    ids = {i.user.username: i.pk for i in StudyInvitee.objects.filter(session=s).select_related("user")}
    first = {ids["town1"]: ("PRESENT", ""), ids["union1"]: ("LEAVE", "出差"), ids["union1staff"]: ("ABSENT", "")}
    second = {ids["town1"]: ("LATE", ""), ids["union1"]: ("ABSENT", ""), ids["union1staff"]: ("PRESENT", "")}
    token = services.checkin_token(s)
    outcome = race([lambda: services.record_attendance(actor=tree.town1_cadre, session=s, entries=first),
                    lambda: services.record_attendance(actor=tree.district_staff, session=s, entries=second),
                    lambda: services.check_in(actor=tree.union1_chair, session_pk=s.pk, token=token)])
    assert outcome == ["won", "won", "won"]
    rows = {i.user.username: (i.status, i.reason) for i in StudyInvitee.objects.filter(session=s)
            .select_related("user")}
    # town1 and union1staff: one sheet or the other, whole (each save is all or nothing)
    assert (rows["town1"][0], rows["union1staff"][0]) in {("PRESENT", "ABSENT"), ("LATE", "PRESENT")}
    # union1: the last writer's status; a leave always keeps its reason, nothing else has one
    assert rows["union1"] in {("LEAVE", "出差"), ("ABSENT", ""), ("LATE", "")}
    c = selectors.sheet_counts(s)
    assert c.invited == 3 and c.blank == 0 and c.present + c.late + c.absent + c.leave == 3
    assert AuditEvent.objects.filter(action="publicity.study_attendance", object_id=str(s.pk)).count() == 2


def test_two_invites_at_once_add_each_cadre_once():
    tree = Tree()
    s = session(tree, invite=False)
    added = []

    def invite():
        added.append(services.invite(actor=tree.town1_cadre, session=s, whole_subtree=True))

    assert race([invite] * 3) == ["won", "won", "won"]
    assert sorted(added) == [0, 0, 3]
    assert StudyInvitee.objects.filter(session=s).count() == 3
