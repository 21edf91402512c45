"""Tags of the portal frame (portal/base.html): the bottom tab bar and the sign-in link.

The tab bar is four plain links, so it works without JavaScript. Which tab is lit follows the
page's view name: the portal's own pages name their tab; every other member page (appeals,
applications, courses…) is a piece of 办事 ("services")."""

from django import template
from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils.translation import pgettext_lazy

register = template.Library()

HOME, SERVICES, MESSAGES, ME = "home", "services", "messages", "me"
TABS = (
    (HOME, "portal:home", pgettext_lazy("portal tab", "Home")),
    (SERVICES, "portal:services", pgettext_lazy("portal tab", "Services")),
    (MESSAGES, "portal:messages", pgettext_lazy("portal tab", "Messages")),
    (ME, "portal:me", pgettext_lazy("portal tab", "Me")),
)
# Pages lit as another tab than 办事; anything not named here is 办事.
TAB_OF_VIEW = {
    "portal:home": HOME,
    "portal:messages": MESSAGES,
    "core:notification_list": MESSAGES,
    "portal:me": ME,
    "portal:my_membership": ME,
    "portal:my_offers": ME,
    "services:my_card": ME,
}


def active_tab(view_name: str) -> str:
    return TAB_OF_VIEW.get(view_name or "", SERVICES)


@register.inclusion_tag("portal/home/_tabbar.html", takes_context=True)
def portal_tabbar(context):
    request = context.get("request")
    match = getattr(request, "resolver_match", None)
    current = active_tab(getattr(match, "view_name", ""))
    bell = context.get("notification_bell")
    unread = bell.count if bell is not None else 0
    tabs = []
    for key, url_name, label in TABS:
        try:
            url = reverse(url_name)
        except NoReverseMatch:
            continue
        tabs.append({"key": key, "url": url, "label": label, "active": key == current,
                     "badge": bell.label if key == MESSAGES and unread else ""})
    return {"tabs": tabs}


def login_url() -> str:
    """The phone sign-in page once the auth area provides it, else the cadres' sign-in page."""
    try:
        return reverse("portal:login")
    except NoReverseMatch:
        return reverse(settings.LOGIN_URL)


@register.simple_tag
def portal_login_url():
    return login_url()
