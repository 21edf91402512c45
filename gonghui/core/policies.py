"""Policy helpers shared by every app.

- `get_visible_or_404`: the one way a view or API endpoint fetches a record by id. Hidden and
  missing give the same 404 (Zulip's access_*_by_id), so ids cannot be probed.
- `require`: the actor must hold `action` on one of the record's orgs, else PermissionDenied.
  Views fetch with `get_visible_or_404` first, so a 403 only ever follows a visible record.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _


def get_visible_or_404(queryset, user, pk, action=None):
    try:
        return queryset.visible_to(user, action).get(pk=pk)
    except (queryset.model.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404(_("Not found.")) from exc


def require(user, action, *orgs):
    """Raise PermissionDenied unless `user` may do `action` in the subtree of one of `orgs`.

    With no orgs at all, the question is "may they do it anywhere" (e.g. to show a create page).
    With orgs given, every one None means the record has no place in the tree: refused (fail
    closed), never read as "anywhere".
    """
    if user is None or not user.is_authenticated:
        raise PermissionDenied(_("Please sign in."))
    placed = [o for o in orgs if o is not None]
    if orgs and not placed:
        raise PermissionDenied(_("You are not allowed to do this here."))
    allowed = any(user.can(action, org) for org in placed) if placed else user.can(action)
    if not allowed:
        raise PermissionDenied(_("You are not allowed to do this here."))
