"""The project's WSGI app plus one bare view, for the gallery benchmark only (never deployed).

`/bench/bare` returns a plain "ok" through the same settings, middleware, database connection
handling and gunicorn workers as the real pages, so the gallery's throughput can be compared
with Django's own floor on the same server in the same run. Every other URL is exchange.urls.

Run: gunicorn bench.bare_app:application (from the repository root).
"""

from __future__ import annotations

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "exchange.settings")

from django.conf import settings

# This module is also the URLconf; it is read on the first request, after the app is built.
settings.ROOT_URLCONF = __name__

from django.core.wsgi import get_wsgi_application  # noqa: E402

application = get_wsgi_application()

from django.http import HttpRequest, HttpResponse  # noqa: E402
from django.urls import include, path  # noqa: E402


def bare(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain; charset=utf-8")


urlpatterns = [
    path("bench/bare", bare, name="bench_bare"),
    path("", include("exchange.urls")),
]

handler403 = "exchange.core.views.permission_denied"
handler404 = "exchange.core.views.page_not_found"
handler500 = "exchange.core.views.server_error"
