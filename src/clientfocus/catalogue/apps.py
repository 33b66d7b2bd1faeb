from django.apps import AppConfig


class CatalogueConfig(AppConfig):
    name = "clientfocus.catalogue"
    label = "catalogue"
    verbose_name = "catalogue"

    def ready(self) -> None:
        # Imported here: the wiring reads models, which exist once the registry is ready.
        from clientfocus.catalogue import wiring

        wiring.wire()
