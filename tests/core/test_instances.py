"""``build(Model, **values)`` makes the instance ``Model(**values)`` makes: the same
attributes, cached related objects and state, for every model of ours, and the same
refusals."""

from __future__ import annotations

from typing import Any

import pytest
from django.apps import apps
from django.db import models
from django.db.models.signals import post_init
from django.utils import timezone

from clientfocus.core.instances import build, loaded
from clientfocus.customers.models import Customer
from clientfocus.service import services
from clientfocus.service.models import Message, Request, RequestEvent

OURS = [m for m in apps.get_models() if m.__module__.startswith("clientfocus.")]


def _state(instance: models.Model) -> dict[str, Any]:
    values = {k: v for k, v in instance.__dict__.items() if k != "_state"}
    return {
        "values": values,
        "db": instance._state.db,
        "adding": instance._state.adding,
        "cached": dict(instance._state.fields_cache),
    }


def _without_fresh_defaults(model, state: dict[str, Any]) -> dict[str, Any]:
    """Fields whose default is made anew each time (ids, times) are compared by type."""
    fresh = {f.attname for f in model._meta.concrete_fields if callable(f.default)}
    state["values"] = {
        k: (type(v) if k in fresh and not isinstance(v, dict | list) else v)
        for k, v in state["values"].items()
    }
    return state


def test_there_are_models_to_check():
    assert len(OURS) > 40


@pytest.mark.parametrize("model", OURS, ids=lambda m: m._meta.label)
def test_every_model_made_with_its_defaults_alike(model):
    assert _without_fresh_defaults(model, _state(build(model))) == _without_fresh_defaults(
        model, _state(model())
    )


def _hot_values(company) -> list[tuple[type[models.Model], dict[str, Any]]]:
    now = timezone.now()
    request = Request(customer=company.customer, subject="x", queue=company.care_queue)
    return [
        (Request, {"customer": company.customer, "requesting_department": None,
                   "subject": "Fridge", "category": None, "priority": "high",
                   "channel": "api", "state": "new", "queue": company.care_queue,
                   "assignee": None, "tier": company.standard, "sla_policy": None,
                   "reply_address": "", "follows": None, "created_at": now}),
        (Request, {"customer_id": company.customer.pk, "subject": "by key",
                   "queue_id": company.care_queue.pk, "tier": company.standard}),
        (Request, {"requesting_department": company.logistics, "subject": "internal",
                   "queue": company.care_queue, "assignee": company.agent}),
        (RequestEvent, {"request": request, "customer_id": company.customer.pk,
                        "kind": "opened", "actor": company.agent, "data": {"a": 1},
                        "created_at": now}),
        (RequestEvent, {"request": request, "kind": "opened", "actor": None, "data": {}}),
        (Message, {"request": request, "kind": "customer", "author": None,
                   "author_name": "Rūta", "body_html": "<p>x</p>", "body_text": "x",
                   "quoted_html": "", "channel": "api", "created_at": now}),
    ]  # fmt: skip


def test_the_hot_instances_are_made_alike(company):
    for model, values in _hot_values(company):
        built, made = build(model, **values), model(**values)
        assert _without_fresh_defaults(model, _state(built)) == _without_fresh_defaults(
            model, _state(made)
        ), (model, values)


def test_a_related_object_of_the_wrong_kind_is_refused_alike(company):
    with pytest.raises(ValueError) as theirs:
        Request(customer=company.care_queue, subject="x")
    with pytest.raises(ValueError) as ours:
        build(Request, customer=company.care_queue, subject="x")
    assert str(ours.value) == str(theirs.value)


def test_unknown_names_are_refused_alike():
    with pytest.raises(TypeError) as theirs:
        Request(subject="x", colour="red")
    with pytest.raises(TypeError) as ours:
        build(Request, subject="x", colour="red")
    assert str(ours.value) == str(theirs.value)


def test_a_related_object_and_its_key_given_both_are_taken_alike(company):
    values = {"customer": company.customer, "customer_id": company.gold_customer.pk}
    built, made = build(Request, **values), Request(**values)
    assert _without_fresh_defaults(Request, _state(built)) == _without_fresh_defaults(
        Request, _state(made)
    )


# -- loaded: Model.from_db for a whole row ---------------------------------------------


