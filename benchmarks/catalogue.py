"""The service catalogue at scale (PostgreSQL): publishing a raised fee that 100k
customers must be told of, the fees on the customer record, the catalogue page, and
linking complaints about charges to the fee they name.

    .venv/bin/python benchmarks/catalogue.py [--database-url URL] [--customers 200000]
        [--services 50] [--reload] [--quick]

Loads customers over four tiers (half of them standard) with e-mail addresses, and
services with eight fee lines each (general, gold and platinum lines), published, then
prints:
- publishing a raise of a general fee: preview, then every notice and outbox message
  written for the standard and silver customers (the issue's "schedules notifications
  to every affected customer");
- the fees that apply to one customer (``terms_for``: every service, their tier, their
  notices), and GET of the customer record with every panel (median of 30);
- GET /catalogue/ as a manager (median of 30);
- matching a complaint to the fee it names (median over 500 texts in five languages).
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

from ideas import _copy, _median, _uuid, setup  # noqa: E402 - the sibling benchmark's helpers

NAMES = [
    {"en": "Express delivery", "ru": "Экспресс-доставка", "lt": "Skubus pristatymas",
     "sl": "Hitra dostava", "hi": "एक्सप्रेस डिलीवरी"},
    {"en": "Carrying upstairs", "ru": "Подъём на этаж", "lt": "Užnešimas į aukštą",
     "sl": "Prenos v nadstropje", "hi": "ऊपर तक पहुँचाना"},
    {"en": "Storage", "ru": "Хранение", "lt": "Saugojimas", "sl": "Skladiščenje",
     "hi": "भंडारण"},
    {"en": "Assembly", "ru": "Сборка", "lt": "Surinkimas", "sl": "Montaža", "hi": "असेंबली"},
]  # fmt: skip
COMPLAINTS = [
    ("en", "You charged me for express delivery {n} twice"),
    ("ru", "Списали деньги за экспресс-доставку {n} дважды"),
    ("lt", "Nuskaičiavo mokestį už skubų pristatymą {n}"),
    ("sl", "Zaračunali so mi hitro dostavo {n} dvakrat"),
    ("hi", "एक्सप्रेस डिलीवरी {n} का शुल्क दो बार काटा गया"),
    ("en", "Hidden storage fee {n} on the invoice"),
]


def _fees(service: int, express: str) -> list[dict]:
    rows = []
    for index, names in enumerate(NAMES):
        code = f"{names['en'].lower().replace(' ', '-')}-{service}"
        amount = express if index == 0 else f"{5 + index}.00"
        rows.append(
            {
                "code": code,
                "names": {k: f"{v} {service}" for k, v in names.items()},
                "amount": amount,
                "currency": "EUR",
                "unit": "order",
            }
        )
        rows.append({**rows[-1], "tier": "gold", "amount": "1.00"})
    return rows  # fmt: skip


def load(rng: random.Random, *, customers: int, services: int) -> None:
    from django.core.management import call_command
    from django.utils import timezone

    from clientfocus.catalogue import services as catalogue
    from clientfocus.catalogue.models import Service
    from clientfocus.customers.models import Customer, Tier
    from clientfocus.people.models import Role
    from clientfocus.people.services import create_department, create_employee

    call_command("migrate", verbosity=0)
    if Customer.objects.count() >= customers:
        print(f"data present: {Customer.objects.count():,} customers (use --reload to rebuild)")
        return
    started = time.perf_counter()
    department = create_department(name="Pricing", code="pricing")
    manager = create_employee(username="bench-manager", password=None, role=Role.MANAGER,
                              department=department).user  # fmt: skip
    tiers = dict(Tier.objects.values_list("code", "pk"))
    spread = [tiers["standard"]] * 4 + [tiers["silver"]] * 2 + [tiers["gold"], tiers["platinum"]]
    languages = ["en", "ru", "lt", "sl", "hi"]
    _copy(
        "customers_customer",
        "public_id, kind, name, language, country, timezone, tier_id, tier_locked, "
        "consent_email, consent_sms, consent_marketing, preferred_channel, notes, "
        "feedback_link_version, portal_shares_requests, external_ref, search_name, legal_hold, "
        "legal_hold_reason, created_at, updated_at",
        (
            f"{_uuid(rng)}\tperson\tCustomer {i}\t{languages[i % 5]}\t\tEurope/Vilnius\t"
            f"{rng.choice(spread)}\tf\tt\tf\tf\temail\t\t0\tf\t\tcustomer {i}\tf\t\t"
            "2020-01-01\t2020-01-01\n"
            for i in range(customers)
        ),
    )
    ids = list(Customer.objects.order_by("pk").values_list("pk", flat=True))
    # One in fifty has no address: they are recorded as unreachable.
    _copy("customers_contactpoint", "customer_id, kind, value, normalised, search_key, label, position",
          (f"{pk}\temail\tc{pk}@example.com\tc{pk}@example.com\tc{pk}@example.com\t\t0\n"
           for pk in ids if pk % 50))  # fmt: skip
    print(f"{customers:,} customers in {time.perf_counter() - started:.1f} s")
    started = time.perf_counter()
    past = timezone.now() - timezone.timedelta(days=400)
    for number in range(services):
        draft = catalogue.create_service(
            actor=manager, code=f"service-{number}", names={"en": f"Service {number}"}
        )
        catalogue.save_draft(actor=manager, version=draft, fees=_fees(number, "10.00"))
        catalogue.publish(actor=manager, version=draft, now=past)
    print(f"{Service.objects.count()} services published in {time.perf_counter() - started:.1f} s")


def measure(rng: random.Random) -> None:
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.utils import timezone

    from clientfocus.catalogue import selectors
    from clientfocus.catalogue import services as catalogue
    from clientfocus.catalogue.models import Notice, Service
    from clientfocus.customers.models import Customer

    manager = get_user_model().objects.get(username="bench-manager")
    service = Service.objects.order_by("pk").first()
    draft = catalogue.draft_of(actor=manager, service=service)
    catalogue.save_draft(actor=manager, version=draft, fees=_fees(0, "12.00"))
    started = time.perf_counter()
    plan = catalogue.preview(draft)
    previewed = time.perf_counter() - started
    started = time.perf_counter()
    version, queued, unreachable = catalogue.publish(actor=manager, version=draft)
    elapsed = time.perf_counter() - started
    print(f"preview of a raise ({plan.customers:,} customers to tell): {previewed * 1000:.0f} ms")
    print(f"publishing it: {queued:,} messages queued and {unreachable:,} unreachable recorded "
          f"in {elapsed:.1f} s ({(queued + unreachable) / elapsed:,.0f} customers/s)")  # fmt: skip
    assert Notice.objects.filter(version=version).count() == queued + unreachable

    sample = list(Customer.objects.order_by("?").values_list("pk", flat=True)[:30])
    customers = [Customer.objects.select_related("tier").get(pk=pk) for pk in sample]
    cycle = iter(customers * 40)
    median, p95 = _median(lambda: selectors.terms_for(next(cycle), timezone.now()), 30)
    print(f"fees that apply to one customer ({Service.objects.count()} services): "
          f"median {median:.1f} ms, 95th {p95:.1f} ms")  # fmt: skip
    client = Client()
    client.force_login(manager)
    pages = iter([f"/customers/{c.public_id}/" for c in customers] * 2)
    client.get(next(pages))
    median, p95 = _median(lambda: client.get(next(pages)), 30)
    print(f"GET /customers/<id>/ with every panel: median {median:.0f} ms, 95th {p95:.0f} ms")
    client.get("/catalogue/")
    median, p95 = _median(lambda: client.get("/catalogue/"), 30)
    print(f"GET /catalogue/: median {median:.0f} ms, 95th {p95:.0f} ms")

    matcher = catalogue.matcher()
    texts = []
    for _ in range(500):
        language, text = rng.choice(COMPLAINTS)
        texts.append((text.format(n=rng.randrange(Service.objects.count())), language))
    times, found = [], 0
    for text, language in texts:
        started = time.perf_counter()
        found += bool(matcher.match(text, language))
        times.append((time.perf_counter() - started) * 1000)
    print(f"naming the fee of a complaint ({len(matcher):,} fee names): median "
          f"{statistics.median(times):.2f} ms; {found} of {len(texts)} matched")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--database-url",
        default="postgres://postgres@127.0.0.1:5432/clientfocus_catalogue_bench",
    )
    parser.add_argument("--customers", type=int, default=200_000)
    parser.add_argument("--services", type=int, default=50)
    parser.add_argument("--reload", action="store_true")
    parser.add_argument("--quick", action="store_true",
                        help="2,000 customers, 5 services in <URL>_quick; figures mean nothing")  # fmt: skip
    args = parser.parse_args()
    import service_desk

    url = args.database_url + ("_quick" if args.quick else "")
    if args.quick:
        args.customers, args.services = 2_000, 5
    # Every run publishes a new version: start from a fresh database each time.
    service_desk.ensure_database(url, reload=True)
    setup(url)
    rng = random.Random(17)
    load(rng, customers=args.customers, services=args.services)
    measure(rng)


if __name__ == "__main__":
    main()
