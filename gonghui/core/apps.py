from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class CoreConfig(AppConfig):
    name = "gonghui.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self):
        # The audit trail's append-only trigger, also on databases built without migrations
        # (pytest --nomigrations): the migration installs it, this keeps it there. Idempotent.
        post_migrate.connect(_install_audit_guard, sender=self, dispatch_uid="core.audit_guard")

        # Core's own audit codes; the other apps register theirs the same way in their ready().
        from .audit_labels import register_action_labels, register_field_labels, register_object_labels

        register_action_labels({
            "core.seed_demo": pgettext_lazy("audit action", "Demo data generated"),
            "core.workday.set": pgettext_lazy("audit action", "Working-day override saved"),
            "core.workday.delete": pgettext_lazy("audit action", "Working-day override deleted"),
            "core.workday.load": pgettext_lazy("audit action", "Holiday arrangement of a year loaded"),
        }, group=_("System"))
        # A whole-year load has no model row; its audit rows use this object type.
        register_object_labels({"core.WorkdayYear": _("holiday arrangement of a year")})
        register_field_labels("core.WorkdayYear", {
            "holidays": _("holidays"),
            "working_days": _("make-up working days"),
        })
        # The list exports' codes (members' transfers, the audit trail, award types, …).
        from .exports import register_audit_labels

        register_audit_labels()


def _install_audit_guard(sender, using="default", **kwargs):
    from django.db import connections

    from .audit_guard import install

    connection = connections[using]
    if should_install_audit_guard(connection):
        install(connection)


AUDIT_GUARD_MIGRATION = ("core", "0004_audit_append_only")


def should_install_audit_guard(connection) -> bool:
    """Re-install after `migrate` only where the migration that owns the trigger is applied, or on a
    database built without migrations (pytest --nomigrations records none of core's): migrating
    core back past 0004 must leave it uninstalled, and with its table gone there is nothing to guard."""
    from django.db.migrations.recorder import MigrationRecorder

    if "core_auditevent" not in connection.introspection.table_names():
        return False
    applied = MigrationRecorder(connection).applied_migrations()
    core_applied = [key for key in applied if key[0] == "core"]
    return not core_applied or AUDIT_GUARD_MIGRATION in applied
