"""What a customer pays, in the portal: their tier's fees in their language, the raise
announced for them with its date, and the same over the portal API."""

from __future__ import annotations

import pytest
from django.test import Client

from clientfocus.catalogue import services
from tests.catalogue.conftest import change, delivery  # noqa: F401 - the fixture
from tests.factories import ContactFactory
from tests.portal.test_portal import sign_in

pytestmark = pytest.mark.django_db


def test_a_customer_sees_their_fees_and_the_raise_announced_for_them(company, delivery):  # noqa: F811
    services.publish(
        actor=company.manager, version=change(company.manager, delivery, express="12.00")
    )
    client = Client()
    sign_in(client, "ruta@example.lt")
    page = client.get("/portal/fees/").content.decode()
    assert "Skubus pristatymas" in page and "Pristatymas" in page  # her language
    assert "10,00 EUR" in page and "pirmos 7 dienos" in page
    assert 'data-testid="portal-announced"' in page and "12,00 EUR" in page
    mine = client.get("/api/portal/fees").json()
    [terms] = mine
    assert terms["version"] == 1 and terms["announced"] == [2]
    express = next(f for f in terms["fees"] if f["code"] == "express-delivery")
    assert express["amount"] == "10.00" and express["tier"] is None
    assert Client().get("/api/portal/fees").status_code == 401
    assert Client().get("/portal/fees/").status_code == 302


def test_a_gold_customer_sees_express_delivery_free(company, delivery):  # noqa: F811
    ContactFactory(customer=company.gold_customer, kind="email", value="alexei@example.ru")
    client = Client()
    sign_in(client, "alexei@example.ru")
    page = client.get("/portal/fees/").content.decode()
    row = next(r for r in page.split('data-testid="portal-fee"') if "Экспресс-доставка" in r)
    assert "10,00" not in row.split("</tr>")[0]  # gold's own line: free
