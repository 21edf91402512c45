"""Statistics from a small fixture with known answers: congresses held, proposals collected /
accepted / adopted / closed on time, satisfaction and benefit, by town, industry and size; the
workbook has the same numbers; the number of queries does not grow with the rows."""

import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse
from django.utils import translation

from gonghui.congress.models import Proposal, ProposalCategory, ProposalStatus, Satisfaction, SessionStatus
from gonghui.congress.stats import congress_stats
from gonghui.congress.testing import congress_body, delegates, session
from gonghui.core.models import AuditEvent
from gonghui.core.testing.factories import EnterpriseFactory
from gonghui.orgs.models import Industry

D = datetime.date
pytestmark = pytest.mark.django_db
S = ProposalStatus


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


def proposal(body, proposer, *, submitted_on, status, outcome="", due_on=None, replied_on=None, satisfaction="",
             estimated=None, verified=None, title="提案"):
    assigned = status in (S.ASSIGNED, S.REPLIED, S.ARCHIVED)
    return Proposal.objects.create(
        org=body.org, body=body, title=title, category=ProposalCategory.PRODUCTION, reasons="理由", suggestions="建议",
        proposer=proposer, status=status, submitted_on=submitted_on, department="生产部" if assigned else "",
        assigned_on=submitted_on if assigned else None, due_on=due_on, outcome=outcome, replied_on=replied_on,
        satisfaction=satisfaction, benefit_estimated=estimated, benefit_verified=verified)


def held(body, number, on):
    return session(body, number=number, planned_on=on, status=SessionStatus.HELD, held_on=on, entitled=30,
                   present=25, report_due_on=on + datetime.timedelta(days=9))


@pytest.fixture
def records(tree):
    """enterprise1: town1, textiles, above designated size, held a congress in 2026, five proposals
    of 2026 (+ one of 2025 and a draft). enterprise2: town2, logistics, not above size, no
    congress in 2026, one adopted proposal."""
    tree.enterprise2.industry, tree.enterprise2.above_scale = Industry.LOGISTICS, False
    tree.enterprise2.save()
    body1 = congress_body(org=tree.union1, enterprise=tree.enterprise1)
    body2 = congress_body(org=tree.union2, enterprise=tree.enterprise2)
    one, two = delegates(body1, 3)[0], delegates(body2, 3)[0]
    held(body1, 1, D(2026, 3, 20))
    session(body2, number=1, planned_on=D(2026, 4, 1), status=SessionStatus.CANCELLED, held_on=D(2026, 4, 1))
    # P1 on time, A, satisfied; P2 late, B, basically; P3 on the due day, C, not satisfied;
    # P4 rejected; P5 assigned, no reply yet.
    proposal(body1, one, submitted_on=D(2026, 1, 5), status=S.ARCHIVED, outcome="A", due_on=D(2026, 4, 1),
             replied_on=D(2026, 3, 20), satisfaction=Satisfaction.SATISFIED, estimated=Decimal("10000.50"),
             verified=Decimal("8000"))
    proposal(body1, one, submitted_on=D(2026, 2, 5), status=S.REPLIED, outcome="B", due_on=D(2026, 5, 6),
             replied_on=D(2026, 5, 10), satisfaction=Satisfaction.BASICALLY, estimated=Decimal("2000"))
    proposal(body1, one, submitted_on=D(2026, 3, 5), status=S.REPLIED, outcome="C", due_on=D(2026, 6, 1),
             replied_on=D(2026, 6, 1), satisfaction=Satisfaction.UNSATISFIED)
    proposal(body1, one, submitted_on=D(2026, 3, 6), status=S.REJECTED)
    proposal(body1, one, submitted_on=D(2026, 12, 31), status=S.ASSIGNED, due_on=D(2027, 3, 1))
    proposal(body1, one, submitted_on=D(2025, 12, 31), status=S.ARCHIVED, outcome="A", due_on=D(2026, 3, 1),
             replied_on=D(2026, 1, 9), satisfaction=Satisfaction.SATISFIED, estimated=Decimal("99999"))
    proposal(body1, one, submitted_on=None, status=S.DRAFT)
    proposal(body2, two, submitted_on=D(2026, 1, 1), status=S.ARCHIVED, outcome="A", due_on=D(2026, 3, 2),
             replied_on=D(2026, 3, 2), satisfaction=Satisfaction.SATISFIED, estimated=Decimal("500"),
             verified=Decimal("400"))
    return tree


def test_totals(records):
    total = congress_stats(records.district_staff, year=2026).total
    assert (total.enterprises, total.congress_form, total.held, total.held_rate) == (2, 2, 1, 50.0)
    assert (total.collected, total.accepted, total.adopted) == (6, 5, 3)
    assert (total.replied, total.on_time, total.on_time_rate) == (4, 3, 75.0)
    assert (total.satisfied, total.basically, total.unsatisfied, total.satisfaction_rate) == (2, 1, 1, 75.0)
    assert total.benefit_estimated == Decimal("12500.50") and total.benefit_verified == Decimal("8400")


def test_breakdowns_add_up(records):
    stats = congress_stats(records.district_staff, year=2026)
    towns = {row.key.pk: row.figures for row in stats.by_town}
    town1, town2 = towns[records.town1.pk], towns[records.town2.pk]
    assert (town1.collected, town1.adopted, town1.on_time, town1.replied, town1.held) == (5, 2, 2, 3, 1)
    assert town1.on_time_rate == 66.7
    assert (town2.collected, town2.adopted, town2.held, town2.satisfaction_rate) == (1, 1, 0, 100.0)
    industries = {row.key: row.figures for row in stats.by_industry}
    assert set(industries) == {Industry.TEXTILES, Industry.LOGISTICS}
    assert industries[Industry.TEXTILES].collected == 5 and industries[Industry.LOGISTICS].collected == 1
    size = {row.key: row.figures for row in stats.by_size}
    assert size[True].collected == 5 and size[False].collected == 1
    assert size[True].benefit_estimated == Decimal("12000.50") and size[False].benefit_verified == Decimal("400")
    for breakdown in (stats.by_town, stats.by_industry, stats.by_size):
        assert sum(row.figures.collected for row in breakdown) == stats.total.collected
        assert sum(row.figures.enterprises for row in breakdown) == stats.total.enterprises


