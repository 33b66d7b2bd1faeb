"""/readyz and /metrics on PostgreSQL with the service-desk data (100k customers, 1M
requests: run benchmarks/service_desk.py first, or pass --quick).

Prints the median and 95th percentile of each, through the full middleware stack,
in-process (the same path gunicorn serves).

    .venv/bin/python benchmarks/probes.py [--database-url URL] [--quick]
"""

from __future__ import annotations

import random
import statistics
import time

import service_desk


def timed(client, path: str, runs: int) -> tuple[float, float, int]:
    client.get(path)  # warm: connection, migration check, imports
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        answer = client.get(path)
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.95) - 1], answer.status_code


def main() -> None:
    parser = service_desk.parser_with_database(__doc__, "2,000 customers / 5,000 requests")
    args = parser.parse_args()
    url, runs = args.database_url, 200
    if args.quick:
        url, runs = service_desk.quick_database(url, requests=5_000), 20
    else:
        service_desk.ensure_database(url, reload=False)
    service_desk.setup_django(url)
    service_desk.load(random.Random(1))

    from django.test import Client

    from clientfocus.core.scheduler import Heartbeat
    from clientfocus.service.models import Request

    Heartbeat().beat()  # a worker is alive, as in production
    client = Client()
    print(f"{Request.objects.count():,} requests in the database")
    for path in ("/healthz", "/readyz", "/metrics"):
        median, p95, status = timed(client, path, runs)
        print(f"GET {path:9} {status}: median {median:6.1f} ms, 95th {p95:6.1f} ms ({runs} runs)")


if __name__ == "__main__":
    main()
