"""Importing order history: bad rows reported with line and reason, the rest stored,
re-importing changes nothing."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone

from clientfocus.orders.importing import import_orders_csv
from clientfocus.orders.models import Order
from tests.factories import ContactFactory, CustomerFactory


@pytest.fixture
def buyers(company):
    first = CustomerFactory(name="Eglė", tier=company.standard, external_ref="C-1")
    second = CustomerFactory(name="Ravi", tier=company.standard, external_ref="C-2")
    ContactFactory(customer=second, value="ravi@example.in")
    return first, second


def csv_text(future: str) -> str:
    return (
        "order_id,customer,date,amount,currency,status,channel,product_line\n"
        "O-1,C-1,2026-01-05,120.50,eur,completed,web,kitchen\n"
        "O-2,ravi@example.in,2026-02-01T10:00:00+05:30,80,INR,placed,shop,laundry\n"
        "O-3,C-1,2026-03-01,-5,EUR,completed,web,kitchen\n"
        "O-4,C-404,2026-03-01,10,EUR,completed,web,kitchen\n"
        f"O-5,C-2,{future},10,EUR,completed,web,kitchen\n"
        "O-1,C-2,2026-03-02,10,EUR,completed,web,kitchen\n"
        "O-6,C-2,2026-03-03,,EUR,completed,web,kitchen\n"
        "O-7,C-2,03/04/2026,10,EUR,completed,web,kitchen\n"
        "O-8,C-2,2026-03-05,10,EUR,lost,web,kitchen\n"
    )


def test_good_rows_are_stored_and_bad_rows_explained(buyers):
    future = (timezone.now() + timedelta(days=3)).date().isoformat()
    report = import_orders_csv(text=csv_text(future))
    assert report.created == 2 and report.unchanged == 0
    reasons = dict(report.errors)
    assert "negative" in reasons[4]
    assert "unknown customer 'C-404'" in reasons[5]
    assert "in the future" in reasons[6]
    assert "duplicate 'O-1' (first on line 2)" in reasons[7]
    assert "amount: missing" in reasons[8]
    assert "is not a date" in reasons[9]
    assert "status: 'lost'" in reasons[10]
    first = Order.objects.get(order_id="O-1")
    assert first.amount == Decimal("120.50") and first.currency == "EUR"
    assert Order.objects.get(order_id="O-2").customer == buyers[1]


def test_reimporting_the_same_file_changes_nothing(buyers):
    text = "order_id,customer,date,amount\nA-1,C-1,2026-01-05,10\nA-2,C-2,2026-01-06,20\n"
    assert import_orders_csv(text=text).created == 2
    again = import_orders_csv(text=text)
    assert again.created == 0 and again.unchanged == 2 and again.ok
    assert Order.objects.count() == 2


def test_cli_reports_lines_and_exit_code(buyers, tmp_path, capsys):
    path = tmp_path / "orders.csv"
    path.write_text("order_id,customer,date,amount\nB-1,C-1,2026-01-05,10\nB-2,C-9,2026-01-05,10\n")
    with pytest.raises(SystemExit) as exit_info:
        call_command("import_data", "orders", str(path), "--no-progress")
    assert exit_info.value.code == 1
    out, err = capsys.readouterr()
    assert "1 created, 0 already stored, 1 rejected" in out
    assert f"{path}:3: customer: unknown customer 'C-9'" in err


def test_wrong_encoding_and_missing_columns(buyers, tmp_path):
    from django.core.management.base import CommandError

    path = tmp_path / "orders.csv"
    path.write_bytes("order_id,customer,date,amount\nB-1,C-1,2026-01-05,10\n".encode("utf-16"))
    with pytest.raises(CommandError, match="not UTF-8"):
        call_command("import_data", "orders", str(path), "--no-progress")
    report = import_orders_csv(text="order_id,customer\nX,C-1\n")
    assert "needs the columns date, amount" in report.errors[0][1]
    assert Order.objects.count() == 0


def test_api_orders_all_or_nothing(company, buyers, api_as):
    api = api_as(company.manager)
    good = {
        "orders": [{"order_id": "P-1", "customer": "C-1", "date": "2026-01-01", "amount": "9.99"}]
    }
    response = api.post("/api/orders", good)
    assert response.status_code == 201 and response.json() == {"created": 1, "unchanged": 0}
    assert api.post("/api/orders", good).json() == {"created": 0, "unchanged": 1}
    bad = {
        "orders": [
            {"order_id": "P-2", "customer": "C-1", "date": "2026-01-01", "amount": "5"},
            {"order_id": "P-3", "customer": "nobody", "date": "2026-01-01", "amount": "5"},
        ]
    }
    response = api.post("/api/orders", bad)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "orders", 1, "customer"]
    assert not Order.objects.filter(order_id="P-2").exists()
    negative = {
        "orders": [{"order_id": "P-4", "customer": "C-1", "date": "2026-01-01", "amount": "-1"}]
    }
    assert api.post("/api/orders", negative).status_code == 422
    assert api_as(company.agent).post("/api/orders", good).status_code == 403
    orders = api_as(company.agent).get(f"/api/customers/{buyers[0].public_id}/orders").json()
    assert [o["order_id"] for o in orders] == ["P-1"]


def test_api_order_lines_come_with_new_orders_only(company, buyers, api_as):
    from clientfocus.orders.models import OrderLine

    api = api_as(company.admin)
    order = {
        "order_id": "L-1",
        "customer": "C-1",
        "date": "2026-01-01",
        "amount": "30",
        "lines": [
            {"product": "Kettle", "amount": "20"},
            {"product": "Filter", "quantity": 2, "amount": "10"},
        ],
    }
    assert api.post("/api/orders", {"orders": [order]}).status_code == 201
    assert api.post("/api/orders", {"orders": [order]}).json()["unchanged"] == 1
    assert sorted(OrderLine.objects.values_list("product", flat=True)) == ["Filter", "Kettle"]
    bad_line = {**order, "order_id": "L-2", "lines": [{"product": "", "amount": "1"}]}
    assert api.post("/api/orders", {"orders": [bad_line]}).status_code == 422


LINES = (
    "order_id,customer,date,currency,product,quantity,line_amount,product_line\n"
    "K-1,C-1,2026-01-05,EUR,Kettle,1,20.00,kitchen\n"
    "K-1,C-1,2026-01-05,EUR,Filter,2,9.50,kitchen\n"
    "K-2,C-2,2026-01-06,EUR,Iron,1,35,laundry\n"
    "K-2,C-1,2026-01-06,EUR,Board,1,15,laundry\n"
    "K-3,C-2,2026-01-07,EUR,,1,5,laundry\n"
    "K-4,C-2,2026-01-08,EUR,Hose,x,5,garden\n"
    "K-1,C-1,2026-01-05,EUR,Late,1,1,kitchen\n"
)


def test_a_file_with_lines_makes_orders_with_their_lines(buyers):
    from clientfocus.orders.models import OrderLine

    report = import_orders_csv(text=LINES)
    reasons = dict(report.errors)
    assert "customer: differs from the order's first row (line 4)" in reasons[5]
    assert "product: missing" in reasons[6]
    assert "quantity: 'x'" in reasons[7]
    assert "the rows of one order follow each other" in reasons[8]
    assert report.created == 2
    kettle = Order.objects.get(order_id="K-1")
    assert kettle.amount == Decimal("29.50")  # the sum of its lines
    assert sorted(kettle.lines.values_list("product", "quantity")) == [("Filter", 2), ("Kettle", 1)]
    assert Order.objects.get(order_id="K-2").lines.count() == 1
    # Again: nothing new, no line twice.
    again = import_orders_csv(text=LINES)
    assert again.created == 0 and again.unchanged == 2
    assert OrderLine.objects.count() == 3


def test_odd_but_valid_values_and_quoted_fields(buyers):
    text = (
        "order_id;customer;date;amount;channel\n"
        '"Q;1";C-1;2026-01-05;"1 234,50";"web\tshop"\n'
        "Q-2;C-2;2026-01-05T23:30:00-02:00;7;\n"
    )
    report = import_orders_csv(text=text)
    assert report.ok and report.created == 2
    first = Order.objects.get(order_id="Q;1")
    assert first.amount == Decimal("1234.50") and first.channel == "web\tshop"
    # 23:30 at UTC-2 is 01:30 UTC the next day.
    assert Order.objects.get(order_id="Q-2").placed_at.isoformat() == "2026-01-06T01:30:00+00:00"


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_batches_are_written_by_threads(company):
    # Outside any transaction (as the CLI runs it) the batches go to writer threads on
    # PostgreSQL; a stored order met again goes through ON CONFLICT, the rest is new.
    from clientfocus.orders import importing

    CustomerFactory(tier=company.standard, external_ref="T-1")
    rows = "".join(f"W-{i},T-1,2026-01-{1 + i % 28:02d},{i}.25\n" for i in range(20))
    import_orders_csv(text="order_id,customer,date,amount\nW-5,T-1,2026-01-02,1\n")
    importing.BATCH, before = 3, importing.BATCH
    try:
        report = import_orders_csv(text="order_id,customer,date,amount\n" + rows)
    finally:
        importing.BATCH = before
    assert report.ok and report.created == 19 and report.unchanged == 1
    assert Order.objects.filter(order_id__startswith="W-").count() == 20
    assert Order.objects.get(order_id="W-5").amount == Decimal("1")  # left as it was
