"""Shared fixtures: a small company with every role, and API clients."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.test import Client

from clientfocus.core.models import ApiToken
from clientfocus.customers.models import Tier
from clientfocus.people.models import Department, Role
from clientfocus.service.models import Queue, SlaPolicy
from clientfocus.voice.models import Survey
from tests.factories import (
    CalendarFactory,
    CustomerFactory,
    DepartmentFactory,
    EmployeeFactory,
    PolicyFactory,
    QueueFactory,
    TierFactory,
)


@dataclass
class Company:
    care: object
    logistics: object
    billing: object
    care_queue: object
    logistics_queue: object
    billing_queue: object
    agent: object
    agent2: object
    other_agent: object
    manager: object
    other_manager: object
    admin: object
    logistics_staff: object
    billing_staff: object
    standard: Tier
    gold: Tier
    customer: object
    gold_customer: object


@pytest.fixture(autouse=True)
def _clean_service_levels(db):
    """Tests build their own tiers and policies; drop the installation defaults."""
    SlaPolicy.objects.all().delete()
    Tier.objects.all().delete()
    Survey.objects.all().delete()
    # The fresh installation's Support inbox: tests route to their own queues (the
    # oldest queue takes requests nobody routed).
    Queue.objects.filter(department__code="support", requests__isnull=True).delete()
    Department.objects.filter(code="support", queues__isnull=True).delete()


@pytest.fixture
def company(db) -> Company:
    standard = TierFactory(code="standard", name="Standard", rank=10, is_default=True)
    gold = TierFactory(code="gold", name="Gold", rank=30)
    calendar = CalendarFactory()
    PolicyFactory(
        tier=standard,
        calendar=calendar,
        first_response_minutes=240,
        next_response_minutes=240,
        resolution_minutes=2400,
    )
    PolicyFactory(
        tier=gold,
        calendar=calendar,
        first_response_minutes=60,
        next_response_minutes=60,
        resolution_minutes=480,
    )
    care = DepartmentFactory(name="Customer Care", code="care", tier=standard)
    logistics = DepartmentFactory(name="Logistics", code="logistics", tier=standard)
    billing = DepartmentFactory(name="Billing", code="billing")

    def employee(username, role, department):
        return EmployeeFactory(user__username=username, role=role, department=department).user

    return Company(
        care=care,
        logistics=logistics,
        billing=billing,
        care_queue=QueueFactory(name="Care", department=care),
        logistics_queue=QueueFactory(name="Logistics desk", department=logistics),
        billing_queue=QueueFactory(name="Billing desk", department=billing),
        agent=employee("agent", Role.AGENT, care),
        agent2=employee("agent2", Role.AGENT, care),
        other_agent=employee("other_agent", Role.AGENT, billing),
        manager=employee("manager", Role.MANAGER, care),
        other_manager=employee("other_manager", Role.MANAGER, billing),
        admin=employee("admin", Role.ADMIN, care),
        logistics_staff=employee("logistics_staff", Role.DEPARTMENT_STAFF, logistics),
        billing_staff=employee("billing_staff", Role.DEPARTMENT_STAFF, billing),
        standard=standard,
        gold=gold,
        customer=CustomerFactory(name="Rūta Žukauskienė", tier=standard, language="lt"),
        gold_customer=CustomerFactory(name="Алексей Иванов", tier=gold, language="ru"),
    )


class ApiClient:
    """A Django test client that sends a bearer token and JSON."""

    def __init__(self, user) -> None:
        _, self.token = ApiToken.issue(user=user)
        self.client = Client(HTTP_AUTHORIZATION=f"Bearer {self.token}")

    def get(self, path, **params):
        return self.client.get(path, params)

    def post(self, path, data=None):
        return self.client.post(path, data or {}, content_type="application/json")

    def patch(self, path, data):
        return self.client.patch(path, data, content_type="application/json")

    def put(self, path, data):
        return self.client.put(path, data, content_type="application/json")


@pytest.fixture
def api_as():
    return ApiClient


@pytest.fixture
def web_as(client):
    def login(user):
        client.force_login(user)
        return client

    return login
