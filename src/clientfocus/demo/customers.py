"""The demo customers: people and companies in five countries, in their languages."""

from __future__ import annotations

import random
from typing import Any

from clientfocus.customers.models import Customer, CustomerKind
from clientfocus.customers.services import create_customer

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


def phone_number(pattern: str, rng: random.Random) -> str:
    numbers = [rng.randint(0, 99) for _ in range(pattern.count("{") - 1)]
    return pattern.format(*numbers, rng.randint(0, 99999))


def create_customers(org: dict, rng: random.Random, count: int) -> list[Customer]:
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
                    phones=[phone_number(country["phone"], rng)],
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
                    phones=[phone_number(country["phone"], rng)],
                    consent_sms=rng.random() < 0.6,
                )
            )
    return customers
