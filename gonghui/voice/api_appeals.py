"""API of the `appeals` area."""

from ninja import Router

router = Router(tags=["voice-appeals"])
