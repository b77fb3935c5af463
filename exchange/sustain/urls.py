from django.urls import path

from exchange.sustain import views

app_name = "sustain"
urlpatterns = [
    # Check-ins, contacts, adoptions and at-risk alerts.
    path("examples/<int:pk>/check-in/<str:token>/", views.checkin_answer, name="checkin_answer"),
    path("examples/<int:pk>/check-in-answered/", views.checkin_thanks, name="checkin_thanks"),
    path("examples/<int:pk>/check-in-now/", views.checkin_send_now, name="checkin_send_now"),
    path("examples/<int:pk>/check-in-contacts/", views.contact_list, name="contacts"),
    path(
        "examples/<int:pk>/check-in-contacts/<int:contact_pk>/remove/",
        views.contact_remove,
        name="contact_remove",
    ),
    path("examples/<int:pk>/adopt/", views.adoption_create, name="adopt"),
    path("examples/<int:pk>/adopters/", views.adoption_list, name="adopters"),
    path("sustain/at-risk/", views.at_risk, name="at_risk"),
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
