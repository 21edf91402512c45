import datetime

from django import template
from django.middleware.csrf import get_token
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from gonghui.core.text import escape_html

register = template.Library()


@register.filter
def minutes(value):
    """A timedelta (or seconds) as whole minutes, rounded up: 0.5 h → 30."""
    if isinstance(value, datetime.timedelta):
        seconds = value.total_seconds()
    else:
        try:
            seconds = float(value)
        except (TypeError, ValueError):
            return ""
    return max(1, int(-(-seconds // 60)))


# --- the action forms of a role row, drawn in Python -----------------------------------------
# /accounts/roles/ draws 50 rows of up to four forms, each with its {% url %}, {% csrf_token %}
# and {% blocktranslate %}: measured, the template tags of those forms were about half of the
# page's time. The HTML is what the templates drew with those tags.

def _action_form(url, confirm, csrf, next_url, button_class, label):
    return (f'<form method="post" action="{escape_html(url)}" class="d-inline" data-confirm="{escape_html(confirm)}">'
            f'<input type="hidden" name="csrfmiddlewaretoken" value="{csrf}">'
            f'<input type="hidden" name="next" value="{escape_html(next_url)}">'
            f'<button type="submit" class="btn btn-sm {button_class}">{escape_html(label)}</button></form>')


def _remove_role_form(a, csrf, next_url, with_org):
    names = {"role": a.get_role_display(), "username": a.user.username}
    if with_org:
        confirm = gettext("Remove the role “%(role)s” of %(username)s at %(org)s?") % {**names, "org": a.org.name}
    else:
        confirm = gettext("Remove the role “%(role)s” of %(username)s?") % names
    return _action_form(reverse("accounts:role_remove", args=[a.pk]), confirm, csrf, next_url,
                        "btn-outline-danger", gettext("Remove"))


def _account_forms(a, csrf, next_url):
    """Reset the password, and disable or enable the account (when `a.may_manage_account`)."""
    if not getattr(a, "may_manage_account", False):
        return []
    username = {"username": a.user.username}
    forms = [_action_form(
        reverse("accounts:account_reset_password", args=[a.user_id]),
        gettext("Reset the password of %(username)s? Their current password stops working at once; you will "
                "see a one-time password to hand over.") % username,
        csrf, next_url, "btn-outline-secondary", gettext("Reset password"))]
    if a.user.is_active:
        forms.append(_action_form(
            reverse("accounts:account_disable", args=[a.user_id]),
            gettext("Disable the account %(username)s? It can no longer sign in or use the API; its roles are "
                    "kept.") % username,
            csrf, next_url, "btn-outline-danger", gettext("Disable account")))
    else:
        forms.append(_action_form(
            reverse("accounts:account_enable", args=[a.user_id]),
            gettext("Enable the account %(username)s again?") % username,
            csrf, next_url, "btn-outline-success", gettext("Enable account")))
    return forms


@register.simple_tag(takes_context=True)
def role_row_actions(context, a, next_url, with_org=False):
    """The forms of role row `a`: remove the role (not one's own), then the account's actions.
    `next_url` is where each form comes back to; `with_org` names the organisation in the
    confirmation (the list of every organisation's roles)."""
    request = context["request"]
    # the context's token is masked once per request; get_token() would draw a new mask per row
    csrf = escape_html(context.get("csrf_token") or get_token(request))
    forms = [_remove_role_form(a, csrf, next_url, with_org)] if a.user_id != request.user.pk else []
    return mark_safe("".join(forms + _account_forms(a, csrf, next_url)))
