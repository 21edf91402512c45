"""The appeal pages: the list's filters (overdue in red, escalated to me, my org only, dates,
search), the export (masked phones, audited), the detail's history (internal vs public lines),
the steps through the forms, the dispatch picker, attachments served privately, the reveal."""

import datetime
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from gonghui.core import workdays
from gonghui.core.models import AuditEvent
from gonghui.voice.models.appeals import Appeal, AppealStatus
from gonghui.voice.services import appeals as services
from gonghui.voice.testing.appeals import appeal, handling

pytestmark = pytest.mark.django_db


def client(user):
    c = Client()
    c.force_login(user)
    return c


def numbers(response):
    return {a.number for a in response.context["page"].items}


def test_list_filters(tree):
    old = appeal(tree, received_on=datetime.date(2025, 3, 3), title="旧诉求")
    new = appeal(tree, category="INJURY", title="工伤认定")
    town = appeal(tree, org=tree.town1, title="街道受理")
    other = appeal(tree, org=tree.union2)
    services.escalate_overdue(on=workdays.add_working_days(old.due_on, 1))
    c = client(tree.town1_cadre)
    url = reverse("voice:appeal_list")
    r = c.get(url)
    assert r.status_code == 200 and numbers(r) == {old.number, new.number, town.number}
    assert other.number not in r.content.decode()
    assert numbers(c.get(url, {"overdue": "1"})) == {old.number}
    assert 'class="table-danger"' in c.get(url, {"overdue": "1"}).content.decode()
    assert numbers(c.get(url, {"category": "INJURY"})) == {new.number}
    assert numbers(c.get(url, {"escalated": "me"})) == {old.number}
    assert numbers(c.get(url, {"mine": "1"})) == {town.number}
    assert numbers(c.get(url, {"year": "2025", "month": "3"})) == {old.number}
    assert numbers(c.get(url, {"received_from": "2025-03-01", "received_to": "2025-03-31"})) == {old.number}
    assert numbers(c.get(url, {"q": "工伤"})) == {new.number}
    assert numbers(c.get(url, {"q": new.number})) == {new.number}
    assert numbers(c.get(url, {"town": tree.town1.pk})) == {old.number, new.number, town.number}
    r = c.get(url, {"received_from": "2025-03-31", "received_to": "2025-03-01"})
    assert r.status_code == 200 and r.context["form"].errors


def test_export_masks_phones_and_is_audited(tree):
    appeal(tree, phone="13912345678")
    r = client(tree.town1_cadre).get(reverse("voice:appeal_export"), {"status": "NEW"})
    assert r.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(b"".join(r.streaming_content)))
    cells = [str(c.value) for row in book.active.iter_rows() for c in row]
    assert "139****5678" in cells and "13912345678" not in cells
    assert AuditEvent.objects.filter(action="voice.appeal_export").exists()


def test_detail_and_steps_through_the_forms(tree):
    a = appeal(tree)
    c = client(tree.union1_staff)
    url = reverse("voice:appeal_detail", args=[a.pk])
    assert c.get(url).status_code == 200
    assert c.post(reverse("voice:appeal_step", args=[a.pk, "accept"])).status_code == 302
    assert c.post(reverse("voice:appeal_step", args=[a.pk, "note"]), {"note-text": "内部记录甲"}).status_code == 302
    pdf = SimpleUploadedFile("回复.pdf", b"%PDF-1.4 reply", content_type="application/pdf")
    r = c.post(reverse("voice:appeal_step", args=[a.pk, "reply"]),
               {"reply-text": "已受理，请等待", "reply-attachment": pdf})
    assert r.status_code == 302
    page = c.get(url).content.decode()
    assert "内部记录甲" in page and "已受理，请等待" in page
    assert "The worker sees this" in page or "职工可见" in page
    att = a.attachments.get()
    r = c.get(reverse("voice:appeal_attachment", args=[a.pk, att.pk]))
    assert r.status_code == 200 and r["X-Content-Type-Options"] == "nosniff"
    assert client(tree.union2_chair).get(reverse("voice:appeal_attachment", args=[a.pk, att.pk])).status_code == 404
    # A bad close: the form shows the error, nothing saved.
    r = c.post(reverse("voice:appeal_step", args=[a.pk, "close"]),
               {"close-result": "RESOLVED", "close-result_text": ""})
    assert r.status_code == 400 and Appeal.objects.get(pk=a.pk).status == AppealStatus.HANDLING
    r = c.post(reverse("voice:appeal_step", args=[a.pk, "close"]),
               {"close-result": "RESOLVED", "close-result_text": "已补发"})
    assert r.status_code == 302 and Appeal.objects.get(pk=a.pk).status == AppealStatus.CLOSED


