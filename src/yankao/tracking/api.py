from ninja import Router

router = Router(tags=["tracked items"])
