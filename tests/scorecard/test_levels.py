"""The levels and criteria, computed without a database."""

from __future__ import annotations

import pytest

from clientfocus.scorecard import levels


def results(values, thresholds=None):
    return levels.evaluate(values, thresholds or {})


QUALITY = {"first_response": 0.95, "resolution": 0.9, "first_contact": 0.7, "promised": 1.0,
           "csat": 0.85}  # fmt: skip
PROFESSIONAL = {"trained": 0.95, "playbook_coverage": 0.6, "knowledge_reuse": 0.4,
                "internal_csat": 0.9, "grants_in_time": 1.0}  # fmt: skip


def test_a_level_needs_every_criterion_of_it_and_below():
    assert levels.level_reached(results({})) is None
    assert levels.level_reached(results(QUALITY)) == "quality"
    assert levels.level_reached(results({**QUALITY, **PROFESSIONAL})) == "professional"
    # Professional met but one quality criterion not: quality is not reached, nor above.
    assert levels.level_reached(results({**QUALITY, "csat": 0.5, **PROFESSIONAL})) is None


def test_no_data_is_not_met():
    r = results({**QUALITY, "csat": None})
    assert [x.met for x in r if x.code == "csat"] == [None]
    assert levels.level_reached(r) is None


def test_at_most_criteria_and_tuned_thresholds():
    assert levels.meets("tiers_reviewed", 200, 365) is True
    assert levels.meets("tiers_reviewed", 400, 365) is False
    r = results(QUALITY, {"csat": 0.9})
    assert levels.level_reached(r) is None  # 0.85 < the tuned 0.9


def test_next_steps_are_the_lowest_unreached_level_closest_first():
    values = {**QUALITY, "csat": 0.78, "first_contact": 0.3}
    steps = levels.next_steps(results(values))
    assert [s.code for s in steps][:2] == ["csat", "first_contact"]
    reached = {**QUALITY, **PROFESSIONAL, "trained": None, "grants_in_time": 0.85}
    codes = [s.code for s in levels.next_steps(results(reached))]
    assert codes[0] == "grants_in_time" and codes[1] == "trained"  # no data last
    assert all(levels.BY_CODE[c].level == "professional" for c in codes[:2])


def test_thresholds_are_validated():
    assert levels.validate_threshold("nps", 40) == 40.0
    for code, value in (("csat", 1.5), ("nps", -101), ("csat", float("nan")), ("nope", 1)):
        with pytest.raises(ValueError):
            levels.validate_threshold(code, value)


def test_trend_is_a_least_squares_slope_over_months_with_data():
    assert levels.trend([None, 0.5]) is None
    assert levels.trend([0.5, None, 0.7, 0.9]) == pytest.approx(0.6 / (42 / 9))
    assert levels.improving("csat", 0.01) is True
    assert levels.improving("tiers_reviewed", 5.0) is False
    assert levels.improving("csat", None) is None
