"""Protects live performance (outcomes known): each figure means what the evaluate stage means
by it, its interval is seeded and comes from resampling the rows, and a figure these rows
cannot give is None with the reason, never a number made up."""

import numpy as np
import pytest
from sklearn.metrics import roc_auc_score

from modelops.model.business import business_value
from modelops.monitor import live
from modelops.monitor.live import live_performance

MARGIN, LGD = 0.15, 0.55


def rows(n: int, seed: int = 0):
    """n applications: p_bad, rejected (p_bad >= 0.5), is_bad drawn from p_bad, amount."""
    rng = np.random.default_rng(seed)
    p_bad = rng.random(n)
    return p_bad, p_bad >= 0.5, rng.random(n) < p_bad, rng.integers(500, 3000, n).astype(float)


def performance(p_bad, rejected, is_bad, amount, resamples=500, seed=0):
    return live_performance(p_bad, rejected, is_bad, amount, MARGIN, LGD, resamples, 0.9, seed)


def test_each_figure_means_what_evaluate_means():
    p_bad, rejected, is_bad, amount = rows(2000)
    found = performance(p_bad, rejected, is_bad, amount)
    metrics = {name: m["value"] for name, m in found["metrics"].items()}
    assert found["rows"] == 2000
    assert metrics == pytest.approx(
        {
            "roc_auc": roc_auc_score(is_bad, p_bad),
            "brier": np.mean((p_bad - is_bad) ** 2),
            "bad_rate_among_approved": is_bad[~rejected].mean(),
            "business.value_per_application": business_value(
                is_bad, ~rejected, amount, MARGIN, LGD
            ),
        }
    )
    for metric in found["metrics"].values():
        assert metric["low"] < metric["value"] < metric["high"]


def test_business_value_of_a_hand_made_case():
    # approved good (earns 0.15 x 1000), approved bad (loses 0.55 x 2000), rejected bad (0)
    found = performance(
        np.array([0.1, 0.2, 0.9]),
        np.array([False, False, True]),
        np.array([False, True, True]),
        np.array([1000.0, 2000.0, 3000.0]),
    )
    value = found["metrics"]["business.value_per_application"]["value"]
    assert value == pytest.approx((150 - 1100) / 3)


def test_the_interval_is_seeded_and_narrows_as_rows_grow():
    small = rows(500)
    assert performance(*small, seed=3) == performance(*small, seed=3)
    assert performance(*small, seed=3) != performance(*small, seed=4)
    width = {}
    for n in (500, 8000):
        auc = performance(*rows(n))["metrics"]["roc_auc"]
        width[n] = auc["high"] - auc["low"]
    # Rows resampled: the width falls as 1 / sqrt(rows), a quarter for 16 times the rows.
    assert 0.15 < width[8000] / width[500] < 0.35


def test_resampling_a_block_at_a_time_gives_the_same_interval(monkeypatch):
    data = rows(1000)
    whole = performance(*data)
    monkeypatch.setattr(live, "BLOCK_CELLS", 3 * 1000)  # three resamples a block
    assert performance(*data) == whole


@pytest.mark.parametrize(
    ("is_bad", "rejected", "missing"),
    [
        ([False] * 4, [False, True, False, True], {"roc_auc": "one class only"}),
        ([True, False, True, False], [True] * 4, {"bad_rate_among_approved": "no approved"}),
        ([], [], dict.fromkeys(live.METRICS, "no outcomes yet")),
    ],
    ids=["one_class", "none_approved", "no_rows"],
)
def test_a_figure_these_rows_cannot_give_is_none_with_the_reason(is_bad, rejected, missing):
    n = len(is_bad)
    is_bad, rejected = np.array(is_bad, dtype=bool), np.array(rejected, dtype=bool)
    found = performance(np.linspace(0, 1, n), rejected, is_bad, np.full(n, 1000.0), resamples=100)
    for name, metric in found["metrics"].items():
        if name in missing:
            assert metric["value"] is None and missing[name] in metric["reason"]
        else:
            assert metric["value"] is not None and "reason" not in metric
