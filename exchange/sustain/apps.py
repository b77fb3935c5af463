from django.apps import AppConfig


class SustainConfig(AppConfig):
    name = "exchange.sustain"
    label = "sustain"
    verbose_name = "Sustain"
