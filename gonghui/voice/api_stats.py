"""API of the `stats` area."""

from ninja import Router

router = Router(tags=["voice-stats"])