def test_transfer_up_leaves_the_unions_reach(tree):
    a = handling(tree)
    c = client(tree.union1_staff)
    r = c.post(reverse("voice:appeal_step", args=[a.pk, "transfer_up"]), {"transfer_up-reason": ""})
    assert r.status_code == 400
    r = c.post(reverse("voice:appeal_step", args=[a.pk, "transfer_up"]), {"transfer_up-reason": "需街道协调"})
    assert r.status_code == 302 and r["Location"] == reverse("voice:appeal_list")
    assert Appeal.objects.get(pk=a.pk).org == tree.town1


def test_dispatch_picker(tree):
    a = appeal(tree, org=tree.town1)
    c = client(tree.town1_cadre)
    url = reverse("voice:appeal_move", args=[a.pk, "dispatch"])
    r = c.get(url, {"union_q": "乙"})
    assert [o.pk for o in r.context["unions"]] == [tree.union1b.pk]
    assert c.get(url, {"org": tree.union2.pk}).status_code == 404  # not in town1's reach
    r = c.post(url, {"org": tree.union1b.pk, "note": "请三日内联系职工"})
    assert r.status_code == 302 and Appeal.objects.get(pk=a.pk).org == tree.union1b


def test_reveal_phone(tree):
    a = appeal(tree, phone="13912345678")
    r = client(tree.union1_chair).post(reverse("voice:appeal_reveal", args=[a.pk]))
    assert r.status_code == 200 and "13912345678" in r.content.decode() and "no-store" in r["Cache-Control"]
    r = client(tree.union1_staff).post(reverse("voice:appeal_reveal", args=[a.pk]))
    assert r.status_code == 302
    assert AuditEvent.objects.filter(action="voice.appeal_reveal_phone").count() == 1


def test_overview_and_dashboard(tree):
    a = appeal(tree, received_on=datetime.date(2025, 3, 3))
    from gonghui.voice.selectors import appeals as selectors

    card = selectors.overview_card(tree.town1_cadre)
    values = {str(r.label): r.value for r in card.rows}
    assert any(v == 1 for v in values.values())
    due = selectors.due_appeals_summary(tree.union1_staff)
    assert due.overdue == 1 and a.pk
    assert selectors.overview_card(tree.member_user) is None
    assert client(tree.town1_cadre).get(reverse("voice:overview")).status_code == 200


def test_statistics_links_closed_on_time_1(tree):
    from gonghui.voice.testing.appeals import closed

    a = closed(tree)
    r = client(tree.town1_cadre).get(reverse("voice:appeal_list"), {"closed_on_time": "1", "status": "CLOSED"})
    assert numbers(r) == {a.number}
    assert numbers(client(tree.town1_cadre).get(reverse("voice:appeal_list"), {"closed_on_time": "0"})) == set()


