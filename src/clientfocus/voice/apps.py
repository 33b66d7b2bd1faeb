from django.apps import AppConfig


class VoiceConfig(AppConfig):
    name = "clientfocus.voice"
    label = "voice"
    verbose_name = "voice of the customer"
