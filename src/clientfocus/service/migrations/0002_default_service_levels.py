"""A fresh installation starts with four tiers, a business calendar and one policy per
tier, so requests have targets from the first minute; administrators change them in the
admin."""

from django.db import migrations

TIERS = [
    # code, name, rank, default, (first response, next response, resolution) in business minutes
    ("standard", "Standard", 10, True, (480, 480, 2400)),
    ("silver", "Silver", 20, False, (240, 240, 1440)),
    ("gold", "Gold", 30, False, (120, 120, 960)),
    ("platinum", "Platinum", 40, False, (30, 60, 480)),
]


def create_defaults(apps, schema_editor):
    Tier = apps.get_model("customers", "Tier")
    BusinessCalendar = apps.get_model("service", "BusinessCalendar")
    SlaPolicy = apps.get_model("service", "SlaPolicy")
    if Tier.objects.exists():
        return
    weekday = [["09:00", "18:00"]]
    calendar = BusinessCalendar.objects.create(
        name="Office hours",
        timezone="UTC",
        hours={"mon": weekday, "tue": weekday, "wed": weekday, "thu": weekday, "fri": weekday},
        holidays=[],
    )
    for code, name, rank, default, (first, nxt, resolution) in TIERS:
        tier = Tier.objects.create(code=code, name=name, rank=rank, is_default=default)
        SlaPolicy.objects.create(
            name=f"{name} targets",
            tier=tier,
            priority="",
            calendar=calendar,
            first_response_minutes=first,
            next_response_minutes=nxt,
            resolution_minutes=resolution,
        )


def remove_defaults(apps, schema_editor):
    pass


class Migration(migrations.Migration):
    dependencies = [("service", "0001_initial"), ("customers", "0001_initial")]
    operations = [migrations.RunPython(create_defaults, remove_defaults)]
