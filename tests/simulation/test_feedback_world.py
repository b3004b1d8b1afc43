"""Protects the simulated world of benchmarks/feedback_loop.py: the downturn's timing and
shape, who defaults, when outcomes arrive, the money, and that a seed fixes the stream."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from feedback_world import (
    Downturn,
    default_flip_probability,
    downturn_applications,
    outcomes_due,
    period_applications,
    strength,
    true_defaults,
    value_per_application,
)

DOWNTURN = Downturn(start_period=3, ramp_periods=2, income_fall=0.3, max_flip=0.6, half_ratio=4)


@pytest.mark.parametrize(("period", "expected"), [(1, 0.0), (2, 0.0), (3, 0.5), (4, 1.0), (8, 1.0)])
def test_downturn_starts_at_its_period_and_ramps_to_full_strength(period, expected):
    assert strength(DOWNTURN, period) == expected


def test_all_at_once_with_one_ramp_period():
    assert strength(Downturn(start_period=2, ramp_periods=1), 2) == 1.0


def test_incomes_fall_by_the_share_and_missing_stays_missing():
    applications = pd.DataFrame({"Income": [100.0, 151.0, np.nan], "Debt": [0.0, 1.0, 2.0]})
    fallen = downturn_applications(applications, 0.3)
    assert fallen["Income"].tolist()[:2] == [70.0, 106.0]  # 105.7, rounded
    assert np.isnan(fallen["Income"].iloc[2])
    assert applications["Income"].iloc[0] == 100.0  # the input is not changed
    assert fallen["Debt"].tolist() == [0.0, 1.0, 2.0]


def test_flip_probability_rises_with_debt_over_income_up_to_max_flip():
    debt = np.array([0.0, 400.0, 800.0, 4000.0, 400_000.0])
    income = np.full(5, 100.0)  # ratios 0, 4 (half_ratio), 8, 40, 4000
    p = default_flip_probability(debt, income, DOWNTURN, 1.0)
    assert p[0] == 0.0
    assert p[1] == pytest.approx(0.3)  # half of max_flip at half_ratio
    assert p[1] < p[2] < p[3] < p[4] < 0.6
    assert default_flip_probability(debt, income, DOWNTURN, 0.5) == pytest.approx(p / 2)
    assert default_flip_probability(debt, income, DOWNTURN, 0.0).tolist() == [0.0] * 5


def test_no_flip_without_debt_or_income_known_and_most_with_no_income():
    debt = np.array([np.nan, 500.0, 500.0])
    income = np.array([100.0, np.nan, 0.0])
    assert default_flip_probability(debt, income, DOWNTURN, 1.0).tolist() == [0.0, 0.0, 0.6]


def test_bad_stay_bad_and_good_turn_bad_at_their_probability():
    rows = 20_000
    was_bad = np.arange(rows) % 2 == 0
    flip = np.where(np.arange(rows) % 4 < 2, 0.0, 0.5)  # odd rows alternate 0 and 0.5
    bad = true_defaults(was_bad, flip, np.random.default_rng(0))
    assert bad[was_bad].all()
    assert not bad[~was_bad & (flip == 0)].any()
    assert bad[~was_bad & (flip == 0.5)].mean() == pytest.approx(0.5, abs=0.02)


def test_outcomes_arrive_after_the_delay_for_loans_only():
    period_of = np.array([1, 1, 2, 2, 3])
    lent = np.array([True, False, True, True, True])
    assert outcomes_due(period_of, lent, 2, 1).tolist() == [True, False, False, False, False]
    assert outcomes_due(period_of, lent, 3, 1).tolist() == [False, False, True, True, False]
    assert not outcomes_due(period_of, lent, 1, 1).any()


def test_value_earns_the_margin_on_repaid_loans_and_loses_on_defaults():
    # repaid 1000 -> +150, default 2000 -> -1100, rejected 4000 -> 0; per application
    value = value_per_application(
        np.array([False, True, True]),
        np.array([True, True, False]),
        np.array([1000, 2000, 4000]),
        0.15,
        0.55,
    )
    assert value == pytest.approx((150 - 1100) / 3)


def test_a_seed_fixes_the_stream_and_periods_differ(sample):
    held_out = sample.head(200)
    first = period_applications(held_out, 50, 7, 1)
    assert first.equals(period_applications(held_out, 50, 7, 1))
    assert not first["Income"].equals(period_applications(held_out, 50, 7, 2)["Income"])
    assert not first["Income"].equals(period_applications(held_out, 50, 8, 1)["Income"])
    assert first["sim_id"].is_unique and first["sim_id"].iloc[0] == "SIM-p01-00000"
