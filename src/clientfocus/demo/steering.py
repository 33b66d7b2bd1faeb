"""The demo company's steering: a few months of value history (some customers were doing
better), the at-risk worklist with outcomes, older cases for the effect page, and the
scorecard measured for the last months."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from clientfocus.retention import services as retention
from clientfocus.retention.models import Outcome, RiskCase
from clientfocus.scorecard import services as scorecard
from clientfocus.scorecard.models import Subscription
from clientfocus.value.models import CustomerValue, ValueMark


def load_steering(org: dict, rng: random.Random, now: datetime) -> None:
    this_month = scorecard.month_start(now.date())
    months = [scorecard.previous_month(this_month)]
    months.append(scorecard.previous_month(months[0]))
    values = list(CustomerValue.objects.exclude(p_alive=None).values_list(
        "customer_id", "p_alive", "lifetime_value_12m"))  # fmt: skip
    better = {cid for cid, _p, _v in values if rng.random() < 0.12}
    ValueMark.objects.bulk_create(
        [
            ValueMark(
                customer_id=cid, month=month,
                p_alive=min(1.0, (p or 0.0) + 0.45) if cid in better else p,
                lifetime_value_12m=(v or 0) * 1.8 if cid in better else v,
            )
            for month in months
            for cid, p, v in values
        ],
        ignore_conflicts=True,
    )  # fmt: skip
    retention.detect(now=now)
    agent = org["people"]["agent"].user
    manager = org["people"]["manager"].user
    open_cases = list(RiskCase.objects.filter(outcome="").order_by("-priority"))
    for case in open_cases[: len(open_cases) // 3]:
        retention.record_outcome(
            actor=manager, case=case, outcome=rng.choice([Outcome.CALLED, Outcome.OFFERED]),
            note="Demo: called, a discount on the next order offered.",
        )  # fmt: skip
    # Cases from months ago, so the effect page has something to compare.
    customers = [cid for cid, _p, _v in values]
    old = []
    for cid in rng.sample(customers, min(40, len(customers))):
        opened = now - timedelta(days=rng.randint(95, 300))
        contacted = rng.random() < 0.6
        old.append(
            RiskCase(
                customer_id=cid, opened_on=opened.date(), created_at=opened,
                due_on=(opened + timedelta(days=3)).date(), assignee=agent,
                signals=[{"code": "value_falling"}], value_at_stake=0,
                outcome=Outcome.CALLED if contacted else Outcome.NO_ACTION,
                acted_at=opened + timedelta(days=1 if contacted else 6), acted_by=agent,
            )
        )  # fmt: skip
    RiskCase.objects.bulk_create(old)
    for month in (months[1], months[0], this_month):
        scorecard.refresh(month, now=now)
    Subscription.objects.get_or_create(user=manager)
