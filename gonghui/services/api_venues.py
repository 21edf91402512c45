"""API of the `venues` area of services."""

from ninja import Router

router = Router(tags=["services"])
