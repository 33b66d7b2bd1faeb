"""Service-desk benchmark on PostgreSQL: 100k customers, 1M requests.

Prints:
  - median time to render the agent queue (department view and "assigned to me") and a
    customer record, through the full Django stack (middleware, templates), in-process;
  - requests created per second through the REST API by 8 concurrent clients against
    `clientfocus serve` (gunicorn) on loopback, beside its limit (benchmarks/anchors/
    bare.py: one bare Django view doing the same three INSERTs), the two measured in
    turns (--rounds, default 4: limit, ours, limit, ours, …, each for --seconds / rounds)
    so that a drift of the machine's speed during the run falls on both alike; the ratio
    is of the means, and each round's own ratio is printed beside it (on a shared 2-core
    machine the rates of one code moved by a third from minute to minute).

    .venv/bin/python benchmarks/service_desk.py [--database-url URL] [--reload]

The data is bulk-loaded with COPY once and reused on later runs (--reload to rebuild).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import statistics
import subprocess
import sys
import threading
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

CUSTOMERS = 100_000
REQUESTS = 1_000_000
BENCH_DATABASE = "postgres://postgres@127.0.0.1:5432/clientfocus_bench"
QUICK_HELP = (
    "a few seconds at {} in a fresh database (<URL>_quick): the test command runs it so a "
    "change that breaks the benchmark fails CI; its figures mean nothing"
)
ACTIVE_SHARE = 0.03  # realistic: most of a year's requests are closed


def setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("SECRET_KEY", "benchmark-only")
    os.environ["DJANGO_SETTINGS_MODULE"] = "clientfocus.settings"
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    import django

    django.setup()


def parser_with_database(doc: str | None, quick: str) -> argparse.ArgumentParser:
    """The arguments every PostgreSQL benchmark takes: --database-url and --quick."""
    parser = argparse.ArgumentParser(
        description=doc, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database-url", default=BENCH_DATABASE)
    parser.add_argument("--quick", action="store_true", help=QUICK_HELP.format(quick))
    return parser


def quick_database(url: str, *, requests: int) -> str:
    """A fresh `<database>_quick` with 2,000 customers and ``requests`` requests to load."""
    global CUSTOMERS, REQUESTS
    CUSTOMERS, REQUESTS = 2_000, requests
    url += "_quick"
    ensure_database(url, reload=True)
    return url


def ensure_database(url: str, reload: bool) -> None:
    import psycopg

    server, name = url.rsplit("/", 1)
    with psycopg.connect(server + "/postgres", autocommit=True) as connection:
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname=%s", [name]).fetchone()
        if exists and reload:
            connection.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
            exists = None
        if not exists:
            connection.execute(f'CREATE DATABASE "{name}"')


def load(rng: random.Random) -> None:
    from django.core.management import call_command
    from django.db import connection

    from clientfocus.customers.models import ContactPoint, Customer, Tier
    from clientfocus.people.models import Role
    from clientfocus.people.services import create_department, create_employee
    from clientfocus.service.models import Queue, Request, RequestEvent

    call_command("migrate", verbosity=0)
    if Request.objects.exists():
        print(f"data present: {Request.objects.count():,} requests (use --reload to rebuild)")
        return
    started = time.perf_counter()
    tiers = list(Tier.objects.order_by("rank").values_list("pk", flat=True))
    departments = [create_department(name=f"Department {i}", code=f"d{i}") for i in range(5)]
    queues = [
        Queue.objects.create(name=f"Queue {d.pk}-{j}", department=d)
        for d in departments
        for j in range(4)
    ]
    agents = [
        create_employee(
            username=f"agent{i}",
            password="bench",
            role=Role.AGENT,
            department=departments[i % len(departments)],
        ).user
        for i in range(50)
    ]
    create_employee(
        username="benchadmin", password="bench", role=Role.ADMIN, department=departments[0]
    )
    now = datetime.now(UTC)

    with connection.cursor() as cursor:
        raw = cursor.cursor
        table = Customer._meta.db_table
        cols = (
            "created_at",
            "updated_at",
            "public_id",
            "kind",
            "name",
            "language",
            "country",
            "timezone",
            "tier_id",
            "tier_locked",
            "consent_email",
            "consent_sms",
            "consent_marketing",
            "notes",
            "external_ref",
            "search_name",
            "preferred_channel",
        )
        with raw.copy(f"COPY {table} ({','.join(cols)}) FROM STDIN") as copy:
            for i in range(CUSTOMERS):
                name = f"Customer {i:06d} {rng.choice(['Jonas', 'Ana', 'Иван', 'Priya', 'Emily'])}"
                created = now - timedelta(days=rng.randint(0, 1000))
                copy.write_row(
                    (
                        created,
                        created,
                        uuid.uuid4(),
                        "person",
                        name,
                        "en",
                        "LT",
                        "Europe/Vilnius",
                        rng.choice(tiers),
                        False,
                        True,
                        False,
                        False,
                        "",
                        f"B-{i}",
                        name.casefold(),
                        "",
                    )
                )
        customer_ids = [r[0] for r in Customer.objects.order_by("pk").values_list("pk")]
        table = ContactPoint._meta.db_table
        with raw.copy(
            f"COPY {table} (customer_id, kind, value, normalised, search_key, label, position) "
            "FROM STDIN"
        ) as copy:
            for i, cid in enumerate(customer_ids):
                email = f"customer{i}@example.com"
                phone = f"+3706{i:07d}"
                copy.write_row((cid, "email", email, email, email, "", 0))
                copy.write_row((cid, "phone", phone, phone, phone[-7:], "", 1))
        print(f"  customers and contacts loaded in {time.perf_counter() - started:.0f} s")

        table = Request._meta.db_table
        cols = (
            "created_at",
            "updated_at",
            "customer_id",
            "subject",
            "priority",
            "channel",
            "state",
            "queue_id",
            "assignee_id",
            "tier_id",
            "paused_minutes",
            "sla_flags",
            "due_at",
            "warn_at",
            "first_response_due",
            "resolution_due",
            "sla_state",
            "first_responded_at",
            "first_response_met",
            "resolved_at",
            "resolution_met",
            "closed_at",
            "breach_count",
        )
        with raw.copy(f"COPY {table} ({','.join(cols)}) FROM STDIN") as copy:
            for _ in range(REQUESTS):
                created = now - timedelta(minutes=rng.randint(0, 365 * 24 * 60))
                queue = rng.choice(queues)
                assignee = rng.choice(agents).pk if rng.random() < 0.8 else None
                if rng.random() < ACTIVE_SHARE:
                    due = now + timedelta(minutes=rng.randint(-600, 3000))
                    state = rng.choice(["new", "open", "waiting_on_customer"])
                    running = state != "waiting_on_customer"
                    row = (
                        created,
                        created,
                        rng.choice(customer_ids),
                        "Benchmark request",
                        "normal",
                        "phone",
                        state,
                        queue.pk,
                        assignee,
                        rng.choice(tiers),
                        "{}",
                        "{}",
                        due if running else None,
                        due if running else None,
                        due if state == "new" else None,
                        due if running else None,
                        "breached" if running and due < now else "ok",
                        None if state == "new" else created + timedelta(minutes=30),
                        None if state == "new" else True,
                        None,
                        None,
                        None,
                        0,
                    )
                else:
                    responded = created + timedelta(minutes=rng.randint(5, 600))
                    resolved = responded + timedelta(minutes=rng.randint(10, 5000))
                    row = (
                        created,
                        resolved,
                        rng.choice(customer_ids),
                        "Benchmark request",
                        "normal",
                        "email",
                        "closed",
                        queue.pk,
                        assignee,
                        rng.choice(tiers),
                        "{}",
                        "{}",
                        None,
                        None,
                        None,
                        None,
                        "ok",
                        responded,
                        rng.random() < 0.9,
                        resolved,
                        rng.random() < 0.85,
                        resolved,
                        0,
                    )
                copy.write_row(row)
        print(f"  requests loaded in {time.perf_counter() - started:.0f} s")
        # Table names come from the models, not from input.
        copy_events = (
            f"INSERT INTO {RequestEvent._meta.db_table} "
            "(request_id, customer_id, kind, data, created_at) "
            "SELECT id, customer_id, 'opened', '{}'::jsonb, created_at "
            f"FROM {Request._meta.db_table}"
        )
        cursor.execute(copy_events)
        cursor.execute("ANALYZE")
    print(
        f"loaded {CUSTOMERS:,} customers and {REQUESTS:,} requests "
        f"in {time.perf_counter() - started:.0f} s"
    )


def median_ms(client, path: str, runs: int = 40) -> float:
    client.get(path)  # warm up
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        response = client.get(path)
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (path, response.status_code)
    return statistics.median(timings)


def seed_panels(rng: random.Random, customer_ids: list[int]) -> None:
    """What the later apps add to the pages, so their panels have something to show:
    100 playbooks over the request categories (knowledge), 200 e-mails received from the
    customers (mail: their requests, quoted text, attachments) and 3 grants for each
    customer whose record is timed (grants)."""
    from django.contrib.auth import get_user_model

    from clientfocus.grants.models import Grant, GrantState, Kind
    from clientfocus.knowledge.models import Playbook
    from clientfocus.mail.services import receive

    if Grant.objects.filter(customer_id__in=customer_ids).exists():
        return
    started = time.perf_counter()
    from knowledge import (
        add_playbooks,  # the sibling benchmark's data (imported late: it imports this one)
    )
    from mail import typical_messages

    if not Playbook.objects.filter(code__startswith="bench-").exists():
        add_playbooks(rng, 100)
    from clientfocus.mail.models import InboundMail

    if not InboundMail.objects.exists():
        for raw in typical_messages(200, CUSTOMERS, rng, []):
            receive(raw)
    agent = get_user_model().objects.get(username="agent0")
    Grant.objects.bulk_create(
        Grant(
            customer_id=cid,
            kind=rng.choice(Kind.values),
            amount=rng.randint(5, 80),
            reason="Late delivery",
            state=GrantState.APPROVED,
            granted_by=agent,
        )
        for cid in customer_ids
        for _ in range(3)
    )
    print(
        f"  panels' data (playbooks, mail, grants) added in {time.perf_counter() - started:.0f} s"
    )


def page_timings(rng: random.Random) -> None:
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client

    from clientfocus.customers.models import Customer

    # Customers drawn at random: the first ones by id collect the requests of repeated
    # API runs on the same database (thousands each), not what a typical record shows.
    everyone = list(Customer.objects.values_list("pk", "public_id"))
    sample = rng.sample(everyone, 200)
    seed_panels(rng, [pk for pk, _ in sample])
    # Vacuumed as autovacuum soon would after a bulk load: otherwise the first readers of
    # a million freshly loaded rows set their hint bits and find no visibility map (the
    # tab counts took 63 ms in the run that loaded the data, 19 ms in the next).
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    client = Client(HTTP_HOST="localhost")
    client.force_login(get_user_model().objects.get(username="agent0"))
    print(
        f"agent queue (department, 50 due soonest): {median_ms(client, '/queue/?view=all'):.1f} ms median"
    )
    print(f"agent queue (assigned to me):             {median_ms(client, '/queue/'):.1f} ms median")
    print(
        f"queue tab counts (fetched after the page):  {median_ms(client, '/queue/counts/'):.1f} ms median"
    )
    ids = [public_id for _, public_id in sample]
    timings = []
    for public_id in rng.sample(ids, 40):
        started = time.perf_counter()
        response = client.get(f"/customers/{public_id}/")
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    print(f"customer record (with grants, mail, value): {statistics.median(timings):.1f} ms median")
    from clientfocus.service.models import Request

    agent = get_user_model().objects.get(username="agent0")
    references = [
        r.reference
        for r in Request.objects.filter(
            channel="email", queue__department=agent.employee.department
        ).order_by("-pk")[:200]
    ]
    timings = []
    for reference in rng.sample(references, 40):
        started = time.perf_counter()
        response = client.get(f"/requests/{reference}/")
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.status_code
    print(f"request page (playbooks, mail, grants):   {statistics.median(timings):.1f} ms median")
    timings = []
    for _ in range(40):
        started = time.perf_counter()
        client.get("/customers/", {"q": f"customer{rng.randint(0, CUSTOMERS - 1)}@example.com"})
        timings.append((time.perf_counter() - started) * 1000)
    print(f"customer search by e-mail:                {statistics.median(timings):.1f} ms median")


def drive(port: int, payload, headers: dict[str, str], seconds: float, clients: int = 8):
    """``clients`` plain HTTP/1.1 clients POSTing request creations for ``seconds``:
    (created, errors, elapsed). The load generator shares the machine's two cores with
    the server and the database, so it should cost as little as possible."""
    counts = [0] * clients
    errors = [0] * clients
    stop = time.perf_counter() + seconds

    def client(index: int) -> None:
        rng = random.Random(index)
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        while time.perf_counter() < stop:
            body = json.dumps(payload(rng))
            try:
                connection.request("POST", "/api/requests", body=body, headers=headers)
                response = connection.getresponse()
                response.read()
                status = response.status
            except (http.client.HTTPException, OSError):
                # The server closed the connection (no keep-alive): open a new one.
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                continue
            if response.getheader("Connection", "").lower() == "close":
                connection.close()
            if status == 201:
                counts[index] += 1
            else:
                errors[index] += 1

    started = time.perf_counter()
    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(counts), sum(errors), time.perf_counter() - started


def _wait_up(port: int, path: str) -> None:
    for _ in range(60):
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
            connection.request("GET", path)
            connection.getresponse().read()
            return
        except OSError:
            time.sleep(0.5)


def served_rate(
    command: list[str],
    env: dict[str, str],
    port: int,
    ready: str,
    payload,
    headers: dict[str, str],
    seconds: float,
) -> tuple[float, int, int, float]:
    """Start a server, drive it with request creations, stop it: (rate, created, errors,
    elapsed)."""
    server = subprocess.Popen(
        command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        _wait_up(port, ready)
        created, errors, elapsed = drive(port, payload, headers, seconds)
    finally:
        server.terminate()
        server.wait(timeout=10)
    return created / elapsed, created, errors, elapsed


def bare_throughput(url: str, seconds: float, workers: int) -> float:
    """The limit: benchmarks/anchors/bare.py (one Django view, the same three INSERTs)
    under gunicorn with the same workers, in a database of its own."""
    import psycopg

    anchor = url + "_anchor"
    ensure_database(anchor, reload=True)
    schema = (Path(__file__).parent / "anchors" / "schema.sql").read_text()
    with psycopg.connect(anchor, autocommit=True) as connection:
        connection.execute(schema)
    port = 8790
    rate, created, errors, _ = served_rate(
        [str(Path(sys.executable).parent / "gunicorn"), "-w", str(workers), "-b",
         f"127.0.0.1:{port}", "--chdir", str(Path(__file__).parent / "anchors"),
         "bare:application"],
        {**os.environ, "DATABASE_URL": anchor},
        port,
        "/api/requests",
        lambda rng: {"customer": rng.randrange(1, 100_000), "subject": "Benchmark call",
                     "body": "The fridge is warm", "priority": "normal"},
        {"Authorization": "Bearer anchor-token", "Content-Type": "application/json"},
        seconds,
    )  # fmt: skip
    print(
        f"limit, bare Django (benchmarks/anchors/bare.py): {rate:.0f} requests/s "
        f"({created} created, {errors} errors, {workers} gunicorn workers)"
    )
    return rate


def api_throughput(url: str, seconds: float = 20.0, workers: int = 3, threads: int = 1) -> float:
    from django.contrib.auth import get_user_model

    from clientfocus.core.models import ApiToken
    from clientfocus.customers.models import Customer
    from clientfocus.service.models import Queue

    _, token = ApiToken.issue(user=get_user_model().objects.get(username="benchadmin"))
    customers = [str(c) for c in Customer.objects.values_list("public_id", flat=True)[:5000]]
    queue = Queue.objects.first().pk
    port = 8765
    rate, created, errors, elapsed = served_rate(
        [sys.executable, "-m", "clientfocus.cli", "serve", "--port", str(port),
         "--workers", str(workers), "--threads", str(threads)],
        {**os.environ, "DATABASE_URL": url, "SECRET_KEY": "benchmark-only"},
        port,
        "/health",
        lambda rng: {"customer": rng.choice(customers), "subject": "Benchmark call",
                     "body": "The fridge is warm", "queue": queue, "priority": "normal"},
        {"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        seconds,
    )  # fmt: skip
    print(
        f"API POST /api/requests: {rate:.0f} requests/s with 8 concurrent clients, "
        f"{workers} gunicorn workers ({created} created, {errors} errors, {elapsed:.1f} s)"
    )
    return rate


def latest_request_id() -> int:
    from clientfocus.service.models import Request

    return Request.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def forget_requests_after(last: int) -> None:
    """Delete the requests the API run created (and the rows that refer to them), so the
    next run's pages meet the data they met before (tens of thousands of new requests a
    run made the queue's tab counts slower run by run)."""
    from django.db import connection, transaction

    from clientfocus.service.models import Request

    table = Request._meta.db_table
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.conrelid::regclass::text, a.attname FROM pg_constraint c JOIN "
            "pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1] "
            "WHERE c.contype = 'f' AND c.confrelid = %s::regclass",
            [table],
        )
        emptied = [table]
        for referring, column in cursor.fetchall():
            if referring != table:
                cursor.execute(f'DELETE FROM {referring} WHERE "{column}" > %s', [last])
                if cursor.rowcount:
                    emptied.append(referring)
        cursor.execute(f"DELETE FROM {table} WHERE id > %s", [last])
        print(f"  {cursor.rowcount:,} requests the API run created deleted again")
    # Their dead rows vacuumed away: left to autovacuum, the active-request indexes of
    # later runs still walked them (the unassigned tab's count took 100 ms, not 8).
    with connection.cursor() as cursor:
        for name in emptied:
            cursor.execute(f"VACUUM ANALYZE {name}")


