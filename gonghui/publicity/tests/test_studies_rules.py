"""Review of the study sessions' rules on known data: the yearly counts by town (every cell, on the
page, in the API and in the Excel file), the sheet lock after N days (its boundary day), the QR
check-in (signed, its window, invitees only, once), materials by content (renamed files refused),
and invitations through the API resolved inside the organiser's reach (no names echoed)."""

import datetime
import io
import zipfile

import pytest
from django.core import signing
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from gonghui.core.errors import DomainError
from gonghui.core.models import AuditEvent
from gonghui.core.testing.api import api_as
from gonghui.publicity.models.studies import StudyInvitee, StudySession, StudyStatus
from gonghui.publicity.selectors import studies as selectors
from gonghui.publicity.services import studies as services
from gonghui.publicity.testing.studies import office_upload, pdf_upload, session, started

pytestmark = pytest.mark.django_db

Y = timezone.localdate().year - 1


def _at(month, day, hour=9, minute=0, year=Y):
    return timezone.make_aware(datetime.datetime(year, month, day, hour, minute))


def _held(tree, org, when, marks, status=StudyStatus.HELD):
    """A session of `org` at `when` (2 hours), every cadre under it invited, attendance `marks`
    ({username: status or (status, reason)}), then given `status`."""
    s = session(tree, org=org)
    StudySession.objects.filter(pk=s.pk).update(starts_at=when, ends_at=when + datetime.timedelta(hours=2),
                                                status=status)
    for row in StudyInvitee.objects.filter(session=s).select_related("user"):
        mark = marks.get(row.user.username, "")
        status_, reason = mark if isinstance(mark, tuple) else (mark, "")
        StudyInvitee.objects.filter(pk=row.pk).update(status=status_, reason=reason)
    s.refresh_from_db()
    return s


@pytest.fixture
def dataset(tree):
    d = {
        "A": _held(tree, tree.town1, _at(3, 10), {"town1": "PRESENT", "union1": "LATE", "union1staff": "ABSENT"}),
        "B": _held(tree, tree.union1, _at(4, 2), {"union1": ("LEAVE", "出差")}),  # union1staff blank
        "C": _held(tree, tree.town2, _at(5, 6), {"town2": "PRESENT", "union2": "PRESENT"}),
        "D": _held(tree, tree.district, _at(6, 1), {"district": "PRESENT", "town1": "PRESENT", "town2": "PRESENT",
                                                    "union1": "LATE", "union1staff": ("LEAVE", "病假"),
                                                    "union2": "ABSENT"}),
        # not counted: cancelled, still planned, and the next year's first half hour (local time)
        "E": _held(tree, tree.town1, _at(7, 1), {"town1": "PRESENT"}, status=StudyStatus.CANCELLED),
        "F": _held(tree, tree.town2, _at(8, 1), {"town2": "PRESENT"}, status=StudyStatus.PLANNED),
        "G": _held(tree, tree.town1, _at(12, 31, 23, 30), {"town1": "PRESENT", "union1": "PRESENT",
                                                           "union1staff": "PRESENT"}),
        "H": _held(tree, tree.town1, _at(1, 1, 0, 30, year=Y + 1), {"town1": "PRESENT"}),
    }
    return d


def _cells(table):
    return {(line.town_id): (line.sessions, line.invited, line.attended, line.leave, line.absent,
                             None if line.rate is None else str(line.rate)) for line in [*table.lines]} | {
        "total": (table.total.sessions, table.total.invited, table.total.attended, table.total.leave,
                  table.total.absent, None if table.total.rate is None else str(table.total.rate))}


def test_town_counts_on_a_known_dataset(tree, dataset):
    t1, t2 = tree.town1.pk, tree.town2.pk
    assert _cells(selectors.town_counts(tree.district_staff, Y)) == {
        None: (1, 6, 4, 1, 1, "66.7"),           # D: the district's own session
        t1: (3, 8, 5, 1, 1, "62.5"),             # A + B + G (31 Dec 23:30 local)
        t2: (1, 2, 2, 0, 0, "100.0"),            # C
        "total": (5, 16, 11, 2, 2, "68.8"),      # 11/16 = 68.75 → 68.8 (half up)
    }
    assert _cells(selectors.town_counts(tree.town1_cadre, Y)) == {t1: (3, 8, 5, 1, 1, "62.5"),
                                                                  "total": (3, 8, 5, 1, 1, "62.5")}
    assert _cells(selectors.town_counts(tree.union1_chair, Y)) == {t1: (1, 2, 0, 1, 0, "0.0"),
                                                                   "total": (1, 2, 0, 1, 0, "0.0")}
    # H (1 Jan 00:30 local, 31 Dec 16:30 UTC) belongs to the next year
    assert _cells(selectors.town_counts(tree.district_staff, Y + 1))[t1][0] == 1
    assert selectors.town_counts(tree.district_staff, Y - 1).lines == []
    # one session's sheet, and a cadre's own record of the year (held sessions only)
    c = selectors.sheet_counts(dataset["D"])
    assert (c.invited, c.present, c.late, c.absent, c.leave, c.blank, str(c.rate)) == (6, 3, 1, 1, 1, 0, "66.7")
    r = selectors.my_record(tree.union1_staff, Y)  # A absent, B blank, D leave, G present; E cancelled
    assert (r.invited, r.present, r.late, r.absent, r.leave, r.blank, str(r.rate)) == (4, 1, 0, 1, 1, 1, "25.0")


