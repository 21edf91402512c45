"""API of the `surveys` area."""

from ninja import Router

router = Router(tags=["voice-surveys"])
