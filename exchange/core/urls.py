from django.urls import path

from . import views

app_name = "core"
urlpatterns = [
    path("", views.home, name="home"),
    path("accessibility/", views.accessibility_statement, name="accessibility"),
    path("privacy/", views.privacy_notice, name="privacy"),
    path("comments-policy/", views.comments_policy, name="comments_policy"),
    path("language/<str:code>/", views.language_switch, name="language"),
    path("healthz", views.health, name="health"),
    path("favicon.ico", views.favicon, name="favicon"),
]
