from __future__ import annotations

import pytest

from clientfocus.knowledge import selectors, services
from clientfocus.service.models import Category


@pytest.fixture(autouse=True)
def _fresh_playbooks():
    """The per-process copy of the playbooks is rebuilt for every test's database."""
    selectors._snapshot = None
    yield
    selectors._snapshot = None


@pytest.fixture
def late(company):
    """A playbook for late deliveries, with a published article and template."""
    Category.objects.create(name="Late delivery", default_queue=company.care_queue)
    services.save_article(
        actor=company.manager,
        code="late-delivery",
        language="en",
        title="When a delivery is late",
        body="Check the carrier tracking first.",
    )
    article = services.save_article(
        actor=company.manager,
        code="late-delivery",
        language="lt",
        title="Kai siunta vėluoja",
        body="Pirmiausia patikrinkite vežėjo sekimą.",
    )
    services.set_state(actor=company.manager, article=article, state="published")
    services.save_template(
        actor=company.manager,
        code="sorry-late",
        name="Sorry, late",
        texts={
            "en": "Dear {customer_name}, about {reference}: we are on it.",
            "lt": "Gerb. {customer_name}, dėl {reference}: jau tvarkome.",
        },
        state="published",
    )
    return services.save_playbook(
        actor=company.manager,
        code="late",
        data={
            "titles": {"en": "Late delivery", "lt": "Vėluojantis pristatymas"},
            "categories": ["Late delivery"],
            "steps": [
                {"texts": {"en": "Check the tracking"}, "mandatory": True},
                {"texts": {"en": "Offer a new slot"}},
                {"kind": "dont", "texts": {"en": "Blame the carrier"}},
            ],
            "promises": {"en": "A new delivery date within one working day."},
            "avoid": {"en": "unfortunately, policy"},
            "articles": ["late-delivery"],
            "templates": ["sorry-late"],
        },
    )
