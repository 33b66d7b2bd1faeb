"""The demo company's organisation: departments, people, queues, calendars, targets."""

from __future__ import annotations

from django.db import transaction

from clientfocus.customers.models import Tier
from clientfocus.people.models import Department, Role
from clientfocus.people.services import create_department, create_employee
from clientfocus.service.models import BusinessCalendar, Category, Queue, SlaPolicy

DEMO_PASSWORD = "demo"  # noqa: S105 - printed for the demo, never used outside it


HOLIDAYS_LT = [
    "2026-01-01", "2026-02-16", "2026-03-11", "2026-04-05", "2026-04-06", "2026-05-01",
    "2026-06-24", "2026-07-06", "2026-08-15", "2026-11-01", "2026-11-02", "2026-12-24",
    "2026-12-25", "2026-12-26", "2027-01-01", "2027-02-16", "2027-03-11",
]  # fmt: skip


def already_loaded() -> bool:
    return Department.objects.filter(code="customer-care").exists()


@transaction.atomic
def setup_organisation() -> dict:
    tiers = {t.code: t for t in Tier.objects.all()}
    calendar, _ = BusinessCalendar.objects.update_or_create(
        name="Customer care (Vilnius)",
        defaults={
            "timezone": "Europe/Vilnius",
            "hours": {
                **{d: [["08:00", "20:00"]] for d in ("mon", "tue", "wed", "thu", "fri")},
                "sat": [["10:00", "16:00"]],
            },
            "holidays": HOLIDAYS_LT,
        },
    )
    SlaPolicy.objects.filter(active=True).update(calendar=calendar)
    if "platinum" in tiers:
        SlaPolicy.objects.get_or_create(
            tier=tiers["platinum"],
            priority="urgent",
            active=True,
            defaults={
                "name": "Platinum urgent",
                "calendar": calendar,
                "first_response_minutes": 15,
                "next_response_minutes": 30,
                "resolution_minutes": 240,
            },
        )
    care = create_department(name="Customer Care", code="customer-care", tier=tiers.get("silver"))
    logistics = create_department(name="Logistics", code="logistics", tier=tiers.get("silver"))
    billing = create_department(name="Billing", code="billing", tier=tiers.get("silver"))
    service_dept = create_department(name="Technical Service", code="technical-service")
    # The demo company routes its own way: the fresh installation's Support inbox goes,
    # Customer Care takes mail, portal and contact-form requests.
    Queue.objects.filter(department__code="support", requests__isnull=True).delete()
    Department.objects.filter(code="support", queues__isnull=True).delete()
    queues = {
        "general": Queue.objects.create(name="Customer Care", department=care, is_default=True),
        "vip": Queue.objects.create(name="Key accounts", department=care),
        "repairs": Queue.objects.create(name="Repairs", department=service_dept),
        "logistics": Queue.objects.create(name="Logistics desk", department=logistics),
        "billing": Queue.objects.create(name="Billing desk", department=billing),
    }
    categories = {
        "Delivery": Category.objects.create(name="Delivery", default_queue=queues["general"]),
        "Billing": Category.objects.create(name="Billing", default_queue=queues["general"]),
        "Repair": Category.objects.create(name="Repair", default_queue=queues["repairs"]),
        "Returns": Category.objects.create(name="Returns", default_queue=queues["general"]),
    }
    people = {
        "admin": create_employee(
            username="admin",
            password=DEMO_PASSWORD,
            role=Role.ADMIN,
            first_name="Asta",
            last_name="Admin",
            department=care,
        ),
        "manager": create_employee(
            username="manager",
            password=DEMO_PASSWORD,
            role=Role.MANAGER,
            first_name="Marius",
            last_name="Vadovas",
            department=care,
        ),
        "agent": create_employee(
            username="agent",
            password=DEMO_PASSWORD,
            role=Role.AGENT,
            first_name="Eglė",
            last_name="Agentė",
            department=care,
        ),
        "agent2": create_employee(
            username="ana",
            password=DEMO_PASSWORD,
            role=Role.AGENT,
            first_name="Ana",
            last_name="Novak",
            department=care,
        ),
        "agent3": create_employee(
            username="olga",
            password=DEMO_PASSWORD,
            role=Role.AGENT,
            first_name="Ольга",
            last_name="Петрова",
            department=care,
        ),
        "agent4": create_employee(
            username="ravi",
            password=DEMO_PASSWORD,
            role=Role.AGENT,
            first_name="Ravi",
            last_name="Kumar",
            department=care,
        ),
        "tech": create_employee(
            username="tech",
            password=DEMO_PASSWORD,
            role=Role.AGENT,
            first_name="Tadas",
            last_name="Meistras",
            department=service_dept,
        ),
        "logistics": create_employee(
            username="logistics",
            password=DEMO_PASSWORD,
            role=Role.DEPARTMENT_STAFF,
            first_name="Lina",
            last_name="Logistė",
            department=logistics,
        ),
        "billing": create_employee(
            username="billing",
            password=DEMO_PASSWORD,
            role=Role.DEPARTMENT_STAFF,
            first_name="Bob",
            last_name="Ledger",
            department=billing,
        ),
    }
    return {
        "tiers": tiers,
        "queues": queues,
        "categories": categories,
        "people": people,
        "departments": {"care": care, "logistics": logistics, "billing": billing},
    }
