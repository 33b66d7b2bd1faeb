"""The demo catalogue: delivery, assembly and storage with fees per tier in five
languages; delivery's express fee rises next month for standard and silver customers
(they were told ten days ago; a few could not be reached), assembly became cheaper at
once; complaints about charges name the fees."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from clientfocus.catalogue import services as catalogue
from clientfocus.customers.models import Customer
from clientfocus.notify.models import DeliveryState, Notification
from clientfocus.voice import services as voice


def _fee(code, names, amount, unit, tier=None, triggers=None, free=None) -> dict:
    return {"code": code, "names": names, "amount": amount, "currency": "EUR", "unit": unit,
            "tier": tier, "triggers": triggers or {}, "free": free or {}}  # fmt: skip


EXPRESS = {"en": "Express delivery", "ru": "Экспресс-доставка", "lt": "Skubus pristatymas",
           "sl": "Hitra dostava", "hi": "एक्सप्रेस डिलीवरी"}  # fmt: skip
STANDARD = {"en": "Standard delivery", "ru": "Обычная доставка", "lt": "Įprastas pristatymas",
            "sl": "Običajna dostava", "hi": "सामान्य डिलीवरी"}  # fmt: skip
LIFT = {"en": "Carrying upstairs", "ru": "Подъём на этаж", "lt": "Užnešimas į aukštą",
        "sl": "Prenos v nadstropje", "hi": "ऊपर तक पहुँचाना"}  # fmt: skip
ASSEMBLY = {"en": "Assembly", "ru": "Сборка", "lt": "Surinkimas", "sl": "Montaža",
            "hi": "असेंबली"}  # fmt: skip
STORAGE = {"en": "Storage", "ru": "Хранение", "lt": "Saugojimas", "sl": "Skladiščenje",
           "hi": "भंडारण"}  # fmt: skip
WITHIN_24H = {"en": "delivery within 24 hours of the order", "ru": "доставка в течение 24 часов",
              "lt": "pristatymas per 24 valandas", "sl": "dostava v 24 urah",
              "hi": "ऑर्डर के 24 घंटे के भीतर डिलीवरी"}  # fmt: skip
OVER_500 = {"en": "orders over 500 EUR", "ru": "заказы от 500 EUR", "lt": "užsakymai nuo 500 EUR",
            "sl": "naročila nad 500 EUR", "hi": "500 EUR से अधिक के ऑर्डर"}  # fmt: skip
FIRST_WEEK = {"en": "the first 14 days", "ru": "первые 14 дней", "lt": "pirmos 14 dienų",
              "sl": "prvih 14 dni", "hi": "पहले 14 दिन"}  # fmt: skip


def _delivery(express: str, express_silver: str) -> list[dict]:
    return [
        _fee("standard-delivery", STANDARD, "15.00", "delivery", free=OVER_500),
        _fee("standard-delivery", STANDARD, "0.00", "delivery", tier="gold"),
        _fee("standard-delivery", STANDARD, "0.00", "delivery", tier="platinum"),
        _fee("express-delivery", EXPRESS, express, "delivery", triggers=WITHIN_24H),
        _fee("express-delivery", EXPRESS, express_silver, "delivery", tier="silver",
             triggers=WITHIN_24H),
        _fee("express-delivery", EXPRESS, "0.00", "delivery", tier="platinum"),
        _fee("carrying-upstairs", LIFT, "5.00", "order"),
        _fee("carrying-upstairs", LIFT, "0.00", "order", tier="platinum"),
    ]  # fmt: skip


COMPLAINTS = [
    ("en", "You charged me an express delivery fee twice on one order!"),
    ("en", "Why was I charged for carrying upstairs? Nobody said it costs extra."),
    ("ru", "Списали деньги за экспресс-доставку, хотя привезли через три дня."),
    ("ru", "Скрытый сбор за хранение, об этом нигде не написано."),
    ("lt", "Nuskaičiavo mokestį už skubų pristatymą, bet atvežė tik po savaitės."),
    ("sl", "Zaračunali so mi hitro dostavo, paket pa je prišel čez teden dni."),
    ("hi", "एक्सप्रेस डिलीवरी का शुल्क दो बार काटा गया।"),
    ("en", "Hidden fee for assembly on my invoice, I was told it was included."),
]


def load_catalogue(people: list[Customer], org: dict, rng: random.Random, now: datetime) -> None:
    manager = org["people"]["manager"].user
    delivery = catalogue.create_service(
        actor=manager, code="delivery", product_line="Furniture",
        names={"en": "Delivery", "ru": "Доставка", "lt": "Pristatymas", "sl": "Dostava",
               "hi": "डिलीवरी"},
        descriptions={"en": "Delivery to your door by our own couriers.",
                      "lt": "Pristatymas iki durų mūsų kurjeriais."},
    )  # fmt: skip
    catalogue.save_draft(actor=manager, version=delivery, fees=_delivery("19.00", "12.00"))
    catalogue.publish(actor=manager, version=delivery, now=now - timedelta(days=200))
    assembly = catalogue.create_service(
        actor=manager, code="assembly", product_line="Furniture",
        names=ASSEMBLY | {"en": "Assembly at home"},
    )  # fmt: skip
    catalogue.save_draft(
        actor=manager, version=assembly,
        fees=[_fee("assembly", ASSEMBLY, "35.00", "hour"),
              _fee("assembly", ASSEMBLY, "25.00", "hour", tier="gold"),
              _fee("assembly", ASSEMBLY, "0.00", "hour", tier="platinum")],
    )  # fmt: skip
    catalogue.publish(actor=manager, version=assembly, now=now - timedelta(days=150))
    storage = catalogue.create_service(actor=manager, code="storage", names=STORAGE)
    catalogue.save_draft(
        actor=manager, version=storage,
        fees=[_fee("storage", STORAGE, "3.00", "day", free=FIRST_WEEK)],
    )  # fmt: skip
    catalogue.publish(actor=manager, version=storage, now=now - timedelta(days=120))

    # Assembly got cheaper for standard customers: in effect at once, nobody told.
    cheaper = catalogue.draft_of(actor=manager, service=assembly.service)
    rows = catalogue.fee_rows(cheaper)
    rows[0]["amount"] = "30.00"
    catalogue.save_draft(actor=manager, version=cheaper, fees=rows,
                         change_note={"en": "Assembly is cheaper from today."})  # fmt: skip
    catalogue.publish(actor=manager, version=cheaper, now=now - timedelta(days=30))

    # Express delivery rises for standard and silver customers: announced ten days ago.
    raised = catalogue.draft_of(actor=manager, service=delivery.service)
    catalogue.save_draft(
        actor=manager, version=raised, fees=_delivery("22.00", "14.00"),
        change_note={"en": "Our courier partner raised its prices for next-day delivery.",
                     "lt": "Kurjerių partneris pabrangino skubų pristatymą.",
                     "ru": "Курьерская служба подняла цены на срочную доставку."},
    )  # fmt: skip
    announced = now - timedelta(days=10)
    version, _queued, _unreachable = catalogue.publish(
        actor=manager, version=raised, now=announced, valid_from=announced + timedelta(days=35)
    )
    # Most messages went out; a few failed for good.
    sent = Notification.objects.filter(pk__in=version.notices.values("notification_id"))
    for notification_id in sent.values_list("pk", flat=True):
        if rng.random() < 0.95:
            Notification.objects.filter(pk=notification_id).update(
                state=DeliveryState.SENT, sent_at=announced + timedelta(minutes=rng.randint(1, 90))
            )
        else:
            Notification.objects.filter(pk=notification_id).update(
                state=DeliveryState.DEAD, last_error="550 mailbox unavailable"
            )

    by_language: dict[str, list[Customer]] = {}
    for customer in people:
        by_language.setdefault(customer.language, []).append(customer)
    for language, text in COMPLAINTS * 2:
        voice.record_feedback(
            text=text, source="customer",
            customer=rng.choice(by_language.get(language) or people),
            created_at=now - timedelta(days=rng.uniform(1, 60)),
        )  # fmt: skip
    catalogue.relink(days=365)
