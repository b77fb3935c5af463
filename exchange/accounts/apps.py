from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "exchange.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        post_migrate.connect(_ensure_roles, sender=self)


def _ensure_roles(**kwargs: object) -> None:
    # Permissions exist only after post_migrate has created them, so roles are synced here.
    from exchange.accounts.services import roles_ensure

    roles_ensure()
