"""Responses the domain apps share: never cached, and the Excel export of a filtered list."""

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _

from .excel import xlsx_response
from .pagination import parse_after
from .policies import get_visible_or_404, require


def no_store(response):
    """Pages and files with personal data, or one-time content, stay out of every cache."""
    add_never_cache_headers(response)
    return response


def export_list(request, *, action, view_action, form, list_url, export, filename, scoped=()):
    """The Excel export of a list page's filters, the same way in every module.

    `form` is the list's bound filter form; `scoped` the (GET parameter, model) pairs whose
    record must be visible (`view_action`): one outside the user's reach answers 404 like a
    missing one, where the form alone would only call it an invalid choice. Unreadable filters
    send the user back to the list with a message. `export(actor=, filters=)` is the module's
    export service, returning (file, rows); `filename()` names the download."""
    user = request.user
    require(user, action)
    for name, model in scoped:
        if request.GET.get(name):
            get_visible_or_404(model.objects.all(), user, parse_after(request.GET.get(name)), view_action)
    if not form.is_valid():
        messages.error(request, _("The filters could not be read; check them and export again."))
        return redirect(f"{reverse(list_url)}?{request.GET.urlencode()}")
    handle, _rows = export(actor=user, filters=form.filters())
    return xlsx_response(handle, filename())
