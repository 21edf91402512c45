"""API of the `centres` area of services."""

from ninja import Router

router = Router(tags=["services"])
