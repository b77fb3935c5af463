from django.urls import path

from . import views

app_name = "workshops"
urlpatterns = [
    path("join/", views.join, name="join"),
    path("join/<str:code>/", views.join_workshop, name="join_workshop"),
    path("join/<str:code>/wall/", views.wall, name="wall"),
    path("join/<str:code>/wall/items/", views.wall_fragment, name="wall_fragment"),
    path("join/<str:code>/qr.svg", views.join_qr, name="join_qr"),
    path("workshops/", views.series_list, name="series_list"),
    path("workshops/new/", views.series_create, name="series_create"),
    path("workshops/reflections/<int:pk>/hide/", views.reflection_hide, name="reflection_hide"),
    path("workshops/imports/<str:token>/", views.import_status, name="import_status"),
    path("workshops/imports/<str:token>/columns/", views.import_columns, name="import_columns"),
    path("workshops/imports/<str:token>/preview/", views.import_preview, name="import_preview"),
    path("workshops/<slug:slug>/", views.series_detail, name="series_detail"),
    path("workshops/<slug:slug>/edit/", views.series_edit, name="series_edit"),
    path("workshops/<slug:slug>/team/", views.series_team, name="series_team"),
    path(
        "workshops/<slug:slug>/team/<int:user_pk>/remove/",
        views.series_team_remove,
        name="series_team_remove",
    ),
    path("workshops/<slug:slug>/new/", views.workshop_create, name="workshop_create"),
    path("workshops/<slug:slug>/resources/new/", views.resource_create, name="resource_create"),
    path(
        "workshops/<slug:slug>/resources/<int:resource_pk>/",
        views.resource_download,
        name="resource_download",
    ),
    path(
        "workshops/<slug:slug>/resources/<int:resource_pk>/delete/",
        views.resource_delete,
        name="resource_delete",
    ),
    path("workshops/<slug:slug>/<int:pk>/", views.workshop_manage, name="workshop_manage"),
    path("workshops/<slug:slug>/<int:pk>/edit/", views.workshop_edit, name="workshop_edit"),
    path(
        "workshops/<slug:slug>/<int:pk>/questions/new/", views.prompt_create, name="prompt_create"
    ),
    path(
        "workshops/<slug:slug>/<int:pk>/questions/<int:prompt_pk>/edit/",
        views.prompt_edit,
        name="prompt_edit",
    ),
    path(
        "workshops/<slug:slug>/<int:pk>/questions/<int:prompt_pk>/open/",
        views.prompt_open,
        name="prompt_open",
    ),
    path("workshops/<slug:slug>/<int:pk>/import/", views.import_upload, name="import_upload"),
]