def test_town_counts_on_the_page_api_and_excel(tree, dataset):
    from openpyxl import load_workbook

    api = api_as(tree.district_staff).get("/study-sessions/stats", {"year": Y}).json()
    assert api["total"] == {"town": None, "sessions": 5, "invited": 16, "attended": 11, "leave": 2, "absent": 2,
                            "rate": 68.8}
    by = {(x["town"] or {}).get("id"): x for x in api["lines"]}
    assert (by[tree.town1.pk]["sessions"], by[tree.town1.pk]["rate"]) == (3, 62.5)
    c = Client()
    c.force_login(tree.district_staff)
    page = c.get(reverse("publicity:study_stats"), {"year": Y}).content.decode()
    assert "68.8" in page and "62.5" in page and "66.7" in page
    handle, rows = services.export_town_counts(actor=tree.district_staff, year=Y)
    sheet = load_workbook(io.BytesIO(handle.read())).worksheets[0]
    values = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=2)]
    assert rows == 4 and values[-1][1:] == [5, 16, 11, 2, 2, 68.8]
    assert [v[1:] for v in values if v[0] == tree.town1.name] == [[3, 8, 5, 1, 1, 62.5]]


# --- the sheet lock after N days -----------------------------------------------------------------------

def _started_days_ago(tree, days):
    s = started(tree)
    start = timezone.localtime() - datetime.timedelta(days=days)
    StudySession.objects.filter(pk=s.pk).update(starts_at=start, ends_at=start + datetime.timedelta(hours=2))
    s.refresh_from_db()
    return s


def test_sheet_locks_after_the_lock_day(tree):
    open_ = _started_days_ago(tree, 7)  # lock_after_days = 7: the 7th day after is the last open day
    assert services.lock_day(open_) == timezone.localdate() and not services.attendance_locked(open_)
    row = StudyInvitee.objects.filter(session=open_).first()
    assert services.record_attendance(actor=tree.town1_cadre, session=open_, entries={row.pk: ("ABSENT", "")}) == 1
    locked = _started_days_ago(tree, 8)
    assert services.attendance_locked(locked)
    row = StudyInvitee.objects.filter(session=locked).first()
    before = AuditEvent.objects.count()
    for attempt in (lambda: services.record_attendance(actor=tree.town1_cadre, session=locked,
                                                       entries={row.pk: ("PRESENT", "")}),
                    lambda: services.invite(actor=tree.district_staff, session=locked, users=[tree.town1_cadre]),
                    lambda: services.check_in(actor=row.user, session_pk=locked.pk,
                                              token=services.checkin_token(locked))):
        with pytest.raises(DomainError) as e:
            attempt()
        assert e.value.code in {"locked", "wrong_stage", "too_late"}
    assert not StudyInvitee.objects.filter(session=locked).exclude(status="").exists()
    assert AuditEvent.objects.count() == before
    # the page shows no sheet to save, a POST is refused, the API says why
    c = Client()
    c.force_login(tree.town1_cadre)
    r = c.post(reverse("publicity:study_attendance", args=[locked.pk]), {f"status_{row.pk}": "PRESENT"})
    assert r.status_code == 400
    assert not services.attendance_locked(open_) and not StudyInvitee.objects.filter(
        session=locked, status="PRESENT").exists()
    r = api_as(tree.town1_cadre).post(f"/study-sessions/{locked.pk}/attendance",
                                      {"entries": [{"invitee": row.pk, "status": "PRESENT"}]})
    assert r.status_code in (400, 409) and r.json()["code"] == "locked"
    assert not policies_actions(tree.town1_cadre, locked).attendance


