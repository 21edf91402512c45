"""Audit rows become append-only in PostgreSQL (trigger; see gonghui/core/audit_guard.py).
Hand-written: no model changes. On other databases it does nothing."""

from django.db import migrations


def install(apps, schema_editor):
    from gonghui.core import audit_guard

    audit_guard.install(schema_editor.connection)


def uninstall(apps, schema_editor):
    from gonghui.core import audit_guard

    audit_guard.uninstall(schema_editor.connection)


class Migration(migrations.Migration):

    dependencies = [
        ("core", "0003_notification"),
    ]

    operations = [
        migrations.RunPython(install, uninstall, elidable=False),
    ]