def test_other_year_and_scope(records):
    last_year = congress_stats(records.district_staff, year=2025).total
    assert (last_year.collected, last_year.adopted, last_year.held) == (1, 1, 0)
    town2 = congress_stats(records.town2_cadre, year=2026)
    assert (town2.total.enterprises, town2.total.collected) == (1, 1)
    assert [row.key.pk for row in town2.by_town] == [records.town2.pk]
    union1 = congress_stats(records.union1_chair, year=2026).total
    assert (union1.enterprises, union1.collected) == (1, 5)
    nobody = congress_stats(records.member_user, year=2026).total
    assert (nobody.enterprises, nobody.collected) == (0, 0)


def test_queries_do_not_grow_with_rows(records, django_assert_max_num_queries):
    user = records.district_staff
    user.scope_paths("congress.view")  # the role look-up, once
    with django_assert_max_num_queries(4):
        congress_stats(user, year=2026)
    for i in range(10):
        enterprise = EnterpriseFactory(town=records.town2, union=records.union2, industry=Industry.SERVICES,
                                       name=f"新企业{i}")
        body = congress_body(org=records.union2, enterprise=enterprise)
        held(body, 1, D(2026, 5, 1))
        proposal(body, delegates(body, 3)[0], submitted_on=D(2026, 5, 2), status=S.ACCEPTED)
    with django_assert_max_num_queries(4):
        stats = congress_stats(user, year=2026)
    assert (stats.total.collected, stats.total.held, stats.total.accepted) == (16, 11, 15)


def test_page_shows_the_figures_and_the_chart(client, records, django_assert_max_num_queries):
    client.force_login(records.district_staff)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("congress:stats"), {"year": 2026})
    assert response.status_code == 200
    assert response.context["total"].collected == 6
    chart = response.context["chart"]
    assert chart["yAxis"]["data"] == [records.town1.name, records.town2.name]
    assert chart["series"][0]["data"] == [1, 0] and chart["series"][2]["data"] == [5, 1]
    body = response.content.decode()
    assert 'id="congress-chart-data"' in body and "js/congress-stats.js" in body
    assert "<script>" not in body.replace('<script type="application/json"', "")  # no inline script (CSP)


def test_bad_year_is_reported(client, records):
    client.force_login(records.district_staff)
    response = client.get(reverse("congress:stats"), {"year": "20x6"})
    assert response.status_code == 200 and "year" in response.context["form"].errors


def test_workbook_has_the_same_numbers(client, records):
    client.force_login(records.district_staff)
    response = client.get(reverse("congress:stats_export"), {"year": 2026})
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    assert book.sheetnames == ["Summary", "By town", "By industry", "By enterprise size"]
    summary = {row[0]: row[1] for row in book["Summary"].iter_rows(values_only=True) if row and row[0]}
    assert summary["Year"] == 2026 and summary["Proposals collected"] == 6
    assert summary["Adopted (A or B)"] == 3 and summary["On-time rate (%)"] == 75
    assert summary["Satisfaction rate (%)"] == 75 and summary["Estimated benefit (yuan)"] == 12500.5
    towns = {row[0]: row for row in book["By town"].iter_rows(values_only=True, min_row=2)}
    assert towns[records.town1.short_name or records.town1.name][5] == 5
    assert towns["Total"][5] == 6 and towns["Total"][16] == 8400
    sizes = {row[0]: row for row in book["By enterprise size"].iter_rows(values_only=True, min_row=2)}
    assert sizes["Above designated size"][5] == 5 and sizes["Below designated size"][5] == 1
    event = AuditEvent.objects.get(action="congress.export_stats")
    assert event.after["year"] == 2026 and event.object_type == "congress.Export"


def test_workbook_needs_the_export_right(client, records):
    assert client.get(reverse("congress:stats_export")).status_code == 302
    for user in (records.member_user, records.outsider):
        client.force_login(user)
        assert client.get(reverse("congress:stats_export")).status_code == 403
    assert not AuditEvent.objects.filter(action="congress.export_stats").exists()


def test_benefit_counts_adopted_proposals_only(records):
    """A proposal replied B with an estimate, rated unsatisfied and reopened, is assigned again
    with no outcome: the estimate left on its row is no adopted proposal's benefit."""
    one = records.enterprise1.congress_bodies.get().delegates.first()
    body = one.body
    reopened = proposal(body, one, submitted_on=D(2026, 4, 1), status=S.ASSIGNED, due_on=D(2026, 9, 1),
                        estimated=Decimal("70000"), verified=Decimal("60000"))
    reopened.reopen_count = 1
    reopened.save()
    proposal(body, one, submitted_on=D(2026, 4, 2), status=S.ARCHIVED, outcome="C", due_on=D(2026, 9, 1),
             replied_on=D(2026, 5, 1), satisfaction=Satisfaction.UNSATISFIED, estimated=Decimal("5"))
    stats = congress_stats(records.district_staff, year=2026)
    assert stats.total.benefit_estimated == Decimal("12500.50") and stats.total.benefit_verified == Decimal("8400")
    assert stats.total.collected == 8
