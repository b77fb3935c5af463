from django.urls import path

from exchange.sustain import views

app_name = "sustain"
urlpatterns: list = [
    # Measures
    path("examples/<int:pk>/measures/add/", views.measure_create, name="measure_create"),
    path("measures/<int:pk>/", views.measure_manage, name="measure_manage"),
    path("measures/<int:pk>/edit/", views.measure_edit, name="measure_edit"),
    path("measures/<int:pk>/delete/", views.measure_delete, name="measure_delete"),
    path("measures/<int:pk>/values/add/", views.measure_values_add, name="measure_values_add"),
    path("measures/<int:pk>/upload/", views.measure_upload, name="measure_upload"),
    path(
        "measures/<int:pk>/upload/confirm/",
        views.measure_upload_confirm,
        name="measure_upload_confirm",
    ),
    path(
        "measures/<int:pk>/values/<int:value_pk>/delete/",
        views.measure_value_delete,
        name="measure_value_delete",
    ),
]
