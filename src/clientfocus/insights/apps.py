from django.apps import AppConfig


class InsightsConfig(AppConfig):
    name = "clientfocus.insights"
    label = "insights"