def main() -> None:
    parser = parser_with_database(__doc__, "2,000 customers / 5,000 requests")
    parser.add_argument("--reload", action="store_true")
    parser.add_argument("--seconds", type=float, default=40.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--rounds", type=int, default=4, choices=range(1, 11))
    parser.add_argument("--skip-pages", action="store_true")
    args = parser.parse_args()
    url, seconds = args.database_url, args.seconds
    if args.quick:
        url, seconds = quick_database(url, requests=5_000), 2.0
    else:
        ensure_database(url, args.reload)
    setup_django(url)
    rng = random.Random(1)
    load(rng)
    if not args.skip_pages:
        page_timings(rng)
    rounds = 1 if args.quick else args.rounds
    limits, ours = [], []
    for _ in range(rounds):
        limits.append(bare_throughput(url, seconds / rounds, args.workers))
        last = latest_request_id()
        ours.append(
            api_throughput(url, seconds / rounds, workers=args.workers, threads=args.threads)
        )
        forget_requests_after(last)
    limit, figure = statistics.mean(limits), statistics.mean(ours)
    each = ", ".join(f"{o / lim:.0%}" for lim, o in zip(limits, ours, strict=True))
    print(f"rounds: {each}")
    print(
        f"request creation: {figure:.0f}/s of a {limit:.0f}/s bare-Django limit, "
        f"{figure / limit:.0%} ({rounds} rounds each, in turns)"
    )


if __name__ == "__main__":
    main()
