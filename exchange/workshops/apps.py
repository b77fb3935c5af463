from django.apps import AppConfig


class WorkshopsConfig(AppConfig):
    name = "exchange.workshops"
    label = "workshops"
    verbose_name = "Workshops"
