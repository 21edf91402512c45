"""API of the `schools` area of training."""

from ninja import Router

router = Router(tags=["training"])
