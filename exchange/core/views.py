from django.conf import settings
from django.db import connection
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponsePermanentRedirect,
    HttpResponseRedirect,
    JsonResponse,
)
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET

from exchange.core.caching import cache_page_for_anonymous
from exchange.examples import selectors as example_selectors

# The home page lists open campaigns, which open and close with the clock.
HOME_CACHE_SECONDS = 60
FAVICON = "build/govuk/assets/images/favicon.ico"


@require_GET
@cache_page_for_anonymous(timeout=HOME_CACHE_SECONDS)
def home(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "core/home.html",
        {
            "featured": example_selectors.example_featured_list(limit=6),
            "recent": example_selectors.example_recent_list(limit=6),
            "open_campaigns": example_selectors.campaign_open_list(),
        },
    )


@require_GET
def language_switch(request: HttpRequest, code: str) -> HttpResponseRedirect:
    """Remember the reader's language in Django's language cookie and go back to the page.

    A link rather than Django's POST `set_language`, so that cached pages hold no CSRF token.
    """
    if code not in dict(settings.LANGUAGES):
        raise Http404
    next_url = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = reverse("core:home")
    response = HttpResponseRedirect(next_url)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        code,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
    return response


@require_GET
def accessibility_statement(request: HttpRequest) -> HttpResponse:
    return render(request, "core/accessibility.html")


@require_GET
def privacy_notice(request: HttpRequest) -> HttpResponse:
    return render(request, "core/privacy.html")


@require_GET
def comments_policy(request: HttpRequest) -> HttpResponse:
    return render(request, "core/comments_policy.html")


@require_GET
def health(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


def favicon(request: HttpRequest) -> HttpResponsePermanentRedirect:
    """Browsers ask for /favicon.ico whatever the page's <link rel="icon"> says."""
    return HttpResponsePermanentRedirect(static(FAVICON))


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "core/403.html", status=403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "core/404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    return render(request, "core/500.html", status=500)
