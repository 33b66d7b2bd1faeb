"""The trend detector: it stays quiet under chance and speaks on a real rise."""

from __future__ import annotations

import numpy as np
import pytest

from clientfocus.voice.trends import NEGATIVITY, VOLUME, Settings, ThemeCounts, detect


def test_volume_rise_is_reported_with_its_statistic():
    rises = detect([ThemeCounts("delivery", 40, 10, 8 * 10, 8 * 2)])
    assert [r.kind for r in rises] == [VOLUME]
    rise = rises[0]
    assert rise.expected == 10.0
    assert rise.p_value < 1e-9
    assert "Rate test (exact binomial): 40 mentions" in rise.statistic
    assert "p = " in rise.statistic


def test_negativity_rise_is_reported():
    rises = detect([ThemeCounts("staff", 20, 16, 8 * 20, 8 * 4)])
    assert [r.kind for r in rises] == [NEGATIVITY]
    assert rises[0].observed == 0.8
    assert "Fisher's exact test: 16 of 20" in rises[0].statistic


def test_small_counts_and_small_effects_stay_quiet():
    assert detect([ThemeCounts("new", 3, 3, 0, 0)]) == []  # below min_count
    assert detect([ThemeCounts("steady", 12, 2, 8 * 10, 8 * 2)]) == []


def test_bonferroni_threshold_shrinks_with_more_themes():
    # p ≈ 1.7e-3 for 22 mentions against 10 a week: below 0.01 / 2, above 0.01 / 62.
    one = detect([ThemeCounts("a", 22, 0, 80, 0)])
    quiet = [ThemeCounts(f"t{i}", 0, 0, 0, 0) for i in range(30)]
    many = detect([ThemeCounts("a", 22, 0, 80, 0), *quiet])
    assert one and not many


def test_false_alarm_rate_under_chance_is_below_alpha():
    rng = np.random.default_rng(7)
    runs, alarms = 2000, 0
    for _ in range(runs):
        counts = []
        for code, rate, neg in (("a", 10, 0.2), ("b", 30, 0.5), ("c", 4, 0.1), ("d", 60, 0.3)):
            weeks = rng.poisson(rate, size=9)
            negs = rng.binomial(weeks, neg)
            recent, recent_neg = int(weeks[-1]), int(negs[-1])
            counts.append(
                ThemeCounts(code, recent, recent_neg, int(weeks[:-1].sum()), int(negs[:-1].sum()))
            )
        alarms += bool(detect(counts, Settings(alpha=0.01)))
    assert alarms / runs < 0.01


def test_a_rise_is_found_most_of_the_time():
    # Measured power with one theme: 20 → 40 a week about 80 %, 20 → 50 about 99 %.
    rng = np.random.default_rng(11)
    found = 0
    for _ in range(500):
        weeks = rng.poisson(20, size=8)
        recent = int(rng.poisson(50))
        found += bool(detect([ThemeCounts("x", recent, 0, int(weeks.sum()), 0)]))
    assert found / 500 > 0.95


@pytest.mark.parametrize(
    "counts",
    [ThemeCounts("x", -1, 0, 0, 0), ThemeCounts("x", 2, 3, 0, 0), ThemeCounts("x", 2, 0, 1, 2)],
)
def test_impossible_counts_are_refused(counts):
    with pytest.raises(ValueError):
        detect([counts])


def test_settings_are_checked():
    with pytest.raises(ValueError):
        Settings(alpha=0)
    with pytest.raises(ValueError):
        Settings(baseline_windows=0)


def test_a_rise_within_the_most_valuable_tier_is_found_and_comes_first():
    # Gold customers complain about delivery 4 times as often as before; in the total
    # (dominated by standard customers) the rise is lost.
    counts = [
        ThemeCounts("delivery", 110, 20, 8 * 100, 8 * 20),
        ThemeCounts("delivery", 100, 15, 8 * 97, 8 * 19, group="tier:standard", priority=2),
        ThemeCounts(
            "delivery", 12, 8, 8 * 3, 8 * 1, group="tier:gold", group_name="Gold", priority=4
        ),
        ThemeCounts("price", 60, 30, 8 * 10, 8 * 2, group="segment:smb", priority=1),
    ]
    rises = detect(counts)
    assert (rises[0].code, rises[0].group) == ("delivery", "tier:gold")
    assert {(r.code, r.group) for r in rises} >= {("price", "segment:smb")}
    assert not any(r.group == "" for r in rises)
    assert "among Gold" in rises[0].statistic
    # The correction counts every group tested: 4 counts, 2 tests each.
    assert all(r.tests == 8 and r.threshold == 0.01 / 8 for r in rises)


def test_groups_are_part_of_the_multiple_testing_correction():
    # A rise that passes alone fails once 30 quiet tier/segment groups are tested too.
    rise = ThemeCounts("a", 22, 0, 80, 0, group="tier:gold", priority=3)
    quiet = [ThemeCounts("a", 0, 0, 0, 0, group=f"segment:s{i}", priority=1) for i in range(30)]
    assert detect([rise])
    assert not detect([rise, *quiet])
