from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "exchange.core"
    label = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        # Registers the deployment checks and the check on PRIVATE_FILE_DELIVERY.
        from exchange.core import checks, files  # noqa: F401
