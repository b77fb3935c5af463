"""Deployment checks of our own, run by `manage.py check --deploy` beside Django's.

Emails, calendar files and check-in links are built from SITE_URL, not from the request: a
deployment that forgot it sends people to http://127.0.0.1:8000.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from urllib.parse import urlsplit

from django.apps import AppConfig
from django.conf import settings
from django.core import checks
from django.http.request import split_domain_port, validate_host


@checks.register(checks.Tags.security, deploy=True)
def check_site_url(
    app_configs: Sequence[AppConfig] | None, **kwargs: Any
) -> list[checks.CheckMessage]:
    url = urlsplit(settings.SITE_URL)
    host, _port = split_domain_port(url.netloc)
    problems: list[checks.CheckMessage] = []
    if settings.EXCHANGE_HTTPS and url.scheme != "https":
        problems.append(
            checks.Warning(
                f"SITE_URL ({settings.SITE_URL}) is not an https:// address, so emails link to "
                "http.",
                hint="Set SITE_URL to the site's public https:// address.",
                id="core.W001",
            )
        )
    if not host or not validate_host(host, settings.ALLOWED_HOSTS):
        problems.append(
            checks.Warning(
                f"SITE_URL's host ({host or 'none'}) is not in ALLOWED_HOSTS: links in emails "
                "would lead to an address this site refuses.",
                hint="Set SITE_URL to the public address, and list its host in ALLOWED_HOSTS.",
                id="core.W002",
            )
        )
    return problems
