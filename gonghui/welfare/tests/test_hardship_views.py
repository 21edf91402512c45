"""Hardship file pages: the list (filters, masked), export (audited, masked for union staff),
opening a file, the detail masked until an audited reveal, steps with bad input (400, nothing
saved), the 390 px markup."""

import io

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse

from gonghui.core.models import AuditEvent
from gonghui.welfare.models.hardship import (
    ExitReason,
    HardshipFile,
    HardshipStatus,
    IncomeKind,
    IncomeLine,
    Relation,
)
from gonghui.welfare.services import hardship as services
from gonghui.welfare.testing.hardship import active, draft, submitted

pytestmark = pytest.mark.django_db


def client(user):
    c = Client()
    c.force_login(user)
    return c


def test_list_filters_and_never_shows_amounts(tree):
    f = active(tree)
    draft(tree, union=tree.union2)
    c = client(tree.town1_cadre)
    r = c.get(reverse("welfare:file_list"), {"status": "ACTIVE", "category": "DEEP", "q": f.person.name})
    assert r.status_code == 200
    assert [x.pk for x in r.context["page"].items] == [f.pk]
    assert b"30000" not in r.content and "患病失业".encode() not in r.content
    assert b"table-responsive" in r.content
    r = c.get(reverse("welfare:file_list"), {"due": "overdue"})
    assert r.context["page"].items == []
    r = c.get(reverse("welfare:overview"))
    assert r.status_code == 200 and reverse("welfare:file_list").encode() in r.content


def test_detail_is_masked_until_revealed(tree):
    f = draft(tree)
    c = client(tree.union1_chair)
    r = c.get(reverse("welfare:file_detail", args=[f.pk]))
    assert r.status_code == 200 and "患病失业".encode() not in r.content and b"30000.00" not in r.content
    assert reverse("welfare:file_reveal", args=[f.pk]).encode() in r.content
    r = c.post(reverse("welfare:file_reveal", args=[f.pk]))
    assert r.status_code == 200 and "患病失业".encode() in r.content and b"30000.00" in r.content
    assert "no-store" in r["Cache-Control"]
    assert AuditEvent.objects.filter(action="welfare.hardship_reveal", object_id=str(f.pk)).count() == 1


def test_union_staff_cannot_reveal(tree):
    f = draft(tree)
    c = client(tree.union1_staff)
    r = c.get(reverse("welfare:file_detail", args=[f.pk]))
    assert reverse("welfare:file_reveal", args=[f.pk]).encode() not in r.content
    r = c.post(reverse("welfare:file_reveal", args=[f.pk]))
    assert r.status_code == 302 and not AuditEvent.objects.filter(action="welfare.hardship_reveal").exists()


def test_create_page(tree):
    person = tree.member().person
    c = client(tree.union1_chair)
    r = c.get(reverse("welfare:file_create"))
    assert r.status_code == 302 and f"org={tree.union1.pk}" in r["Location"]
    url = reverse("welfare:file_create") + f"?org={tree.union1.pk}"
    r = c.post(url, {"org": tree.union1.pk, "person": person.pk, "reason": ""})
    assert r.status_code == 400 and not HardshipFile.objects.exists()
    r = c.post(url, {"org": tree.union1.pk, "person": person.pk, "reason": "因病致困", "health": "慢性病"})
    f = HardshipFile.objects.get()
    assert r.status_code == 302 and r["Location"] == reverse("welfare:file_detail", args=[f.pk])
    r = c.get(reverse("welfare:file_create") + f"?org={tree.union2.pk}")
    assert r.status_code == 404


