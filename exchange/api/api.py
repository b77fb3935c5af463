from ninja import NinjaAPI

api = NinjaAPI(
    title="Exchange for Change API",
    version="1.0.0",
    description="Read campaigns and published examples. Write endpoints use personal API tokens.",
    urls_namespace="api",
)
