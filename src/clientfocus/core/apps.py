from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "clientfocus.core"
    label = "core"
    verbose_name = "clientfocus core"

    def ready(self) -> None:
        # Imported here: both need the app registry ready.
        from django_tasks.signals import task_finished

        from clientfocus.core.metrics import record_task_run

        task_finished.connect(record_task_run, dispatch_uid="clientfocus-task-runs")
