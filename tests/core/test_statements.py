"""core.statements: lookups compiled once and new rows by one cached INSERT give the same
objects and rows as the ORM, and PostgreSQL prepares them."""

from __future__ import annotations

import uuid

import pytest
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models.signals import pre_save
from django.db.transaction import TransactionManagementError
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from clientfocus import settings as configured
from clientfocus.core import statements
from clientfocus.customers.models import Customer
from clientfocus.orders.models import Order
from clientfocus.service import services
from clientfocus.service.models import Message, Queue, Request, RequestEvent

WITH_TIER = statements.Lookup(lambda: Customer.objects.select_related("tier"), "public_id")
QUEUE = statements.Lookup(lambda: Queue.objects.all(), "pk")


def test_a_lookup_gives_the_orms_object(company):
    customer = company.customer
    with CaptureQueriesContext(connection) as captured:
        found = WITH_TIER.get(customer.public_id)
        again = WITH_TIER.get(str(customer.public_id))  # as text, converted by the field
        assert found.tier.code == customer.tier.code  # selected with it: no query
    assert len(captured.captured_queries) == 2
    ormed = Customer.objects.select_related("tier").get(pk=customer.pk)
    for field in Customer._meta.concrete_fields:
        assert getattr(found, field.attname) == getattr(ormed, field.attname), field.name
    assert again.pk == found.pk and found._state.db == "default" and not found._state.adding
    assert QUEUE.get(company.care_queue.pk).name == "Care"


def test_a_lookup_of_nothing_or_nonsense(company):
    assert WITH_TIER.get(uuid.uuid4()) is None
    assert QUEUE.get(10**12) is None
    with pytest.raises(ValidationError):
        WITH_TIER.get("not-a-uuid")


def test_an_insert_writes_what_save_would(company):
    request = Request.objects.filter(customer=company.customer).first()
    if request is None:
        request = services.open_request(
            actor=company.agent, customer=company.customer, subject="Hot", body="Text"
        )
    # quoted_html and channel have database defaults: left unset, the database fills them.
    message = Message(request=request, kind="note", author_name="Ana", body_html="<p>x</p>")
    statements.insert(message)
    assert message.pk and not message._state.adding
    stored = Message.objects.get(pk=message.pk)
    assert (stored.quoted_html, stored.channel, stored.body_html) == ("", "", "<p>x</p>")
    assert stored.created_at is not None
    event = RequestEvent(request=request, customer_id=request.customer_id, kind="hot", data={})
    statements.insert(event)  # append-only rows: their save() allows it
    assert RequestEvent.objects.get(pk=event.pk).kind == "hot"
    with pytest.raises(ValueError, match="append-only"):
        statements.insert(event)  # stored already: Django's save() is asked, and refuses


def _opened(company, subject="Together"):
    """A new request with its opening event and first message, none of them saved."""
    now = timezone.now()
    request = Request(
        customer=company.customer,
        subject=subject,
        queue=company.care_queue,
        tier=company.customer.tier,
        channel="api",
        paused_minutes={},
        sla_flags={},
        created_at=now,
    )
    event = RequestEvent(request=request, customer_id=request.customer_id, kind="opened", data={})
    message = Message(request=request, kind="customer", author_name="Ana", body_html="<p>y</p>")
    return request, event, message


def test_rows_inserted_together_are_what_inserting_each_writes(company):
    request, event, message = _opened(company)
    with CaptureQueriesContext(connection) as captured:
        statements.insert_together(request, event, message)
    sql = [q["sql"] for q in captured.captured_queries if not q["sql"].startswith(("SAVEP", "REL"))]
    if connection.vendor == "postgresql":
        assert len(sql) == 1 and sql[0].startswith("WITH") and sql[0].count("INSERT INTO") == 3
    else:
        assert len(sql) == 3  # one INSERT each
    assert request.pk and event.request_id == request.pk and message.request_id == request.pk
    assert event.request is request and message.request is request
    assert not any(obj._state.adding for obj in (request, event, message))
    stored = Message.objects.get(pk=message.pk)
    assert (stored.request_id, stored.quoted_html, stored.channel) == (request.pk, "", "")
    assert RequestEvent.objects.get(pk=event.pk).request_id == request.pk
    assert Request.objects.get(pk=request.pk).reference == request.reference  # returned
    # The same rows, one by one: every stored column but the keys and times agrees.
    again, event_again, message_again = _opened(company)
    statements.insert(again)
    event_again.request, message_again.request = again, again
    statements.insert(event_again)
    statements.insert(message_again)
    skip = {"id", "request", "created_at", "updated_at"}
    for first, second in ((request, again), (event, event_again), (message, message_again)):
        model = type(first)
        one, other = model.objects.get(pk=first.pk), model.objects.get(pk=second.pk)
        for field in model._meta.concrete_fields:
            if field.name not in skip:
                assert getattr(one, field.attname) == getattr(other, field.attname), field.name


def test_rows_inserted_together_fall_back_to_one_by_one(company):
    """A child with a save signal, or one that does not refer to the parent, makes the
    rows go one by one (Django saves the signalled one, so its listeners hear it)."""
    seen = []

    def listener(sender, instance, **kwargs):
        seen.append(instance)

    request, event, message = _opened(company, "Signalled")
    pre_save.connect(listener, sender=Message)
    try:
        statements.insert_together(request, event, message)
    finally:
        pre_save.disconnect(listener, sender=Message)
    assert seen == [message] and message.request_id == request.pk and event.request_id == request.pk
    request, event, _message = _opened(company, "Unrelated")
    stranger = RequestEvent(request=Request.objects.first(), kind="noted", data={})
    statements.insert_together(request, event, stranger)
    assert stranger.pk and stranger.request_id != request.pk and event.request_id == request.pk


