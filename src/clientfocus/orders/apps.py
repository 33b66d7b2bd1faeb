from django.apps import AppConfig


class OrdersConfig(AppConfig):
    name = "clientfocus.orders"
    label = "orders"

    def ready(self) -> None:
        # Imported here: the wiring reads models, which exist once the registry is ready.
        from clientfocus.orders import wiring

        wiring.wire()
