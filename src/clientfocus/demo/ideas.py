"""The demo ideas: what customers asked for in five languages, with votes from customers
of every tier (so weighing by value reorders them), one merged duplicate, and decided
ones whose askers were told."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from clientfocus.customers.models import Customer
from clientfocus.ideas import services as ideas
from clientfocus.ideas.models import Importance, Status

IDEAS = [
    ("en", "Furniture", "Delivery on Saturdays", "I work all week; a Saturday slot would help."),
    ("en", "Kitchens", "3D planner for kitchens", "Let me plan my kitchen online before I visit."),
    ("en", "Furniture", "Assembly service at home", "Assembly by your staff when it is delivered."),
    ("ru", "Furniture", "Доставка в вечернее время", "Хотелось бы получать заказы после 18:00."),
    ("ru", "Textiles", "Образцы тканей по почте", "Чтобы выбрать цвет дивана дома."),
    ("lt", "Furniture", "Pristatymas šeštadieniais", "Darbo dienomis negaliu laukti kurjerio."),
    ("lt", "Lighting", "Išmaniosios lemputės programėlėje", "Valdyti šviesas iš programėlės."),
    (
        "sl",
        "Kitchens",
        "Obročno plačilo brez obresti",
        "Kuhinja je drag nakup; obroki bi pomagali.",
    ),
    ("sl", "Furniture", "Odvoz starega pohištva", "Ob dostavi novega kavča odpeljite starega."),
    ("hi", "Textiles", "गद्दों का ट्रायल 30 दिन", "घर पर सोकर देखना चाहता हूँ कि गद्दा सही है या नहीं।"),
    ("hi", "Furniture", "शनिवार को डिलीवरी", "हफ़्ते में घर पर कोई नहीं होता।"),
]


def load_ideas(people: list[Customer], org: dict, rng: random.Random, now: datetime) -> None:
    agent = org["people"]["agent"].user
    manager = org["people"]["manager"].user
    created = []
    for language, line, title, description in IDEAS:
        author = rng.choice([p for p in people if p.language == language] or people)
        idea = ideas.submit_idea(
            title=title, description=description, product_line=line, language=language,
            customer=author, actor=agent, now=now - timedelta(days=rng.randint(20, 90)),
        )  # fmt: skip
        created.append(idea)
        for voter in rng.sample(people, rng.randint(3, 25)):
            importance = rng.choice(["", "", Importance.NICE, Importance.IMPORTANT,
                                     Importance.CRITICAL])  # fmt: skip
            ideas.vote(idea=idea, customer=voter, importance=importance, actor=agent)
    # "Delivery on Saturdays" asked in three languages: the Lithuanian one is merged.
    ideas.merge(actor=manager, idea=created[5], into=created[0], reason="same request")
    ideas.change_status(
        actor=manager, idea=created[0], status=Status.PLANNED,
        message="Saturday delivery slots start in the spring in every city we serve.",
        now=now - timedelta(days=3),
    )  # fmt: skip
    ideas.change_status(
        actor=manager, idea=created[8], status=Status.DECLINED,
        message="We cannot take old furniture back yet; we list local recycling points.",
        now=now - timedelta(days=1),
    )  # fmt: skip
    ideas.comment(
        idea=created[1], actor=manager, official=True,
        text="We are looking at planners and will share news here.",
    )  # fmt: skip
    ideas.refresh_weights()
