"""The audit trail is append-only in the database itself (PostgreSQL): a trigger refuses UPDATE
and DELETE of `core_auditevent` rows, whichever code path of the application tries it (a page,
the API, the admin, the ORM or raw SQL). It is not a defence against the database owner, who can
drop the trigger or set the flag below (SECURITY.md, known limits).

Two exceptions, both needed by the rest of the schema:
- deleting a user or an organisation sets the row's `actor_id` / `org_id` to NULL
  (`on_delete=SET_NULL`, done by Django as an UPDATE): an UPDATE that changes nothing but
  clearing those two columns is allowed; the names kept in `actor_name` / `object_repr` remain;
- deliberate maintenance runs inside `audit_guard_lifted()`, which sets a transaction-local flag
  the trigger reads: emptying a test database (wipe_demo_data), a test backdating a row, a future
  retention purge. No page or API operation uses it (test_security_audit checks they cannot write).
TRUNCATE is not a row operation and stays possible for the database owner (test flushes).

Installed by migration core.0004 and again after every `migrate` where 0004 is applied or no
core migration is recorded (post_migrate, see CoreConfig.ready), so a test database built with
--nomigrations has it too. Idempotent.
"""

from contextlib import contextmanager

from django.db import connection, transaction

LIFT_FLAG = "gonghui.audit_guard_lifted"

INSTALL_SQL = f"""
CREATE OR REPLACE FUNCTION core_auditevent_append_only() RETURNS trigger AS $$
BEGIN
    IF coalesce(current_setting('{LIFT_FLAG}', true), '') = 'on' THEN
        IF TG_OP = 'DELETE' THEN
            RETURN OLD;
        END IF;
        RETURN NEW;
    END IF;
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'audit events are append-only: DELETE refused (id %)', OLD.id
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    -- UPDATE: only clearing the actor or the org (their user/org row is being deleted).
    IF (to_jsonb(NEW) - 'actor_id' - 'org_id') = (to_jsonb(OLD) - 'actor_id' - 'org_id')
       AND (NEW.actor_id IS NULL OR NEW.actor_id = OLD.actor_id)
       AND (NEW.org_id IS NULL OR NEW.org_id = OLD.org_id) THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'audit events are append-only: UPDATE refused (id %)', OLD.id
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS core_auditevent_append_only ON core_auditevent;
CREATE TRIGGER core_auditevent_append_only BEFORE UPDATE OR DELETE ON core_auditevent
    FOR EACH ROW EXECUTE FUNCTION core_auditevent_append_only();
"""

UNINSTALL_SQL = """
DROP TRIGGER IF EXISTS core_auditevent_append_only ON core_auditevent;
DROP FUNCTION IF EXISTS core_auditevent_append_only();
"""


def install(conn=None):
    """Create or replace the trigger (PostgreSQL only; other databases have no such guard)."""
    conn = conn or connection
    if conn.vendor != "postgresql":
        return False
    with conn.cursor() as cursor:
        cursor.execute(INSTALL_SQL)
    return True


def uninstall(conn=None):
    conn = conn or connection
    if conn.vendor == "postgresql":
        with conn.cursor() as cursor:
            cursor.execute(UNINSTALL_SQL)


@contextmanager
def audit_guard_lifted(using="default"):
    """Let UPDATE and DELETE of audit rows through inside this block (a transaction-local flag,
    cleared again at the end of the block)."""
    from django.db import connections

    conn = connections[using]
    with transaction.atomic(using=using):
        if conn.vendor == "postgresql":
            with conn.cursor() as cursor:
                cursor.execute("SELECT set_config(%s, 'on', true)", [LIFT_FLAG])
        yield
        if conn.vendor == "postgresql":
            with conn.cursor() as cursor:
                cursor.execute("SELECT set_config(%s, '', true)", [LIFT_FLAG])
