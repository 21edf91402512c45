"""API of the `events` area of services."""

from ninja import Router

router = Router(tags=["services"])
