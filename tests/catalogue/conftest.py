"""A catalogue with one delivery service published two months ago: express delivery
10 EUR per delivery for every tier, free for gold; storage 2 EUR a day after a week."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from clientfocus.catalogue import services
from tests.factories import ContactFactory

EXPRESS = {
    "code": "express-delivery",
    "names": {"en": "Express delivery", "ru": "Экспресс-доставка", "lt": "Skubus pristatymas"},
    "amount": "10.00",
    "currency": "EUR",
    "unit": "delivery",
    "triggers": {"en": "delivery within 24 hours"},
}
STORAGE = {
    "code": "storage",
    "names": {"en": "Storage", "lt": "Saugojimas"},
    "amount": "2.00",
    "currency": "EUR",
    "unit": "day",
    "triggers": {"en": "goods kept for you"},
    "free": {"en": "the first 7 days", "lt": "pirmos 7 dienos"},
}


def fees(express="10.00", gold_express="0.00", storage="2.00"):
    return [
        {**EXPRESS, "amount": express},
        {**EXPRESS, "tier": "gold", "amount": gold_express},
        {**STORAGE, "amount": storage},
    ]


def change(actor, service, **amounts):
    draft = services.draft_of(actor=actor, service=service)
    return services.save_draft(actor=actor, version=draft, fees=fees(**amounts))


@pytest.fixture
def delivery(company):
    ContactFactory(customer=company.customer, kind="email", value="ruta@example.lt")
    draft = services.create_service(
        actor=company.manager,
        code="delivery",
        names={"en": "Delivery", "lt": "Pristatymas", "ru": "Доставка"},
        product_line="Furniture",
    )
    services.save_draft(actor=company.manager, version=draft, fees=fees())
    past = timezone.now() - timedelta(days=60)
    services.publish(actor=company.manager, version=draft, now=past)
    return draft.service
