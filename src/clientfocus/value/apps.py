from django.apps import AppConfig


class ValueConfig(AppConfig):
    name = "clientfocus.value"
    label = "value"
    verbose_name = "customer value"
