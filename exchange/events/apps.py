from django.apps import AppConfig


class EventsConfig(AppConfig):
    name = "exchange.events"
    label = "events"
    verbose_name = "Events"
