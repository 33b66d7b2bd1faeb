from django.apps import AppConfig


class ServiceConfig(AppConfig):
    name = "clientfocus.service"
    label = "service"

    def ready(self) -> None:
        # Imported here: the wiring reads models, which exist once the registry is ready.
        from clientfocus.service import wiring

        wiring.wire()
