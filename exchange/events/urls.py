from django.urls import path

from . import views

app_name = "events"
urlpatterns = [
    path("events/", views.event_list, name="list"),
    path("events/my-bookings/", views.my_bookings, name="mine"),
    path("events/new/", views.event_create, name="event_create"),
    path(
        "events/my-bookings/calendar-feed/", views.calendar_feed_manage, name="calendar_feed_manage"
    ),
    path("events/calendar/<str:token>.ics", views.calendar_feed, name="calendar_feed"),
    path("events/transfers/<str:token>/", views.booking_transfer_claim, name="transfer_claim"),
    path("events/sessions/<int:pk>/book/", views.booking_create, name="book"),
    path("events/sessions/<int:pk>/suggest/", views.improvement_create, name="improve"),
    path("events/sessions/<int:pk>/edit/", views.session_edit, name="session_edit"),
    path("events/sessions/<int:pk>/manage/", views.session_manage, name="session_manage"),
    path(
        "events/sessions/<int:pk>/attendees.<str:fmt>",
        views.session_export,
        name="session_export",
    ),
    path("events/sessions/<int:pk>/message/", views.session_message, name="session_message"),
    path("events/bookings/<int:pk>/switch/", views.booking_switch, name="switch"),
    path("events/bookings/<int:pk>/cancel/", views.booking_cancel, name="cancel"),
    path("events/bookings/<int:pk>/accept/", views.offer_accept, name="accept"),
    path("events/bookings/<int:pk>/transfer/", views.booking_transfer, name="transfer"),
    path("events/bookings/<int:pk>/booking.ics", views.booking_ics, name="booking_ics"),
    path("events/bookings/<int:pk>/check-in/", views.booking_check_in, name="check_in"),
    path("events/<slug:slug>/", views.event_detail, name="detail"),
    path("events/<slug:slug>/book/", views.event_book, name="book_event"),
    path("events/<slug:slug>/edit/", views.event_edit, name="event_edit"),
    path("events/<slug:slug>/sessions/new/", views.session_create, name="session_create"),
    path("events/<slug:slug>/manage/", views.event_manage, name="manage"),
    path("events/<slug:slug>/team/", views.event_team, name="team"),
    path(
        "events/<slug:slug>/team/<int:user_pk>/remove/",
        views.event_team_remove,
        name="team_remove",
    ),
    path("events/<slug:slug>/bookings-open/", views.event_bookings_open, name="bookings_open"),
]
