"""API of the `courses` area of training."""

from ninja import Router

router = Router(tags=["training"])
