"""The scorecard and the at-risk worklist at scale (PostgreSQL): 100k customers, 1M
requests, 1M feedback items.

    .venv/bin/python benchmarks/scorecard.py [--database-url URL] [--reload] [--quick]
        [--feedback 1000000]

Uses the service-desk benchmark's data (benchmarks/service_desk.py: 100k customers, 1M
requests, loaded once with COPY), adds ``--feedback`` feedback items over 12 months (COPY),
value figures for every customer and three months of value marks. Prints:
- the worker's cost: measuring the month (`scorecard.services.refresh`: every criterion
  for the company and 5 departments, the payback, three reports, the order cycle) and the
  daily at-risk detection (`retention.services.detect`);
- GET /scorecard/, /api/scorecard, /scorecard/reports/?by=tier, /customers/at-risk/ as a
  manager: median and 95th percentile of 40, with the query count (pages read snapshots).
"""

from __future__ import annotations

import io
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

from service_desk import (  # noqa: E402 - the sibling benchmark's data and helpers
    ensure_database,
    load,
    parser_with_database,
    quick_database,
    setup_django,
)


def add_feedback_and_values(items: int) -> None:
    """Feedback items (COPY), every customer's value figures, three months of marks."""
    import numpy as np
    from django.db import connection
    from django.utils import timezone

    from clientfocus.customers.models import Customer
    from clientfocus.value.models import CustomerValue, ValueMark
    from clientfocus.voice.models import FeedbackItem

    if FeedbackItem.objects.count() == items and CustomerValue.objects.exists():
        print(f"data present: {items:,} feedback items")
        return
    started = time.perf_counter()
    FeedbackItem.objects.all().delete()
    ValueMark.objects.all().delete()
    CustomerValue.objects.all().delete()
    ids = np.array(Customer.objects.values_list("pk", flat=True))
    rng = np.random.default_rng(11)
    now = timezone.now()
    seconds = rng.uniform(0, 364 * 86400, items)
    kinds = rng.choice(["", "nps", "csat"], items, p=[0.4, 0.35, 0.25])
    sentiments = rng.choice(["negative", "neutral", "positive"], items, p=[0.3, 0.4, 0.3])
    tiers = rng.choice(["standard", "silver", "gold"], items, p=[0.7, 0.2, 0.1])
    lines = rng.choice(["sofas", "beds", "kitchens", "lighting", "textiles"], items)
    who = rng.choice(ids, items)
    buffer = io.StringIO()
    for i in range(items):
        kind = kinds[i]
        score = {"nps": rng.integers(0, 11), "csat": rng.integers(1, 6)}.get(kind)
        created = (now - timezone.timedelta(seconds=float(seconds[i]))).isoformat()
        buffer.write(
            "\t".join([
                "" if kind else "slow delivery", "f", "en", str(sentiments[i]), "0", "f", "f",
                "api", kind, "\\N" if score is None else str(score), str(tiers[i]), "",
                str(lines[i]), created, str(who[i]),
            ]) + "\n"
        )  # fmt: skip
    buffer.seek(0)
    columns = (
        "text, truncated, language, sentiment, sentiment_score, sentiment_by_staff, angry, "
        "source, score_kind, score, tier_code, segment, product_line, created_at, customer_id"
    )
    with (
        connection.cursor() as cursor,
        cursor.copy(f"COPY voice_feedbackitem ({columns}) FROM STDIN") as copy,
    ):
        while chunk := buffer.read(1 << 20):
            copy.write(chunk)
    values = rng.gamma(1.5, 400, len(ids))
    alive = rng.beta(4, 2, len(ids))
    segments = rng.choice(["champions", "loyal", "at risk", "hibernating"], len(ids))
    CustomerValue.objects.bulk_create(
        [
            CustomerValue(
                customer_id=int(cid), lifetime_value_12m=float(values[i]), p_alive=float(alive[i]),
                segment=str(segments[i]), orders=3, purchase_days=3, cost_to_serve=12.5,
            )
            for i, cid in enumerate(ids)
        ],
        batch_size=10000,
    )  # fmt: skip
    month = now.date().replace(day=1)
    with connection.cursor() as cursor:
        for _back in (1, 2, 3):
            month = (month - timezone.timedelta(days=1)).replace(day=1)
            # A tenth of the customers were doing much better then.
            cursor.execute(
                "INSERT INTO value_valuemark (customer_id, month, p_alive, lifetime_value_12m) "
                "SELECT customer_id, %s, LEAST(1, p_alive + CASE WHEN customer_id %% 10 = 0 "
                "THEN 0.4 ELSE 0 END), lifetime_value_12m FROM value_customervalue",
                [month],
            )
        cursor.execute("ANALYZE voice_feedbackitem; ANALYZE value_customervalue")
    print(f"loaded {items:,} feedback items and values in {time.perf_counter() - started:.1f} s")


def timed(client, url: str, runs: int) -> tuple[float, float, int]:
    from django.db import connection

    assert client.get(url).status_code == 200, url
    queries = []

    def count(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        client.get(url)
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        client.get(url)
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.95) - 1], len(queries)


def main() -> None:
    parser = parser_with_database(__doc__, "2,000 customers / 5,000 requests / 5,000 feedback")
    parser.add_argument("--reload", action="store_true")
    parser.add_argument("--feedback", type=int, default=1_000_000)
    args = parser.parse_args()
    url, feedback, runs = args.database_url, args.feedback, 40
    if args.quick:
        url, feedback, runs = quick_database(url, requests=5_000), 5_000, 5
    else:
        ensure_database(url, args.reload)
    setup_django(url)
    load(random.Random(3))
    add_feedback_and_values(feedback)

    from django.contrib.auth import get_user_model
    from django.test import Client

    from clientfocus.people.models import Employee, Role
    from clientfocus.retention import services as retention
    from clientfocus.retention.models import RiskCase
    from clientfocus.scorecard import services

    RiskCase.objects.all().delete()
    started = time.perf_counter()
    result = services.refresh()
    print(
        f"measure the month (worker): {time.perf_counter() - started:.1f} s, "
        f"{result.snapshots} figures"
    )
    started = time.perf_counter()
    found = retention.detect()
    print(
        f"at-risk detection (worker): {time.perf_counter() - started:.1f} s; "
        f"{found.valuable:,} valuable customers, {found.opened:,} cases opened"
    )
    user, _created = get_user_model().objects.get_or_create(username="scorecard-bench")
    Employee.objects.get_or_create(user=user, defaults={"role": Role.MANAGER})
    client = Client(HTTP_HOST="localhost")
    client.force_login(user)
    for label, path in [
        ("GET /scorecard/", "/scorecard/"),
        ("GET /api/scorecard", "/api/scorecard"),
        ("GET /scorecard/reports/?by=tier", "/scorecard/reports/?by=tier"),
        ("GET /scorecard/departments/d0/", "/scorecard/departments/d0/"),
        ("GET /customers/at-risk/", "/customers/at-risk/"),
    ]:
        median, p95, queries = timed(client, path, runs)
        print(f"{label}: median {median:.1f} ms, 95th {p95:.1f} ms, {queries} queries")


if __name__ == "__main__":
    main()
