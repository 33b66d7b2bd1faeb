"""RFM scores by quintile."""

from __future__ import annotations

import numpy as np
import pytest

from clientfocus.value.rfm import SEGMENTS, quintile_scores, rfm_scores


def test_quintiles_split_evenly_and_respect_direction():
    scores = quintile_scores(np.arange(100))
    assert np.bincount(scores)[1:].tolist() == [20, 20, 20, 20, 20]
    assert scores[0] == 1 and scores[-1] == 5
    reverse = quintile_scores(np.arange(100), higher_is_better=False)
    assert reverse[0] == 5 and reverse[-1] == 1


def test_ties_share_a_score():
    scores = quintile_scores([5, 5, 5, 5, 1, 9])
    assert len(set(scores[:4].tolist())) == 1


def test_rfm_segments():
    scores = rfm_scores(
        days_since_last=[1, 300, 2, 400], purchases=[20, 1, 1, 15], revenue=[900, 10, 20, 800]
    )
    assert scores.codes[0][0] > scores.codes[1][0]  # more recent scores higher
    assert scores.segments[0] in {"champions", "loyal"}
    assert scores.segments[1] == "hibernating"


def test_bad_input():
    with pytest.raises(ValueError, match="same length"):
        rfm_scores([1, 2], [1], [1, 2])
    with pytest.raises(ValueError, match="missing"):
        quintile_scores([1.0, float("nan")])


def test_segment_codes_follow_the_first_rule_that_holds():
    rng = np.random.default_rng(3)
    scores = rfm_scores(rng.integers(0, 400, 500), rng.integers(1, 20, 500), rng.random(500))
    names = [name for name, _ in SEGMENTS] + ["others"]
    expected = []
    for r, f, m in zip(scores.recency, scores.frequency, scores.monetary, strict=True):
        hits = [name for name, rule in SEGMENTS if rule(r, f, m)]
        expected.append(hits[0] if hits else "others")
    assert [names[code] for code in scores.segment_codes] == expected == scores.segments
