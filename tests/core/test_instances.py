"""``build(Model, **values)`` makes the instance ``Model(**values)`` makes: the same
attributes, cached related objects and state, for every model of ours, and the same
refusals."""

from __future__ import annotations

from typing import Any

import pytest
from django.apps import apps
from django.db import models
from django.utils import timezone

from clientfocus.core.instances import build
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
