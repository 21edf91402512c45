"""The database down before the view runs: the first query of a request is a middleware reading
`request.user` (the session's user), which InfrastructureFaultMiddleware never sees. handler500
(`faults.server_error`) gives the same 503 page / API body; other errors keep Django's 500.

And which OperationalErrors count as "the database could not be reached": a connection that
failed or broke, not a query the server cancelled (statement timeout), a deadlock or a
serialization failure."""

import errno
from unittest import mock

import psycopg
import pytest
from django.db import InterfaceError, OperationalError
from django.test import Client
from django.utils import translation
from django.utils.html import escape

from gonghui.core.faults import database_unreachable_message, disk_full_message, is_database_unreachable


def as_django_raises_it(driver_error):
    """Django's OperationalError raised from the driver's, as django.db.utils.DatabaseErrorWrapper
    does (`raise OperationalError(*args) from driver_error`)."""
    try:
        try:
            raise driver_error
        except psycopg.Error as exc:
            raise OperationalError(*exc.args) from exc
    except OperationalError as wrapped:
        return wrapped


CONNECTION_REFUSED = psycopg.OperationalError(
    'connection failed: connection to server at "127.0.0.1", port 5432 failed: Connection refused')
DEADLOCK = psycopg.errors.DeadlockDetected("deadlock detected")


def reading_the_user_raises(error):
    """Every middleware that reads request.user ends in django.contrib.auth.get_user, which loads
    the session and the user from the database."""
    return mock.patch("django.contrib.auth.get_user", side_effect=error)


@pytest.fixture
def visitor(settings):
    settings.REQUIRE_ADMIN_OTP = True  # its middleware reads request.user on every request
    return Client(raise_request_exception=False)


def test_a_page_whose_middleware_cannot_reach_the_database_gets_the_fault_page(db, visitor):
    with reading_the_user_raises(as_django_raises_it(CONNECTION_REFUSED)):
        response = visitor.get("/")
    assert response.status_code == 503
    with translation.override("zh-hans"):
        assert escape(database_unreachable_message()) in response.content.decode()


def test_the_api_gets_its_error_body_when_a_middleware_cannot_reach_the_database(db, visitor):
    with reading_the_user_raises(as_django_raises_it(CONNECTION_REFUSED)):
        response = visitor.get("/api/v1/orgs")
    assert response.status_code == 503
    assert response.json()["code"] == "database_unavailable"


def test_a_full_disk_before_the_view_gets_the_storage_page(db, visitor):
    with reading_the_user_raises(OSError(errno.ENOSPC, "No space left on device")):
        response = visitor.get("/")
    assert response.status_code == 507
    with translation.override("zh-hans"):
        assert escape(disk_full_message()) in response.content.decode()


@pytest.mark.parametrize("error", [as_django_raises_it(DEADLOCK), RuntimeError("a bug")], ids=["deadlock", "bug"])
def test_any_other_error_before_the_view_keeps_the_plain_500_page(db, visitor, error):
    with reading_the_user_raises(error):
        response = visitor.get("/")
    assert response.status_code == 500
    with translation.override("zh-hans"):
        assert escape(database_unreachable_message()) not in response.content.decode()


@pytest.mark.parametrize("driver_error", [
    CONNECTION_REFUSED,                                           # no SQLSTATE: the server never answered
    psycopg.errors.ConnectionFailure("server closed the connection unexpectedly"),  # 08006
    psycopg.errors.AdminShutdown("terminating connection due to administrator command"),  # 57P01
], ids=lambda error: type(error).__name__)
def test_a_lost_or_refused_connection_is_unreachable(driver_error):
    assert is_database_unreachable(as_django_raises_it(driver_error))


def test_sqlite_errors_and_a_closed_connection_are_unreachable():
    # SQLite sends no SQLSTATE; the fault tests stage the cut there with a bare OperationalError.
    assert is_database_unreachable(OperationalError("simulated: server closed the connection unexpectedly"))
    assert is_database_unreachable(InterfaceError("connection already closed"))


@pytest.mark.parametrize("driver_error", [
    DEADLOCK,                                                                         # 40P01
    psycopg.errors.QueryCanceled("canceling statement due to statement timeout"),     # 57014
    psycopg.errors.SerializationFailure("could not serialize access"),                # 40001
], ids=lambda error: error.sqlstate)
def test_a_query_the_server_refused_is_not_unreachable(driver_error):
    assert not is_database_unreachable(as_django_raises_it(driver_error))
