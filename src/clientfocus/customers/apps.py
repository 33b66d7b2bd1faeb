from django.apps import AppConfig


class CustomersConfig(AppConfig):
    name = "clientfocus.customers"
    label = "customers"

    def ready(self) -> None:
        # Imported here: the wiring reads models, which exist once the registry is ready.
        from clientfocus.customers import wiring

        wiring.wire()
