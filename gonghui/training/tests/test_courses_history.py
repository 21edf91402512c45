"""A course's history reads as the course page does: a session's times in local time, its teacher
by name, target trades as words — not ISO strings, ids or JSON."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from gonghui.training.models.courses import CourseStatus
from gonghui.training.services import courses as services
from gonghui.training.testing.courses import at, course, teacher

pytestmark = pytest.mark.django_db


def test_session_and_course_values_in_the_history_read_as_on_the_page(tree):
    c = course(tree, CourseStatus.DRAFT, target_trades=["数控车工", "钳工"])
    day = timezone.localdate() + datetime.timedelta(days=20)
    services.add_session(actor=tree.union1_chair, course=c, starts_at=at(day, 18), ends_at=at(day, 20),
                         teacher=teacher(tree, name="钱师傅"))
    client = Client()
    client.force_login(tree.union1_chair)
    page = client.get(reverse("training:course_detail", args=[c.pk])).content.decode()
    history = page[page.index('id="history"') if 'id="history"' in page else page.rindex("<table"):]
    assert "钱师傅" in history and ">teacher_id<" not in history  # the key stays only a tooltip
    assert f"{day:%Y-%m-%d}T18:00" not in history  # not the stored ISO string…
    assert "18:00" in history                           # …but the local time
    assert "数控车工、钳工" in history and '["数控车工"' not in history
