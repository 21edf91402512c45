"""API of the `hardship` area of welfare."""

from ninja import Router

router = Router(tags=["welfare"])
