from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "clientfocus.core"
    label = "core"
    verbose_name = "clientfocus core"
