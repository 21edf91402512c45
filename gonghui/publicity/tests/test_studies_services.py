"""Study sessions: invitations, the attendance sheet and its math, the lock, QR check-in,
materials by content, the yearly counts by town, the nightly hold task."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.utils import timezone

from gonghui.core.errors import DomainError
from gonghui.core.models import AuditEvent
from gonghui.publicity.models.studies import StudyInvitee, StudyMaterial, StudySession, StudyStatus
from gonghui.publicity.selectors import studies as selectors
from gonghui.publicity.services import studies as services
from gonghui.publicity.testing.studies import office_upload, pdf_upload, session, started

pytestmark = pytest.mark.django_db


def _sheet(s):
    return {i.user.username: i for i in StudyInvitee.objects.filter(session=s).select_related("user")}


def test_invite_whole_subtree_takes_the_cadres_under_the_organiser_only(tree):
    s = session(tree)  # town1
    assert set(_sheet(s)) == {"town1", "union1", "union1staff"}  # not the member, not town2's people
    district = session(tree, org=tree.district)
    assert set(_sheet(district)) == {"district", "town1", "town2", "union1", "union1staff", "union2"}
    # inviting again adds nobody
    assert services.invite(actor=tree.district_staff, session=s, whole_subtree=True) == 0


def test_invite_chosen_orgs_and_users_inside_the_subtree(tree):
    s = session(tree, invite=False)
    assert services.invite(actor=tree.town1_cadre, session=s, orgs=[tree.union1]) == 2
    assert services.invite(actor=tree.town1_cadre, session=s, users=[tree.town1_cadre]) == 1
    with pytest.raises(DomainError) as e:
        services.invite(actor=tree.town1_cadre, session=s, users=[tree.town2_cadre])
    assert e.value.field == "users"
    with pytest.raises(DomainError) as e:
        services.invite(actor=tree.district_staff, session=s, orgs=[tree.union2])
    assert e.value.field == "orgs"
    with pytest.raises(DomainError):
        services.invite(actor=tree.town1_cadre, session=s)


def test_session_fields_are_checked_with_the_field_named(tree):
    now = timezone.now()
    base = {"kind": "THEORY", "title": "学习", "place": "会议室", "starts_at": now, "ends_at": now}
    for change, field in (({"kind": "NOPE"}, "kind"), ({"title": " "}, "title"), ({}, "ends_at"),
                          ({"place": "", "online_url": ""}, "place"), ({"online_url": "javascript:alert(1)"},
                                                                       "online_url")):
        data = {**base, "ends_at": now + datetime.timedelta(hours=1), **change}
        if field == "ends_at":
            data["ends_at"] = now
        with pytest.raises(DomainError) as e:
            services.create_session(actor=tree.town1_cadre, org=tree.town1, **data)
        assert e.value.field == field
    assert not StudySession.objects.exists()
    online = services.create_session(actor=tree.town1_cadre, org=tree.town1, **{
        **base, "place": "", "online_url": "https://meeting.example.cn/123",
        "ends_at": now + datetime.timedelta(hours=1)})
    assert online.town == tree.town1 and services.create_session(
        actor=tree.district_staff, org=tree.district, **{**base, "ends_at": now + datetime.timedelta(hours=1)}
    ).town is None


def test_attendance_sheet_math_and_all_or_nothing(tree):
    s = started(tree)
    rows = _sheet(s)
    ids = {name: r.pk for name, r in rows.items()}
    with pytest.raises(DomainError) as e:  # leave without reason refuses the whole sheet
        services.record_attendance(actor=tree.town1_cadre, session=s, entries={
            ids["town1"]: ("PRESENT", ""), ids["union1"]: ("LEAVE", "")})
    assert "union1" in str(e.value.messages) or e.value.code == "invalid_rows"
    assert not StudyInvitee.objects.filter(session=s).exclude(status="").exists()
    n = services.record_attendance(actor=tree.town1_cadre, session=s, entries={
        ids["town1"]: ("PRESENT", "ignored"), ids["union1"]: ("LEAVE", "出差"), ids["union1staff"]: ("LATE", "")})
    assert n == 3
    c = selectors.sheet_counts(s)
    assert (c.invited, c.present, c.late, c.leave, c.absent, c.blank, c.attended) == (3, 1, 1, 1, 0, 0, 2)
    assert str(c.rate) == "66.7"
    assert _sheet(s)["town1"].reason == "" and _sheet(s)["union1"].reason == "出差"
    # unchanged rows are not rewritten
    assert services.record_attendance(actor=tree.town1_cadre, session=s, entries={
        ids["town1"]: ("PRESENT", "")}) == 0
    with pytest.raises(DomainError):
        services.record_attendance(actor=tree.town1_cadre, session=s, entries={999999: ("PRESENT", "")})
    assert AuditEvent.objects.filter(action="publicity.study_attendance").count() == 2


def test_attendance_before_start_cancelled_and_locked(tree):
    future = session(tree)
    ids = list(StudyInvitee.objects.filter(session=future).values_list("pk", flat=True))
    with pytest.raises(DomainError) as e:
        services.record_attendance(actor=tree.town1_cadre, session=future, entries={ids[0]: ("PRESENT", "")})
    assert e.value.code == "not_started"
    s = started(tree)
    ids = list(StudyInvitee.objects.filter(session=s).values_list("pk", flat=True))
    old = timezone.now() - datetime.timedelta(days=8)
    StudySession.objects.filter(pk=s.pk).update(starts_at=old, ends_at=old + datetime.timedelta(hours=2))
    s.refresh_from_db()
    assert services.attendance_locked(s)
    with pytest.raises(DomainError) as e:
        services.record_attendance(actor=tree.town1_cadre, session=s, entries={ids[0]: ("PRESENT", "")})
    assert e.value.code == "locked"
    with override_settings(PUBLICITY_STUDIES_RULES={"lock_after_days": 30}):
        assert services.record_attendance(actor=tree.town1_cadre, session=s, entries={ids[0]: ("ABSENT", "")}) == 1
    c = started(tree)
    services.cancel_session(actor=tree.town1_cadre, session=c, reason="台风")
    with pytest.raises(DomainError):
        services.record_attendance(actor=tree.town1_cadre, session=c, entries={})


def test_qr_checkin(tree):
    s = started(tree)
    token = services.checkin_token(s)
    r = services.check_in(actor=tree.union1_chair, session_pk=s.pk, token=token)
    assert not r.already and r.invitee.status == "LATE" and r.invitee.method == "QR"  # started an hour ago
    assert services.check_in(actor=tree.union1_chair, session_pk=s.pk, token=token).already
    with pytest.raises(DomainError) as e:
        services.check_in(actor=tree.town2_cadre, session_pk=s.pk, token=token)
    assert e.value.code == "not_invited"
    with pytest.raises(DomainError) as e:
        services.check_in(actor=tree.town1_cadre, session_pk=s.pk, token=token + "x")
    assert e.value.code == "invalid_token"
    services.rotate_checkin_token(actor=tree.town1_cadre, session=s)
    with pytest.raises(DomainError) as e:
        services.check_in(actor=tree.town1_cadre, session_pk=s.pk, token=token)
    assert e.value.code == "invalid_token"
    s.refresh_from_db()
    # on time: starts in 5 minutes (inside the 30-minute window)
    StudySession.objects.filter(pk=s.pk).update(starts_at=timezone.now() + datetime.timedelta(minutes=5))
    assert services.check_in(actor=tree.town1_cadre, session_pk=s.pk,
                             token=services.checkin_token(s)).invitee.status == "PRESENT"
    early = session(tree, days=1)
    with pytest.raises(DomainError) as e:
        services.check_in(actor=tree.town1_cadre, session_pk=early.pk, token=services.checkin_token(early))
    assert e.value.code == "too_early"
    # a token of another session is refused
    with pytest.raises(DomainError) as e:
        services.check_in(actor=tree.town1_cadre, session_pk=early.pk, token=services.checkin_token(s))
    assert e.value.code == "invalid_token"


def test_materials_by_content(tree):
    s = session(tree)
    assert services.add_material(actor=tree.town1_cadre, session=s, upload=pdf_upload()).kind == "pdf"
    assert services.add_material(actor=tree.town1_cadre, session=s, upload=office_upload("docx")).kind == "docx"
    assert services.add_material(actor=tree.town1_cadre, session=s, upload=office_upload("pptx")).kind == "pptx"
    bad = [SimpleUploadedFile("病毒.pdf", b"MZ\x90\x00" + b"x" * 50),
           SimpleUploadedFile("空.pdf", b""),
           SimpleUploadedFile("假.docx", b"PK\x03\x04not really a zip"),
           SimpleUploadedFile("a.docx", office_upload("docx").read().replace(b"word/document.xml", b"word/other.xmlx"))]
    for upload in bad:
        with pytest.raises(DomainError) as e:
            services.add_material(actor=tree.town1_cadre, session=s, upload=upload)
        assert e.value.field == "file"
    with override_settings(PUBLICITY_STUDIES_RULES={"material_max_bytes": 1000}):
        with pytest.raises(DomainError) as e:
            services.add_material(actor=tree.town1_cadre, session=s, upload=pdf_upload(size=2000))
        assert e.value.code == "too_large"
    with override_settings(PUBLICITY_STUDIES_RULES={"materials_per_session": 3}):
        with pytest.raises(DomainError) as e:
            services.add_material(actor=tree.town1_cadre, session=s, upload=pdf_upload())
        assert e.value.code == "too_many"
    assert StudyMaterial.objects.filter(session=s).count() == 3
    m = StudyMaterial.objects.filter(session=s).first()
    services.delete_material(actor=tree.town1_cadre, session=s, material_id=m.pk)
    assert StudyMaterial.objects.filter(session=s).count() == 2


def test_town_counts(tree):
    year = timezone.localdate().year
    a = started(tree)  # town1, 3 invitees
    ids = {i.user.username: i.pk for i in StudyInvitee.objects.filter(session=a).select_related("user")}
    services.record_attendance(actor=tree.district_staff, session=a, entries={
        ids["town1"]: ("PRESENT", ""), ids["union1"]: ("LATE", ""), ids["union1staff"]: ("ABSENT", "")})
    services.mark_held(actor=tree.district_staff, session=a)
    b = started(tree, org=tree.union2)  # town2: union2 chair
    services.record_attendance(actor=tree.district_staff, session=b, entries={
        StudyInvitee.objects.get(session=b).pk: ("LEAVE", "病假")})
    services.mark_held(actor=tree.district_staff, session=b)
    started(tree)  # planned: not counted
    t = selectors.town_counts(tree.district_staff, year)
    by = {x.town_id: x for x in t.lines}
    assert (by[tree.town1.pk].sessions, by[tree.town1.pk].invited, by[tree.town1.pk].attended,
            by[tree.town1.pk].absent, str(by[tree.town1.pk].rate)) == (1, 3, 2, 1, "66.7")
    assert (by[tree.town2.pk].sessions, by[tree.town2.pk].leave, str(by[tree.town2.pk].rate)) == (1, 1, "0.0")
    assert (t.total.sessions, t.total.invited, t.total.attended, str(t.total.rate)) == (2, 4, 2, "50.0")
    mine = selectors.town_counts(tree.town1_cadre, year)
    assert [x.town_id for x in mine.lines] == [tree.town1.pk]
    assert selectors.town_counts(tree.district_staff, year - 5).lines == []
    rec = selectors.my_record(tree.union1_chair, year)
    assert (rec.invited, rec.attended, rec.late) == (1, 1, 1)


def test_hold_task_is_idempotent_and_steps_follow_status(tree):
    s = session(tree)
    ended = timezone.now() - datetime.timedelta(hours=3)
    StudySession.objects.filter(pk=s.pk).update(starts_at=ended - datetime.timedelta(hours=2), ends_at=ended)
    assert services.hold_finished_sessions() == 1
    assert services.hold_finished_sessions() == 0
    s.refresh_from_db()
    assert s.status == StudyStatus.HELD
    with pytest.raises(DomainError) as e:
        services.cancel_session(actor=tree.town1_cadre, session=s, reason="x")
    assert e.value.code == "wrong_stage"
    with pytest.raises(DomainError):
        services.update_session(actor=tree.town1_cadre, session=s, title="新标题")
    future = session(tree)
    with pytest.raises(DomainError) as e:
        services.mark_held(actor=tree.town1_cadre, session=future)
    assert e.value.code == "not_started"
    with pytest.raises(DomainError) as e:
        services.cancel_session(actor=tree.town1_cadre, session=future, reason=" ")
    assert e.value.field == "reason"
    services.update_session(actor=tree.town1_cadre, session=future, title="新标题")
    assert AuditEvent.objects.filter(action="publicity.study_update", object_id=str(future.pk)).exists()


def test_remove_invitee_only_while_blank(tree):
    s = started(tree)
    rows = _sheet(s)
    services.record_attendance(actor=tree.town1_cadre, session=s, entries={rows["town1"].pk: ("PRESENT", "")})
    with pytest.raises(DomainError):
        services.remove_invitee(actor=tree.town1_cadre, session=s, invitee_id=rows["town1"].pk)
    services.remove_invitee(actor=tree.town1_cadre, session=s, invitee_id=rows["union1"].pk)
    assert set(_sheet(s)) == {"town1", "union1staff"}
