"""Recency / frequency / monetary scoring (pure: numpy only).

Each dimension is scored 1..5 by quintile among the customers scored together: a
more recent last purchase, more purchases and more spend score higher. Ties share
a score, so identical customers are never split across segments.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

SEGMENTS = (
    # (name, test on recency score r, frequency score f, monetary score m)
    ("champions", lambda r, f, m: (r >= 4) & (f >= 4) & (m >= 4)),
    ("loyal", lambda r, f, m: (r >= 3) & (f >= 4)),
    ("big spenders", lambda r, f, m: (m >= 5) & (r >= 2)),
    ("promising", lambda r, f, m: (r >= 4) & (f <= 2)),
    ("needs attention", lambda r, f, m: (r == 3) & (f <= 3)),
    ("at risk", lambda r, f, m: (r <= 2) & (f >= 3)),
    ("hibernating", lambda r, f, m: (r <= 2) & (f <= 2)),
)


def quintile_scores(values: ArrayLike, *, higher_is_better: bool = True) -> NDArray[np.int8]:
    """1..5 by quintile of rank (average rank for ties)."""
    array = np.asarray(values, dtype=np.float64)
    if array.size == 0:
        return np.zeros(0, dtype=np.int8)
    if not np.all(np.isfinite(array)):
        raise ValueError("values contain missing or infinite entries")
    order = array if higher_is_better else -array
    sorter = np.argsort(order, kind="stable")
    ranks = np.empty(len(order), dtype=np.float64)
    ranks[sorter] = np.arange(len(order), dtype=np.float64)
    # Average the ranks of tied values: runs of equal values in sorted order.
    ordered = order[sorter]
    starts = np.empty(len(order), dtype=bool)
    starts[0] = True
    np.not_equal(ordered[1:], ordered[:-1], out=starts[1:])
    group = np.cumsum(starts) - 1
    sums = np.bincount(group, weights=ranks[sorter])
    counts = np.bincount(group)
    inverse = np.empty(len(order), dtype=np.intp)
    inverse[sorter] = group
    mean_rank = (sums / counts)[inverse]
    fraction = (mean_rank + 0.5) / len(order)
    return np.clip(np.ceil(fraction * 5), 1, 5).astype(np.int8)


@dataclass(frozen=True)
class RFMScores:
    recency: NDArray[np.int8]
    frequency: NDArray[np.int8]
    monetary: NDArray[np.int8]

    @property
    def codes(self) -> list[str]:
        return [
            f"{r}{f}{m}"
            for r, f, m in zip(self.recency, self.frequency, self.monetary, strict=True)
        ]

    @property
    def segment_codes(self) -> NDArray[np.int16]:
        """Each customer's segment as its index in SEGMENTS (the first rule that holds);
        len(SEGMENTS) for "others"."""
        codes = np.full(len(self.recency), len(SEGMENTS), dtype=np.int16)
        for code in range(len(SEGMENTS) - 1, -1, -1):  # the first rule that holds wins
            codes[SEGMENTS[code][1](self.recency, self.frequency, self.monetary)] = code
        return codes

    @property
    def segments(self) -> list[str]:
        names = [name for name, _ in SEGMENTS] + ["others"]
        return [names[code] for code in self.segment_codes.tolist()]


def rfm_scores(days_since_last: ArrayLike, purchases: ArrayLike, revenue: ArrayLike) -> RFMScores:
    """Score customers: fewer days since the last purchase, more purchases and more
    revenue all score higher."""
    days = np.asarray(days_since_last, dtype=np.float64)
    count = np.asarray(purchases, dtype=np.float64)
    money = np.asarray(revenue, dtype=np.float64)
    if not (len(days) == len(count) == len(money)):
        raise ValueError("recency, frequency and monetary values must have the same length")
    return RFMScores(
        recency=quintile_scores(days, higher_is_better=False),
        frequency=quintile_scores(count),
        monetary=quintile_scores(money),
    )
