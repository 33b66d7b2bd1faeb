from django.apps import AppConfig


class NotifyConfig(AppConfig):
    name = "clientfocus.notify"
    label = "notify"

    def ready(self) -> None:
        # Imported here: the wiring reads models, which exist once the registry is ready.
        from clientfocus.notify import wiring

        wiring.wire()
