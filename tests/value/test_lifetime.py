"""BG/NBD and Gamma-Gamma: published CDNOW results, recovery from simulated data, errors."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest

from clientfocus.value.lifetime import (
    BGNBD,
    GammaGamma,
    ModelError,
    bgnbd_loglik,
    fit_bgnbd,
    fit_gamma_gamma,
    lifetime_value,
    simulate_bgnbd,
    simulate_spend,
)

CDNOW = Path(__file__).resolve().parents[1] / "data" / "cdnow"


def load(name: str, *columns: str) -> list[np.ndarray]:
    path = CDNOW / name
    if not path.exists():
        pytest.fail(f"{path} is missing: the CDNOW sample lives in tests/data/cdnow/")
    rows = list(csv.DictReader(path.open()))
    return [np.array([float(row[c]) for row in rows]) for c in columns]


def sig3(value: float) -> float:
    return float(f"{value:.3g}")


def test_bgnbd_reproduces_the_published_cdnow_estimates():
    # Fader, Hardie & Lee (2005), Table 1 / p. 279: r=0.243, α=4.414, a=0.793, b=2.426, LL=-9582.4
    x, t_x, T = load("cdnow_customers_summary.csv", "frequency", "recency", "T")
    model = fit_bgnbd(x, t_x, T)
    assert (sig3(model.r), sig3(model.alpha), sig3(model.a), sig3(model.b)) == (
        0.243,
        4.41,
        0.793,
        2.43,
    )
    assert model.loglik == pytest.approx(-9582.4, abs=0.05)
    assert model.customers == 2357


def test_gamma_gamma_reproduces_the_published_cdnow_estimates():
    # Fader & Hardie (2013): p=6.25, q=3.74, v=15.44 on the 946 repeat buyers.
    x, zbar = load("cdnow_customers_summary_with_transactions.csv", "x", "zbar")
    model = fit_gamma_gamma(x, zbar)
    assert (sig3(model.p), sig3(model.q), sig3(model.v)) == (6.25, 3.74, 15.4)
    assert model.v == pytest.approx(15.44, abs=0.01)
    assert model.customers == 946


def test_predictions_match_the_paper_for_a_known_customer():
    # FHL 2005, p. 279: customer with x=2, t_x=30.43, T=38.86 expects 1.226 purchases
    # in the next 39 weeks.
    model = BGNBD(r=0.2426, alpha=4.4135, a=0.7929, b=2.4258)
    assert model.expected_purchases(39, [2], [30.43], [38.86])[0] == pytest.approx(1.226, abs=2e-3)
    alive = model.p_alive([0, 2, 2], [0, 38.0, 5.0], [38.86, 38.86, 38.86])
    assert alive[0] == 1.0 and alive[1] > alive[2]
    # A brand-new customer: E[X(t)] grows with t.
    new = model.expected_purchases_new_customer(np.array([10.0, 39.0, 78.0]))
    assert np.all(np.diff(new) > 0)


def test_loglik_is_largest_at_the_fit():
    x, t_x, T = load("cdnow_customers_summary.csv", "frequency", "recency", "T")
    best = fit_bgnbd(x, t_x, T)
    nudged = BGNBD(r=best.r * 1.05, alpha=best.alpha, a=best.a, b=best.b)
    assert bgnbd_loglik(best, x, t_x, T) > bgnbd_loglik(nudged, x, t_x, T)


@pytest.mark.parametrize("seed", [1, 2])
def test_known_parameters_are_recovered_from_simulated_data(seed):
    truth = BGNBD(r=0.5, alpha=6.0, a=1.2, b=3.5)
    T = np.random.default_rng(seed).uniform(20, 52, 60_000)
    x, t_x, age = simulate_bgnbd(truth, 60_000, T, seed=seed)
    fitted = fit_bgnbd(x, t_x, age)
    for name in ("r", "alpha", "a", "b"):
        assert getattr(fitted, name) == pytest.approx(getattr(truth, name), rel=0.12), name
    spend_truth = GammaGamma(p=4.0, q=5.0, v=30.0)
    spend = fit_gamma_gamma(x, simulate_spend(spend_truth, x, seed=seed))
    for name in ("p", "q", "v"):
        assert getattr(spend, name) == pytest.approx(getattr(spend_truth, name), rel=0.15), name


def test_customers_with_hundreds_of_purchases_stay_finite():
    x = np.array([0, 1, 5, 300, 800], dtype=float)
    t_x = np.array([0, 3.0, 20.0, 51.5, 51.9])
    T = np.full(5, 52.0)
    model = BGNBD(r=0.3, alpha=2.0, a=0.8, b=2.0)
    assert np.isfinite(bgnbd_loglik(model, x, t_x, T))
    assert np.all(np.isfinite(model.p_alive(x, t_x, T)))
    assert np.all(np.isfinite(model.expected_purchases(10, x, t_x, T)))


def test_lifetime_value_is_discounted_and_grows_with_the_horizon():
    purchases = BGNBD(r=0.243, alpha=4.414, a=0.793, b=2.426)
    spend = GammaGamma(p=6.25, q=3.74, v=15.44)
    args = ([2, 0], [30.43, 0], [38.86, 38.86], [22.35, 0])
    year = lifetime_value(purchases, spend, *args, periods=12)
    two_years = lifetime_value(purchases, spend, *args, periods=24)
    undiscounted = lifetime_value(purchases, spend, *args, periods=12, discount_rate=0)
    assert np.all(two_years > year) and np.all(undiscounted > year) and year[0] > year[1] > 0


@pytest.mark.parametrize(
    ("x", "t_x", "T", "message"),
    [
        ([0, 0, 0], [0, 0, 0], [10, 20, 30], "no customer made a repeat purchase"),
        ([1, -1], [2, 0], [5, 5], "not negative"),
        ([1.5], [2], [5], "whole number"),
        ([1], [6], [5], "cannot exceed T"),
        ([0], [3], [5], "recency 0"),
        ([1, np.nan], [1, 0], [5, 5], "missing"),
        ([], [], [], "no customers"),
        ([1, 2], [1], [5, 5], "same length"),
    ],
)
def test_data_that_cannot_identify_the_model_get_a_clear_error(x, t_x, T, message):
    with pytest.raises(ModelError, match=message):
        fit_bgnbd(x, t_x, T)


def test_spend_model_errors():
    with pytest.raises(ModelError, match="at least three"):
        fit_gamma_gamma([1, 0], [10.0, 0])
    with pytest.raises(ModelError, match="positive"):
        fit_gamma_gamma([1, 2, 3], [10.0, -5.0, 3.0])
    with pytest.raises(ModelError, match="spends the same"):
        fit_gamma_gamma([1, 2, 3], [10.0, 10.0, 10.0])
