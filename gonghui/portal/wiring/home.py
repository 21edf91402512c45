"""Registrations of the `home` area: the portal's own member pages.

They join the registry of member pages (`core.member_pages`), so the member's welcome page on
the cadres' site links to the portal, and the portal's home and 办事 list them beside the pages of
the other modules. The area writes nothing that is audited (reading and marking one's own
messages read is not a workflow action), so it registers no audit labels."""


def ready():
    from django.utils.translation import gettext_lazy as _

    from gonghui.core.member_pages import register_member_page

    register_member_page("portal:home", _("Member services"),
                         _("The member portal on the phone: everything below in one place"), order=1)
    register_member_page("portal:my_membership", _("My membership"),
                         _("My union, since when, transfers, the e-card"), order=10)
    register_member_page("portal:my_offers", _("My benefits and offers"),
                         _("Merchant offers, campaigns open to me, mutual aid"), order=45)
