"""The grassroots-building overview (/grassroots/): each area's headline figures in the user's
subtree, each linking to the list behind it, and what is due in this module."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_GET

from gonghui.core.policies import require

from ..selectors.overview import overview as overview_of

VIEW = "grassroots.view"


@login_required
@require_GET
def overview(request):
    require(request.user, VIEW)
    figures = overview_of(request.user, refresh=request.GET.get("refresh") == "1")
    return render(request, "grassroots/overview.html", {"overview": figures, "tab": "overview"})
