from django import template
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def get_item(mapping, key):
    """{{ dict|get_item:key }} — dictionary lookup with a variable key."""
    if not isinstance(mapping, dict):
        return None
    return mapping.get(key)


@register.filter
def actor_label(actor_name):
    """An audit row's actor as shown: a concealed actor (`audit.record(conceal_actor=True)`, the
    worker of an anonymous appeal) reads "anonymous worker"; a login reads as itself."""
    return _("Anonymous worker") if actor_name == "anonymous" else actor_name
