"""A fresh installation has somewhere for mail, portal and contact-form requests to land:
a Support department with an Inbox queue, marked default. Existing installations keep
their queues (the oldest one serves until an administrator marks one default)."""

from django.db import migrations


def create_default_queue(apps, schema_editor):
    Queue = apps.get_model("service", "Queue")
    Department = apps.get_model("people", "Department")
    if Queue.objects.exists():
        return
    department, _ = Department.objects.get_or_create(code="support", defaults={"name": "Support"})
    Queue.objects.create(name="Inbox", department=department, is_default=True)


class Migration(migrations.Migration):
    dependencies = [("service", "0008_conversations"), ("people", "0002_cost_to_serve")]
    operations = [migrations.RunPython(create_default_queue, migrations.RunPython.noop)]
