"""A new installation starts with the standard taxonomy and two surveys: CSAT after a
request is resolved, NPS after an order is delivered (each customer at most every 90 days)."""

from django.db import migrations


def create(apps, schema_editor):
    from clientfocus.voice.taxonomy import install

    Theme = apps.get_model("voice", "Theme")
    Survey = apps.get_model("voice", "Survey")
    install(Theme)
    if not Survey.objects.exists():
        Survey.objects.create(
            name="Satisfaction after a request", kind="csat", trigger="request_resolved"
        )
        Survey.objects.create(
            name="Recommendation after delivery", kind="nps", trigger="order_delivered"
        )


class Migration(migrations.Migration):
    dependencies = [("voice", "0001_initial")]
    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
