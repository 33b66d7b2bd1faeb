from django.apps import AppConfig


class OrdersConfig(AppConfig):
    name = "clientfocus.orders"
    label = "orders"
