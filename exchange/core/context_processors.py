from functools import lru_cache
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.translation import gettext as _

from exchange.core.permissions import Perm

# URL names the navigation and the footer link to. Their URLs never change while a process
# runs (they depend only on the URLconf and the script prefix), so they are reversed once per
# URLconf and prefix instead of on every page: about 9 reverse() calls a page, measured as
# ~5% of an uncached example page.
_URL_NAMES = (
    "core:home",
    "core:accessibility",
    "core:privacy",
    "core:comments_policy",
    "examples:gallery",
    "examples:campaign_list",
    "examples:mine",
    "examples:moderation_queue",
    "events:list",
    "events:mine",
    "sustain:at_risk",
    "insights:report_list",
    "insights:manage_list",
    "workshops:series_list",
    "accounts:profile",
    "account_logout",
    "account_login",
    "account_signup",
)


@lru_cache(maxsize=8)
def _site_urls(urlconf: Any, script_prefix: str) -> dict[str, str]:
    return {name: reverse(name, urlconf=urlconf) for name in _URL_NAMES}


def site_urls() -> dict[str, str]:
    """The URLs of `_URL_NAMES` for the current URLconf and script prefix."""
    return _site_urls(get_urlconf() or settings.ROOT_URLCONF, get_script_prefix())


def _nav_item(request: HttpRequest, label: str, url: str) -> dict[str, Any]:
    current = request.path == url or (url != "/" and request.path.startswith(url))
    return {"text": label, "href": url, "current": current}


def site(request: HttpRequest) -> dict[str, Any]:
    """Service name, navigation and the footer's links for the base layout."""
    user = getattr(request, "user", None)
    urls = site_urls()
    items = [
        _nav_item(request, _("Examples"), urls["examples:gallery"]),
        _nav_item(request, _("Campaigns"), urls["examples:campaign_list"]),
        _nav_item(request, _("Events"), urls["events:list"]),
        _nav_item(request, _("Reports"), urls["insights:report_list"]),
    ]
    if user is not None and user.is_authenticated:
        items.append(_nav_item(request, _("My examples"), urls["examples:mine"]))
        items.append(_nav_item(request, _("My bookings"), urls["events:mine"]))
        if user.has_perm(Perm.MODERATE_EXAMPLES):
            items.append(_nav_item(request, _("Moderation"), urls["examples:moderation_queue"]))
        if user.has_perm(Perm.VIEW_AT_RISK):
            items.append(_nav_item(request, _("At risk"), urls["sustain:at_risk"]))
        if user.has_perm(Perm.RUN_SYNTHESIS):
            items.append(_nav_item(request, _("Syntheses"), urls["insights:manage_list"]))
        if user.has_perm(Perm.MANAGE_WORKSHOPS):
            items.append(_nav_item(request, _("Workshops"), urls["workshops:series_list"]))
        items.append(_nav_item(request, _("Your profile"), urls["accounts:profile"]))
        items.append(_nav_item(request, _("Sign out"), urls["account_logout"]))
    else:
        items.append(_nav_item(request, _("Sign in"), urls["account_login"]))
        items.append(_nav_item(request, _("Create an account"), urls["account_signup"]))
    return {
        "service_name": _("Exchange for Change"),
        "service_navigation": items,
        "site_urls": {
            "home": urls["core:home"],
            "accessibility": urls["core:accessibility"],
            "privacy": urls["core:privacy"],
            "comments_policy": urls["core:comments_policy"],
            "gallery": urls["examples:gallery"],
        },
    }
