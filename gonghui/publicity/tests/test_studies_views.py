"""Study session pages end to end: create, invite, the sheet (bulk POST), materials upload and
download, QR check-in on the phone page, cancel, list filters and export, counts by town."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from gonghui.core.models import AuditEvent
from gonghui.publicity.models.studies import StudyInvitee, StudyMaterial, StudySession
from gonghui.publicity.services import studies as services
from gonghui.publicity.testing.studies import office_upload, session, started

pytestmark = pytest.mark.django_db


def client(user):
    c = Client()
    c.force_login(user)
    return c


def test_create_invite_and_detail(tree):
    c = client(tree.town1_cadre)
    assert c.get(reverse("publicity:study_create")).status_code == 200
    bad = c.post(reverse("publicity:study_create"), {"org": tree.town1.pk, "kind": "THEORY", "title": "学习",
                                                     "starts_at": "2026-12-10T09:00", "ends_at": "2026-12-10T08:00",
                                                     "place": "会议室"})
    assert bad.status_code == 400 and not StudySession.objects.exists()
    r = c.post(reverse("publicity:study_create"), {"org": tree.town1.pk, "kind": "BUSINESS", "title": "工会业务培训",
                                                   "starts_at": "2026-12-10T09:00", "ends_at": "2026-12-10T11:00",
                                                   "place": "街道三楼会议室", "speaker": "李老师"})
    s = StudySession.objects.get()
    assert r.status_code == 302 and s.org == tree.town1
    r = c.post(reverse("publicity:study_step", args=[s.pk, "invite"]), {"invite-whole_subtree": "on"})
    assert r.status_code == 302 and StudyInvitee.objects.filter(session=s).count() == 3
    page = c.get(reverse("publicity:study_detail", args=[s.pk])).content.decode()
    assert "工会业务培训" in page and "union1staff" in page
    r = c.post(reverse("publicity:study_step", args=[s.pk, "material"]),
               {"material-file": office_upload("pptx")})
    assert r.status_code == 302 and StudyMaterial.objects.get().kind == "pptx"
    m = StudyMaterial.objects.get()
    d = c.get(reverse("publicity:study_material", args=[s.pk, m.pk]))
    assert d.status_code == 200 and "attachment" in d["Content-Disposition"]
    r = c.post(reverse("publicity:study_step", args=[s.pk, "material"]),
               {"material-file": SimpleUploadedFile("x.pdf", b"GIF89a...")})
    assert r.status_code == 400 and StudyMaterial.objects.count() == 1
    r = c.post(reverse("publicity:study_step", args=[s.pk, "cancel"]), {"cancel-reason": ""})
    assert r.status_code == 400
    r = c.post(reverse("publicity:study_step", args=[s.pk, "cancel"]), {"cancel-reason": "与上级会议冲突"})
    assert r.status_code == 302 and StudySession.objects.get().status == "CANCELLED"


def test_sheet_and_qr_checkin(tree):
    s = started(tree)
    rows = {i.user.username: i.pk for i in StudyInvitee.objects.filter(session=s).select_related("user")}
    c = client(tree.town1_cadre)
    page = c.get(reverse("publicity:study_attendance", args=[s.pk]))
    assert page.status_code == 200 and "<svg" in page.content.decode()
    r = c.post(reverse("publicity:study_attendance", args=[s.pk]), {
        f"status_{rows['town1']}": "PRESENT", f"status_{rows['union1']}": "LEAVE", f"reason_{rows['union1']}": ""})
    assert r.status_code == 400 and not StudyInvitee.objects.exclude(status="").exists()
    r = c.post(reverse("publicity:study_attendance", args=[s.pk]), {
        f"status_{rows['town1']}": "PRESENT", f"status_{rows['union1']}": "LEAVE", f"reason_{rows['union1']}": "病假"})
    assert r.status_code == 302
    url = services.checkin_url(s)
    path = url[url.index("/publicity/"):]
    phone = client(tree.union1_staff)
    assert phone.get(path).status_code == 200
    token = path.split("?t=")[1]
    r = phone.post(reverse("publicity:study_checkin", args=[s.pk]), {"t": token})
    assert r.status_code == 200 and StudyInvitee.objects.get(pk=rows["union1staff"]).method == "QR"
    r = client(tree.town2_cadre).post(reverse("publicity:study_checkin", args=[s.pk]), {"t": token})
    assert r.status_code == 400
    r = phone.post(reverse("publicity:study_checkin", args=[s.pk]), {"t": "forged"})
    assert r.status_code == 400


def test_list_filters_export_and_stats(tree):
    a = session(tree, title="学习党的二十大精神")
    session(tree, org=tree.town2, title="北干业务培训")
    c = client(tree.district_staff)
    page = c.get(reverse("publicity:study_list"), {"q": "二十大"}).content.decode()
    assert "学习党的二十大精神" in page and "北干业务培训" not in page
    page = c.get(reverse("publicity:study_list"), {"org": tree.town2.pk}).content.decode()
    assert "北干业务培训" in page and "学习党的二十大精神" not in page
    assert c.get(reverse("publicity:study_list"), {"upcoming": "1", "status": "PLANNED"}).status_code == 200
    r = c.get(reverse("publicity:study_export"), {"q": "二十大"})
    assert r.status_code == 200 and r["Content-Type"].startswith("application/vnd.openxmlformats")
    assert AuditEvent.objects.filter(action="publicity.study_export").exists()
    assert client(tree.town1_cadre).get(reverse("publicity:study_export"), {"org": tree.town2.pk}).status_code == 404
    s = started(tree)
    services.mark_held(actor=tree.district_staff, session=s)
    year = timezone.localdate().year
    page = c.get(reverse("publicity:study_stats"), {"year": year}).content.decode()
    assert tree.town1.name in page and "study-town-chart" in page
    r = c.get(reverse("publicity:study_stats_export"), {"year": year})
    assert r.status_code == 200 and AuditEvent.objects.filter(action="publicity.study_stats_export").exists()
    assert c.get(reverse("publicity:overview")).status_code == 200
    assert a.pk
