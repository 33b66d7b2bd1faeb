from django.apps import AppConfig


class IdeasConfig(AppConfig):
    name = "clientfocus.ideas"
    label = "ideas"
    verbose_name = "ideas"

    def ready(self) -> None:
        # Imported here: the wiring reads models, which exist once the registry is ready.
        from clientfocus.ideas import wiring

        wiring.wire()
