"""Demo data: Norda Home, a home-appliance retailer and service company selling in
Lithuania, Slovenia, Russia, India and the UK. Customers write in their own languages.

Everything goes through the real services (open_request, add_message, change_state …),
so clocks, events and attainment figures are what the product would have recorded. Each
app's part of the story is a module of this package."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from clientfocus.demo.catalogue import load_catalogue
from clientfocus.demo.customers import create_customers
from clientfocus.demo.ideas import load_ideas
from clientfocus.demo.knowledge import load_knowledge
from clientfocus.demo.orders import load_orders
from clientfocus.demo.organisation import DEMO_PASSWORD, already_loaded, setup_organisation
from clientfocus.demo.requests import INTERNAL, replay_request
from clientfocus.demo.staffing import load_staffing
from clientfocus.demo.steering import load_steering
from clientfocus.demo.voice import load_voice
from clientfocus.service import services
from clientfocus.service.models import Queue

__all__ = ["already_loaded", "load_demo_data"]


def load_demo_data(
    *,
    customers: int = 300,
    requests: int = 420,
    seed: int = 7,
    now: datetime | None = None,
    progress=None,
) -> dict:
    """Create the demo company. Returns the logins."""
    rng = random.Random(seed)
    now = now or timezone.now()
    org = setup_organisation()
    people = create_customers(org, rng, customers)
    for _ in range(requests):
        customer = rng.choice(people)
        # Most requests are recent: a steady flow over 40 days and a busy last week.
        days_ago = rng.random() ** 2 * 40
        opened = now - timedelta(days=days_ago, minutes=rng.randint(0, 600))
        with transaction.atomic():
            replay_request(org, customer, rng, opened, now)
        if progress:
            progress(1)
    care_staff = org["people"]["agent"].user
    for department_code, subject, body in INTERNAL:
        department = org["departments"][department_code]
        services.open_request(
            actor=care_staff,
            requesting_department=org["departments"]["care"],
            subject=subject,
            body=body,
            queue=Queue.objects.filter(department=department).first(),
            now=now - timedelta(hours=rng.randint(2, 60)),
        )
    services.sweep_sla(now=now)
    load_orders(people, rng, now)
    load_voice(people, org, rng, now)
    load_ideas(people, org, rng, now)
    load_catalogue(people, org, rng, now)
    load_knowledge(people, org, rng, now)
    load_staffing(org, now)
    load_steering(org, rng, now)
    return {
        name: (employee.user.username, DEMO_PASSWORD, employee.get_role_display())
        for name, employee in org["people"].items()
    }
