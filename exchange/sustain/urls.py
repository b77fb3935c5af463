from django.urls import path

from exchange.sustain import views

app_name = "sustain"
urlpatterns = [
    # Check-ins, contacts, adoptions and at-risk alerts.
    path("examples/<int:pk>/check-in/<str:token>/", views.checkin_answer, name="checkin_answer"),
    path("examples/<int:pk>/check-in-answered/", views.checkin_thanks, name="checkin_thanks"),
    path("examples/<int:pk>/check-in-contacts/", views.contact_list, name="contacts"),
    path(
        "examples/<int:pk>/check-in-contacts/<int:contact_pk>/remove/",
        views.contact_remove,
        name="contact_remove",
    ),
    path("examples/<int:pk>/adopt/", views.adoption_create, name="adopt"),
    path("examples/<int:pk>/adopters/", views.adoption_list, name="adopters"),
    path("sustain/at-risk/", views.at_risk, name="at_risk"),
]
