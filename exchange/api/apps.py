from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "exchange.api"
    label = "api"
    verbose_name = "API"
