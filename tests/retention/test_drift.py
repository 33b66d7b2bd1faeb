"""The at-risk signals and the effect statistic, computed without a database."""

from __future__ import annotations

import pytest

from clientfocus.retention import drift


def test_value_falling_against_the_customers_own_peak():
    falling = drift.Facts(p_alive=0.4, value=300.0, history=[(0.9, 1000.0), (0.8, 900.0)])
    signals = drift.assess(falling)
    assert [s.code for s in signals] == ["value_falling"]
    assert signals[0].detail == {"p_alive": [0.9, 0.4], "value": [1000.0, 300.0]}


def test_small_or_relative_only_drops_are_not_falling():
    # 0.04 → 0.02 halves P(alive) but by two points only; value 1000 → 800 is −20 %.
    assert drift.assess(drift.Facts(p_alive=0.02, history=[(0.04, None)])) == []
    assert drift.assess(drift.Facts(value=800.0, history=[(None, 1000.0)])) == []
    # No history: nothing to fall against.
    assert drift.assess(drift.Facts(p_alive=0.1, value=1.0)) == []


def test_each_kind_of_evidence_is_its_own_signal():
    facts = drift.Facts(
        low_scores=[{"kind": "nps", "score": 3, "item": 1, "at": "2026-11-01"}],
        breaches=["REQ-000001", "REQ-000002"],
        complaints=[{"theme": "delivery", "item": 2}],
    )
    codes = [s.code for s in drift.assess(facts)]
    assert codes == ["detractor", "breached", "complaint"]
    assert drift.assess(facts)[1].detail["count"] == 2


def test_stopped_after_a_delay_only_once_the_usual_gap_has_passed():
    base = {"delay_days_ago": 40, "delayed_order": "A-1", "usual_gap_days": 60.0}
    assert drift.assess(drift.Facts(days_since_order=45, **base)) == []  # within its rhythm
    found = drift.assess(drift.Facts(days_since_order=70, **base))
    assert found[0].code == "stopped_after_delay" and found[0].detail["usual_gap_days"] == 60
    # Bought after the delay: not stopped.
    assert drift.assess(drift.Facts(days_since_order=10, **base)) == []


def test_priority_weighs_value_by_evidence():
    one = drift.assess(drift.Facts(breaches=["REQ-000001"]))
    two = drift.assess(drift.Facts(breaches=["REQ-000001"], angry=[{"item": 1, "at": "x"}]))
    assert drift.priority(one, 1000) == 1000
    assert drift.priority(two, 1000) == 2500
    assert drift.priority(two, None) == 0


def test_effect_says_when_there_are_too_few_and_tests_when_there_are_enough():
    few = drift.effect((3, 2), (4, 1))
    assert not few.enough and few.contacted_rate == pytest.approx(0.667, abs=1e-3)
    clear = drift.effect((100, 60), (100, 30))
    assert clear.enough and clear.p_value is not None and clear.p_value < 0.001
    even = drift.effect((50, 20), (50, 20))
    assert even.p_value is not None and even.p_value > 0.4
    assert drift.effect((0, 0), (0, 0)).p_value is None
    with pytest.raises(ValueError):
        drift.effect((3, 4), (1, 0))
