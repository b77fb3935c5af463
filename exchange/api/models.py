import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from exchange.core.tokens import token_digest


class ApiToken(models.Model):
    """A personal token for the write endpoints; only its SHA-256 digest is stored."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("name"), max_length=100)
    digest = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.name

    @staticmethod
    def digest_of(raw_token: str) -> str:
        return token_digest(raw_token)

    @staticmethod
    def new_raw_token() -> str:
        return f"efc_{secrets.token_urlsafe(32)}"
