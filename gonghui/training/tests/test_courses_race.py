"""Concurrency on PostgreSQL: courses created at once get distinct, gap-free numbers; two plans
putting one teacher in overlapping sessions at once: exactly one wins."""

import datetime
import threading

import pytest
from django.db import connection, connections
from django.utils import timezone

from gonghui.core.errors import DomainError
from gonghui.training.models.courses import Course, CourseSession
from gonghui.training.services import courses as services
from gonghui.training.testing.courses import at, course, school, teacher

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("race tests need PostgreSQL")


def _run(n, fn):
    barrier = threading.Barrier(n)
    errors = []

    def worker(i):
        try:
            barrier.wait()
            fn(i)
        except DomainError as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return errors


def test_concurrent_creations_get_distinct_numbers(tree):
    s = school(tree)
    year = timezone.localdate().year
    errors = _run(8, lambda i: services.create_course(
        actor=tree.union1_chair, org=tree.union1, title=f"班{i}", programme="SKILLS", mode="INDEPENDENT",
        year=year, capacity=10, school=s))
    assert not errors
    codes = sorted(Course.objects.values_list("code", flat=True))
    assert codes == [f"PX{year}-{i:04d}" for i in range(1, 9)]


def test_one_teacher_two_overlapping_sessions_at_once(tree):
    t = teacher(tree)
    a, b = course(tree, sessions=[]), course(tree, sessions=[])
    day = timezone.localdate() + datetime.timedelta(days=2)
    if day.year != a.year:
        pytest.skip("year end")
    errors = _run(2, lambda i: services.add_session(actor=tree.union1_chair, course=(a, b)[i],
                                                    starts_at=at(day, 9), ends_at=at(day, 11), teacher=t))
    assert len(errors) == 1 and errors[0].code == "teacher_busy"
    assert CourseSession.objects.filter(teacher=t).count() == 1
