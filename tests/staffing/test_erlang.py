"""Erlang C and Erlang A against exact arithmetic, known identities and a simulation."""

from __future__ import annotations

import math
from fractions import Fraction
from math import factorial

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from clientfocus.staffing.erlang import (
    Load,
    StaffingError,
    agents_needed,
    erlang_a_performance,
    erlang_b,
    erlang_c,
    erlang_c_performance,
    scheduled_staff,
)
from clientfocus.staffing.simulation import simulate


def exact_erlang_c(agents: int, erlangs: int) -> float:
    """The textbook formula in exact rational arithmetic (factorials and all)."""
    a = Fraction(erlangs)
    top = a**agents / factorial(agents) * Fraction(agents) / (agents - a)
    return float(top / (sum(a**k / factorial(k) for k in range(agents)) + top))


def test_the_classic_worked_example():
    # 360 calls per half hour, 4-minute calls, 55 agents, 15-second target: 48 Erlangs.
    load = Load(calls=360, interval_seconds=1800, aht_seconds=240)
    assert load.erlangs == 48
    result = erlang_c_performance(load, 55, 15)
    assert result.p_wait == pytest.approx(exact_erlang_c(55, 48), rel=1e-12)
    assert result.p_wait == pytest.approx(0.2387, abs=1e-4)
    assert result.asa_seconds == pytest.approx(8.18, abs=0.01)
    assert result.service_level == pytest.approx(0.8459, abs=1e-4)
    assert result.occupancy == pytest.approx(0.8727, abs=1e-4)
    needed = agents_needed(load, target_seconds=15, service_level=0.80)
    assert needed.service_level >= 0.8
    assert erlang_c_performance(load, needed.agents - 1, 15).service_level < 0.8


def test_erlang_b_table_values():
    # Erlang B tables: A = 2, n = 4 → 0.0952; A = 5, n = 10 → 0.0184.
    assert erlang_b(4, 2) == pytest.approx(2**4 / 24 / (1 + 2 + 2 + 8 / 6 + 16 / 24), rel=1e-12)
    assert erlang_b(10, 5) == pytest.approx(0.01838, abs=1e-5)


@pytest.mark.parametrize(("agents", "erlangs"), [(2, 1), (11, 10), (30, 25), (80, 72)])
def test_erlang_c_equals_the_exact_formula(agents, erlangs):
    assert erlang_c(agents, erlangs) == pytest.approx(exact_erlang_c(agents, erlangs), rel=1e-10)


def test_hundreds_of_erlangs_without_overflow():
    load = Load(calls=90_000, interval_seconds=3600, aht_seconds=30)  # 750 Erlangs
    result = agents_needed(load, target_seconds=20, service_level=0.8)
    assert 750 < result.agents < 800
    assert math.isfinite(result.asa_seconds) and 0 < result.p_wait < 1
    patient = Load(calls=90_000, interval_seconds=3600, aht_seconds=30, patience_seconds=60)
    assert agents_needed(patient, target_seconds=20, service_level=0.8).agents <= result.agents


@settings(max_examples=40, deadline=None)
@given(
    erlangs=st.floats(min_value=0.1, max_value=400),
    extra=st.integers(min_value=1, max_value=40),
)
def test_erlang_c_is_a_probability_and_falls_with_agents(erlangs, extra):
    agents = math.floor(erlangs) + extra
    c = erlang_c(agents, erlangs)
    assert 0 <= c <= 1
    assert erlang_c(agents + 1, erlangs) <= c + 1e-12


def test_erlang_a_tends_to_erlang_c_when_nobody_hangs_up():
    c = erlang_c_performance(Load(360, 1800, 240), 55, 15)
    a = erlang_a_performance(Load(360, 1800, 240, patience_seconds=1e9), 55, 15)
    assert a.service_level == pytest.approx(c.service_level, abs=1e-6)
    assert a.p_wait == pytest.approx(c.p_wait, abs=1e-6)
    assert a.asa_seconds == pytest.approx(c.asa_seconds, rel=1e-5)


def test_erlang_a_serves_overloads():
    # More traffic than agents: Erlang C has no answer, Erlang A does (people hang up).
    load = Load(calls=400, interval_seconds=1800, aht_seconds=240, patience_seconds=90)
    assert erlang_c_performance(load, 50, 20).service_level == 0.0
    result = erlang_a_performance(load, 50, 20)
    assert 0 < result.service_level < 1 and result.p_abandon > 0.05


def test_simulation_agrees_with_erlang_c():
    sim = simulate(
        arrival_rate=0.2, aht_seconds=240, agents=55, target_seconds=15, arrivals=1_000_000, seed=3
    )
    formula = erlang_c_performance(Load(360, 1800, 240), 55, 15)
    assert sim.service_level == pytest.approx(formula.service_level, abs=0.02)
    assert sim.p_wait == pytest.approx(formula.p_wait, abs=0.02)
    assert sim.asa_seconds == pytest.approx(formula.asa_seconds, rel=0.1)


def test_simulation_agrees_with_erlang_a():
    sim = simulate(
        arrival_rate=0.2, aht_seconds=240, agents=50, target_seconds=15,
        patience_seconds=120, arrivals=1_000_000, seed=3,
    )  # fmt: skip
    formula = erlang_a_performance(Load(360, 1800, 240, patience_seconds=120), 50, 15)
    assert sim.service_level == pytest.approx(formula.service_level, abs=0.02)
    assert sim.p_abandon == pytest.approx(formula.p_abandon, abs=0.005)
    assert sim.asa_seconds == pytest.approx(formula.asa_seconds, rel=0.1)


def test_shrinkage_turns_agents_into_rostered_staff():
    assert scheduled_staff(14, 0.3) == 20
    assert scheduled_staff(14, 0) == 14
    with pytest.raises(StaffingError):
        scheduled_staff(14, 1.0)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"calls": 0, "interval_seconds": 1800, "aht_seconds": 240},
        {"calls": -5, "interval_seconds": 1800, "aht_seconds": 240},
        {"calls": 100, "interval_seconds": 0, "aht_seconds": 240},
        {"calls": 100, "interval_seconds": 1800, "aht_seconds": -1},
        {"calls": float("inf"), "interval_seconds": 1800, "aht_seconds": 240},
        {"calls": 100, "interval_seconds": 1800, "aht_seconds": 240, "patience_seconds": 0},
    ],
)
def test_bad_loads_are_refused(kwargs):
    with pytest.raises(StaffingError):
        Load(**kwargs)


@pytest.mark.parametrize("level", [0, 1, 1.2, -0.1])
def test_unreachable_or_meaningless_targets(level):
    with pytest.raises(StaffingError, match="strictly between"):
        agents_needed(Load(100, 1800, 240), target_seconds=20, service_level=level)


def test_traffic_no_finite_staff_can_serve():
    with pytest.raises(StaffingError, match="Erlangs"):
        agents_needed(Load(1e12, 1, 240), target_seconds=20, service_level=0.8)
