from django.apps import AppConfig


class CustomersConfig(AppConfig):
    name = "clientfocus.customers"
    label = "customers"
