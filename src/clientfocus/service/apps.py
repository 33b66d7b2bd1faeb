from django.apps import AppConfig


class ServiceConfig(AppConfig):
    name = "clientfocus.service"
    label = "service"
