"""The overview of this module (/voice/): each area's headline figures in the user's subtree,
each linking to the list behind it, and what is due in this module (core.overview)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_GET

from gonghui.core.overview import cards_and_due
from gonghui.core.policies import require

from ..selectors import appeals, intake, stats, surveys

VIEW = "voice.view"
AREAS = (appeals, intake, surveys, stats,)


@login_required
@require_GET
def overview(request):
    require(request.user, VIEW)
    cards, due = cards_and_due(request.user, AREAS)
    return render(request, "voice/overview.html", {"cards": cards, "due": due, "tab": "overview"})
