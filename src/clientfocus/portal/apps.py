from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "clientfocus.portal"
    label = "portal"
    verbose_name = "Customer portal"

    def ready(self) -> None:
        # Imported here: the wiring reads models, which exist once the registry is ready.
        from clientfocus.portal import wiring

        wiring.wire()
