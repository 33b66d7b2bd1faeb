from django.apps import AppConfig


class RetentionConfig(AppConfig):
    name = "clientfocus.retention"
    label = "retention"
    verbose_name = "Customers at risk"

    def ready(self) -> None:
        # Here, not at the top: wiring imports models, which need the app registry.
        from clientfocus.retention import wiring

        wiring.wire()