def test_steps_through_the_pages(tree):
    f = draft(tree)
    chair, cadre = client(tree.union1_chair), client(tree.town1_cadre)
    url = lambda step: reverse("welfare:file_step", args=[f.pk, step])  # noqa: E731
    r = chair.post(url("income"), {"income-kind": "WAGES", "income-annual_amount": "-5"})
    assert r.status_code == 400 and IncomeLine.objects.filter(file=f).count() == 1
    r = chair.post(url("income"), {"income-kind": "PENSION", "income-annual_amount": "1200.50"})
    assert r.status_code == 302 and IncomeLine.objects.filter(file=f).count() == 2
    assert chair.post(url("submit")).status_code == 302
    assert HardshipFile.objects.get(pk=f.pk).status == HardshipStatus.SUBMITTED
    assert chair.post(url("review"), {"review-decision": "ACCEPTED",
                                      "review-reviewed_on": services.today().isoformat()}).status_code == 403
    r = cadre.post(url("review"), {"review-decision": "REJECTED", "review-reviewed_on": services.today().isoformat()})
    assert r.status_code == 400 and HardshipFile.objects.get(pk=f.pk).status == HardshipStatus.SUBMITTED
    r = cadre.post(url("review"), {"review-decision": "ACCEPTED", "review-reviewed_on": services.today().isoformat()})
    assert r.status_code == 302 and HardshipFile.objects.get(pk=f.pk).status == HardshipStatus.ACTIVE
    r = cadre.post(url("help"), {"help-kind": "VISIT", "help-given_on": services.today().isoformat(),
                                 "help-amount": "300", "help-note": "走访慰问"})
    assert r.status_code == 302
    r = cadre.get(reverse("welfare:file_detail", args=[f.pk]))
    assert "走访慰问".encode() in r.content and len(r.context["history"]) >= 3
    r = cadre.post(url("exit"), {"exit-kind": "DECEASED", "exit-exited_on": services.today().isoformat()})
    assert r.status_code == 302 and HardshipFile.objects.get(pk=f.pk).status == HardshipStatus.EXITED


def test_submit_not_eligible_shows_the_reason(tree):
    f = draft(tree, persons=1, income="90000", rigid="0")
    r = client(tree.union1_chair).post(reverse("welfare:file_step", args=[f.pk, "submit"]))
    assert r.status_code == 400 and HardshipFile.objects.get(pk=f.pk).status == HardshipStatus.DRAFT


def test_staff_see_their_lines_masked_and_figures_stay_out_of_messages_and_history(tree):
    f = draft(tree, persons=2, income="90000", rigid="0")
    staff = client(tree.union1_staff)
    r = staff.get(reverse("welfare:file_detail", args=[f.pk]))
    lines = r.context["masked_lines"]
    assert [m.relation for m in lines["household"]] == ["SELF", "SPOUSE"] and len(lines["incomes"]) == 1
    assert b"90000" not in r.content and "家属1".encode() not in r.content
    line = lines["incomes"][0]
    assert reverse("welfare:file_remove_line", args=[f.pk, "income", line.pk]).encode() in r.content
    r = staff.post(reverse("welfare:file_step", args=[f.pk, "submit"]))
    assert r.status_code == 400 and b"3750" not in r.content  # (90000 / 12 / 2) is the chair's to see
    r = client(tree.union1_chair).post(reverse("welfare:file_step", args=[f.pk, "submit"]))
    assert r.status_code == 400 and b"3750" in r.content
    for e in AuditEvent.objects.filter(object_type="welfare.HardshipFile", object_id=str(f.pk)):
        assert not {"household_size", "exit_reason", "reason"} & (set(e.before or {}) | set(e.after or {}))
    # the history reads in words: relations, kinds, decisions and exits by their labels, never codes
    done = active(tree)
    services.exit_file(actor=tree.district_staff, file=done, kind="LEFT")
    history = client(tree.town1_cadre).get(reverse("welfare:file_detail", args=[done.pk])).context["history"]
    shown = {c.after for e in history for c in e.changes}
    assert {"SPOUSE", "WAGES", "MEDICAL", "ACCEPTED", "LEFT"}.isdisjoint(shown)
    assert {str(Relation.SPOUSE.label), str(IncomeKind.WAGES.label), str(ExitReason.LEFT.label)} <= shown


def test_remove_line(tree):
    f = draft(tree)
    line = IncomeLine.objects.get(file=f)
    r = client(tree.union1_staff).post(reverse("welfare:file_remove_line", args=[f.pk, "income", line.pk]))
    assert r.status_code == 302 and not IncomeLine.objects.filter(file=f).exists()


def _sheet(response):
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)
                                             if response.streaming else response.content))
    return list(book.active.iter_rows(values_only=True))


def test_export_masks_for_staff_and_is_audited(tree):
    submitted(tree)
    rows = _sheet(client(tree.union1_chair).get(reverse("welfare:file_export")))
    assert len(rows) == 2 and "30000" in str(rows[1][10])
    rows = _sheet(client(tree.union1_staff).get(reverse("welfare:file_export")))
    assert rows[1][10] == "***"
    events = AuditEvent.objects.filter(action="welfare.hardship_export")
    assert sorted(e.after["revealed"] for e in events) == [0, 1]
