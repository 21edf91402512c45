"""API of the `facilities` area of services."""

from ninja import Router

router = Router(tags=["services"])