def policies_actions(user, s):
    from gonghui.publicity.policies.studies import session_actions

    return session_actions(user, s)


# --- QR check-in ---------------------------------------------------------------------------------------

def _timed(tree, *, starts_in_minutes, minutes=60, **kwargs):
    s = session(tree, **kwargs)
    start = timezone.now() + datetime.timedelta(minutes=starts_in_minutes)
    StudySession.objects.filter(pk=s.pk).update(starts_at=start, ends_at=start + datetime.timedelta(minutes=minutes))
    s.refresh_from_db()
    return s


def _checkin(user, s, token=None):
    return services.check_in(actor=user, session_pk=s.pk, token=services.checkin_token(s) if token is None else token)


def test_checkin_window_and_late_threshold(tree):
    user = tree.union1_staff
    cases = [  # (starts in minutes, session length, expected status or refusal code)
        (31, 60, "too_early"), (29, "60", "PRESENT"), (-9, 60, "PRESENT"), (-11, 60, "LATE"),
        (-89, 60, "LATE"),  # ended 29 minutes ago: still inside the 30 minutes after the end
        (-91, 60, "too_late"),
    ]
    for starts_in, length, expected in cases:
        s = _timed(tree, starts_in_minutes=starts_in, minutes=int(length))
        if expected in ("PRESENT", "LATE"):
            assert _checkin(user, s).invitee.status == expected, (starts_in, expected)
        else:
            with pytest.raises(DomainError) as e:
                _checkin(user, s)
            assert e.value.code == expected, starts_in
            assert not StudyInvitee.objects.filter(session=s).exclude(status="").exists()


def test_checkin_is_signed_for_invitees_and_once(tree):
    s = _timed(tree, starts_in_minutes=-5)
    token = services.checkin_token(s)
    forged = [signing.dumps({"s": s.pk, "k": "0" * 16}, salt=services.CHECKIN_SALT),  # right signature, wrong key
              signing.dumps({"s": s.pk, "k": services._key_of(s)}, salt="another.salt"),
              signing.dumps({"s": s.pk, "k": services._key_of(s)}, salt=services.CHECKIN_SALT, key="not-the-secret"),
              "", "garbage", token[:-2]]
    for bad in forged:
        with pytest.raises(DomainError) as e:
            _checkin(tree.union1_staff, s, bad)
        assert e.value.code == "invalid_token"
    for outsider in (tree.town2_cadre, tree.member_user, tree.outsider):  # valid code, not invited
        with pytest.raises(DomainError) as e:
            _checkin(outsider, s, token)
        assert e.value.code == "not_invited"
    first = _checkin(tree.union1_staff, s, token)
    again = _checkin(tree.union1_staff, s, token)
    assert (first.already, again.already, again.invitee.recorded_at) == (False, True, first.invitee.recorded_at)
    assert AuditEvent.objects.filter(action="publicity.study_checkin", object_id=str(s.pk)).count() == 1
    assert not StudyInvitee.objects.filter(session=s).exclude(user=tree.union1_staff).exclude(status="").exists()
    # a cancelled session refuses the code
    services.cancel_session(actor=tree.town1_cadre, session=_timed(tree, starts_in_minutes=10), reason="改期")
    cancelled = StudySession.objects.get(status=StudyStatus.CANCELLED)
    with pytest.raises(DomainError) as e:
        _checkin(tree.union1_staff, cancelled)
    assert e.value.code == "wrong_stage"


def test_checkin_page_from_the_phone(tree):
    s = _timed(tree, starts_in_minutes=-1)
    url = services.checkin_url(s)
    path = url.split("://", 1)[-1].split("/", 1)[-1]
    anon = Client()
    assert anon.get("/" + path).status_code == 302  # sign in first, then back to the code
    c = Client()
    c.force_login(tree.union1_chair)
    token = url.split("?t=", 1)[1]
    assert c.get(reverse("publicity:study_checkin", args=[s.pk]), {"t": token}).status_code == 200
    r = c.post(reverse("publicity:study_checkin", args=[s.pk]), {"t": token})
    assert r.status_code == 200 and StudyInvitee.objects.get(session=s, user=tree.union1_chair).status == "PRESENT"
    other = Client()
    other.force_login(tree.town2_cadre)
    r = other.post(reverse("publicity:study_checkin", args=[s.pk]), {"t": token})
    assert r.status_code == 400


# --- materials by content ------------------------------------------------------------------------------

def _package(parts: dict, name):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for part, body in parts.items():
            z.writestr(part, body)
    return SimpleUploadedFile(name, buf.getvalue())


