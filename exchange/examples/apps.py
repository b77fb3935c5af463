from django.apps import AppConfig


class ExamplesConfig(AppConfig):
    name = "exchange.examples"
    label = "examples"
    verbose_name = "Examples"
