from django.apps import AppConfig


class NotifyConfig(AppConfig):
    name = "clientfocus.notify"
    label = "notify"
