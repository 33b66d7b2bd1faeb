"""Order import and value refresh at scale on PostgreSQL.

Uses the database of benchmarks/service_desk.py (100k customers with external
references B-0 … B-99999; run that first). Writes a 1,000,000-row orders CSV simulated
from the CDNOW models, imports it (COPY), re-imports it (idempotence), then runs
`value refresh` for all customers.

    .venv/bin/python benchmarks/orders_and_value.py [--database-url URL]
"""

from __future__ import annotations

import os
import random
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import service_desk

ORDERS = 1_000_000


def main() -> None:
    parser = service_desk.parser_with_database(__doc__, "2,000 customers / 20,000 orders")
    args = parser.parse_args()
    global ORDERS
    url = args.database_url
    if args.quick:
        url, ORDERS = service_desk.quick_database(url, requests=2_000), 20_000
        service_desk.setup_django(url)
        service_desk.load(random.Random(1))
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("SECRET_KEY", "benchmark-only")
    os.environ["DJANGO_SETTINGS_MODULE"] = "clientfocus.settings"
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    import django

    django.setup()
    from django.core.management import call_command

    from clientfocus.customers.models import Customer
    from clientfocus.orders.importing import import_orders_csv
    from clientfocus.orders.models import Order
    from clientfocus.value.lifetime import BGNBD, GammaGamma, simulate_bgnbd, simulate_spend
    from clientfocus.value.services import refresh_values

    call_command("migrate", verbosity=0)
    customers = Customer.objects.filter(external_ref__startswith="B-").count()
    if customers < 1000:
        sys.exit("run benchmarks/service_desk.py first (it loads the customers)")
    Order.objects.all().delete()

    rng = np.random.default_rng(7)
    ages = rng.uniform(20, 104, customers)  # weeks since the first purchase
    x, t_x, _ = simulate_bgnbd(BGNBD(0.243, 4.414, 0.793, 2.426), customers, ages, seed=7)
    spend = simulate_spend(GammaGamma(6.25, 3.74, 15.44), x, seed=7)
    # Scale purchase counts so the file holds about ORDERS rows.
    factor = (ORDERS - customers) / max(x.sum(), 1)
    now = datetime.now(UTC)
    started = time.perf_counter()
    with tempfile.NamedTemporaryFile("w", suffix=".csv", delete=False) as handle:
        handle.write("order_id,customer,date,amount,currency,status,channel,product_line\n")
        rows = 0
        for i in range(customers):
            first = now - timedelta(weeks=float(ages[i]))
            purchases = 1 + round(x[i] * factor)
            for k in range(purchases):
                if rows >= ORDERS:
                    break
                when = first + timedelta(weeks=float(t_x[i]) * k / max(purchases - 1, 1))
                amount = max(float(spend[i]), 5.0) if k else 25.0
                handle.write(
                    f"S-{i}-{k},B-{i},{when:%Y-%m-%d},{amount:.2f},EUR,completed,web,line{k % 7}\n"
                )
                rows += 1
        path = Path(handle.name)
    print(f"wrote {rows:,} order rows in {time.perf_counter() - started:.1f} s")
    text = path.read_text()
    started = time.perf_counter()
    report = import_orders_csv(text=text)
    print(
        f"import: {report.created:,} created, {len(report.errors)} rejected in "
        f"{time.perf_counter() - started:.1f} s"
    )
    started = time.perf_counter()
    report = import_orders_csv(text=text)
    print(
        f"re-import: {report.created:,} created, {report.unchanged:,} already stored in "
        f"{time.perf_counter() - started:.1f} s"
    )
    path.unlink()
    started = time.perf_counter()
    result = refresh_values()
    print(
        f"value refresh: {result.customers:,} customers in {time.perf_counter() - started:.1f} s "
        f"(BG/NBD {result.fit.bgnbd}, note: {result.fit.note or '-'})"
    )


if __name__ == "__main__":
    main()
