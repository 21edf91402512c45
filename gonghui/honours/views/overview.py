"""The overview of this module (/honours/): each area's headline figures in the user's subtree,
each linking to the list behind it, and what is due in this module (core.overview; kept for a few minutes per user)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_GET

from gonghui.core.overview import overview as overview_of
from gonghui.core.policies import require

from ..selectors import awards, leaders, modelworkers, rewards

VIEW = "honours.view"
AREAS = (awards, modelworkers, leaders, rewards)


@login_required
@require_GET
def overview(request):
    require(request.user, VIEW)
    figures = overview_of(request.user, AREAS, refresh=request.GET.get("refresh") == "1")
    return render(request, "honours/overview.html",
                  {"overview": figures, "cards": figures.cards, "due": figures.due, "tab": "overview"})
