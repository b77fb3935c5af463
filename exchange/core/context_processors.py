from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from exchange.core.permissions import Perm


def _nav_item(request: HttpRequest, label: str, url: str) -> dict[str, Any]:
    current = request.path == url or (url != "/" and request.path.startswith(url))
    return {"text": label, "href": url, "current": current}


def site(request: HttpRequest) -> dict[str, Any]:
    """Service name and navigation for the base layout."""
    user = getattr(request, "user", None)
    items = [
        _nav_item(request, _("Examples"), reverse("examples:gallery")),
        _nav_item(request, _("Campaigns"), reverse("examples:campaign_list")),
    ]
    if user is not None and user.is_authenticated:
        items.append(_nav_item(request, _("My examples"), reverse("examples:mine")))
        if user.has_perm(Perm.MODERATE_EXAMPLES):
            items.append(_nav_item(request, _("Moderation"), reverse("examples:moderation_queue")))
        items.append(_nav_item(request, _("Your profile"), reverse("accounts:profile")))
        items.append(_nav_item(request, _("Sign out"), reverse("account_logout")))
    else:
        items.append(_nav_item(request, _("Sign in"), reverse("account_login")))
        items.append(_nav_item(request, _("Create an account"), reverse("account_signup")))
    return {"service_name": _("Exchange for Change"), "service_navigation": items}
