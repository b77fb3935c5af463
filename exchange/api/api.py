from ninja import NinjaAPI

from exchange.api.routers import accounts, conversation, events, examples, sustain

api = NinjaAPI(
    title="Exchange for Change API",
    version="1.0.0",
    description=(
        "Read campaigns and published examples. Endpoints that act for a person need a personal "
        "API token sent as `Authorization: Bearer efc_...`. Email addresses are never included."
    ),
    urls_namespace="api",
)
api.add_router("/", examples.router)
api.add_router("/", accounts.router)
api.add_router("/", conversation.router)
api.add_router("/", events.router)
api.add_router("/", sustain.router)
