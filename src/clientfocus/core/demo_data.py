"""Demo data: Norda Home, a home-appliance retailer and service company selling in
Lithuania, Slovenia, Russia, India and the UK. Customers write in their own languages.

Everything goes through the real services (open_request, add_message, change_state …),
so clocks, events and attainment figures are what the product would have recorded.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from clientfocus.customers.models import Customer, CustomerKind, Tier
from clientfocus.customers.services import create_customer
from clientfocus.people.models import Department, Role
from clientfocus.people.services import create_department, create_employee
from clientfocus.service import services
from clientfocus.service.models import BusinessCalendar, Category, Queue, SlaPolicy, State

DEMO_PASSWORD = "demo"  # noqa: S105 - printed for the demo, never used outside it

COUNTRIES: dict[str, dict[str, Any]] = {
    "LT": {
        "language": "lt",
        "timezone": "Europe/Vilnius",
        "phone": "+370 6{:02d} {:05d}",
        "people": [
            ("Jonas", "Kazlauskas"),
            ("Tomas", "Petrauskas"),
            ("Lukas", "Jankauskas"),
            ("Mantas", "Stankevičius"),
            ("Darius", "Vasiliauskas"),
            ("Rūta", "Žukauskienė"),
            ("Eglė", "Butkienė"),
            ("Giedrė", "Paulauskaitė"),
            ("Aistė", "Kazlauskaitė"),
            ("Ieva", "Urbonienė"),
            ("Paulius", "Urbonas"),
            ("Gintarė", "Šimkienė"),
        ],
        "companies": ["UAB Šiaurės prekyba", "UAB Vilniaus virtuvės", "UAB Baltijos viešbučiai"],
    },
    "SI": {
        "language": "sl",
        "timezone": "Europe/Ljubljana",
        "phone": "+386 4{:01d} {:06d}",
        "people": [
            ("Luka", "Novak"),
            ("Nejc", "Horvat"),
            ("Matej", "Kovačič"),
            ("Jure", "Krajnc"),
            ("Ana", "Zupančič"),
            ("Maja", "Potočnik"),
            ("Nina", "Kos"),
            ("Špela", "Vidmar"),
            ("Žiga", "Golob"),
            ("Tjaša", "Mlakar"),
        ],
        "companies": ["Alpski servis d.o.o.", "Gostilna Pri Lipi d.o.o."],
    },
    "RU": {
        "language": "ru",
        "timezone": "Europe/Moscow",
        "phone": "+7 9{:02d} {:07d}",
        "people": [
            ("Алексей", "Иванов"),
            ("Дмитрий", "Смирнов"),
            ("Сергей", "Кузнецов"),
            ("Иван", "Попов"),
            ("Михаил", "Соколов"),
            ("Анна", "Иванова"),
            ("Мария", "Смирнова"),
            ("Ольга", "Кузнецова"),
            ("Екатерина", "Попова"),
            ("Наталья", "Соколова"),
        ],
        "companies": ["ООО «Северный ветер»", "ООО «Домашний уют»"],
    },
    "IN": {
        "language": "hi",
        "timezone": "Asia/Kolkata",
        "phone": "+91 9{:02d}{:02d} {:05d}",
        "people": [
            ("राहुल", "शर्मा"),
            ("प्रिया", "पटेल"),
            ("अर्जुन", "सिंह"),
            ("अनन्या", "गुप्ता"),
            ("विवान", "रेड्डी"),
            ("स्नेहा", "अय्यर"),
            ("Aarav", "Mehta"),
            ("Kavya", "Nair"),
            ("Rohan", "Verma"),
            ("Isha", "Kapoor"),
        ],
        "companies": ["शर्मा इलेक्ट्रॉनिक्स प्रा. लि.", "Sunrise Hotels Pvt Ltd"],
    },
    "GB": {
        "language": "en",
        "timezone": "Europe/London",
        "phone": "+44 7{:03d} {:06d}",
        "people": [
            ("Oliver", "Smith"),
            ("George", "Jones"),
            ("Harry", "Taylor"),
            ("Jack", "Brown"),
            ("Amelia", "Williams"),
            ("Olivia", "Wilson"),
            ("Emily", "Evans"),
            ("Sophie", "Thomas"),
            ("Isla", "Roberts"),
            ("Noah", "Walker"),
        ],
        "companies": ["Thames Retail Ltd", "Pennine Lettings Ltd"],
    },
}

# (category, subject, what the customer wrote, the agent's reply) per language.
CONVERSATIONS = {
    "lt": [
        (
            "Delivery",
            "Kurjeris neatvyko",
            "Laukiau visą dieną, bet kurjeris taip ir neatvyko, net nepaskambino. Kada bus pristatytas šaldytuvas?",
            "Atsiprašome. Pristatymą perkėlėme į rytojų 10–12 val., kurjeris paskambins valandą prieš atvykdamas.",
        ),
        (
            "Billing",
            "Netikėtas mokestis sąskaitoje",
            "Sąskaitoje radau 15 € „aptarnavimo mokestį“, apie kurį niekas nesakė. Prašau paaiškinti.",
            "Mokestis priskaičiuotas per klaidą – jį grąžinsime per 3 darbo dienas.",
        ),
        (
            "Repair",
            "Skalbimo mašina neišsuka",
            "Nauja skalbimo mašina nustojo gręžti po dviejų savaičių. Ar tai garantinis atvejis?",
            "Taip, tai garantinis remontas. Meistras atvyks ketvirtadienį; patvirtinsime laiką SMS žinute.",
        ),
        (
            "Returns",
            "Noriu grąžinti dulkių siurblį",
            "Dulkių siurblys per garsus, noriu jį grąžinti. Kaip tai padaryti?",
            "Galite grąžinti per 30 dienų. Atsiųsime kurjerį – pasirinkite patogų laiką.",
        ),
    ],
    "sl": [
        (
            "Delivery",
            "Dostava zamuja",
            "Pomivalni stroj bi moral prispeti v ponedeljek, a ga še vedno ni. Kje je?",
            "Opravičujemo se za zamudo. Paket je pri dostavni službi, prispel bo jutri med 9. in 12. uro.",
        ),
        (
            "Billing",
            "Dvojna bremenitev kartice",
            "Z moje kartice sta bila dvakrat odtegnjena zneska za isto naročilo.",
            "Preverili smo: druga bremenitev je bila rezervacija in bo sproščena v 2 dneh.",
        ),
        (
            "Repair",
            "Hladilnik ne hladi",
            "Hladilnik od včeraj ne hladi več, hrana se kvari. Prosim za hitro pomoč.",
            "Serviser bo pri vas danes popoldne. Do takrat naprave ne odpirajte po nepotrebnem.",
        ),
        (
            "Returns",
            "Vračilo izdelka",
            "Kupil sem napačno velikost pečice. Ali jo lahko zamenjam?",
            "Seveda, zamenjavo uredimo brezplačno. Kurir bo prevzel pečico v petek.",
        ),
    ],
    "ru": [
        (
            "Delivery",
            "Курьер приехал без звонка",
            "Курьер приехал без предупреждения, меня не было дома. Как теперь получить заказ?",
            "Приносим извинения. Назначили повторную доставку на завтра, курьер позвонит за час.",
        ),
        (
            "Billing",
            "Неожиданная комиссия",
            "Мне списали комиссию за оплату картой, о которой нигде не было написано.",
            "Комиссию вернём в течение трёх рабочих дней. Спасибо, что сообщили.",
        ),
        (
            "Repair",
            "Не работает посудомоечная машина",
            "Посудомоечная машина выдаёт ошибку E24 и не сливает воду.",
            "Мастер приедет в четверг с 14 до 17. Перед визитом мы пришлём SMS.",
        ),
        (
            "Returns",
            "Возврат пылесоса",
            "Пылесос слишком шумный, хочу вернуть. Что нужно сделать?",
            "Вы можете вернуть товар в течение 30 дней. Курьер заберёт его в удобное для вас время.",
        ),
    ],
    "hi": [
        (
            "Delivery",
            "डिलीवरी में देरी",
            "मेरा फ्रिज तीन दिन पहले आना था, लेकिन अभी तक नहीं आया। कृपया बताएं कब आएगा?",
            "देरी के लिए क्षमा करें। आपका फ्रिज कल सुबह 10 से 12 बजे के बीच पहुँचेगा, कूरियर एक घंटा पहले फोन करेगा।",
        ),
        (
            "Billing",
            "बिल में अनचाहा शुल्क",
            "मेरे बिल में 500 रुपये का सेवा शुल्क जोड़ा गया है जिसके बारे में किसी ने नहीं बताया।",
            "यह शुल्क गलती से लगा था। हम इसे तीन कार्य दिवसों में वापस कर देंगे।",
        ),
        (
            "Repair",
            "वॉशिंग मशीन खराब है",
            "नई वॉशिंग मशीन दो हफ्ते में ही बंद हो गई। क्या यह वारंटी में ठीक होगी?",
            "जी हाँ, यह वारंटी में है। तकनीशियन गुरुवार को आएगा, हम SMS से समय की पुष्टि करेंगे।",
        ),
        (
            "Returns",
            "सामान वापस करना है",
            "मुझे माइक्रोवेव का गलत मॉडल मिला है। इसे कैसे बदलूँ?",
            "हम इसे मुफ्त में बदल देंगे। कूरियर शुक्रवार को माइक्रोवेव ले जाएगा।",
        ),
    ],
    "en": [
        (
            "Delivery",
            "Courier turned up without calling",
            "The courier came while I was at work without any call or text. How do I get my oven now?",
            "Sorry about that. We've rebooked delivery for tomorrow 10:00–12:00 and the driver will call an hour before.",
        ),
        (
            "Billing",
            "Unexpected charge on my invoice",
            "There's a £12 'admin fee' on my invoice that nobody mentioned when I ordered.",
            "That fee should not have been applied. We've refunded it; you'll see it within 3 working days.",
        ),
        (
            "Repair",
            "Dishwasher leaking",
            "My dishwasher, bought in March, leaks from the door after every cycle.",
            "That's covered by the warranty. An engineer will visit on Thursday afternoon; we'll text a 2-hour window.",
        ),
        (
            "Returns",
            "Return a vacuum cleaner",
            "The vacuum is much louder than advertised. Can I return it?",
            "Of course: returns are free within 30 days. Pick a collection slot with the link we've sent.",
        ),
    ],
}

INTERNAL = [
    (
        "logistics",
        "Couriers arrive without calling ahead — check carrier instructions",
        "Three customers this week say the courier came without a call. Please check what the carrier is told.",
    ),
    (
        "billing",
        "Refund approval for a wrongly charged service fee",
        "Customer was charged an admin fee that was never announced. Please approve the refund today.",
    ),
    (
        "logistics",
        "Delivery slots for platinum customers",
        "Can we reserve morning delivery slots for platinum customers next month?",
    ),
    (
        "billing",
        "Invoice template shows fees in the wrong currency",
        "Invoices for Indian customers show the service fee in EUR instead of INR.",
    ),
]

HOLIDAYS_LT = [
    "2026-01-01", "2026-02-16", "2026-03-11", "2026-04-05", "2026-04-06", "2026-05-01",
    "2026-06-24", "2026-07-06", "2026-08-15", "2026-11-01", "2026-11-02", "2026-12-24",
    "2026-12-25", "2026-12-26", "2027-01-01", "2027-02-16", "2027-03-11",
]  # fmt: skip


def _phone(pattern: str, rng: random.Random) -> str:
    numbers = [rng.randint(0, 99) for _ in range(pattern.count("{") - 1)]
    return pattern.format(*numbers, rng.randint(0, 99999))


def already_loaded() -> bool:
    return Department.objects.filter(code="customer-care").exists()


@transaction.atomic
def _setup_organisation() -> dict:
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


def _create_customers(org: dict, rng: random.Random, count: int) -> list[Customer]:
    tiers = org["tiers"]
    weights = [("standard", 60), ("silver", 25), ("gold", 10), ("platinum", 5)]
    tier_codes = [code for code, weight in weights for _ in range(weight) if code in tiers]
    customers: list[Customer] = []
    owners = [
        org["people"]["agent"].user,
        org["people"]["agent2"].user,
        org["people"]["manager"].user,
    ]
    for code, country in COUNTRIES.items():
        for name in country["companies"]:
            customers.append(
                create_customer(
                    actor=None,
                    name=name,
                    kind=CustomerKind.COMPANY,
                    language=country["language"],
                    country=code,
                    timezone=country["timezone"],
                    tier=tiers[rng.choice(["gold", "platinum"])],
                    owner=rng.choice(owners),
                    phones=[_phone(country["phone"], rng)],
                    emails=[f"info{len(customers)}@example.com"],
                )
            )
    per_country = max(1, (count - len(customers)) // len(COUNTRIES))
    for code, country in COUNTRIES.items():
        for i in range(per_country):
            first, last = rng.choice(country["people"])
            tier = tiers[rng.choice(tier_codes)]
            latin = f"{first}.{last}".lower() if first.isascii() else f"customer{len(customers)}"
            customers.append(
                create_customer(
                    actor=None,
                    name=f"{first} {last}",
                    language=country["language"],
                    country=code,
                    timezone=country["timezone"],
                    tier=tier,
                    owner=rng.choice(owners) if tier.code in ("gold", "platinum") else None,
                    emails=[
                        f"{latin}{i}@example.com".replace("ž", "z")
                        .replace("š", "s")
                        .replace("ė", "e")
                        .replace("ū", "u")
                        .replace("č", "c")
                        .replace("ę", "e")
                    ],
                    phones=[_phone(country["phone"], rng)],
                    consent_sms=rng.random() < 0.6,
                )
            )
    return customers


def _replay_request(
    org: dict, customer: Customer, rng: random.Random, opened: datetime, now: datetime
) -> None:
    agents = [org["people"][k].user for k in ("agent", "agent2", "agent3", "agent4")]
    category_name, subject, said, reply = rng.choice(
        CONVERSATIONS.get(customer.language, CONVERSATIONS["en"])
    )
    category = org["categories"][category_name]
    queue = (
        org["queues"]["vip"]
        if customer.tier.code == "platinum" and category_name != "Repair"
        else None
    )
    agent = rng.choice(agents)
    actor = org["people"]["tech"].user if category_name == "Repair" else agent
    priority = rng.choices(["low", "normal", "high", "urgent"], weights=[10, 65, 20, 5])[0]
    request = services.open_request(
        actor=agent,
        customer=customer,
        subject=subject,
        body=said,
        category=category,
        priority=priority,
        channel=rng.choice(["phone", "email", "email", "web", "chat"]),
        queue=queue,
        now=opened,
    )
    age = now - opened
    if rng.random() < 0.85:
        services.assign_request(
            request=request,
            actor=org["people"]["admin"].user,
            assignee=actor,
            now=opened + timedelta(minutes=3),
        )
    # How far this conversation got depends on its age; recent ones are still open.
    answer_after = timedelta(minutes=rng.choice([10, 25, 45, 90, 180, 400, 900]))
    # A few recent requests are still waiting for their first answer.
    if opened + answer_after >= now or (age < timedelta(hours=30) and rng.random() < 0.3):
        return
    services.add_message(request=request, actor=actor, body=reply, now=opened + answer_after)
    step = opened + answer_after
    if age > timedelta(days=2) or rng.random() < 0.5:
        services.change_state(
            request=request,
            actor=actor,
            state=State.WAITING_ON_CUSTOMER,
            now=step + timedelta(minutes=1),
        )
        step += timedelta(hours=rng.choice([2, 5, 20]))
        if step >= now:
            return
        thanks = {
            "lt": "Ačiū, taip tinka.",
            "sl": "Hvala, tako je v redu.",
            "ru": "Спасибо, так подходит.",
            "hi": "धन्यवाद, यह ठीक है।",
            "en": "Thanks, that works for me.",
        }[customer.language if customer.language in CONVERSATIONS else "en"]
        services.receive_customer_message(request=request, body=thanks, now=step)
        step += timedelta(minutes=rng.choice([20, 60, 240, 2000]))
        if step >= now:
            return
        services.change_state(request=request, actor=actor, state=State.RESOLVED, now=step)
        if step + timedelta(days=3) < now:
            services.change_state(
                request=request, actor=actor, state=State.CLOSED, now=step + timedelta(days=3)
            )


def _demo_orders(customers: list[Customer], rng: random.Random, now: datetime) -> None:
    """Two years of order history drawn from the purchase and spend models, richer for
    higher tiers, then the value figures and an example tier policy (not applied)."""
    import numpy as np

    from clientfocus.orders.models import Order
    from clientfocus.value.lifetime import BGNBD, GammaGamma, simulate_bgnbd, simulate_spend
    from clientfocus.value.models import TierPolicyVersion
    from clientfocus.value.services import refresh_values

    weeks = [rng.uniform(8, 104) for _ in customers]
    x, t_x, _ = simulate_bgnbd(BGNBD(0.9, 6.0, 0.7, 3.0), len(customers), np.array(weeks), seed=11)
    spend = simulate_spend(GammaGamma(6.0, 3.7, 120.0), x, seed=11)
    boost = {"standard": 1.0, "silver": 1.5, "gold": 2.5, "platinum": 4.0}
    lines = ["Kitchen", "Laundry", "Cooling", "Small appliances", "Service plans"]
    orders = []
    for i, customer in enumerate(customers):
        first = now - timedelta(weeks=weeks[i])
        count = 1 + int(x[i])
        for k in range(count):
            when = first + timedelta(weeks=float(t_x[i]) * k / max(count - 1, 1))
            base = float(spend[i]) if k else rng.uniform(60, 400)
            amount = max(base, 15.0) * boost.get(customer.tier.code, 1.0)
            orders.append(
                Order(
                    order_id=f"NH-{customer.pk:05d}-{k:03d}",
                    customer=customer,
                    placed_at=when,
                    amount=round(amount, 2),
                    currency="EUR",
                    channel=rng.choice(["web", "web", "shop", "phone"]),
                    product_line=rng.choice(lines),
                )
            )
    Order.objects.bulk_create(orders, batch_size=2000)
    refresh_values(now=now)
    TierPolicyVersion.objects.create(
        version=1,
        note="Example: top 5 % platinum, next 15 % gold",
        rules={
            "metric": "lifetime_value_12m",
            "ranks": [{"tier": "platinum", "top_percent": 5}, {"tier": "gold", "top_percent": 20}],
            "floors": [{"tier": "silver", "open_request": True, "above_percentile": 50}],
            "default": "standard",
        },
    )


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
    org = _setup_organisation()
    people = _create_customers(org, rng, customers)
    for _ in range(requests):
        customer = rng.choice(people)
        # Most requests are recent: a steady flow over 40 days and a busy last week.
        days_ago = rng.random() ** 2 * 40
        opened = now - timedelta(days=days_ago, minutes=rng.randint(0, 600))
        with transaction.atomic():
            _replay_request(org, customer, rng, opened, now)
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
    _demo_orders(people, rng, now)
    _demo_voice(people, org, rng, now)
    _demo_staffing(org, now)
    return {
        name: (employee.user.username, DEMO_PASSWORD, employee.get_role_display())
        for name, employee in org["people"].items()
    }


def _demo_voice(people: list[Customer], org: dict, rng: random.Random, now: datetime) -> None:
    """Survey answers for part of the invitations the replayed requests sent, 12 weeks of
    frontline and customer feedback in five languages (from the short-comment set),
    a burst of delivery complaints last week, some staff-reviewed tags, a trained
    classifier, the rollups, the trend alerts and last week's digest."""
    import csv
    from importlib import resources

    from clientfocus.voice import selectors as voice_selectors
    from clientfocus.voice import services as voice
    from clientfocus.voice.models import (
        AlertSubscription,
        FeedbackItem,
        SurveyInvitation,
        SurveyResponse,
        ThemeTag,
        is_detractor,
    )

    text = (
        resources.files("clientfocus.voice").joinpath("data/short_comments.tsv").read_text("utf-8")
    )
    comments: dict[str, list[tuple[str, str]]] = {}
    for row in csv.DictReader(text.splitlines(), delimiter="\t"):
        comments.setdefault(row["language"], []).append((row["sentiment"], row["text"]))
    by_language: dict[str, list[Customer]] = {}
    for customer in people:
        by_language.setdefault(customer.language, []).append(customer)
    staff = [org["people"][k].user for k in ("agent", "agent2", "agent3", "agent4")]

    # Survey answers: most invitations are answered, scores follow how the request went.
    for invitation in SurveyInvitation.objects.filter(state="sent").select_related(
        "survey", "customer", "request"
    ):
        if rng.random() > 0.6:
            continue
        kind = invitation.survey.kind
        breached = invitation.request is not None and invitation.request.breach_count > 0
        if kind == "nps":
            score = rng.choice([3, 5, 6, 7, 8] if breached else [6, 8, 9, 9, 10, 10])
        elif kind == "csat":
            score = rng.choice([1, 2, 3, 4] if breached else [3, 4, 5, 5, 5])
        else:
            score = rng.choice([4, 5, 6, 7] if breached else [1, 2, 2, 3])
        pool = comments.get(invitation.language, comments["en"])
        wanted = "neg" if is_detractor(kind, score) else "pos"
        comment = rng.choice([t for s, t in pool if s == wanted]) if rng.random() < 0.5 else ""
        when = min(now, invitation.created_at + timedelta(hours=rng.randint(1, 40)))
        response = voice.answer_survey(
            token=voice.survey_token(invitation), score=score, comment=comment, now=when
        )
        FeedbackItem.objects.filter(pk=response.item_id).update(created_at=when)
        ThemeTag.objects.filter(item_id=response.item_id).update(created_at=when)
        SurveyResponse.objects.filter(pk=response.pk).update(answered_at=when)

    # Earlier answers from the survey tool the company used before (NPS after deliveries,
    # CES after web orders), over twelve weeks, a little worse in the last three.
    for _ in range(500):
        days_ago = rng.uniform(0, 84)
        worse = days_ago < 21
        customer = rng.choice(people)
        if rng.random() < 0.7:
            kind = "nps"
            score = rng.choice([2, 5, 6, 7, 8, 9, 10] if worse else [5, 7, 8, 9, 9, 10, 10])
        else:
            kind = "ces"
            score = rng.choice([2, 3, 4, 5, 6] if worse else [1, 2, 2, 3, 4])
        voice.record_feedback(
            text="",
            source="survey",
            score_kind=kind,
            score=score,
            customer=customer,
            created_at=now - timedelta(days=days_ago),
        )
    # Feedback over twelve weeks: what customers wrote and what staff heard.
    for _ in range(700):
        language = rng.choice(["en", "ru", "lt", "sl", "hi"])
        _sentiment, said = rng.choice(comments[language])
        customer = rng.choice(by_language.get(language) or people)
        when = now - timedelta(days=rng.uniform(7, 84))
        source = rng.choice(["employee", "employee", "customer", "email"])
        voice.record_feedback(
            text=said,
            source=source,
            actor=rng.choice(staff) if source == "employee" else None,
            customer=customer,
            created_at=when,
        )
    # Last week: the courier company changed and delivery complaints pile up.
    delivery = [
        (language, t)
        for language, rows in comments.items()
        for s, t in rows
        if s == "neg"
        and any(
            w in t.casefold()
            for w in (
                "courier",
                "курьер",
                "kurjer",
                "kurir",
                "कूरियर",
                "deliver",
                "достав",
                "pristat",
                "dostav",
                "डिलीवरी",
            )
        )
    ]
    for _ in range(60):
        language, said = rng.choice(delivery)
        voice.record_feedback(
            text=said,
            source=rng.choice(["employee", "customer"]),
            customer=rng.choice(by_language.get(language) or people),
            created_at=now - timedelta(days=rng.uniform(0, 6.5)),
        )
    # Staff reviewed some tags; the classifier learns from them.
    reviewer = org["people"]["manager"].user
    for item in FeedbackItem.objects.exclude(text="").order_by("?")[:120]:
        voice.confirm(item=item, actor=reviewer)
    voice.train_classifier()
    AlertSubscription.objects.get_or_create(user=reviewer, theme=None)
    voice_selectors.rebuild_all_rollups()
    voice.detect_trends(now=now)
    voice.make_digest()


