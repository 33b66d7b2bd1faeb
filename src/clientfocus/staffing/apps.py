from django.apps import AppConfig


class StaffingConfig(AppConfig):
    name = "clientfocus.staffing"
    label = "staffing"
    verbose_name = "staffing"

    def ready(self) -> None:
        # Imported here: the wiring reads models, which exist once the registry is ready.
        from clientfocus.staffing import wiring

        wiring.wire()
