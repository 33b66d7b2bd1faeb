from django.apps import AppConfig


class ValueConfig(AppConfig):
    name = "clientfocus.value"
    label = "value"
    verbose_name = "customer value"

    def ready(self) -> None:
        # Imported here: the wiring reads models, which exist once the registry is ready.
        from clientfocus.value import wiring

        wiring.wire()