def _demo_staffing(org: dict, now: datetime) -> None:
    """Customer Care's phone and chat line: hourly intervals, 4-minute calls, 30 %
    shrinkage, gold/platinum answered within 20 s, everyone else within 2 minutes; a
    roster for this week and next (weekdays 08:00-17:00 local, two agents till 20:00)."""
    from zoneinfo import ZoneInfo

    from django.conf import settings

    from clientfocus.customers.models import Tier
    from clientfocus.staffing.models import AnswerTarget, QueueStaffing, Shift

    staffing = QueueStaffing.objects.create(
        queue=org["queues"]["general"], interval_minutes=60, aht_seconds=240, shrinkage=0.3
    )
    for tier in Tier.objects.all():
        fast = tier.code in ("gold", "platinum")
        AnswerTarget.objects.create(
            staffing=staffing, tier=tier, service_level=0.8, target_seconds=20 if fast else 120
        )
    zone = ZoneInfo(settings.TIME_ZONE)
    today = now.astimezone(zone).date()
    monday = today - timedelta(days=today.weekday())
    agents = [org["people"][k] for k in ("agent", "agent2", "agent3", "agent4")]
    # Eight weeks of answered calls on the line (the switchboard's log): busy mornings,
    # a lunch dip, quieter evenings, fewer on Fridays.
    from clientfocus.service.models import Request

    rng = random.Random(11)
    callers = list(Customer.objects.all()[:200])
    shape = {
        8: 6,
        9: 14,
        10: 18,
        11: 16,
        12: 10,
        13: 12,
        14: 15,
        15: 13,
        16: 10,
        17: 6,
        18: 4,
        19: 3,
    }
    calls = []
    for day in range(1, 57):
        date = today - timedelta(days=day)
        if date.weekday() >= 5:
            continue
        factor = 0.8 if date.weekday() == 4 else 1.0
        for hour, mean in shape.items():
            for _ in range(max(0, round(rng.gauss(mean * factor, mean**0.5)))):
                opened = datetime.combine(date, datetime.min.time(), tzinfo=zone) + timedelta(
                    hours=hour, seconds=rng.uniform(0, 3600)
                )
                answered = opened + timedelta(seconds=rng.expovariate(1 / 40))
                caller = rng.choice(callers)
                calls.append(
                    Request(
                        customer=caller,
                        subject="Phone call",
                        queue=staffing.queue,
                        tier=caller.tier,
                        channel="phone",
                        state="closed",
                        created_at=opened,
                        first_responded_at=answered,
                        first_response_met=True,
                        resolved_at=answered + timedelta(minutes=4),
                        closed_at=answered + timedelta(minutes=4),
                    )
                )
    Request.objects.bulk_create(calls, batch_size=1000)
    for day in range(14):
        date = monday + timedelta(days=day)
        if date.weekday() >= 5:
            continue
        for i, employee in enumerate(agents):
            end_hour = 20 if i < 2 else 17
            Shift.objects.create(
                employee=employee,
                queue=staffing.queue,
                start=datetime.combine(date, datetime.min.time(), tzinfo=zone)
                + timedelta(hours=8 + (i >= 2)),
                end=datetime.combine(date, datetime.min.time(), tzinfo=zone)
                + timedelta(hours=end_hour),
            )
