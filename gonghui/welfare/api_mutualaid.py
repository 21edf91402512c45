"""API of the `mutualaid` area of welfare."""

from ninja import Router

router = Router(tags=["welfare"])
