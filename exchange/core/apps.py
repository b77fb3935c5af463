from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "exchange.core"
    label = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        from exchange.core import checks  # noqa: F401  (registers the deployment checks)
        # Registers the system check on PRIVATE_FILE_DELIVERY.
        from exchange.core import files  # noqa: F401
