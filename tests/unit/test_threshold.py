"""Protects choose_threshold: the exact value-maximising cut, placed midway, ties kept whole."""

import numpy as np
import pytest

from modelops.model.business import business_value, choose_threshold

MARGIN, LGD = 0.10, 0.50


def test_optimum_cut_is_midway_between_last_approved_and_first_rejected():
    # Sorted by risk the loan values are +100, +100, -50, +500, -500 (given out of order):
    # approving the four lowest gains 650, more than any other cut, so the cut is between
    # 0.5 (approved) and 0.8 (rejected), passing over the small bad loan at 0.3.
    p_bad = [0.5, 0.1, 0.8, 0.3, 0.2]
    is_bad = [False, False, True, True, False]
    amount = [5000, 1000, 1000, 100, 1000]
    assert choose_threshold(p_bad, is_bad, amount, MARGIN, LGD) == pytest.approx(0.65)


@pytest.mark.parametrize(
    ("tied_bad_amount", "expected"),
    [
        (1000, 0.2),  # tied pair worth +100 - 500 < 0: both rejected, cut below 0.3
        (100, 0.45),  # tied pair worth +100 - 50 > 0: both approved, cut above 0.3
    ],
)
def test_ties_in_probability_are_never_split(tied_bad_amount, expected):
    # Splitting the tie at 0.3 (approving only its good loan, listed first) would be worth most.
    p_bad = np.array([0.1, 0.3, 0.3, 0.6])
    is_bad = np.array([False, False, True, True])
    amount = [1000, 1000, tied_bad_amount, 1000]
    threshold = choose_threshold(p_bad, is_bad, amount, MARGIN, LGD)
    assert threshold == pytest.approx(expected)
    rejected = p_bad >= threshold
    assert rejected[1] == rejected[2]


@pytest.mark.parametrize("p_bad", [[0.0, 0.4, 0.99, 1.0], [0.1, 0.2, 0.2, 0.3]])
def test_all_good_approves_everyone_even_at_probability_one(p_bad):
    p_bad = np.array(p_bad)
    threshold = choose_threshold(p_bad, [False] * 4, [100, 200, 300, 400], MARGIN, LGD)
    assert threshold > 1.0
    assert (p_bad < threshold).all()


def test_all_bad_rejects_everyone():
    p_bad = [0.0, 0.2, 0.7, 1.0]
    assert choose_threshold(p_bad, [True] * 4, [100, 200, 300, 400], MARGIN, LGD) == 0.0


def test_empty_input_is_refused():
    with pytest.raises(ValueError, match="at least one"):
        choose_threshold([], [], [], MARGIN, LGD)


def test_chosen_threshold_reaches_the_brute_force_maximum():
    rng = np.random.default_rng(7)
    p_bad = rng.integers(0, 1001, size=300) / 1000  # three decimals: many ties
    is_bad = rng.uniform(size=300) < p_bad
    amount = rng.integers(100, 5000, size=300)
    value = lambda t: business_value(is_bad, p_bad < t, amount, MARGIN, LGD)  # noqa: E731
    # Every cut between distinct p values lies on this grid (step 0.0005 up to 1.001).
    grid_best = max(value(t) for t in np.arange(0, 2003) / 2000)
    chosen = choose_threshold(p_bad, is_bad, amount, MARGIN, LGD)
    assert 0.0 < chosen < 1.0  # an interior cut, not a baseline
    assert value(chosen) == pytest.approx(grid_best, rel=1e-12)
