from django.apps import AppConfig


class KnowledgeConfig(AppConfig):
    name = "clientfocus.knowledge"
    label = "knowledge"
    verbose_name = "knowledge"

    def ready(self) -> None:
        # Imported here: the wiring reads models, which exist once the registry is ready.
        from clientfocus.knowledge import wiring

        wiring.wire()
