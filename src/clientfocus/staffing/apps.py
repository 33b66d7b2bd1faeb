from django.apps import AppConfig


class StaffingConfig(AppConfig):
    name = "clientfocus.staffing"
    label = "staffing"
    verbose_name = "staffing"
