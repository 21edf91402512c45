"""The two enterprise lists at phone width: below 576 px `table-responsive-stack` makes every
cell a flex row (label on the left, value on the right), so a cell must hold one element. With
two (a name and a line under it) they became two columns squeezed beside the label; with several
badges the row did not wrap and pushed the page's values out of sight at 390 px."""

import datetime
from html.parser import HTMLParser

import pytest
from django.urls import reverse
from django.utils import translation

from gonghui.congress.deadlines import report_due
from gonghui.congress.models import Disclosure, DisclosureChannel, SessionStatus
from gonghui.congress.testing import congress_body, session

D = datetime.date
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


class StackedCells(HTMLParser):
    """For every <td data-label> of a stacked table: its direct children (tags, and bare text)."""

    VOID = {"br", "img", "input", "hr", "wbr"}

    def __init__(self):
        super().__init__()
        self.cells, self.depth, self.cell_depth = [], 0, None

    def handle_starttag(self, tag, attrs):
        if tag in self.VOID:
            if self.cell_depth is not None and self.depth == self.cell_depth + 1:
                self.cells[-1].append(tag)
            return
        self.depth += 1
        if tag == "td" and "data-label" in dict(attrs):
            self.cell_depth = self.depth
            self.cells.append([])
        elif self.cell_depth is not None and self.depth == self.cell_depth + 1:
            self.cells[-1].append(tag)

    def handle_endtag(self, tag):
        if tag in self.VOID:
            return
        if self.cell_depth is not None and self.depth == self.cell_depth:
            self.cell_depth = None
        self.depth -= 1

    def handle_data(self, data):
        if self.cell_depth is not None and self.depth == self.cell_depth and data.strip():
            self.cells[-1].append("text")


def stacked_cells(html):
    parser = StackedCells()
    parser.feed(html)
    return parser.cells


@pytest.fixture
def listed(tree):
    body = congress_body(org=tree.union1, enterprise=tree.enterprise1)
    held_on = D(2026, 3, 2)
    session(body, number=1, planned_on=held_on, status=SessionStatus.HELD, held_on=held_on, entitled=30,
            present=25, report_due_on=report_due(held_on))
    Disclosure.objects.create(org=tree.union1, enterprise=tree.enterprise1, year=2026, item="WAGES",
                              disclosed_on=D(2026, 3, 1), channel=DisclosureChannel.NOTICE_BOARD)
    return tree


@pytest.mark.parametrize("name", ["congress:status", "congress:disclosure_list"])
def test_every_stacked_cell_holds_one_element(client, listed, name):
    client.force_login(listed.district_staff)
    response = client.get(reverse(name), {"year": 2026})
    cells = stacked_cells(response.content.decode())
    assert cells, "the list has rows"
    assert [children for children in cells if len(children) != 1] == []


def test_missing_items_wrap(client, listed):
    client.force_login(listed.district_staff)
    body = client.get(reverse("congress:disclosure_list"), {"year": 2026}).content.decode()
    assert 'class="d-flex flex-wrap' in body and "text-bg-warning text-wrap" in body
