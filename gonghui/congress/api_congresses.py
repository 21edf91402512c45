from ninja import Router

router = Router(tags=["congresses"])
