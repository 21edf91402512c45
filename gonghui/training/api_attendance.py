"""API of the `attendance` area of training."""

from ninja import Router

router = Router(tags=["training"])