def test_holder_is_the_exact_handling_org(tree):
    """`holder=<org id>`: appeals held by that org itself, not its subtree (the statistics' org rows);
    an org outside the reach is an invalid choice on the page (no rows) and 404 on the export."""
    at_town = appeal(tree, org=tree.town1)
    at_union = appeal(tree, org=tree.union1)
    c = client(tree.town1_cadre)
    url = reverse("voice:appeal_list")
    assert numbers(c.get(url, {"org": tree.town1.pk})) == {at_town.number, at_union.number}
    r = c.get(url, {"holder": tree.town1.pk})
    assert numbers(r) == {at_town.number} and tree.town1.name in r.content.decode()
    assert numbers(c.get(url, {"holder": tree.union1.pk})) == {at_union.number}
    assert "holder=" in r.context["query"] and "holder=" not in r.context["query_without_holder"]
    assert client(tree.union2_chair).get(url, {"holder": tree.union1.pk}).context["page"].items == []
    assert client(tree.union2_chair).get(reverse("voice:appeal_export"), {"holder": tree.union1.pk}).status_code == 404
    export = c.get(reverse("voice:appeal_export"), {"holder": tree.town1.pk})
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(export.streaming_content)
                                              if export.streaming else export.content)).active
    assert [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)] == [at_town.number]


def test_anonymous_appeal_never_shows_the_login(tree):
    """intake-needs.md: an anonymous appeal keeps the member's login in `submitted_by` (so they can
    follow it) — the staff page, its audit history, the API and the export never show it."""
    from gonghui.core import audit
    from gonghui.core.testing.api import api_as

    login = tree.member_user
    login.username = "secretworker88"
    login.save()
    a = appeal(tree, anonymous=True, category="OTHER", submitted_by=login)
    services.add_event(a, "WITHDRAWN", public=True, actor=login, text="")
    audit.record(actor=login, action="voice.appeal_submit", obj=a, org=a.org, after={"title": a.title})
    page = client(tree.town1_cadre).get(reverse("voice:appeal_detail", args=[a.pk])).content.decode()
    assert "secretworker88" not in page and ("Anonymous worker" in page or "匿名职工" in page)
    listing = client(tree.town1_cadre).get(reverse("voice:appeal_list")).content.decode()
    assert "secretworker88" not in listing
    body = api_as(tree.town1_cadre).get(f"/appeals/{a.pk}").content.decode()
    assert "secretworker88" not in body
    assert "secretworker88" not in api_as(tree.town1_cadre).get("/appeals").content.decode()
    export = client(tree.town1_cadre).get(reverse("voice:appeal_export"))
    book = openpyxl.load_workbook(io.BytesIO(b"".join(export.streaming_content)
                                             if export.streaming else export.content))
    cells = [str(v) for row in book.active.iter_rows(values_only=True) for v in row if v is not None]
    assert not any("secretworker88" in v for v in cells)
    # a named appeal of the same login still shows who acted
    named = appeal(tree, submitted_by=login)
    services.add_event(named, "WITHDRAWN", public=True, actor=login, text="")
    page = client(tree.town1_cadre).get(reverse("voice:appeal_detail", args=[named.pk])).content.decode()
    assert "secretworker88" in page


def test_status_badges_of_a_large_set_are_counted_once_and_dated(tree, settings):
    """Above LIST_COUNT_CAP the badges come from the figures cache (a district's year of appeals is
    ~25 ms of SQL to group); the list itself is always read fresh, and a small set is counted live."""
    from django.core.cache import cache

    settings.FIGURES_CACHE_SECONDS, settings.LIST_COUNT_CAP = 300, 2
    cache.clear()
    for _ in range(3):
        appeal(tree)
    c = client(tree.town1_cadre)
    url = reverse("voice:appeal_list")
    first = c.get(url)
    assert first.context["page"].count_capped and first.context["counts_at"] is not None
    assert "统计时间" in first.content.decode()
    newest = appeal(tree, title="后来的诉求")
    again = c.get(url)
    assert newest.number in numbers(again)  # the rows are fresh
    assert again.context["counts"] == first.context["counts"]
    assert again.context["counts_at"] == first.context["counts_at"]
    small = c.get(url, {"q": newest.number})  # one match: counted on the request
    assert small.context["counts_at"] is None and [n for _label, n, _code in small.context["counts"]] == [1]
    cache.clear()
