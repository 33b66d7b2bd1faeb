from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class ServiceConfig(AppConfig):
    name = "clientfocus.service"
    label = "service"

    def ready(self) -> None:
        from clientfocus.service.models import (
            BusinessCalendar,
            Queue,
            SlaPolicy,
            forget_default_queue,
        )
        from clientfocus.service.services import clear_policy_cache

        post_save.connect(forget_default_queue, sender=Queue, dispatch_uid="default-queue")
        post_delete.connect(forget_default_queue, sender=Queue, dispatch_uid="default-queue-d")

        for model in (SlaPolicy, BusinessCalendar):
            post_save.connect(
                clear_policy_cache, sender=model, dispatch_uid=f"policy-{model.__name__}"
            )
            post_delete.connect(
                clear_policy_cache, sender=model, dispatch_uid=f"policy-d-{model.__name__}"
            )
