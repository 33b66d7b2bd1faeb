from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo company (`clientfocus demo`): the top layer, it uses every app."""

    name = "clientfocus.demo"
    label = "demo"
    verbose_name = "demo data"
