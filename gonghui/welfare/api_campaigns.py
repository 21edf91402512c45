"""API of the `campaigns` area of welfare."""

from ninja import Router

router = Router(tags=["welfare"])
