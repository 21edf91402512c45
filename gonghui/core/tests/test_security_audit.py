"""The audit trail cannot be edited or deleted: not through a page, not through the API, not in
the admin, and on PostgreSQL not even with SQL (trigger of core.audit_guard)."""

import pytest
from django.contrib import admin
from django.db import DatabaseError, connection, transaction
from django.test import Client, RequestFactory

from gonghui.core import audit
from gonghui.core.audit_guard import audit_guard_lifted
from gonghui.core.models import AuditEvent
from gonghui.core.testing.crawl import all_routes, fill_route

pytestmark = pytest.mark.django_db
postgresql_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger exists on PostgreSQL only")


@pytest.fixture
def event(tree):
    return audit.record(actor=tree.town1_cadre, action="orgs.org.update", obj=tree.union1, org=tree.union1,
                        before={"name": "旧"}, after={"name": "新"})


def _audit_page_routes():
    """Every page route that shows the trail (its URL or its view's name says "audit"), admin's included."""
    return [r for r in all_routes() if not r.route.startswith("api/")
            and ("audit" in r.route or "audit" in (r.name or "") or "auditevent" in r.route)]


def test_the_trail_has_page_routes_and_no_api_operation():
    """If someone adds an audit route, the tests below cover it; the API documents none."""
    assert {"core:audit_list", "core:audit_detail", "core:audit_export"} <= {r.name for r in _audit_page_routes()}
    schema = Client().get("/api/v1/openapi.json").json()
    assert not [p for p in schema["paths"] if "audit" in p.lower()]


def test_no_audit_page_accepts_a_write(event, tree):
    """Signed in as the superuser with a valid CSRF token (so CSRF is not what refuses), every
    method that could write answers 405 or 403 on every audit route, and no row changes."""
    from gonghui.accounts.models import User

    superuser = User.objects.create_superuser("audit-root", password="x")
    browser = Client()
    browser.force_login(superuser)
    before = list(AuditEvent.objects.values_list("id", "action", "after"))
    for route in _audit_page_routes():
        path = fill_route(route.route, {"pk": event.pk, "object_id": event.pk})
        for method in ("post", "put", "patch", "delete"):
            response = getattr(browser, method)(path, {"action": "delete_selected", "_selected_action": [event.pk]}
                                                if method == "post" else "")
            # The admin's read-only views (changelist, change form without save, history) take any
            # method and only show the page again (200); the rows compared below prove nothing changed.
            refused = (200, 302, 403, 404, 405) if path.startswith("/admin/") else (403, 404, 405)
            assert response.status_code in refused, (method, path, response.status_code)
    assert list(AuditEvent.objects.values_list("id", "action", "after")) == before


def test_admin_offers_no_add_change_or_delete(event):
    from gonghui.accounts.models import User

    superuser = User.objects.create_superuser("audit-admin", password="x")
    request = RequestFactory().get("/admin/core/auditevent/")
    request.user = superuser
    model_admin = admin.site._registry[AuditEvent]
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request, event)
    assert not model_admin.has_delete_permission(request, event)
    assert model_admin.get_actions(request) == {}  # no "delete selected" either
    browser = Client()
    browser.force_login(superuser)
    assert browser.get("/admin/core/auditevent/add/").status_code == 403
    assert browser.get(f"/admin/core/auditevent/{event.pk}/delete/").status_code == 403
    page = browser.get(f"/admin/core/auditevent/{event.pk}/change/")  # the read-only view
    assert page.status_code == 200 and b'name="_save"' not in page.content


@postgresql_only
def test_database_refuses_update_and_delete(event):
    for statement in ("UPDATE core_auditevent SET action = 'forged' WHERE id = %s",
                      "UPDATE core_auditevent SET actor_name = 'someone' WHERE id = %s",
                      "DELETE FROM core_auditevent WHERE id = %s"):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cur:
            cur.execute(statement, [event.pk])
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(after={"name": "篡改"})
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).delete()
    assert AuditEvent.objects.get(pk=event.pk).after == {"name": "新"}


@postgresql_only
def test_deleting_the_actor_or_org_only_clears_the_reference(event, tree):
    """on_delete=SET_NULL is an UPDATE of the audit row; the trigger lets exactly that through."""
    from gonghui.accounts.models import RoleAssignment

    RoleAssignment.objects.filter(user=tree.town1_cadre).delete()
    tree.town1_cadre.delete()
    kept = AuditEvent.objects.get(pk=event.pk)
    assert kept.actor_id is None and kept.actor_name == "town1" and kept.org_id == tree.union1.pk
    with pytest.raises(DatabaseError), transaction.atomic():  # clearing plus another change: refused
        AuditEvent.objects.filter(pk=event.pk).update(org=None, action="forged")


@postgresql_only
def test_a_deliberate_purge_may_delete(event):
    with audit_guard_lifted():
        AuditEvent.objects.filter(pk=event.pk).delete()
    assert not AuditEvent.objects.filter(pk=event.pk).exists()
    other = audit.record(actor=None, action="core.seed_demo", obj=event, after={})
    with pytest.raises(DatabaseError), transaction.atomic():  # the flag ended with the block
        AuditEvent.objects.filter(pk=other.pk).delete()


@postgresql_only
def test_trigger_installation_is_idempotent():
    from gonghui.core.audit_guard import install

    assert install() and install()
    with connection.cursor() as cur:
        cur.execute("SELECT count(*) FROM pg_trigger WHERE tgname = 'core_auditevent_append_only'")
        assert cur.fetchone()[0] == 1


def test_migrate_reinstalls_the_trigger_only_where_its_migration_is_applied(monkeypatch):
    """post_migrate puts the trigger back after every migrate, except after migrating core back past
    0004 (which uninstalled it on purpose). A --nomigrations test database records none of core."""
    from django.db.migrations.recorder import MigrationRecorder

    from gonghui.core.apps import AUDIT_GUARD_MIGRATION, should_install_audit_guard

    def recorded(*names):
        applied = {("auth", "0001_initial"): None, **{("core", name): None for name in names}}
        monkeypatch.setattr(MigrationRecorder, "applied_migrations", lambda self: applied)

    recorded()
    assert should_install_audit_guard(connection)  # built from the models: nothing of core recorded
    recorded("0001_initial", "0002_workday_override", "0003_notification")
    assert not should_install_audit_guard(connection)  # migrated back to 0003
    recorded("0001_initial", "0002_workday_override", "0003_notification", AUDIT_GUARD_MIGRATION[1])
    assert should_install_audit_guard(connection)
