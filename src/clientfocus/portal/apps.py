from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "clientfocus.portal"
    label = "portal"
    verbose_name = "Customer portal"
