"""Forecasting contacts per interval of the week (pure: numpy only).

Method: for each interval of the week (e.g. Tuesday 10:00-10:30) the forecast is the
exponentially weighted average of the same interval in the past weeks, newest weighted
most (weight (1 − α)^k for the week k weeks back, α = 0.3 by default): seasonal
averages that follow a trend without chasing one odd week. The error is measured on
held-out weeks: each of the last ``holdout`` weeks is forecast from the weeks before it
only, and WAPE (Σ|forecast − actual| / Σ actual) and the mean absolute error per
interval are reported.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray


@dataclass(frozen=True)
class Forecast:
    values: NDArray[np.float64]  # contacts per interval of the coming week
    weeks_used: int
    wape: float | None  # on held-out weeks; None when there is too little history
    mae: float | None
    holdout_weeks: int


def weighted_average(history: NDArray[np.float64], alpha: float) -> NDArray[np.float64]:
    """history: (weeks, intervals), oldest first."""
    weeks = history.shape[0]
    weights = (1 - alpha) ** np.arange(weeks - 1, -1, -1, dtype=float)
    return (history * weights[:, None]).sum(axis=0) / weights.sum()


def forecast_week(history: ArrayLike, *, alpha: float = 0.3, holdout: int = 4) -> Forecast:
    """history: contacts per interval, one row per past week, oldest first."""
    data = np.asarray(history, dtype=float)
    if data.ndim != 2 or data.shape[0] == 0:
        raise ValueError("the history needs at least one full week")
    if np.any(data < 0) or not np.all(np.isfinite(data)):
        raise ValueError("contact counts must be finite and not negative")
    if not 0 < alpha <= 1:
        raise ValueError("alpha must lie in (0, 1]")
    values = weighted_average(data, alpha)
    tests = min(holdout, data.shape[0] - 1)
    wape = mae = None
    if tests >= 1:
        errors, actual = [], []
        for k in range(data.shape[0] - tests, data.shape[0]):
            predicted = weighted_average(data[:k], alpha)
            errors.append(np.abs(predicted - data[k]))
            actual.append(data[k])
        total = float(np.sum(actual))
        mae = float(np.mean(errors))
        wape = float(np.sum(errors) / total) if total else None
    return Forecast(values, data.shape[0], wape, mae, max(tests, 0))
