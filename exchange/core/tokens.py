"""Secret tokens carried in links (calendar feeds, invitations): only their digest is stored.

The same pattern as API tokens (exchange.api.models.ApiToken) and check-in links: the raw
token travels in the URL or email and is shown once; the database keeps its SHA-256 digest,
so a copy of the database opens no one's feed or invitation.
"""

from __future__ import annotations

import hashlib
import secrets


def token_new() -> str:
    """A random, URL-safe token (256 bits)."""
    return secrets.token_urlsafe(32)


def token_digest(raw_token: str) -> str:
    return hashlib.sha256(raw_token.encode()).hexdigest()
