"""The vectorised prediction pass gives every customer what the per-customer formulas
give, evaluating each distinct history once."""

import itertools

import numpy as np
import pytest

from clientfocus.value import predict as predicting
from clientfocus.value.lifetime import (
    BGNBD,
    GammaGamma,
    ModelError,
    collapse,
    distinct_histories,
    lifetime_value,
    simulate_bgnbd,
    simulate_spend,
)
from clientfocus.value.predict import predict

PURCHASES = BGNBD(0.243, 4.414, 0.793, 2.426)
SPEND = GammaGamma(6.25, 3.74, 15.44)


def _customers(n=5000):
    ages = np.random.default_rng(4).integers(20, 60, n) * 7 / 7.0
    x, t_x, T = simulate_bgnbd(PURCHASES, n, ages.astype(float), seed=5)
    t_x = np.round(t_x * 7) / 7  # whole days, as the refresh counts them
    return x, t_x, T, simulate_spend(SPEND, x, seed=6)


def test_predictions_equal_the_per_customer_formulas():
    x, t_x, T, m = _customers()
    result = predict(PURCHASES, SPEND, x, t_x, T, m, horizon=52.0)
    assert result.histories < len(x) / 2  # histories are shared, so work is too
    np.testing.assert_allclose(result.p_alive, PURCHASES.p_alive(x, t_x, T), rtol=1e-12)
    np.testing.assert_allclose(
        result.expected_purchases, PURCHASES.expected_purchases(52.0, x, t_x, T), rtol=1e-12
    )
    np.testing.assert_allclose(result.expected_spend, SPEND.expected_spend(x, m), rtol=1e-12)
    np.testing.assert_allclose(
        result.lifetime_value, lifetime_value(PURCHASES, SPEND, x, t_x, T, m), rtol=1e-10
    )


def test_histories_shared_across_threads_give_the_same_predictions(monkeypatch):
    x, t_x, T, m = _customers()
    alone = predict(PURCHASES, SPEND, x, t_x, T, m, horizon=52.0)
    monkeypatch.setattr(predicting, "PARALLEL_FROM", 100)  # several parts even here
    monkeypatch.setattr(predicting.os, "cpu_count", lambda: 3)
    assert len(predicting._parts(alone.histories)) == 3
    shared = predict(PURCHASES, SPEND, x, t_x, T, m, horizon=52.0)
    for name in ("p_alive", "expected_purchases", "expected_spend", "lifetime_value"):
        np.testing.assert_array_equal(getattr(shared, name), getattr(alone, name))
    parts = predicting._parts(1001)
    assert parts[0].start == 0 and parts[-1].stop == 1001
    assert all(a.stop == b.start for a, b in itertools.pairwise(parts))


def test_without_a_spend_model_only_the_purchase_figures():
    x, t_x, T, m = _customers(300)
    result = predict(PURCHASES, None, x, t_x, T, m)
    assert result.expected_spend is None and result.lifetime_value is None
    assert result.p_alive.shape == (300,)


def test_bad_periods_are_refused():
    x, t_x, T, m = _customers(50)
    with pytest.raises(ModelError):
        predict(PURCHASES, SPEND, x, t_x, T, m, periods=0)


def test_distinct_histories_spread_back_to_every_customer():
    x = np.array([0, 2, 0, 2, 1, 2.0])
    t_x = np.array([0, 3, 0, 3, 1, 4.0])
    T = np.array([5, 6, 5, 6, 6, 6.0])
    histories, where = distinct_histories(x, t_x, T)
    assert where is not None
    np.testing.assert_array_equal(histories.x[where], x)
    np.testing.assert_array_equal(histories.t_x[where], t_x)
    np.testing.assert_array_equal(histories.T[where], T)
    assert histories.weight.sum() == 6 and len(histories.x) == 4
    again = collapse(x, t_x, T)
    np.testing.assert_array_equal(again.weight, histories.weight)


def test_histories_group_even_when_the_integer_key_would_overflow():
    # 10^12 purchases and a thousand distinct ages and recencies: no 64-bit key fits.
    T = np.arange(1, 1001, dtype=float) + 2e3
    x = np.where(np.arange(1000) % 2 == 0, 1e12, 0.0)
    t_x = np.where(x > 0, np.arange(1000, dtype=float) + 1, 0.0)
    x, t_x, T = (np.concatenate([v, v]) for v in (x, t_x, T))
    histories, where = distinct_histories(x, t_x, T)
    assert where is not None and len(histories.x) == 1000
    assert set(histories.weight) == {2.0}
    np.testing.assert_array_equal(histories.T[where], T)