def test_rows_inserted_together_refuse_an_unsaved_related_object(company):
    request, event, message = _opened(company, "Unsaved")
    message.author = type(company.agent)(username="nobody-yet")
    with pytest.raises(ValueError, match="unsaved related object 'author'"):
        statements.insert_together(request, event, message)


def test_an_insert_leaves_models_with_save_signals_to_django(company):
    seen = []

    def listener(sender, instance, **kwargs):
        seen.append(instance)

    pre_save.connect(listener, sender=Queue)
    try:
        queue = Queue(name="Signalled", department=company.care_queue.department)
        statements.insert(queue)
    finally:
        pre_save.disconnect(listener, sender=Queue)
    assert seen == [queue] and Queue.objects.filter(name="Signalled").exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL prepares")
def test_postgresql_prepares_them_once_per_connection(company):
    WITH_TIER.get(company.customer.public_id)
    WITH_TIER.get(company.gold_customer.public_id)
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        prepared = [row[0] for row in cursor.fetchall()]
    lookups = [s for s in prepared if "customers_customer" in s and "public_id" in s]
    assert len(lookups) == 1, prepared


def test_database_errors_are_djangos_and_a_broken_transaction_is_refused(company):
    """The kept cursor translates errors like Django's own and refuses to run inside
    a transaction marked for rollback, as Django's cursors do."""
    now = timezone.now()
    first = Order(order_id="S-1", customer=company.customer, amount=10, placed_at=now)
    statements.insert(first)
    again = Order(order_id="S-1", customer=company.customer, amount=5, placed_at=now)
    with transaction.atomic():
        with pytest.raises(IntegrityError), transaction.atomic():
            statements.insert(again)
        assert QUEUE.get(company.care_queue.pk) is not None  # back at the savepoint
    with transaction.atomic():
        with pytest.raises(IntegrityError), transaction.atomic(savepoint=False):
            statements.insert(again)
        with pytest.raises(TransactionManagementError):
            QUEUE.get(company.care_queue.pk)
    assert QUEUE.get(company.care_queue.pk).pk == company.care_queue.pk


def test_the_prepared_statements_setting(monkeypatch):
    def options(value=None):
        if value is None:
            monkeypatch.delenv("DATABASE_PREPARED_STATEMENTS", raising=False)
        else:
            monkeypatch.setenv("DATABASE_PREPARED_STATEMENTS", value)
        return configured._prepared_statements()

    assert options() == {"prepare_threshold": 5}  # hot: only what asks for it
    assert options("off") == options("0") == {"prepare_threshold": None}
    assert options("all") == {"server_side_binding": True, "prepare_threshold": 5}
    with pytest.raises(ImproperlyConfigured, match="hot, off or all"):
        options("sometimes")


def test_values_sent_unprepared_are_what_django_would_send():
    """Where `insert` skips a field's get_db_prep_save (text to a text field, a key to a
    serial key, an aware time on PostgreSQL), Django's preparation gives the same value
    of the same type, for every field of every model of ours."""
    from django.apps import apps

    samples = [None, "text", "", True, False, 7, 2**40, timezone.now()]
    checked = 0
    for model in apps.get_models():
        if not model.__module__.startswith("clientfocus."):
            continue
        plan = statements._Plan.of(model, connection.vendor)
        for field, keep in zip(plan.fields, plan.keeps, strict=True):
            for value in samples:
                if keep is not None and keep(value):
                    prepared = field.get_db_prep_save(value, connection)
                    assert prepared == value and type(prepared) is type(value), (field, value)
                    checked += 1
    assert checked > 500
    naive = timezone.now().replace(tzinfo=None)
    assert not any(k(naive) for k in statements._Plan.of(Request, connection.vendor).keeps if k)


def test_lookups_joined_give_what_each_gives(company):
    """get_each: the customer and the queue by one statement on PostgreSQL; a value not
    found, or None (nothing looked for), answers None in its place."""
    customer, queue = company.customer, company.care_queue
    with CaptureQueriesContext(connection) as captured:
        found, found_queue = statements.get_each((WITH_TIER, customer.public_id), (QUEUE, queue.pk))
    assert len(captured.captured_queries) == (1 if connection.vendor == "postgresql" else 2)
    assert found.pk == customer.pk and found.tier.code == customer.tier.code
    assert found_queue.name == queue.name and not found_queue._state.adding
    ormed = Customer.objects.get(pk=customer.pk)
    for field in Customer._meta.concrete_fields:
        assert getattr(found, field.attname) == getattr(ormed, field.attname), field.name
    assert statements.get_each((WITH_TIER, uuid.uuid4()), (QUEUE, queue.pk))[0] is None
    missing, found_queue = statements.get_each((WITH_TIER, customer.public_id), (QUEUE, 10**12))
    assert missing.pk == customer.pk and found_queue is None
    with CaptureQueriesContext(connection) as captured:
        assert statements.get_each((WITH_TIER, None), (QUEUE, None)) == [None, None]
    assert captured.captured_queries == []
    assert statements.get_each((WITH_TIER, None), (QUEUE, queue.pk))[1].pk == queue.pk


def test_a_lookup_makes_the_objects_the_orm_makes(company):
    """The customer and its select_related tier: the same values, state and caches as
    Django's own query gives."""

    def state(obj):
        values = {k: v for k, v in obj.__dict__.items() if k != "_state"}
        return values, obj._state.db, obj._state.adding, sorted(obj._state.fields_cache)

    found = WITH_TIER.get(company.customer.public_id)
    ormed = Customer.objects.select_related("tier").get(pk=company.customer.pk)
    assert state(found) == state(ormed)
    assert state(found.tier) == state(ormed.tier)
    assert type(found.tier) is type(ormed.tier)
