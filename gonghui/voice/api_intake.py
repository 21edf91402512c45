"""API of the `intake` area."""

from ninja import Router

router = Router(tags=["voice-intake"])
