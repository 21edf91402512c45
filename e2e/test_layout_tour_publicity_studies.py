"""The layout tour (see test_layout_tour.py) of cadre study sessions: the list, a planned, a started
(sheet open, QR code), a held and a cancelled session, the forms, the yearly counts by town, and a
cadre's own pages (my study sessions, a session I am invited to, the QR check-in on the phone),
at 1280 and 390 px."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from gonghui.core.testing.factories import Tree
from gonghui.publicity.models.studies import StudyInvitee, StudySession
from gonghui.publicity.services import studies as services
from gonghui.publicity.testing.studies import office_upload, pdf_upload, session, started

from .test_layout_tour import walk

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def build(tree):
    r = {"planned": session(tree, title="学习贯彻党的二十届四中全会精神专题辅导", kind="THEORY")}
    services.add_material(actor=tree.town1_cadre, session=r["planned"], upload=pdf_upload(name="辅导提纲.pdf"))
    services.add_material(actor=tree.town1_cadre, session=r["planned"], upload=office_upload("pptx", name="课件.pptx"))
    live = started(tree, title="工会财务管理业务培训", kind="BUSINESS")
    rows = {i.user.username: i.pk for i in StudyInvitee.objects.filter(session=live).select_related("user")}
    services.record_attendance(actor=tree.town1_cadre, session=live, entries={
        rows["town1"]: ("PRESENT", ""), rows["union1staff"]: ("LEAVE", "在外参加区总工会会议")})
    r["live"] = live
    held = started(tree, org=tree.union1, title="《工会法》学习交流会", kind="POLICY")
    rows = {i.user.username: i.pk for i in StudyInvitee.objects.filter(session=held).select_related("user")}
    services.record_attendance(actor=tree.union1_chair, session=held, entries={
        rows["union1"]: ("PRESENT", ""), rows["union1staff"]: ("LATE", "")})
    services.mark_held(actor=tree.union1_chair, session=held)
    r["held"] = held
    for org, n in ((tree.town2, 2), (tree.district, 1)):  # more rows for the counts by town
        for _ in range(n):
            s = started(tree, org=org, title="区总工会干部能力提升培训")
            services.record_attendance(actor=tree.district_staff, session=s, entries={
                i.pk: ("PRESENT", "") for i in StudyInvitee.objects.filter(session=s)[:2]})
            services.mark_held(actor=tree.district_staff, session=s)
    cancelled = session(tree, title="安全生产月专题学习")
    services.cancel_session(actor=tree.town1_cadre, session=cancelled, reason="台风预警，改期举行")
    r["cancelled"] = cancelled
    StudySession.objects.filter(pk=live.pk).update(starts_at=timezone.now() - datetime.timedelta(minutes=20))
    r["checkin"] = services.checkin_url(live).split("/", 3)[-1]
    return r


def pages(tree, r):
    d = lambda name, s: reverse(f"publicity:{name}", args=[s.pk])  # noqa: E731
    return [
        ("town1", [
            ("st-list", reverse("publicity:study_list")),
            ("st-list-held", reverse("publicity:study_list") + "?status=HELD"),
            ("st-new", reverse("publicity:study_create")),
            ("st-planned", d("study_detail", r["planned"])),
            ("st-edit", d("study_edit", r["planned"])),
            ("st-live", d("study_detail", r["live"])),
            ("st-sheet", d("study_attendance", r["live"])),
            ("st-held", d("study_detail", r["held"])),
            ("st-held-sheet", d("study_attendance", r["held"])),
            ("st-cancelled", d("study_detail", r["cancelled"])),
            ("st-stats", reverse("publicity:study_stats")),
        ]),
        ("district", [
            ("st-list-d", reverse("publicity:study_list")),
            ("st-new-d", reverse("publicity:study_create")),
            ("st-stats-d", reverse("publicity:study_stats")),
        ]),
        ("union1", [
            ("st-list-u", reverse("publicity:study_list")),
            ("st-my", reverse("publicity:my_studies")),
            ("st-my-planned", d("my_study_detail", r["planned"])),
            ("st-my-held", d("my_study_detail", r["held"])),
            ("st-checkin", "/" + r["checkin"]),
        ]),
    ]


def test_publicity_studies_layout_tour(browser, live_server, tour_screenshots):
    tree = Tree()
    problems = walk(browser, live_server, pages(tree, build(tree)), tour_screenshots)
    assert not problems, "\n".join(problems)
