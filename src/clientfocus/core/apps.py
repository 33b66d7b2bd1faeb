from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "clientfocus.core"
    label = "core"
    verbose_name = "clientfocus core"

    def ready(self) -> None:
        # Imported here: both need the app registry ready.
        from django.db.backends.signals import connection_created
        from django_tasks.signals import task_finished

        from clientfocus.core.metrics import record_task_run
        from clientfocus.core.timestamps import use_c_timestamps

        task_finished.connect(record_task_run, dispatch_uid="clientfocus-task-runs")
        connection_created.connect(use_c_timestamps, dispatch_uid="clientfocus-c-timestamps")
