"""Template helpers of the org pages."""

from django import template

register = template.Library()


@register.filter
def can_view(user, org):
    """{% if user|can_view:org %} — link an org only when it is inside the user's scope."""
    return org is not None and user.is_authenticated and user.can("orgs.view", org)

