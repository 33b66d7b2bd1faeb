from django.apps import AppConfig


class GrantsConfig(AppConfig):
    name = "clientfocus.grants"
    label = "grants"
    verbose_name = "grants"

    def ready(self) -> None:
        # Imported here: the wiring reads models, which exist once the registry is ready.
        from clientfocus.grants import wiring

        wiring.wire()
