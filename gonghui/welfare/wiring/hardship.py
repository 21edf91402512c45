ACTION_CODES = ("welfare.help_record",)


def ready():
    """Registrations of this area: audit labels, due-soon sources, tasks."""
    from django.utils.translation import gettext_lazy as _
    from django.utils.translation import pgettext_lazy

    from gonghui.core.audit_labels import register_action_labels

    register_action_labels({
        "welfare.help_record": pgettext_lazy("audit action", "Help recorded"),
    }, group=_("Welfare and assistance"))
