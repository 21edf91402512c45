from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class OrgsConfig(AppConfig):
    name = "gonghui.orgs"
    label = "orgs"
    verbose_name = _("Organisations")

    def ready(self):
        # Words for this app's audit codes (gonghui/core/audit_labels.py): core cannot import us.
        from gonghui.core.audit_labels import register_action_labels, register_field_labels, register_name_fields

        register_action_labels({
            "orgs.org.create": pgettext_lazy("audit action", "Organisation created"),
            "orgs.org.update": pgettext_lazy("audit action", "Organisation changed"),
            "orgs.org.move": pgettext_lazy("audit action", "Organisation moved"),
            "orgs.enterprise.create": pgettext_lazy("audit action", "Enterprise created"),
            "orgs.enterprise.update": pgettext_lazy("audit action", "Enterprise changed"),
            "orgs.enterprise.rehome": pgettext_lazy("audit action", "Enterprise moved to another town"),
        }, group=_("Organisations"))
        # The snapshot of a move names the parent by id, name and tree path (not model fields).
        register_field_labels("orgs.Org", {
            "parent": _("parent organisation"),
            "parent_name": _("parent organisation name"),
            "path": _("tree path"),
        })
        # Org and enterprise ids in snapshots are shown by name: one cheap query per page.
        register_name_fields({"orgs.Org": "name", "orgs.Enterprise": "name"})