def _types(main):
    return ('<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            f'<Override PartName="/x" ContentType="{main}"/></Types>')


DOCM = "application/vnd.ms-word.document.macroEnabled.main+xml"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
PPSX = "application/vnd.openxmlformats-officedocument.presentationml.slideshow.main+xml"


def test_materials_refuse_renamed_and_macro_files(tree):
    s = session(tree)
    renamed = [
        office_upload("docx", name="通知.pdf"),             # a Word file called .pdf
        pdf_upload(name="讲义.docx"),                         # a PDF called .docx
        office_upload("pptx", name="课件.docx"),             # a PowerPoint called .docx
        SimpleUploadedFile("照片.png", b"\xff\xd8\xff\xe0" + b"x" * 40),  # a JPG called .png
        _package({"[Content_Types].xml": _types(XLSX), "xl/workbook.xml": "<w/>"}, "表格.docx"),  # Excel
        _package({"[Content_Types].xml": _types(DOCM), "word/document.xml": "<d/>",
                  "word/vbaProject.bin": "x"}, "宏.docx"),   # macro-enabled Word renamed .docx
        _package({"[Content_Types].xml": _types(PPSX), "ppt/presentation.xml": "<p/>"}, "放映.pptx"),
        _package({"word/document.xml": "<d/>"}, "无类型.docx"),  # no content types part
        SimpleUploadedFile("旧版.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"x" * 40),  # old binary Word
        SimpleUploadedFile("程序.docx", b"MZ\x90\x00" + b"x" * 40),
    ]
    for upload in renamed:
        with pytest.raises(DomainError) as e:
            services.add_material(actor=tree.town1_cadre, session=s, upload=upload)
        assert e.value.field == "file" and upload.name.rsplit("/", 1)[-1] in e.value.text, upload.name
    assert not s.materials.exists()
    ok = [office_upload("docx", name="通知.DOCX"), office_upload("pptx"), pdf_upload(),
          SimpleUploadedFile("照片.jpeg", b"\xff\xd8\xff\xe0" + b"x" * 40),
          SimpleUploadedFile("照片.JPG", b"\xff\xd8\xff\xe0" + b"x" * 40),
          SimpleUploadedFile("无扩展名", b"%PDF-1.7\n" + b"x" * 40)]
    kinds = [services.add_material(actor=tree.town1_cadre, session=s, upload=u).kind for u in ok]
    assert kinds == ["docx", "pptx", "pdf", "jpeg", "jpeg", "pdf"]
    # a name without an extension gets the one of its content for the download
    assert s.materials.order_by("pk").last().name == "无扩展名.pdf"


# --- invitations through the API ------------------------------------------------------------------------

def test_api_invite_resolves_users_inside_the_organisers_reach(tree):
    s = session(tree, invite=False)  # town1
    api = api_as(tree.town1_cadre)
    r = api.post(f"/study-sessions/{s.pk}/invite", {"users": [tree.town2_cadre.pk]})
    assert r.status_code == 400 and r.json()["code"] == "unknown_reference" and r.json()["field"] == "users"
    assert str(tree.town2_cadre) not in r.content.decode()
    r = api.post(f"/study-sessions/{s.pk}/invite", {"users": [tree.member_user.pk]})
    assert r.status_code == 400 and r.json()["code"] == "unknown_reference"
    r = api.post(f"/study-sessions/{s.pk}/invite", {"orgs": [tree.town2.pk]})
    assert r.status_code == 400 and r.json()["code"] == "unknown_reference"
    assert not StudyInvitee.objects.filter(session=s).exists()
    r = api.post(f"/study-sessions/{s.pk}/invite", {"users": [tree.union1_staff.pk]})
    assert r.status_code == 200 and [i["user"]["id"] for i in r.json()["invitees"]] == [tree.union1_staff.pk]


def test_a_material_over_the_limit_is_refused_on_the_page(tree, settings):
    settings.PUBLICITY_STUDIES_RULES = {"material_max_bytes": 2000}
    s = session(tree)
    c = Client(enforce_csrf_checks=False)
    c.force_login(tree.town1_cadre)
    url = reverse("publicity:study_step", args=[s.pk, "material"])
    r = c.post(url, {"material-file": pdf_upload(size=200_000)})
    assert r.status_code in (400, 413) and not s.materials.exists()
    r = c.post(url, {"material-file": office_upload("docx", name="通知.pdf")})
    assert r.status_code == 400 and "通知.pdf" in r.content.decode() and not s.materials.exists()
    r = c.post(url, {"material-file": pdf_upload()})
    assert r.status_code == 302 and s.materials.count() == 1
