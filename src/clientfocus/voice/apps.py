from django.apps import AppConfig


class VoiceConfig(AppConfig):
    name = "clientfocus.voice"
    label = "voice"
    verbose_name = "voice of the customer"

    def ready(self) -> None:
        # Imported here: the wiring reads models, which exist once the registry is ready.
        from clientfocus.voice import wiring

        wiring.wire()
