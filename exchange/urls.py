from django.contrib import admin
from django.urls import include, path

from exchange.api.api import api

urlpatterns = [
    path("", include("exchange.core.urls")),
    path("accounts/", include("exchange.accounts.urls")),
    path("accounts/", include("allauth.urls")),
    path("", include("exchange.examples.urls")),
    path("", include("exchange.conversation.urls")),
    path("", include("exchange.events.urls")),
    path("", include("exchange.sustain.urls")),
    path("", include("exchange.workshops.urls")),
    path("", include("exchange.insights.urls")),
    path("api/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]

# No route serves MEDIA_ROOT, not even with DEBUG on: uploads are private and each is served
# by its own view after an access check (exchange.core.files).

handler403 = "exchange.core.views.permission_denied"
handler404 = "exchange.core.views.page_not_found"
handler500 = "exchange.core.views.server_error"
