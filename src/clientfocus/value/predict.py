"""Every customer's predictions from fitted models, in one vectorised pass.

Pure module (numpy, no Django). The purchase-model predictions depend only on a
customer's history (x, t_x, T), and customers share histories: with ages and recencies
counted in days, a million customers have about a hundred thousand distinct histories.
The expensive part (the hypergeometric function in the expected purchases, thirteen
times for a discounted 12-month value) is evaluated once per distinct history and
spread back to the customers; the spend model is cheap and runs per customer.
"""

from __future__ import annotations

import itertools
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from clientfocus.value.lifetime import (
    BGNBD,
    FloatArray,
    GammaGamma,
    check_horizon,
    discounted_purchases_if_alive,
    distinct_histories,
)


@dataclass(frozen=True)
class Predictions:
    """Per customer, in the order given; ``None`` where the model was not available."""

    p_alive: FloatArray
    expected_purchases: FloatArray
    expected_spend: FloatArray | None
    lifetime_value: FloatArray | None
    histories: int  # how many distinct histories were evaluated


def predict(
    purchases: BGNBD,
    spend: GammaGamma | None,
    frequency: ArrayLike,
    recency: ArrayLike,
    T: ArrayLike,
    monetary_value: ArrayLike,
    *,
    horizon: float = 52.0,
    periods: int = 12,
    period_length: float = 4.345,
    discount_rate: float = 0.01,
) -> Predictions:
    """P(alive), expected purchases over ``horizon``, expected spend per purchase and
    the discounted value over ``periods`` for every customer."""
    check_horizon(periods, period_length, discount_rate)
    histories, where = distinct_histories(frequency, recency, T)
    assert where is not None
    x, t_x, age = histories.x, histories.t_x, histories.T
    with_value = spend is not None

    def evaluate(part: slice) -> tuple[FloatArray, FloatArray, FloatArray | None]:
        # P(alive) once: both expectations are a function of time times it.
        alive = purchases.p_alive(x[part], t_x[part], age[part])
        expected = purchases.purchases_if_alive(horizon, x[part], age[part]) * alive
        discounted = None
        if with_value:
            discounted = alive * discounted_purchases_if_alive(
                purchases,
                x[part],
                age[part],
                periods=periods,
                period_length=period_length,
                discount_rate=discount_rate,
            )
        return alive, expected, discounted

    parts = _parts(len(x))
    if len(parts) == 1:
        results = [evaluate(parts[0])]
    else:
        # SciPy's special functions release the GIL: the cores share the distinct histories.
        with ThreadPoolExecutor(len(parts)) as pool:
            results = list(pool.map(evaluate, parts))
    alive = np.concatenate([r[0] for r in results])[where]
    expected = np.concatenate([r[1] for r in results])[where]
    if spend is None:
        return Predictions(alive, expected, None, None, len(x))
    per_purchase = spend.expected_spend(frequency, monetary_value)
    discounted = np.concatenate([r[2] for r in results])[where]  # type: ignore[misc]
    return Predictions(alive, expected, per_purchase, discounted * per_purchase, len(x))


# Distinct histories per thread before the evaluation is split across the cores.
PARALLEL_FROM = 20_000


def _parts(count: int) -> list[slice]:
    threads = min(os.cpu_count() or 1, 8, max(1, count // PARALLEL_FROM))
    bounds = np.linspace(0, count, threads + 1).astype(int)
    return [slice(int(a), int(b)) for a, b in itertools.pairwise(bounds.tolist())]
