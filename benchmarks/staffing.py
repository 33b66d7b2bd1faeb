"""Staffing: a week's plan for ten queues, and one customer's expected wait.

    .venv/bin/python benchmarks/staffing.py [--database-url URL]

plan: 10 queues × 7 days × 96 fifteen-minute intervals (6,720 intervals), traffic from
0 to about 400 Erlangs, two tier targets each (80 % in 20 s, 80 % in 120 s), 30 %
shrinkage, rostered staff given: the pure computation the plan page and API run.

wait: one queue with 2,000 live contacts waiting and 60 people on duty; the median time
of GET /api/staffing/wait for a gold customer (the database is a throwaway SQLite file
unless --database-url is given).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]


def plan_benchmark(queue_count: int = 10) -> None:
    sys.path.insert(0, str(ROOT / "src"))
    from clientfocus.staffing.plan import Target, plan_intervals

    rng = np.random.default_rng(4)
    slots = 7 * 96
    hours = np.arange(slots) % 96 / 4
    shape = np.clip(np.sin((hours - 7) / 13 * np.pi), 0, None)  # busy days, quiet nights
    targets = [Target("gold", 0.8, 20), Target("standard", 0.8, 120)]
    queues = []
    for _ in range(queue_count):
        peak = rng.uniform(50, 5000)  # contacts per 15 minutes at the busiest
        contacts = (shape * peak * rng.uniform(0.8, 1.2, slots)).round(1)
        rostered = (contacts * 240 / 900 / 0.7 * rng.uniform(0.8, 1.2, slots)).astype(int)
        queues.append((contacts.tolist(), rostered.tolist()))
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        for contacts, rostered in queues:
            plan_intervals(
                contacts,
                rostered,
                interval_seconds=900,
                aht_seconds=240,
                targets=targets,
                shrinkage=0.3,
            )
        best = min(best, time.perf_counter() - started)
    top = max(max(c) for c, _ in queues) * 240 / 900
    print(
        f"week plan, 10 queues × 672 intervals (peak {top:.0f} Erlangs): {best:.2f} s (best of 3)"
    )


def wait_benchmark(database_url: str | None, waiting: int = 2000) -> None:
    data_dir = tempfile.mkdtemp(prefix="cf-staffing-")
    os.environ["CLIENTFOCUS_DATA_DIR"] = data_dir
    if database_url:
        os.environ["DATABASE_URL"] = database_url
    else:
        os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("SECRET_KEY", "benchmark-only")
    os.environ["DJANGO_SETTINGS_MODULE"] = "clientfocus.settings"
    os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost")
    import django

    django.setup()
    from datetime import timedelta

    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.test import Client
    from django.utils import timezone

    from clientfocus.core.models import ApiToken
    from clientfocus.customers.models import Customer, Tier
    from clientfocus.people.models import Department, Employee, Role
    from clientfocus.service.models import Queue, Request
    from clientfocus.staffing.models import AnswerTarget, QueueStaffing, Shift

    call_command("migrate", verbosity=0)
    department, _ = Department.objects.get_or_create(code="bench", defaults={"name": "Bench"})
    queue, _ = Queue.objects.get_or_create(name="Phones", department=department)
    gold, _ = Tier.objects.get_or_create(code="gold", defaults={"name": "Gold", "rank": 30})
    standard, _ = Tier.objects.get_or_create(
        code="standard", defaults={"name": "Standard", "rank": 10}
    )
    staffing, _ = QueueStaffing.objects.get_or_create(queue=queue)
    AnswerTarget.objects.get_or_create(
        staffing=staffing, tier=gold, defaults={"service_level": 0.8, "target_seconds": 20}
    )
    customer = Customer.objects.create(name="Caller", tier=gold)
    now = timezone.now()
    if not Request.objects.filter(queue=queue).exists():
        Request.objects.bulk_create(
            Request(
                customer=customer, subject="call", queue=queue, tier=gold if i % 5 == 0 else standard,
                channel="phone", created_at=now - timedelta(seconds=i),
            )
            for i in range(waiting)
        )  # fmt: skip
        users = get_user_model()
        for i in range(60):
            user = users.objects.create(username=f"bench-agent-{i}")
            employee = Employee.objects.create(user=user, department=department, role=Role.AGENT)
            Shift.objects.create(
                employee=employee,
                queue=queue,
                start=now - timedelta(hours=1),
                end=now + timedelta(hours=7),
            )
    user = get_user_model().objects.get(username="bench-agent-0")
    _, token = ApiToken.issue(user=user)
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    url = f"/api/staffing/wait?queue=Phones&customer={customer.public_id}"
    assert client.get(url).status_code == 200, client.get(url).content
    times = []
    for _ in range(200):
        started = time.perf_counter()
        client.get(url)
        times.append((time.perf_counter() - started) * 1000)
    print(client.get(url).json())
    print(
        f"expected wait for one customer (API, {waiting:,} waiting, 60 on duty): median {statistics.median(times):.1f} ms, 95th {sorted(times)[189]:.1f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database-url")
    parser.add_argument(
        "--quick",
        action="store_true",
        help="2 queues, 200 waiting: the test command runs it; figures mean nothing",
    )
    args = parser.parse_args()
    plan_benchmark(queue_count=2 if args.quick else 10)
    wait_benchmark(args.database_url, waiting=200 if args.quick else 2000)


if __name__ == "__main__":
    main()