def _row(model) -> list[Any]:
    """A stored-looking row for ``model``: each field's default (or a key) in field order."""
    instance = model()
    values = []
    for field in model._meta.concrete_fields:
        value = field.value_from_object(instance)
        values.append(7 if value is None and field.primary_key else value)
    return values


@pytest.mark.parametrize("model", OURS, ids=lambda m: m._meta.label)
def test_every_model_loaded_alike(model):
    names = [f.attname for f in model._meta.concrete_fields]
    row = _row(model)
    ours, theirs = loaded(model, "default", row), model.from_db("default", names, row)
    assert type(ours) is model
    assert _state(ours) == _state(theirs)
    assert ours == theirs


def _stored_request(company) -> Request:
    return services.open_request(
        actor=company.agent, customer=company.customer, subject="Fridge", body="warm",
        queue=company.care_queue,
    )  # fmt: skip


def test_loaded_instances_read_and_set_related_objects_as_django_does(company):
    stored = _stored_request(company)
    names = [f.attname for f in Request._meta.concrete_fields]
    ours = loaded(Request, "default", [getattr(stored, name) for name in names])
    assert ours.customer == company.customer and ours.queue == company.care_queue
    ours.customer = company.gold_customer
    assert ours.customer_id == company.gold_customer.pk
    ours.customer_id = company.customer.pk  # the key changed: the cached object goes
    assert ours.customer == company.customer


def test_a_model_someone_listens_to_is_made_by_django(company):
    seen = []

    def heard(sender, instance, **kwargs):
        seen.append(instance)

    stored = _stored_request(company)
    post_init.connect(heard, sender=Message)
    try:
        made = build(Message, request=stored, kind="note", body_text="x")
        names = [f.attname for f in Message._meta.concrete_fields]
        read = loaded(Message, "default", [getattr(made, n) for n in names])
    finally:
        post_init.disconnect(heard, sender=Message)
    assert [id(i) for i in seen] == [id(made), id(read)]
    assert read._state.adding is False and read._state.db == "default"


def test_a_model_with_its_own_init_or_attribute_is_made_by_django():
    class Odd(models.Model):  # noqa: DJ008
        name = models.CharField(max_length=10)

        class Meta:
            app_label = "core"

        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.touched = True

    class Shouting(models.Model):  # noqa: DJ008
        name = models.CharField(max_length=10)

        class Meta:
            app_label = "core"

    class _Upper:
        def __get__(self, instance, owner=None):
            return self if instance is None else instance.__dict__["name"]

        def __set__(self, instance, value):
            instance.__dict__["name"] = value.upper()

    Shouting.name = _Upper()  # type: ignore[assignment]
    try:
        assert loaded(Odd, "default", [1, "a"]).touched is True
        assert loaded(Shouting, "default", [1, "quiet"]).name == "QUIET"
        assert build(Shouting, name="quiet").name == "QUIET"
    finally:
        for model in (Odd, Shouting):
            apps.all_models["core"].pop(model._meta.model_name, None)
        apps.clear_cache()


class _RefusingRouter:
    def allow_relation(self, obj1, obj2, **hints):
        return False


def test_a_router_is_asked_about_each_relation_as_django_asks_it(company, settings):
    settings.DATABASE_ROUTERS = [_RefusingRouter()]
    with pytest.raises(ValueError) as theirs:
        Request(customer=company.customer, subject="x")
    with pytest.raises(ValueError) as ours:
        build(Request, customer=company.customer, subject="x")
    assert "router prevents this relation" in str(ours.value)
    assert str(ours.value) == str(theirs.value)


def test_objects_of_two_databases_are_refused_alike(company):
    elsewhere = Customer.objects.get(pk=company.customer.pk)
    elsewhere._state.db = "other"
    with pytest.raises(ValueError) as theirs:
        Request(customer=elsewhere, queue=company.care_queue, subject="x")
    with pytest.raises(ValueError) as ours:
        build(Request, customer=elsewhere, queue=company.care_queue, subject="x")
    assert str(ours.value) == str(theirs.value)


def test_an_unsaved_related_object_takes_the_instance_database_alike(company):
    fresh = Customer(name="Nauja", tier=company.standard)
    ours, theirs = build(Request, customer=fresh, subject="x"), Request(customer=fresh, subject="x")
    assert (ours._state.db, fresh._state.db) == (theirs._state.db, "default")
    assert ours.customer is fresh and ours.customer_id is None
